//! The `madoguchi` binary as a member of staff uses it: real files in, real database, exit codes
//! and Japanese messages out. Runs against SQLite in a temporary data directory.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const JGRANTS_SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/demo/jgrants-records.json"
);
const JNET21_SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../data/demo/jnet21-items.json"
);

/// A data directory of its own and the binary under test.
struct Madoguchi {
    dir: tempfile::TempDir,
}

impl Madoguchi {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_madoguchi"));
        command
            .arg("--data-dir")
            .arg(self.dir.path().join("data"))
            .args(args)
            .env_remove("MADOGUCHI_DATABASE_URL")
            .env_remove("MADOGUCHI_DIAGNOSE_LIMIT")
            .env_remove("MADOGUCHI_TRUSTED_PROXIES")
            .env_remove("MADOGUCHI_PASSWORD");
        command
    }

    fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().unwrap()
    }

    /// Runs with `input` on standard input (a pipe, not a terminal).
    fn run_with_input(&self, args: &[&str], input: &str) -> Output {
        let mut child = self
            .command(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    /// Runs a command that must fail and returns what it printed on standard error.
    fn fails(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(!out.status.success(), "{args:?} should have failed");
        String::from_utf8(out.stderr).unwrap()
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }

    fn export_json(&self) -> serde_json::Value {
        serde_json::from_str(&self.ok(&["export", "--format", "json"])).unwrap()
    }
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn line_count(summary: &str, label: &str) -> usize {
    summary
        .lines()
        .find_map(|l| {
            l.trim()
                .strip_prefix(label)?
                .strip_suffix("件")?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or_else(|| panic!("no 「{label}」 line in:\n{summary}"))
}

#[test]
fn help_lists_every_command() {
    let app = Madoguchi::new();
    let help = app.ok(&["--help"]);
    for command in [
        "serve", "migrate", "import", "export", "demo", "backup", "restore", "user",
    ] {
        assert!(
            help.contains(command),
            "--help does not list {command}:\n{help}"
        );
    }
}

#[test]
fn serve_refuses_a_malformed_diagnose_limit_in_japanese_before_starting() {
    let app = Madoguchi::new();
    let stderr = app.fails(&["serve", "--diagnose-limit", "60", "--addr", "127.0.0.1:0"]);
    assert!(
        stderr.contains("診断の回数制限「60」を読み取れません"),
        "{stderr}"
    );
    assert!(stderr.contains("off"), "{stderr}");
    assert!(
        !app.dir.path().join("data").exists(),
        "nothing is created before the options are valid"
    );
}

#[test]
fn serve_refuses_a_bad_trusted_proxy_in_japanese_naming_it_before_starting() {
    let app = Madoguchi::new();
    let stderr = app.fails(&[
        "serve",
        "--trusted-proxy",
        "10.0.0.5",
        "--trusted-proxy",
        "10.0.0.0/33",
        "--addr",
        "127.0.0.1:0",
    ]);
    assert!(
        stderr.contains("信頼するプロキシ「10.0.0.0/33」を読み取れません"),
        "{stderr}"
    );
    // From the environment, one bad entry in a comma-separated list.
    let output = app
        .command(&["serve", "--addr", "127.0.0.1:0"])
        .env(
            "MADOGUCHI_TRUSTED_PROXIES",
            "10.0.0.5,fd00::/8,proxy.city.example",
        )
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("信頼するプロキシ「proxy.city.example」を読み取れません"),
        "{stderr}"
    );
    assert!(
        !app.dir.path().join("data").exists(),
        "nothing is created before the options are valid"
    );
}

#[test]
fn importing_the_same_jgrants_file_twice_changes_nothing() {
    let app = Madoguchi::new();
    let first = app.ok(&["import", "jgrants", JGRANTS_SAMPLE, "--skip-invalid"]);
    let created = line_count(&first, "新規:");
    assert!(created > 100, "{first}");
    let second = app.ok(&["import", "jgrants", JGRANTS_SAMPLE, "--skip-invalid"]);
    assert_eq!(line_count(&second, "新規:"), 0, "{second}");
    assert_eq!(line_count(&second, "更新:"), 0, "{second}");
    assert_eq!(line_count(&second, "変更なし:"), created, "{second}");
}

#[test]
fn a_csv_export_opens_in_excel_and_round_trips_through_import() {
    let app = Madoguchi::new();
    app.ok(&["import", "jgrants", JGRANTS_SAMPLE, "--skip-invalid"]);
    app.ok(&["import", "jnet21", JNET21_SAMPLE, "--skip-invalid"]);
    let before = app.export_json();
    let csv = app.dir.path().join("programs.csv");
    app.ok(&["export", "--format", "csv", "--output", s(&csv)]);
    let bytes = std::fs::read(&csv).unwrap();
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "Excel needs the UTF-8 byte order mark"
    );

    let other = Madoguchi::new();
    other.ok(&["import", "programs", s(&csv)]);
    assert_eq!(
        other.export_json(),
        before,
        "CSV import must give back exactly what was exported"
    );
    let again = app.ok(&["import", "programs", s(&csv)]);
    assert_eq!(
        line_count(&again, "新規:") + line_count(&again, "更新:"),
        0,
        "{again}"
    );
}

#[test]
fn bad_files_are_refused_in_japanese_and_nothing_already_saved_is_lost() {
    let app = Madoguchi::new();
    app.ok(&["import", "jgrants", JGRANTS_SAMPLE, "--skip-invalid"]);
    let before = app.export_json();

    let empty = app.file("empty.json", b"");
    assert!(
        app.fails(&["import", "jgrants", s(&empty)])
            .contains("空です")
    );

    let malformed = app.file("broken.json", b"[{\"id\": \"jgrants-x\", \"title\": }]");
    let err = app.fails(&["import", "jgrants", s(&malformed)]);
    assert!(err.contains("broken.json") && err.contains("行"), "{err}");

    // 「ID,制度名」 saved by Excel in Shift_JIS.
    let sjis = app.file(
        "sjis.csv",
        b"ID,\x90\xa7\x93x\x96\xbc\r\nx,\x95\xe2\x8f\x95\x8b\xe0\r\n",
    );
    let err = app.fails(&["import", "programs", s(&sjis)]);
    assert!(err.contains("Shift_JIS"), "{err}");

    let huge = app.dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(3 * 1024 * 1024 * 1024)
        .unwrap();
    let err = app.fails(&["import", "jgrants", s(&huge)]);
    assert!(err.contains("大きすぎます"), "{err}");

    assert_eq!(
        app.export_json(),
        before,
        "a refused import must leave the database as it was"
    );
}

/// One valid program and one with the given fault, in madoguchi's own JSON format.
fn own_json_with(fault: serde_json::Value) -> Vec<u8> {
    let valid = serde_json::json!({
        "id": "test-valid", "title": "日置市 小規模事業者支援補助金", "kind": "subsidy",
        "issuer": {"level": "municipal", "code": "462161", "name": "鹿児島県日置市"},
        "industries": {"scope": "all"}, "areas": {"scope": "local", "codes": ["462161"]},
        "status": "open", "source": {"kind": "manual"}
    });
    let mut broken = valid.clone();
    broken["id"] = "test-broken".into();
    for (k, v) in fault.as_object().unwrap() {
        broken[k] = v.clone();
    }
    serde_json::to_vec(&serde_json::json!([valid, broken])).unwrap()
}

#[test]
fn an_invalid_record_stops_the_whole_import_and_is_named_with_its_problem() {
    let app = Madoguchi::new();
    app.ok(&["import", "jgrants", JGRANTS_SAMPLE, "--skip-invalid"]);
    let before = app.export_json();
    let faults = [
        (
            serde_json::json!({"rounds": [{"opens": "2026-05-01", "closes": "2026-04-01"}]}),
            "受付終了日時",
        ),
        (serde_json::json!({"amount": {"max": -100}}), "負の値"),
        (
            serde_json::json!({"areas": {"scope": "local", "codes": ["462048"]}}),
            "462048",
        ),
        (
            serde_json::json!({"issuer": {"level": "municipal", "code": "139998", "name": "東京都架空市"}}),
            "139998",
        ),
    ];
    for (fault, expected) in faults {
        let file = app.file("programs.json", &own_json_with(fault));
        let err = app.fails(&["import", "programs", s(&file)]);
        assert!(
            err.contains("test-broken") || err.contains("2件目"),
            "record not named: {err}"
        );
        assert!(
            err.contains(expected),
            "problem not named ({expected}): {err}"
        );
        assert_eq!(
            app.export_json(),
            before,
            "nothing may be saved when a record is invalid"
        );
    }
}

#[test]
fn skip_invalid_saves_the_valid_records_and_lists_the_others() {
    let app = Madoguchi::new();
    let file = app.file(
        "programs.json",
        &own_json_with(serde_json::json!({"amount": {"max": -1}})),
    );
    let out = app.ok(&["import", "programs", s(&file), "--skip-invalid"]);
    assert_eq!(line_count(&out, "新規:"), 1, "{out}");
    assert_eq!(line_count(&out, "不正:"), 1, "{out}");
    assert!(out.contains("test-broken"), "{out}");
}

#[test]
fn a_backup_restores_the_database_as_it_was() {
    let app = Madoguchi::new();
    app.ok(&["import", "jnet21", JNET21_SAMPLE, "--skip-invalid"]);
    let saved = app.export_json();
    let backup = app.dir.path().join("backup.db");
    app.ok(&["backup", s(&backup)]);
    app.ok(&["import", "jgrants", JGRANTS_SAMPLE, "--skip-invalid"]);
    assert_ne!(app.export_json(), saved);
    app.ok(&["restore", s(&backup)]);
    assert_eq!(app.export_json(), saved);
}

#[test]
fn demo_loads_real_records_from_both_sources() {
    let app = Madoguchi::new();
    app.ok(&["demo"]);
    let programs = app.export_json();
    let programs = programs.as_array().unwrap();
    let from = |kind: &str| {
        programs
            .iter()
            .filter(|p| p["source"]["kind"] == kind)
            .count()
    };
    assert!(from("jgrants") > 100, "jGrants records missing");
    assert!(from("jnet21") > 50, "J-Net21 records missing");
}

#[test]
fn classify_answers_in_the_documented_json_shape_following_the_law() {
    let app = Madoguchi::new();
    // Capital within 3億円 makes a manufacturer an SME whatever its headcount.
    let out = app.ok(&[
        "classify",
        "--industry",
        "E",
        "--capital",
        "3億円",
        "--employees",
        "500",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["sme"], true, "{json}");
    assert_eq!(json["small_business"], false, "{json}");
    assert!(
        json["industry_class"].as_str().unwrap().contains("製造業"),
        "{json}"
    );
    assert!(!json["reasons"].as_array().unwrap().is_empty());
    // 各種商品卸売業 (50): 1億円/100人; both exceeded.
    let out = app.ok(&[
        "classify",
        "--industry",
        "50",
        "--capital",
        "2億円",
        "--employees",
        "150",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["sme"], false, "{json}");
    // Nothing known: nothing decided.
    let json: serde_json::Value =
        serde_json::from_str(&app.ok(&["classify", "--format", "json"])).unwrap();
    assert_eq!(json["sme"], serde_json::Value::Null, "{json}");
    let err = app.fails(&["classify", "--capital", "たくさん"]);
    assert!(err.contains("たくさん"), "{err}");
}

#[test]
fn diagnose_prints_the_documented_json_for_the_demo_catalogue() {
    let app = Madoguchi::new();
    app.ok(&["demo"]);
    let profile = app.file(
        "profile.json",
        r#"{"municipality":"462161","industry":"E","employees":12,"capital":"1000万円","org_form":"stock_company"}"#
            .as_bytes(),
    );
    let out = app.ok(&[
        "diagnose",
        "--profile",
        s(&profile),
        "--as-of",
        "2026-11-23",
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(json["as_of"], "2026-11-23");
    let results = json["results"].as_array().unwrap();
    assert!(
        results.len() > 200,
        "every program in the database gets a verdict"
    );
    let allowed = ["eligible", "conditional", "needs_info", "ineligible"];
    for r in results {
        for key in ["program_id", "title", "window"] {
            assert!(r[key].is_string(), "{key} in {r}");
        }
        assert!(allowed.contains(&r["verdict"].as_str().unwrap()), "{r}");
        for key in ["missing", "conditions", "hints"] {
            assert!(r[key].is_array(), "{key} in {r}");
        }
    }
    // A jGrants record states its conditions only in text: never 対象 on a guess.
    assert!(
        results
            .iter()
            .filter(|r| r["program_id"].as_str().unwrap().starts_with("jgrants-"))
            .all(|r| r["verdict"] != "eligible")
    );
    let next = &json["next_question"];
    assert!(
        next["field"].is_string() && next["question"].is_string(),
        "{next}"
    );

    let bad = app.file("bad.json", br#"{"employees": -1, "emploees": 3}"#);
    let err = app.fails(&["diagnose", "--profile", s(&bad)]);
    assert!(
        err.contains("employees") && err.contains("emploees"),
        "{err}"
    );
}

#[test]
fn check_rules_passes_on_the_demo_and_fails_on_a_wrong_expectation() {
    let app = Madoguchi::new();
    app.ok(&["demo"]);
    let out = app.ok(&["check-rules", "--as-of", "2026-11-23"]);
    assert!(out.contains("すべてのルールは有効"), "{out}");

    let wrong = serde_json::json!([{
        "id": "test-wrong-expectation", "title": "日置市 テスト用補助金", "kind": "subsidy",
        "issuer": {"level": "municipal", "code": "462161", "name": "鹿児島県日置市"},
        "industries": {"scope": "all"}, "areas": {"scope": "local", "codes": ["462161"]},
        "status": "open", "source": {"kind": "manual"},
        "rule": {"all": [{"field": "employees", "op": "le", "value": 20}]},
        "test_cases": [{"name": "従業員50人", "profile": {"employees": 50}, "expect": "eligible"}]
    }]);
    let file = app.file("wrong.json", wrong.to_string().as_bytes());
    app.ok(&["import", "programs", s(&file)]);
    let err = app.fails(&["check-rules", "--as-of", "2026-11-23"]);
    assert!(
        err.contains("test-wrong-expectation") && err.contains("従業員50人"),
        "{err}"
    );
}

fn succeeded(out: &Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn failed(out: &Output) -> String {
    assert!(!out.status.success(), "should have failed");
    String::from_utf8(out.stderr.clone()).unwrap()
}

/// Runs `check` on the store behind the app's data directory, opened for this check
/// alone, to see what the commands saved.
fn inspect<T>(app: &Madoguchi, check: impl AsyncFnOnce(madoguchi_store::Store) -> T) -> T {
    let file = app.dir.path().join("data").join("madoguchi.db");
    tokio::runtime::Runtime::new().unwrap().block_on(async {
        let store = madoguchi_store::Store::open_sqlite(&file).await.unwrap();
        let result = check(store.clone()).await;
        store.close().await;
        result
    })
}

async fn account_named(store: &madoguchi_store::Store, login: &str) -> madoguchi_store::Account {
    let login = madoguchi_store::Login::parse(login).unwrap();
    store.account_by_login(&login).await.unwrap().unwrap()
}

#[test]
fn the_first_administrator_is_added_with_a_password_from_standard_input() {
    let app = Madoguchi::new();
    let empty = app.ok(&["user", "list"]);
    assert!(empty.contains("--admin"), "{empty}");

    let out = app.run_with_input(
        &[
            "user",
            "add",
            "--login",
            "Admin",
            "--name",
            "管理 太郎",
            "--admin",
        ],
        "first admin passphrase\n",
    );
    assert!(succeeded(&out).contains("利用者「admin」（管理 太郎、管理者）を追加しました"));
    let mut scripted = app.command(&[
        "user", "add", "--login", "sato", "--name", "佐藤", "--role", "viewer",
    ]);
    scripted.env("MADOGUCHI_PASSWORD", "scripted passphrase");
    succeeded(&scripted.output().unwrap());

    let list = app.ok(&["user", "list"]);
    let lines: Vec<&str> = list.lines().collect();
    assert_eq!(lines.len(), 2, "{list}");
    assert!(
        lines[0].starts_with("admin\t管理 太郎\t管理者\t有効\t"),
        "{list}"
    );
    assert!(lines[1].starts_with("sato\t佐藤\t閲覧\t有効\t"), "{list}");

    // The stored hash is argon2id and verifies the password given; nothing else does.
    let admin = inspect(&app, async |store| account_named(&store, "admin").await);
    assert!(admin.password_hash.starts_with("$argon2id$"));
    assert!(madoguchi_staff::password::verify(
        "first admin passphrase",
        &admin.password_hash
    ));
    assert!(!madoguchi_staff::password::verify(
        "first admin passphrasE",
        &admin.password_hash
    ));

    let entries = inspect(&app, async |store| {
        let all = madoguchi_store::AuditFilter::default();
        store.audit_entries(&all).await.unwrap()
    });
    assert_eq!(entries.len(), 2);
    assert!(
        entries
            .iter()
            .all(|e| e.action == "account.create" && e.actor_name == "コマンドライン")
    );
    let text = format!("{entries:?}");
    assert!(!text.contains("passphrase"), "{text}");
}

#[test]
fn a_password_is_never_taken_from_the_command_line_and_a_weak_one_is_refused() {
    let app = Madoguchi::new();
    let err = app.fails(&[
        "user",
        "add",
        "--login",
        "a",
        "--name",
        "A",
        "--password",
        "long enough passphrase",
    ]);
    assert!(err.contains("--password"), "{err}");
    let short = app.run_with_input(&["user", "add", "--login", "a", "--name", "A"], "short\n");
    assert!(failed(&short).contains("12文字以上"));
    let none = app.run_with_input(&["user", "add", "--login", "a", "--name", "A"], "");
    assert!(failed(&none).contains("MADOGUCHI_PASSWORD"));
    let bad_login = app.run_with_input(
        &["user", "add", "--login", "田中", "--name", "田中"],
        "long enough passphrase\n",
    );
    assert!(failed(&bad_login).contains("ログインID"));
    let both = app.fails(&[
        "user", "add", "--login", "a", "--name", "A", "--admin", "--role", "viewer",
    ]);
    assert!(both.contains("--role"), "{both}");
    assert!(app.ok(&["user", "list"]).contains("まだいません"));

    let added = app.run_with_input(
        &["user", "add", "--login", "a", "--name", "A"],
        "long enough passphrase\n",
    );
    succeeded(&added);
    let again = app.run_with_input(
        &["user", "add", "--login", "A", "--name", "A"],
        "long enough passphrase\n",
    );
    assert!(failed(&again).contains("既に使われています"));
}

#[test]
fn set_password_and_disable_change_the_account_and_end_its_sessions() {
    let app = Madoguchi::new();
    succeeded(&app.run_with_input(
        &["user", "add", "--login", "tanaka", "--name", "田中"],
        "the old passphrase\n",
    ));
    let account = inspect(&app, async |store| {
        let account = account_named(&store, "tanaka").await;
        let now = time::OffsetDateTime::now_utc();
        let session = madoguchi_store::NewSession {
            token_hash: "a".repeat(64),
            subject: Some(account.id.clone()),
            csrf_token: "csrf".to_owned(),
            data: "{}".to_owned(),
            expires_at: now + time::Duration::hours(1),
        };
        store.create_session(&session, now).await.unwrap();
        account
    });

    let out = app.run_with_input(
        &["user", "set-password", "--login", "TANAKA"],
        "the new passphrase\n",
    );
    assert!(succeeded(&out).contains("パスワードを変更しました"));
    let (changed, session) = inspect(&app, async |store| {
        let now = time::OffsetDateTime::now_utc();
        (
            store.account(&account.id).await.unwrap().unwrap(),
            store.session(&"a".repeat(64), now).await.unwrap(),
        )
    });
    assert!(madoguchi_staff::password::verify(
        "the new passphrase",
        &changed.password_hash
    ));
    assert!(session.is_none(), "the account's sessions ended");

    assert!(
        app.ok(&["user", "disable", "--login", "tanaka"])
            .contains("無効にしました")
    );
    assert!(
        app.ok(&["user", "list"])
            .contains("tanaka\t田中\t職員\t無効")
    );
    let unknown = app.fails(&["user", "disable", "--login", "nobody"]);
    assert!(unknown.contains("見つかりません"), "{unknown}");
}

#[test]
fn the_last_administrator_cannot_be_disabled_from_the_command_line_either() {
    let app = Madoguchi::new();
    succeeded(&app.run_with_input(
        &[
            "user",
            "add",
            "--login",
            "admin",
            "--name",
            "管理 太郎",
            "--admin",
        ],
        "first admin passphrase\n",
    ));
    let refused = app.fails(&["user", "disable", "--login", "admin"]);
    assert!(
        refused.contains("最後の管理者は無効にできません"),
        "{refused}"
    );
    assert!(
        app.ok(&["user", "list"])
            .contains("admin\t管理 太郎\t管理者\t有効")
    );

    succeeded(&app.run_with_input(
        &[
            "user",
            "add",
            "--login",
            "second",
            "--name",
            "管理 次郎",
            "--admin",
        ],
        "second admin passphrase\n",
    ));
    assert!(
        app.ok(&["user", "disable", "--login", "admin"])
            .contains("無効にしました")
    );
    let refused = app.fails(&["user", "disable", "--login", "second"]);
    assert!(refused.contains("最後の管理者"), "{refused}");

    // Only the disable that happened is in the audit log, as the console would write it.
    let entries = inspect(&app, async |store| {
        let all = madoguchi_store::AuditFilter::default();
        store.audit_entries(&all).await.unwrap()
    });
    let disables: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "account.disable")
        .collect();
    assert_eq!(disables.len(), 1, "{entries:?}");
    assert_eq!(disables[0].target.as_deref(), Some("admin"));
    assert_eq!(disables[0].actor_name, "コマンドライン");
    assert_eq!(
        disables[0].detail,
        "利用者を無効にしました（終了したセッション 0件）"
    );
}

/// `n` valid programs in madoguchi's own JSON format, then one whose window closes before it
/// opens: more than one chunk of the streamed save lands in the transaction before the last
/// record is read.
fn many_programs_then_a_broken_one(n: usize) -> Vec<u8> {
    let one = |i: usize| {
        serde_json::json!({
            "id": format!("test-{i:05}"), "title": format!("日置市 小規模事業者支援補助金 {i}"),
            "kind": "subsidy",
            "issuer": {"level": "municipal", "code": "462161", "name": "鹿児島県日置市"},
            "industries": {"scope": "all"}, "areas": {"scope": "local", "codes": ["462161"]},
            "status": "open", "source": {"kind": "manual"}
        })
    };
    let mut records: Vec<serde_json::Value> = (0..n).map(one).collect();
    let mut broken = one(n);
    broken["rounds"] = serde_json::json!([{"opens": "2026-05-01", "closes": "2026-04-01"}]);
    records.push(broken);
    serde_json::to_vec(&records).unwrap()
}

#[test]
fn a_streamed_import_whose_last_record_is_invalid_saves_nothing() {
    let app = Madoguchi::new();
    let file = app.file("many.json", &many_programs_then_a_broken_one(1_200));
    let err = app.fails(&["import", "programs", s(&file)]);
    assert!(err.contains("1201件目"), "{err}");
    assert!(err.contains("何も取り込んでいません"), "{err}");
    assert_eq!(app.export_json(), serde_json::json!([]));

    let out = app.ok(&["import", "programs", s(&file), "--skip-invalid"]);
    assert_eq!(line_count(&out, "新規:"), 1_200, "{out}");
    assert_eq!(line_count(&out, "不正:"), 1, "{out}");
    assert_eq!(app.export_json().as_array().unwrap().len(), 1_200);
}

#[test]
fn a_record_of_50_mb_is_refused_and_nothing_is_saved() {
    let app = Madoguchi::new();
    let huge = format!(
        r#"[{{"id": "test-huge", "title": "大きな制度", "detail": "{}"}}]"#,
        "あ".repeat(50 * 1024 * 1024 / 3)
    );
    let file = app.file("huge-record.json", huge.as_bytes());
    let err = app.fails(&["import", "programs", s(&file)]);
    assert!(err.contains("1件目のレコードが大きすぎます"), "{err}");
    assert_eq!(app.export_json(), serde_json::json!([]));
}
