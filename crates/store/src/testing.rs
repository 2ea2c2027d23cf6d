//! Helpers for tests and benchmarks of code that uses the store: throwaway databases on
//! both backends and synthetic programs in bulk.
//!
//! A [`TestDatabase`] is a SQLite file in a fresh temporary folder, or a fresh PostgreSQL
//! database created on the server that `MADOGUCHI_TEST_DATABASE_URL` names; either is
//! removed when dropped. Nothing here is used by the app itself.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use madoguchi_core::calendar::{DayEdge, FiscalYear, JstDateTime};
use madoguchi_core::program::{
    Amount, ApplicationRound, CodeSet, GovLevel, Issuer, OfficialUrl, Program, ProgramId,
    ProgramKind, ProgramStatus, Purpose, Source, SourceKind, TargetAreas, TargetIndustries, Title,
    Yen,
};
use madoguchi_core::reference::LocalGovCode;
use sqlx::{Connection, PgConnection, SqliteConnection};
use time::{Date, Duration};

use crate::{DraftState, EntryQuery, EntryShow, ProgramEntry, Store, StoreError};

/// The environment variable naming a PostgreSQL server for tests
/// (`postgres://postgres@127.0.0.1:5432/postgres`). Unset: PostgreSQL tests are skipped.
pub const TEST_DATABASE_URL_VAR: &str = "MADOGUCHI_TEST_DATABASE_URL";

/// Set by CI: a PostgreSQL half that would be skipped fails instead.
pub const REQUIRE_POSTGRES_VAR: &str = "MADOGUCHI_REQUIRE_POSTGRES";

/// A database that exists for one test and is removed when dropped (best effort).
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    kind: TestBackend,
}

#[derive(Debug)]
enum TestBackend {
    /// The temporary folder holding the file, removed whole.
    Sqlite { dir: PathBuf, file: PathBuf },
    /// The server to drop the database from, and the database's name.
    Postgres { server_url: String, name: String },
}

impl TestDatabase {
    /// A new SQLite file in a new temporary folder (the file itself is not created yet).
    pub fn sqlite() -> Result<Self, StoreError> {
        let dir = std::env::temp_dir().join(unique_name("madoguchi-test"));
        std::fs::create_dir_all(&dir).map_err(StoreError::file(&dir))?;
        let file = dir.join("madoguchi.db");
        Ok(Self {
            url: format!("sqlite:{}", file.display()),
            kind: TestBackend::Sqlite { dir, file },
        })
    }

    /// A new, empty database `madoguchi_test_<pid>_<nanos>_<n>` on the server `server_url`
    /// points at (the URL's own database is used only to issue `CREATE DATABASE`), with an
    /// ICU collation where the server offers one.
    pub async fn postgres(server_url: &str) -> Result<Self, StoreError> {
        let name = unique_name("madoguchi_test");
        let mut admin = admin_connection(server_url).await?;
        // A linguistic collation where the server has ICU (PostgreSQL 15+), so that any
        // query relying on the server's locale for order shows up in tests.
        let linguistic = format!(
            "CREATE DATABASE {name} LOCALE_PROVIDER icu ICU_LOCALE 'und' TEMPLATE template0"
        );
        if sqlx::raw_sql(&linguistic)
            .execute(&mut admin)
            .await
            .is_err()
        {
            sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
                .execute(&mut admin)
                .await?;
        }
        // Best effort: the connection is only being let go.
        let _ = admin.close().await;
        Ok(Self {
            url: with_database(server_url, &name),
            kind: TestBackend::Postgres {
                server_url: server_url.to_owned(),
                name,
            },
        })
    }

    /// One database per available backend: SQLite always, PostgreSQL when
    /// [`TEST_DATABASE_URL_VAR`] is set (and a note on stderr, once, when it is not).
    pub async fn every_backend() -> Result<Vec<Self>, StoreError> {
        let mut databases = vec![Self::sqlite()?];
        match std::env::var(TEST_DATABASE_URL_VAR) {
            Ok(url) if !url.trim().is_empty() => databases.push(Self::postgres(url.trim()).await?),
            _ if std::env::var_os(REQUIRE_POSTGRES_VAR).is_some() => {
                panic!(
                    "{REQUIRE_POSTGRES_VAR} is set but {TEST_DATABASE_URL_VAR} is not: CI must test PostgreSQL"
                )
            }
            _ => note_postgres_skipped(),
        }
        Ok(databases)
    }

    /// The URL to give [`Store::connect`].
    pub fn url(&self) -> &str {
        &self.url
    }

    /// `"sqlite"` or `"postgresql"`, as [`Store::backend_name`] says.
    pub fn backend_name(&self) -> &'static str {
        match self.kind {
            TestBackend::Sqlite { .. } => "sqlite",
            TestBackend::Postgres { .. } => "postgresql",
        }
    }

    /// The SQLite file, for a SQLite test database.
    pub fn sqlite_file(&self) -> Option<&Path> {
        match &self.kind {
            TestBackend::Sqlite { file, .. } => Some(file),
            TestBackend::Postgres { .. } => None,
        }
    }

    /// A store on this database, migrated.
    pub async fn migrated_store(&self) -> Result<Store, StoreError> {
        let store = Store::connect(&self.url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Runs SQL on its own connection, outside any store: for a test that must arrange
    /// something the API cannot (a trigger that makes one write fail).
    pub async fn execute_sql(&self, sql: &str) -> Result<(), StoreError> {
        match &self.kind {
            TestBackend::Sqlite { file, .. } => {
                let url = format!("sqlite:{}", file.display());
                let mut conn = SqliteConnection::connect(&url).await?;
                sqlx::raw_sql(sql).execute(&mut conn).await?;
                conn.close().await?;
            }
            TestBackend::Postgres { .. } => {
                let mut conn = PgConnection::connect(&self.url).await?;
                sqlx::raw_sql(sql).execute(&mut conn).await?;
                conn.close().await?;
            }
        }
        Ok(())
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        match &self.kind {
            TestBackend::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            TestBackend::Postgres { server_url, name } => {
                drop_postgres_database(server_url.clone(), name.clone());
            }
        }
    }
}

/// Drop cannot await, and may run inside a runtime: drop the database from a thread of
/// its own with a runtime of its own, and wait for it.
fn drop_postgres_database(server_url: String, name: String) {
    let dropper = std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build();
        if let Ok(runtime) = runtime {
            runtime.block_on(async {
                if let Ok(mut admin) = admin_connection(&server_url).await {
                    let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                    let _ = sqlx::raw_sql(&sql).execute(&mut admin).await;
                    let _ = admin.close().await;
                }
            });
        }
    });
    let _ = dropper.join();
}

async fn admin_connection(server_url: &str) -> Result<PgConnection, StoreError> {
    PgConnection::connect(server_url)
        .await
        .map_err(|err| StoreError::Unreachable {
            target: crate::redact_url(server_url),
            reason: err.to_string(),
        })
}

fn note_postgres_skipped() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Straight to stderr: the test harness captures `eprintln!`, and this note must be
        // seen even when every test passes.
        let _ = writeln!(
            std::io::stderr(),
            "madoguchi-store: PostgreSQL half skipped: {TEST_DATABASE_URL_VAR} is not set \
             (set it to e.g. postgres://postgres@127.0.0.1:5432/postgres to run it)."
        );
    });
}

/// `prefix_<pid>_<nanos>_<n>`: unique across processes and within one.
fn unique_name(prefix: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{prefix}_{}_{nanos}_{n}", std::process::id())
}

/// The same server URL with another database: `postgres://u@h:5432/x?opt` → `…/name?opt`.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let after_scheme = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[after_scheme..]
        .find('/')
        .map_or(base.len(), |i| after_scheme + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    out
}

/// The console list's meaning, worked out in the app over every entry (as the list did until
/// its search moved into the database): the reference the store's search is checked and
/// timed against. ASCII letters match in either case, anything else as typed.
pub fn entries_matching<'e>(all: &'e [ProgramEntry], query: &EntryQuery) -> Vec<&'e ProgramEntry> {
    let text = query.text.trim().to_ascii_lowercase();
    all.iter()
        .filter(|e| {
            text.is_empty()
                || e.title.to_ascii_lowercase().contains(&text)
                || e.id.as_str().to_ascii_lowercase().contains(&text)
        })
        .filter(|e| match query.show {
            EntryShow::All => true,
            EntryShow::WithDraft => e.draft_state.is_some(),
            EntryShow::InReview => e.draft_state == Some(DraftState::Review),
            EntryShow::Scheduled => e.draft_state == Some(DraftState::Scheduled),
            EntryShow::Unpublished => e.unpublished_at.is_some(),
            EntryShow::NeverPublished => e.version == 0,
        })
        .collect()
}

/// A program with only the parts every program must have, each at a neutral value: the
/// base for struct update syntax (`Program { id, title, .., ..blank_program() }`), so
/// that fixtures name what matters to them and keep compiling when the model grows.
pub fn blank_program() -> Program {
    let required = serde_json::json!({
        "id": "blank",
        "title": "（未設定）",
        "kind": "other",
        "issuer": { "level": "national", "name": "国" },
        "industries": { "scope": "all" },
        "areas": { "scope": "nationwide" },
        "status": "open",
        "source": { "kind": "manual" },
    });
    serde_json::from_value(required).expect("the required parts alone make a valid program")
}

/// A plausible program, different for every `i` and the same for the same `i`: for bulk
/// tests and benchmarks. Prefectural issuers, one application round in fiscal 2026, a
/// few hundred characters of Japanese text.
pub fn synthetic_program(i: usize) -> Program {
    let prefecture = u8::try_from(i % 47 + 1).unwrap_or(1);
    let code = LocalGovCode::of_prefecture(prefecture).expect("1..=47 is a prefecture number");
    let opens = Date::from_calendar_date(2026, time::Month::April, 1)
        .expect("2026-04-01 is a date")
        + Duration::days(i64::try_from(i % 180).unwrap_or(0));
    let closes = opens + Duration::days(30 + i64::try_from(i % 60).unwrap_or(0));
    let round = ApplicationRound::new(
        Some(format!("第{}回公募", i % 3 + 1)),
        Some(JstDateTime::from_date(opens, DayEdge::Start)),
        Some(JstDateTime::from_date(closes, DayEdge::End)),
    )
    .expect("a synthetic round closes after it opens");
    let pick = |options: usize| i % options;
    Program {
        id: ProgramId::parse(&format!("synthetic-{i:07}")).expect("synthetic ids are valid"),
        title: Title::parse(&format!("令和8年度 中小企業設備投資促進補助金（合成データ {i}）"))
            .expect("synthetic titles are valid"),
        summary: "県内の中小企業・小規模事業者が行う生産性向上のための設備投資やIT導入に要する経費の一部を補助します。"
            .to_owned(),
        detail: format!(
            "<h2>事業の概要</h2><p>合成データ {i} 号。補助対象経費は機械装置費、システム構築費、専門家経費です。</p>\
             <ul><li>補助率：2/3以内</li><li>補助上限額：{}万円</li></ul>",
            100 + i % 900
        ),
        kind: ProgramKind::ALL[pick(ProgramKind::ALL.len())],
        issuer: Issuer::new(
            GovLevel::Prefectural,
            Some(code),
            format!("都道府県{prefecture:02}"),
            Some("商工労働部 産業振興課".to_owned()),
        )
        .expect("a prefectural issuer with a code is valid"),
        purposes: CodeSet::from([Purpose::ALL[pick(Purpose::ALL.len())], Purpose::EquipmentIt]),
        industries: TargetIndustries::All,
        areas: TargetAreas::Local(CodeSet::from([code])),
        employees: None,
        amount: Amount {
            max: Some(Yen::from_u64(1_000_000 + (i as u64 % 900) * 10_000)),
            min: Some(Yen::from_u64(100_000)),
            rate: None,
            rate_text: Some("2/3以内".to_owned()),
            text: None,
        },
        rounds: vec![round],
        fiscal_year: FiscalYear::new(2026).ok(),
        status: ProgramStatus::ALL[pick(ProgramStatus::ALL.len())],
        official_url: OfficialUrl::parse(&format!("https://www.pref.example.jp/subsidy/{i}")).ok(),
        contact: Some("産業振興課 電話 000-000-0000".to_owned()),
        documents: ["交付申請書", "事業計画書"]
            .into_iter()
            .filter_map(|name| madoguchi_core::program::RequiredDocument::named(name).ok())
            .collect(),
        source: Source {
            kind: SourceKind::Csv,
            external_id: Some(format!("S{i:07}")),
            fetched_at: None,
        },
        ..blank_program()
    }
}

/// The program with another title: a change a person would call a change.
pub fn retitled(program: &Program, title: &str) -> Program {
    Program {
        title: Title::parse(title).expect("a test title is a valid title"),
        ..program.clone()
    }
}

/// A store on `db` with `synthetic_program(1)` published once, and that program as read back.
pub async fn published(db: &TestDatabase) -> Result<(Store, Program), StoreError> {
    let store = db.migrated_store().await?;
    let program = synthetic_program(1);
    store.save_program(&program, "cli").await?;
    let program = store
        .program(&program.id)
        .await?
        .expect("the program just saved reads back");
    Ok((store, program))
}

/// A draft of `program` submitted for review, approved and scheduled to go live at `at`:
/// its revision after scheduling.
pub async fn scheduled_draft(
    store: &Store,
    program: &Program,
    at: time::OffsetDateTime,
) -> Result<u32, StoreError> {
    let id = &program.id;
    let base = store.program(id).await?.map_or(0, |p| p.version);
    let draft = store.save_draft(program, base, 0, "author").await?;
    let review = store
        .change_draft(id, draft.revision, crate::DraftStep::RequestReview)
        .await?;
    let step = crate::DraftStep::Schedule {
        reviewer: "reviewer",
        publish_at: at,
        unpublish_at: None,
    };
    Ok(store
        .change_draft(id, review.revision, step)
        .await?
        .revision)
}

/// Makes `n` calls at once, half through `store` and half through a second connection pool
/// on the same database (as two app processes would), and returns every result.
pub async fn at_once_from_two_processes<T, F, Fut>(
    db: &TestDatabase,
    store: &Store,
    n: usize,
    call: F,
) -> Result<Vec<T>, StoreError>
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let other = Store::connect(db.url()).await?;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..n {
        let process = if i % 2 == 0 { store } else { &other };
        calls.spawn(call(process.clone()));
    }
    Ok(calls.join_all().await)
}

/// A trigger that refuses one program's version, standing in for any write that fails.
pub fn refuse_one_version_sql(backend: &str, program_id: &str) -> String {
    match backend {
        "sqlite" => format!(
            "CREATE TRIGGER refuse_one BEFORE INSERT ON program_versions
             WHEN NEW.program_id = '{program_id}'
             BEGIN SELECT RAISE(ABORT, 'refused by the test'); END;"
        ),
        _ => format!(
            "CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
             BEGIN
                 IF NEW.program_id = '{program_id}' THEN
                     RAISE EXCEPTION 'refused by the test';
                 END IF;
                 RETURN NEW;
             END $$;
             CREATE TRIGGER refuse_one BEFORE INSERT ON program_versions
             FOR EACH ROW EXECUTE FUNCTION refuse_one();"
        ),
    }
}

/// Rows an unfinished import left: staged imports, programs and events, and titles in the
/// list's search index that their program does not have, or programs not in it (SQLite);
/// versions that no program's row reaches (either backend). Zero when every import either
/// landed or was removed.
pub async fn staged_rows(store: &Store) -> Result<u64, StoreError> {
    let hidden_events = format!(
        "SELECT COUNT(*) FROM notice_events WHERE import_id IN ({})",
        crate::catalogue::IMPORTS_NOT_PUBLIC
    );
    let mut tables = vec![
        "SELECT COUNT(*) FROM program_versions v
         WHERE v.version > COALESCE(
             (SELECT p.current_version FROM programs p WHERE p.id = v.program_id), 0)",
    ];
    if store.backend_name() == "sqlite" {
        tables.extend([
            "SELECT COUNT(*) FROM catalogue_imports",
            "SELECT COUNT(*) FROM staged_programs",
            hidden_events.as_str(),
            "SELECT COUNT(*) FROM program_search_rows r
             WHERE NOT EXISTS (SELECT 1 FROM programs p
                               WHERE p.id = r.program_id AND lower(p.title) = r.title)",
            "SELECT COUNT(*) FROM programs p
             WHERE NOT EXISTS (SELECT 1 FROM program_search_rows r
                               WHERE r.program_id = p.id AND r.title = lower(p.title))",
        ]);
    }
    let mut rows = 0;
    for sql in tables {
        let count: i64 = crate::db::query(sql).fetch_scalar(store.db()).await?;
        rows += u64::try_from(count).unwrap_or_default();
    }
    Ok(rows)
}

/// Stops a save as a killed process would: nothing is undone, and the import lock is let
/// go as the OS lets go of a dead process's locks. A SQLite import leaves its staged rows
/// for the next import or start to remove; a transaction rolls back.
pub fn stop_as_if_killed(save: crate::CatalogueSave) {
    save.stop_as_if_killed();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_database_keeps_the_server_and_the_options() {
        assert_eq!(
            with_database(
                "postgres://postgres@127.0.0.1:5432/test?sslmode=disable",
                "x"
            ),
            "postgres://postgres@127.0.0.1:5432/x?sslmode=disable"
        );
        assert_eq!(with_database("postgres://db", "x"), "postgres://db/x");
    }

    #[test]
    fn a_blank_program_is_valid_and_empty_but_for_what_is_required() {
        let blank = blank_program();
        assert!(blank.validate().is_ok());
        assert_eq!(blank.id.as_str(), "blank");
        assert!(blank.rounds.is_empty() && blank.summary.is_empty());
    }

    #[test]
    fn synthetic_programs_are_valid_distinct_and_repeatable() {
        let a = synthetic_program(7);
        assert!(a.validate().is_ok());
        assert_eq!(a, synthetic_program(7));
        assert_ne!(a.id, synthetic_program(8).id);
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(serde_json::from_str::<Program>(&json).unwrap(), a);
    }
}
