//! The console's pages at work: the freshness home page and its 「確認した」, accounts,
//! settings, and the audit log with its Excel-friendly CSV read back by a real CSV parser.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_core::program::{Program, ProgramId, Title};
use madoguchi_store::testing::blank_program;
use madoguchi_store::{AuditFilter, NewAuditEntry, Role};
use madoguchi_web::console::AUDIT_CSV_HEADER;
use time::{Duration, Time};

use common::{closing_on, today_jst};
use console_support::{Browser, Console};

fn program(id: &str, title: &str) -> Program {
    Program {
        id: ProgramId::parse(id).unwrap(),
        title: Title::parse(title).unwrap(),
        ..blank_program()
    }
}

fn catalogue() -> Vec<Program> {
    let today = today_jst();
    vec![
        Program {
            last_verified: Some(today),
            ..program("fresh", "先週確認した補助金")
        },
        program("never-checked", "一度も確認していない補助金"),
        Program {
            last_verified: Some(today - Duration::days(100)),
            ..program("checked-long-ago", "百日前に確認した補助金")
        },
        Program {
            // Checked before it closed: nobody has looked since.
            last_verified: Some(today - Duration::days(10)),
            ..closing_on(
                program("still-open", "締切を過ぎた補助金"),
                today - Duration::days(3),
                Time::from_hms(17, 0, 0).unwrap(),
            )
        },
    ]
}

/// The part of the page between two headings' ids, to see which list a row is in.
fn section<'p>(body: &'p str, heading_id: &str) -> &'p str {
    let start = body.find(&format!("id=\"{heading_id}\"")).unwrap();
    let rest = &body[start..];
    let end = rest.find("</section>").unwrap();
    &rest[..end]
}

async fn signed_in_as<'c>(console: &'c Console, login: &str, role: Role) -> Browser<'c> {
    let account = console.account(login, role).await;
    console.signed_in(&account).await
}

#[tokio::test]
async fn home_lists_stale_and_overdue_programs_and_only_editors_get_the_button() {
    let console = Console::new(&catalogue()).await;
    let mut viewer = signed_in_as(&console, "viewer", Role::Viewer).await;
    let page = viewer.get("/console").await;
    assert_eq!(page.status, StatusCode::OK);
    let stale = section(&page.body, "stale-heading");
    assert!(
        stale.contains("90日以上確認していない制度（2件）"),
        "{stale}"
    );
    assert!(
        stale.contains("一度も確認していない補助金") && stale.contains("百日前に確認した補助金")
    );
    assert!(!stale.contains("先週確認した補助金"));
    assert!(
        stale.find("一度も").unwrap() < stale.find("百日前").unwrap(),
        "never checked first"
    );
    let overdue = section(&page.body, "overdue-heading");
    assert!(overdue.contains("締切を過ぎた補助金"), "{overdue}");
    assert!(!page.body.contains("確認した<span"), "閲覧 gets no button");

    let mut staff = signed_in_as(&console, "staff", Role::Staff).await;
    let page = staff.get("/console").await;
    assert_eq!(page.body.matches("確認した<span").count(), 3);
}

#[tokio::test]
async fn pressing_checked_records_who_and_when_and_the_public_site_shows_it() {
    let console = Console::new(&catalogue()).await;
    let mut staff = signed_in_as(&console, "staff", Role::Staff).await;
    let _ = staff.get("/console").await;
    let page = staff
        .post(
            "/console/programs/never-checked/verify",
            &[("version", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.location(), "/console?verified=never-checked");
    let home = staff.get(page.location()).await;
    assert!(
        home.body
            .contains("「一度も確認していない補助金」を確認済みにしました")
    );
    assert!(section(&home.body, "stale-heading").contains("（1件）"));

    let id = ProgramId::parse("never-checked").unwrap();
    let stored = console.app.store.program(&id).await.unwrap().unwrap();
    assert_eq!(
        (stored.version, stored.last_verified),
        (2, Some(today_jst()))
    );
    let entry = &console
        .app
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .unwrap()[0];
    assert_eq!(entry.action, "program.verify");
    assert_eq!(entry.target.as_deref(), Some("never-checked"));
    assert_eq!(entry.actor_name, "職員さん");
    assert_eq!(entry.client.as_deref(), Some("192.0.2.1"));

    // The public page reads the reloaded catalogue.
    let public = staff.get("/programs/never-checked").await;
    let label = madoguchi_core::calendar::wareki::format_date(today_jst());
    assert!(public.body.contains(&label), "{}", public.body);
}

#[tokio::test]
async fn checking_a_version_someone_changed_since_is_refused_with_a_message() {
    let console = Console::new(&catalogue()).await;
    let mut staff = signed_in_as(&console, "staff", Role::Staff).await;
    let _ = staff.get("/console").await;
    let changed = Program {
        summary: "別の職員が直しました".to_owned(),
        ..program("never-checked", "一度も確認していない補助金")
    };
    console
        .app
        .store
        .save_program(&changed, "web")
        .await
        .unwrap();
    let page = staff
        .post(
            "/console/programs/never-checked/verify",
            &[("version", "1")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.body.contains("他の人が更新しました"), "{}", page.body);
    let unknown = staff
        .post(
            "/console/programs/no-such-program/verify",
            &[("version", "1")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let tampered = staff
        .post(
            "/console/programs/never-checked/verify",
            &[("version", "最新")],
        )
        .await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn an_administrator_adds_people_and_mistakes_are_shown_beside_the_field() {
    let console = Console::new(&[]).await;
    let mut admin = signed_in_as(&console, "admin", Role::Admin).await;
    let _ = admin.get("/console/users").await;
    let short = admin
        .post(
            "/console/users",
            &[
                ("login", "Sato"),
                ("display_name", "佐藤 花子"),
                ("role", "viewer"),
                ("password", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        short
            .body
            .contains("id=\"new-password-error\">パスワードは12文字以上"),
        "{}",
        short.body
    );
    assert!(short.body.contains("value=\"Sato\"") && short.body.contains("value=\"佐藤 花子\""));

    let fields = [
        ("login", "Sato"),
        ("display_name", "佐藤 花子"),
        ("role", "viewer"),
        ("password", "long enough passphrase"),
    ];
    let added = admin.post("/console/users", &fields).await;
    assert_eq!(added.location(), "/console/users?done=added");
    let list = admin.get("/console/users?done=added").await;
    assert!(list.body.contains("利用者を追加しました") && list.body.contains("佐藤 花子"));
    let taken = admin.post("/console/users", &fields).await;
    assert!(
        taken
            .body
            .contains("ログインID「sato」は既に使われています"),
        "{}",
        taken.body
    );
    let bad_login = admin
        .post(
            "/console/users",
            &[
                ("login", "佐藤"),
                ("display_name", "佐藤"),
                ("role", "staff"),
                ("password", "long enough passphrase"),
            ],
        )
        .await;
    assert!(
        bad_login.body.contains("id=\"new-login-error\""),
        "{}",
        bad_login.body
    );

    let entry = &console
        .app
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .unwrap()[0];
    assert_eq!(entry.action, "account.create");
    assert_eq!(
        entry.detail,
        "利用者「sato」（佐藤 花子、閲覧）を追加しました"
    );
    assert!(!entry.detail.contains("passphrase"));
}

#[tokio::test]
async fn the_last_administrator_stays_and_nobody_disables_themselves() {
    let console = Console::new(&[]).await;
    let me = console.account("admin", Role::Admin).await;
    let mut admin = console.signed_in(&me).await;
    let _ = admin.get("/console/users").await;
    let demote = admin
        .post(
            &format!("/console/users/{}/role", me.id),
            &[("role", "staff")],
        )
        .await;
    assert_eq!(demote.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(demote.body.contains("最後の管理者"), "{}", demote.body);
    let disable = admin
        .post(&format!("/console/users/{}/disable", me.id), &[])
        .await;
    assert!(
        disable
            .body
            .contains("自分自身を無効にすることはできません")
    );

    // With a second administrator, the first may step down.
    let other = console.account("second-admin", Role::Admin).await;
    let demote = admin
        .post(
            &format!("/console/users/{}/role", me.id),
            &[("role", "staff")],
        )
        .await;
    assert_eq!(demote.status, StatusCode::SEE_OTHER);
    assert_eq!(
        admin.get("/console/users").await.status,
        StatusCode::FORBIDDEN
    );
    let mut second = console.signed_in(&other).await;
    let _ = second.get("/console/users").await;
    let disable = second
        .post(&format!("/console/users/{}/disable", me.id), &[])
        .await;
    assert_eq!(disable.status, StatusCode::SEE_OTHER);
    assert!(
        admin
            .get("/console")
            .await
            .location()
            .starts_with("/console/login")
    );
    let missing = second.post("/console/users/nobody/disable", &[]).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn settings_change_what_home_counts_as_stale_and_are_audited() {
    let console = Console::new(&catalogue()).await;
    let mut admin = signed_in_as(&console, "admin", Role::Admin).await;
    let page = admin.get("/console/settings").await;
    assert!(page.body.contains("value=\"90\""), "{}", page.body);
    let wrong = admin
        .post("/console/settings", &[("stale_after_days", "九十日")])
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("1から3650までの半角数字"));
    let saved = admin
        .post(
            "/console/settings",
            &[
                ("stale_after_days", "365"),
                ("require_second_approval", "true"),
            ],
        )
        .await;
    assert_eq!(saved.location(), "/console/settings?saved=1");
    let home = admin.get("/console").await;
    let stale = section(&home.body, "stale-heading");
    assert!(
        stale.contains("365日以上確認していない制度（1件）"),
        "{stale}"
    );
    let entries = console
        .app
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .unwrap();
    let details: Vec<&str> = entries.iter().map(|e| e.detail.as_str()).collect();
    assert!(
        details.contains(&"確認が必要になるまでの日数：90 → 365"),
        "{details:?}"
    );
    assert!(details.contains(&"公開に別の人の承認を必要とする：いいえ → はい"));
    let settings = madoguchi_web::console::ConsoleSettings::load(&console.app.store)
        .await
        .unwrap();
    assert!(settings.require_second_approval);
}

async fn note(console: &Console, action: &str, target: &str, detail: &str) {
    console
        .app
        .store
        .append_audit(&NewAuditEntry {
            actor_id: None,
            actor_name: "コマンドライン".to_owned(),
            action: action.to_owned(),
            target: Some(target.to_owned()),
            detail: detail.to_owned(),
            client: None,
        })
        .await
        .unwrap();
}

#[tokio::test]
async fn the_audit_page_filters_by_action_text_and_date_and_explains_a_bad_date() {
    let console = Console::new(&[]).await;
    note(
        &console,
        "account.create",
        "sato",
        "利用者「sato」を追加しました",
    )
    .await;
    note(
        &console,
        "program.verify",
        "demo-1",
        "公式ページと照らして確認しました",
    )
    .await;
    let mut admin = signed_in_as(&console, "admin", Role::Admin).await;
    let all = admin.get("/console/audit").await;
    assert!(all.body.contains("利用者の追加") && all.body.contains("制度の確認"));
    let by_action = admin.get("/console/audit?action=program.verify").await;
    assert!(by_action.body.contains("1件"), "{}", by_action.body);
    assert!(!by_action.body.contains("利用者「sato」"));
    let by_text = admin.get("/console/audit?q=SATO").await;
    assert!(by_text.body.contains("利用者「sato」") && !by_text.body.contains("demo-1"));
    let today = today_jst().to_string();
    let by_date = admin
        .get(&format!("/console/audit?from={today}&to={today}"))
        .await;
    assert!(by_date.body.contains("2件"), "{}", by_date.body);
    let yesterday = (today_jst() - Duration::days(1)).to_string();
    let before = admin.get(&format!("/console/audit?to={yesterday}")).await;
    assert!(before.body.contains("該当する記録はありません"));
    let bad = admin.get("/console/audit?from=%E6%98%A8%E6%97%A5").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("2026-08-21"), "{}", bad.body);
    let not_utf8 = admin.get("/console/audit?q=%FF%FE").await;
    assert_eq!(not_utf8.status, StatusCode::OK);
}

#[tokio::test]
async fn the_csv_export_opens_in_excel_and_reads_back_field_for_field() {
    let console = Console::new(&[]).await;
    let tricky = "「引用」と \"二重引用符\", カンマ\n改行";
    note(
        &console,
        "program.verify",
        "=HYPERLINK(\"http://x\")",
        tricky,
    )
    .await;
    note(
        &console,
        "account.create",
        "sato",
        "利用者「sato」を追加しました",
    )
    .await;
    let mut admin = signed_in_as(&console, "admin", Role::Admin).await;
    let page = admin.get("/console/audit.csv?action=program.verify").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        page.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"madoguchi-audit-")
    );
    let bytes = page.body.as_bytes();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with a BOM");
    let text = &page.body["\u{feff}".len()..];
    assert!(text.contains("\r\n") && !text.replace("\r\n", "").contains("\r"));
    assert!(
        text.starts_with("\"番号\",\"日時（日本時間）\""),
        "every field quoted: {text}"
    );

    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(header, AUDIT_CSV_HEADER);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1, "the filter applies to the export");
    let row = &rows[0];
    assert_eq!(&row[4], "制度の確認");
    assert_eq!(&row[5], "program.verify");
    assert_eq!(&row[6], "'=HYPERLINK(\"http://x\")", "a formula stays text");
    assert_eq!(&row[7], tricky);
    assert_eq!(&row[2], "コマンドライン");
    let stored = console
        .app
        .store
        .audit_entries(&AuditFilter {
            action: Some("program.verify".to_owned()),
            ..AuditFilter::default()
        })
        .await
        .unwrap();
    let jst = stored[0].at.to_offset(madoguchi_core::calendar::JST);
    assert_eq!(
        &row[1],
        format!(
            "{} {:02}:{:02}:{:02}",
            jst.date(),
            jst.hour(),
            jst.minute(),
            jst.second()
        )
    );
    assert_eq!(&row[0], stored[0].id.to_string());

    // The export itself is on the record.
    let newest = &console
        .app
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .unwrap()[0];
    assert_eq!(newest.action, "audit.export");
    assert!(newest.detail.contains("1件"));
}

#[tokio::test]
async fn staff_find_an_industry_code_from_everyday_words() {
    let console = Console::new(&catalogue()).await;
    let mut viewer = signed_in_as(&console, "viewer", Role::Viewer).await;
    let empty = viewer.get("/console/industries").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        !empty.body.contains("<table"),
        "nothing searched, nothing listed"
    );
    let query: String =
        form_urlencoded::byte_serialize("放課後等デイサービス".as_bytes()).collect();
    let found = viewer.get(&format!("/console/industries?q={query}")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert!(
        found
            .body
            .contains("<td>85</td><td>社会保険・社会福祉・介護事業</td>"),
        "{}",
        found.body
    );
    let split = viewer.get("/console/industries?q=%E9%80%A0%E5%9C%92").await;
    assert!(
        split.body.contains("「造園」は分類が分かれます"),
        "{}",
        split.body
    );
    let nothing = viewer.get("/console/industries?q=zzz").await;
    assert!(
        nothing.body.contains("日本語で入力してください"),
        "{}",
        nothing.body
    );
}
