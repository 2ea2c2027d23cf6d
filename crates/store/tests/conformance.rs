//! The store's conformance suite: one set of tests, run against every backend.
//!
//! SQLite (a file in a fresh temporary folder) always; PostgreSQL (a fresh database per
//! test, dropped afterwards) when `MADOGUCHI_TEST_DATABASE_URL` names a server. A backend
//! that behaves differently from the other fails here, not in production.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

mod records;

use std::path::{Path, PathBuf};

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::program::{Program, ProgramId, Title};
use madoguchi_store::testing::{TestDatabase, refuse_one_version_sql, synthetic_program};
use madoguchi_store::{NewSession, SaveOutcome, Store, StoreError, restore_sqlite};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn id(raw: &str) -> ProgramId {
    ProgramId::parse(raw).unwrap()
}

/// A program saved in a store reads back with its version set and nothing else changed.
fn as_saved(program: &Program, version: u32) -> Program {
    Program {
        version,
        ..program.clone()
    }
}

#[tokio::test]
async fn migrating_twice_is_harmless_and_leaves_an_empty_catalogue() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        store.migrate().await.unwrap();
        assert_eq!(store.backend_name(), db.backend_name());
        assert_eq!(store.count_programs().await.unwrap(), 0);
        assert!(store.programs().await.unwrap().is_empty());
        store.ping().await.unwrap();
    }
}

#[tokio::test]
async fn two_processes_migrating_the_same_new_database_at_once_both_succeed() {
    for db in every_backend().await {
        let one = Store::connect(db.url()).await.unwrap();
        let other = Store::connect(db.url()).await.unwrap();
        let (a, b) = tokio::join!(one.migrate(), other.migrate());
        a.unwrap();
        b.unwrap();
        assert_eq!(
            one.count_programs().await.unwrap(),
            0,
            "{}",
            db.backend_name()
        );
    }
}

#[tokio::test]
async fn a_store_that_was_never_migrated_says_to_run_migrate() {
    for db in every_backend().await {
        let store = Store::connect(db.url()).await.unwrap();
        let err = store.programs().await.unwrap_err();
        assert!(
            matches!(err, StoreError::NotMigrated),
            "{}: {err:?}",
            db.backend_name()
        );
        assert!(err.to_string().contains("madoguchi migrate"));
    }
}

#[tokio::test]
async fn saving_a_new_program_creates_version_one() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let program = records::information_hub_subsidy();
        let outcome = store
            .save_program(&program, "import:jgrants")
            .await
            .unwrap();
        assert_eq!(outcome, SaveOutcome::Created { version: 1 });
        let stored = store.program(&program.id).await.unwrap().unwrap();
        assert_eq!(stored, as_saved(&program, 1), "{}", db.backend_name());
        let history = store.program_versions(&program.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].version, 1);
        assert_eq!(history[0].origin, "import:jgrants");
        assert_eq!(store.count_programs().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn saving_the_same_content_again_is_unchanged_even_when_fetched_later() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let first = records::women_workplace_incentive();
        store.save_program(&first, "import:jgrants").await.unwrap();

        let mut refetched = first.clone();
        refetched.source.fetched_at =
            Some(JstDateTime::parse("2026-08-22T06:00:00+09:00", DayEdge::Start).unwrap());
        refetched.version = 7;
        let outcome = store
            .save_program(&refetched, "import:jgrants")
            .await
            .unwrap();

        assert_eq!(outcome, SaveOutcome::Unchanged { version: 1 });
        assert_eq!(store.program_versions(&first.id).await.unwrap().len(), 1);
        // The stored record keeps the fetch time of the version that was written.
        let stored = store.program(&first.id).await.unwrap().unwrap();
        assert_eq!(stored.source.fetched_at, first.source.fetched_at);
    }
}

#[tokio::test]
async fn a_changed_program_gets_the_next_version_and_the_old_one_stays_readable() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let original = records::yazu_rice_subsidy();
        store
            .save_program(&original, "import:jnet21")
            .await
            .unwrap();

        let mut revised = original.clone();
        revised.status = madoguchi_core::program::ProgramStatus::Closed;
        revised.note = Some("受付を終了しました。".to_owned());
        let outcome = store.save_program(&revised, "web").await.unwrap();

        assert_eq!(outcome, SaveOutcome::Updated { version: 2 });
        let current = store.program(&original.id).await.unwrap().unwrap();
        assert_eq!(current, as_saved(&revised, 2), "{}", db.backend_name());
        let old = store
            .program_version(&original.id, 1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(old, as_saved(&original, 1));
        assert!(
            store
                .program_version(&original.id, 3)
                .await
                .unwrap()
                .is_none()
        );

        let history = store.program_versions(&original.id).await.unwrap();
        let origins: Vec<(u32, &str)> = history
            .iter()
            .map(|v| (v.version, v.origin.as_str()))
            .collect();
        assert_eq!(origins, [(1, "import:jnet21"), (2, "web")]);
        assert!(history[0].created_at <= history[1].created_at);
    }
}

#[tokio::test]
async fn an_unknown_program_has_no_current_version_and_no_history() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let unknown = id("jgrants-doesnotexist");
        assert!(store.program(&unknown).await.unwrap().is_none());
        assert!(store.program_version(&unknown, 1).await.unwrap().is_none());
        assert!(store.program_versions(&unknown).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_batch_reports_each_outcome_in_order_and_progress_up_to_the_whole_batch() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let [hub, women, yazu] = <[Program; 3]>::try_from(records::all()).unwrap();
        store
            .save_programs(&[hub.clone(), women.clone()], "import:jgrants", &mut |_| {})
            .await
            .unwrap();

        let mut changed_women = women.clone();
        changed_women.summary.push_str("（令和8年度）");
        let batch: Vec<Program> = [yazu, hub, changed_women]
            .into_iter()
            .chain((0..1_100).map(synthetic_program))
            .collect();
        let mut seen = Vec::new();
        let summary = store
            .save_programs(&batch, "cli", &mut |done| seen.push(done))
            .await
            .unwrap();

        assert_eq!(
            (summary.created, summary.updated, summary.unchanged),
            (1_101, 1, 1)
        );
        let first_three: Vec<SaveOutcome> =
            summary.outcomes.iter().take(3).map(|(_, o)| *o).collect();
        assert_eq!(
            first_three,
            [
                SaveOutcome::Created { version: 1 },
                SaveOutcome::Unchanged { version: 1 },
                SaveOutcome::Updated { version: 2 },
            ]
        );
        assert!(
            summary
                .outcomes
                .iter()
                .zip(&batch)
                .all(|((id, _), p)| *id == p.id)
        );
        assert!(seen.windows(2).all(|w| w[0] <= w[1]), "{seen:?}");
        assert_eq!(seen.last(), Some(&batch.len()));
        assert!(
            seen.len() > 2,
            "a large batch reports progress more than once: {seen:?}"
        );
        assert_eq!(store.count_programs().await.unwrap(), 1_103);
    }
}

#[tokio::test]
async fn a_batch_that_fails_midway_leaves_the_database_exactly_as_it_was() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        save_records(&store).await;
        let before = store.programs().await.unwrap();

        // An update first, then 1,200 new programs; number 1,000 is refused by the database,
        // two chunks after the first rows were written.
        let mut revised = records::information_hub_subsidy();
        revised.status = madoguchi_core::program::ProgramStatus::Cancelled;
        let batch: Vec<Program> = std::iter::once(revised)
            .chain((0..1_200).map(synthetic_program))
            .collect();
        let refused = synthetic_program(1_000).id;
        db.execute_sql(&refuse_one_version_sql(db.backend_name(), refused.as_str()))
            .await
            .unwrap();
        let mut progressed = 0;
        let result = store
            .save_programs(&batch, "cli", &mut |done| progressed = done)
            .await;

        assert!(
            result.is_err(),
            "{}: the refused write must fail the batch",
            db.backend_name()
        );
        assert!(
            progressed >= 1_000,
            "rows before the failure had been written: {progressed}"
        );
        assert_eq!(
            store.programs().await.unwrap(),
            before,
            "{}",
            db.backend_name()
        );
        assert_eq!(store.count_programs().await.unwrap(), 3);
        let hub = records::information_hub_subsidy().id;
        assert_eq!(store.program_versions(&hub).await.unwrap().len(), 1);
        assert!(
            store
                .program(&synthetic_program(0).id)
                .await
                .unwrap()
                .is_none()
        );

        // The same batch goes through once nothing refuses it.
        db.execute_sql("DROP TRIGGER refuse_one ON program_versions")
            .await
            .or(db.execute_sql("DROP TRIGGER refuse_one").await)
            .unwrap();
        let summary = store
            .save_programs(&batch, "cli", &mut |_| {})
            .await
            .unwrap();
        assert_eq!((summary.created, summary.updated), (1_200, 1));
    }
}

#[tokio::test]
async fn a_batch_naming_one_program_twice_is_refused_before_anything_is_written() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let hub = records::information_hub_subsidy();
        let mut again = hub.clone();
        again.summary = "二度目".to_owned();
        let batch = [records::yazu_rice_subsidy(), hub.clone(), again];

        let err = store
            .save_programs(&batch, "cli", &mut |_| {})
            .await
            .unwrap_err();

        assert!(
            matches!(&err, StoreError::DuplicateInBatch(dup) if *dup == hub.id),
            "{err:?}"
        );
        assert!(err.to_string().contains("jgrants-a0WJ200000CDNujMAH"));
        assert_eq!(store.count_programs().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_program_that_breaks_a_model_rule_is_refused_with_its_id() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let mut broken = records::women_workplace_incentive();
        broken.amount.min = Some(madoguchi_core::program::Yen::from_u64(5_000_000));
        let err = store.save_program(&broken, "cli").await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidProgram { .. }), "{err:?}");
        assert!(
            err.to_string().contains("jgrants-a0WJ200000CDaTDMA1"),
            "{err}"
        );
        assert!(!err.is_internal());
        assert_eq!(store.count_programs().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn programs_are_listed_by_id_in_byte_order_whatever_the_server_locale() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        // Locale collations would put "Demo-b" after "demo-a" and ignore the punctuation.
        let ids = [
            "demo_a", "demo-b", "Demo-b", "demoa", "demo-a", "10-x", "demo.z",
        ];
        let batch: Vec<Program> = ids
            .iter()
            .map(|raw| Program {
                id: id(raw),
                ..records::yazu_rice_subsidy()
            })
            .collect();
        store
            .save_programs(&batch, "cli", &mut |_| {})
            .await
            .unwrap();

        let listed: Vec<String> = store
            .programs()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id.to_string())
            .collect();
        let mut expected: Vec<ProgramId> = ids.iter().map(|raw| id(raw)).collect();
        expected.sort();
        let expected: Vec<String> = expected.iter().map(ToString::to_string).collect();
        assert_eq!(listed, expected, "{}", db.backend_name());
    }
}

#[tokio::test]
async fn japanese_text_and_rare_characters_survive_a_round_trip() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let mut program = records::yazu_rice_subsidy();
        // A surrogate-pair kanji, a combining voiced mark, half-width kana, circled
        // digits, an emoji, quotes and a NUL-free control-free HTML fragment.
        program.title = Title::parse("𠮷野町 か\u{3099}んばる商店街 ｶﾞｲﾄﾞ ①② 補助金 🍙").unwrap();
        program.summary =
            "「令和８年度」の募集です。\"引用\" と 'quote' と <タグ> & 記号".to_owned();
        program.detail = "<p>髙橋さん・﨑山さん・𩸽（ほっけ）漁の支援</p>".to_owned();
        program.contact = Some("八頭町役場 産業観光課 ☎0858-76-0208".to_owned());
        store.save_program(&program, "cli").await.unwrap();
        let stored = store.program(&program.id).await.unwrap().unwrap();
        assert_eq!(stored, as_saved(&program, 1), "{}", db.backend_name());
        let listed = store.programs().await.unwrap();
        assert_eq!(listed[0].title.as_str(), program.title.as_str());
    }
}

#[tokio::test]
async fn program_dates_keep_the_first_save_and_follow_the_current_version() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let hub = records::information_hub_subsidy();
        let yazu = records::yazu_rice_subsidy();
        store.save_program(&hub, "import:jgrants").await.unwrap();
        store.save_program(&yazu, "import:jnet21").await.unwrap();
        let revised = Program {
            note: Some("締切を延長しました。".to_owned()),
            ..hub.clone()
        };
        store.save_program(&revised, "web").await.unwrap();

        let dates = store.program_dates().await.unwrap();

        let history = store.program_versions(&hub.id).await.unwrap();
        let mut ids = [hub.id.clone(), yazu.id.clone()];
        ids.sort();
        let listed: Vec<&ProgramId> = dates.iter().map(|d| &d.id).collect();
        assert_eq!(
            listed,
            ids.iter().collect::<Vec<_>>(),
            "{}",
            db.backend_name()
        );
        let hub_dates = dates.iter().find(|d| d.id == hub.id).unwrap();
        assert_eq!(hub_dates.first_saved_at, history[0].created_at);
        assert_eq!(hub_dates.updated_at, history[1].created_at);
        assert!(hub_dates.first_saved_at <= hub_dates.updated_at);
        let yazu_dates = dates.iter().find(|d| d.id == yazu.id).unwrap();
        let yazu_history = store.program_versions(&yazu.id).await.unwrap();
        assert_eq!(yazu_dates.first_saved_at, yazu_history[0].created_at);
        assert_eq!(yazu_dates.updated_at, yazu_dates.first_saved_at);
    }
}
#[tokio::test]
async fn two_stores_saving_the_same_program_at_once_get_consecutive_versions() {
    for db in every_backend().await {
        let one = db.migrated_store().await.unwrap();
        let other = Store::connect(db.url()).await.unwrap();
        let base = records::information_hub_subsidy();
        one.save_program(&base, "cli").await.unwrap();
        let edit = |note: &str| Program {
            note: Some(note.to_owned()),
            ..base.clone()
        };
        let (a, b) = (edit("担当者A"), edit("担当者B"));

        let (ra, rb) = tokio::join!(one.save_program(&a, "web"), other.save_program(&b, "web"));

        let mut versions = [ra.unwrap().version(), rb.unwrap().version()];
        versions.sort();
        assert_eq!(versions, [2, 3], "{}", db.backend_name());
        assert_eq!(one.program_versions(&base.id).await.unwrap().len(), 3);
    }
}

#[tokio::test]
async fn backup_on_postgresql_points_to_pg_dump_and_sqlite_refuses_to_overwrite() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let existing =
            std::env::temp_dir().join(format!("madoguchi-exists-{}", std::process::id()));
        std::fs::write(&existing, b"keep me").unwrap();
        let err = store.backup_to(&existing).await.unwrap_err();
        match db.backend_name() {
            "sqlite" => assert!(matches!(err, StoreError::BackupExists(_)), "{err:?}"),
            _ => {
                assert!(matches!(err, StoreError::NotSupportedOnPostgres), "{err:?}");
                assert!(err.to_string().contains("pg_dump"));
            }
        }
        assert_eq!(std::fs::read(&existing).unwrap(), b"keep me");
        std::fs::remove_file(&existing).unwrap();
    }
}

#[tokio::test]
async fn connecting_to_a_server_that_is_not_there_names_it_without_the_password() {
    // Port 1 on loopback: nothing listens there, so the refusal is immediate.
    let err = Store::connect("postgres://madoguchi:hunter2@127.0.0.1:1/catalog")
        .await
        .unwrap_err();
    let shown = format!("{err} / {err:?}");
    assert!(matches!(err, StoreError::Unreachable { .. }), "{shown}");
    assert!(shown.contains("127.0.0.1:1"), "{shown}");
    assert!(shown.contains("--database-url"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}

#[tokio::test]
async fn an_in_memory_store_keeps_its_data_across_calls() {
    let store = Store::connect("sqlite::memory:").await.unwrap();
    store.migrate().await.unwrap();
    save_records(&store).await;
    assert_eq!(store.count_programs().await.unwrap(), 3);
    assert!(store.sqlite_file().is_none());
}

// ---- SQLite backup and restore ----

/// 10:00:00.25 in Tokyo: not UTC and not a whole second, as a caller might pass it.
const T0: OffsetDateTime = datetime!(2026-08-21 10:00:00.25 +09:00);

/// A distinct session key: 64 lowercase hex digits, as a SHA-256 hex looks.
fn key(n: u64) -> String {
    format!("{n:064x}")
}

/// A staff session, as `conformance_sign_in.rs` makes them.
fn staff_session(n: u64, subject: &str) -> NewSession {
    NewSession {
        token_hash: key(n),
        subject: Some(subject.to_owned()),
        csrf_token: format!("csrf-{n}"),
        data: r#"{"step":"業種","answers":{"prefecture":"鳥取県"}}"#.to_owned(),
        expires_at: T0 + Duration::hours(8),
    }
}

/// A migrated SQLite store holding the real records, and the file behind it.
async fn sqlite_with_records() -> (TestDatabase, PathBuf, Store) {
    let db = TestDatabase::sqlite().unwrap();
    let file = db.sqlite_file().unwrap().to_owned();
    let store = db.migrated_store().await.unwrap();
    save_records(&store).await;
    (db, file, store)
}

async fn save_records(store: &Store) {
    store
        .save_programs(&records::all(), "import:jgrants", &mut |_| {})
        .await
        .unwrap();
}

fn backup_path(db: &TestDatabase, name: &str) -> PathBuf {
    db.sqlite_file().unwrap().with_file_name(name)
}

#[tokio::test]
async fn a_backup_taken_while_the_store_is_open_restores_the_catalogue_of_that_moment() {
    let (db, file, store) = sqlite_with_records().await;
    let backup = backup_path(&db, "backup-2026-08-21.db");

    // A second connection is busy reading while the backup runs.
    let (read, backed_up) = tokio::join!(store.programs(), store.backup_to(&backup));
    read.unwrap();
    backed_up.unwrap();
    let at_backup = store.programs().await.unwrap();

    let mut later = records::yazu_rice_subsidy();
    later.note = Some("バックアップ後の変更".to_owned());
    store.save_program(&later, "web").await.unwrap();
    store
        .save_program(&synthetic_program(1), "cli")
        .await
        .unwrap();
    store.close().await;

    restore_sqlite(&backup, &file).await.unwrap();

    let reopened = Store::open_sqlite(&file).await.unwrap();
    reopened.migrate().await.unwrap();
    assert_eq!(reopened.programs().await.unwrap(), at_backup);
    assert_eq!(reopened.program_versions(&later.id).await.unwrap().len(), 1);
    // The restored database takes new versions as usual.
    let outcome = reopened.save_program(&later, "web").await.unwrap();
    assert_eq!(outcome, SaveOutcome::Updated { version: 2 });
}

#[tokio::test]
async fn a_backup_leaves_sessions_out_and_the_live_database_keeps_them() {
    let (db, _, store) = sqlite_with_records().await;
    let session = staff_session(1, "staff-1");
    store.create_session(&session, T0).await.unwrap();
    let backup = backup_path(&db, "backup.db");

    store.backup_to(&backup).await.unwrap();

    assert!(
        store
            .session(&session.token_hash, T0)
            .await
            .unwrap()
            .is_some()
    );
    let copy = Store::open_sqlite(&backup).await.unwrap();
    assert!(
        copy.session(&session.token_hash, T0)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(copy.count_programs().await.unwrap(), 3);
    copy.close().await;
    let bytes = std::fs::read(&backup).unwrap();
    let csrf = session.csrf_token.as_bytes();
    assert!(
        !bytes.windows(csrf.len()).any(|w| w == csrf),
        "the session's rows linger in the backup file"
    );
}

#[tokio::test]
async fn restore_refuses_while_the_database_is_open() {
    let (db, file, store) = sqlite_with_records().await;
    let backup = backup_path(&db, "backup.db");
    store.backup_to(&backup).await.unwrap();

    let err = restore_sqlite(&backup, &file).await.unwrap_err();

    assert!(matches!(err, StoreError::DatabaseInUse(_)), "{err:?}");
    assert!(err.to_string().contains("止めて"), "{err}");
    assert_eq!(store.count_programs().await.unwrap(), 3);
}

#[tokio::test]
async fn restore_refuses_a_file_that_is_not_a_madoguchi_backup_and_keeps_the_database() {
    let (db, file, store) = sqlite_with_records().await;
    store.close().await;

    let not_sqlite = backup_path(&db, "notes.txt");
    std::fs::write(&not_sqlite, "これはバックアップではありません").unwrap();
    let foreign = backup_path(&db, "other-app.db");
    let other = Store::open_sqlite(&foreign).await.unwrap();
    other.close().await;
    let missing = backup_path(&db, "missing.db");

    for candidate in [&not_sqlite, &foreign, &missing] {
        let err = restore_sqlite(candidate, &file).await.unwrap_err();
        assert!(
            matches!(err, StoreError::InvalidBackup { .. }),
            "{candidate:?}: {err:?}"
        );
    }
    let reopened = Store::open_sqlite(&file).await.unwrap();
    assert_eq!(reopened.count_programs().await.unwrap(), 3);
}

#[tokio::test]
async fn restore_into_a_new_place_creates_the_database_there() {
    let (db, _, store) = sqlite_with_records().await;
    let backup = backup_path(&db, "backup.db");
    store.backup_to(&backup).await.unwrap();
    let elsewhere = backup_path(&db, "restored/madoguchi.db");

    restore_sqlite(&backup, &elsewhere).await.unwrap();

    let restored = Store::open_sqlite(&elsewhere).await.unwrap();
    assert_eq!(
        restored.programs().await.unwrap(),
        store.programs().await.unwrap()
    );
    assert!(no_leftovers(elsewhere.parent().unwrap()));
}

/// Nothing but the database and its WAL files: no temporary file left behind.
fn no_leftovers(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().all(|entry| {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        name.starts_with("madoguchi.db")
    })
}

#[tokio::test]
async fn the_like_baseline_finds_every_word_in_title_or_summary_and_takes_wildcards_literally() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let mut it = records::yazu_rice_subsidy();
        it.id = id("like-it");
        it.title = Title::parse("IT導入補助金").unwrap();
        it.summary = "ソフトウェアの導入を支援します（補助率50%）。".to_owned();
        let mut other = records::yazu_rice_subsidy();
        other.id = id("like-other");
        other.title = Title::parse("ものづくり補助金").unwrap();
        other.summary = "設備投資を支援します。".to_owned();
        store
            .save_programs(&[it, other], "cli", &mut |_| {})
            .await
            .unwrap();
        let found = |words: &'static [&'static str], limit| {
            let store = store.clone();
            async move {
                store
                    .search_like(words, limit)
                    .await
                    .unwrap()
                    .into_iter()
                    .map(|p| p.to_string())
                    .collect::<Vec<_>>()
            }
        };
        let name = db.backend_name();
        assert_eq!(
            found(&["補助金"], 10).await,
            ["like-it", "like-other"],
            "{name}"
        );
        assert_eq!(found(&["補助金"], 1).await, ["like-it"], "{name}");
        // One word in the title, the other in the summary.
        assert_eq!(
            found(&["IT", "ソフトウェア"], 10).await,
            ["like-it"],
            "{name}"
        );
        assert_eq!(found(&["設備投資"], 10).await, ["like-other"], "{name}");
        assert_eq!(found(&["50%"], 10).await, ["like-it"], "{name}");
        assert!(found(&["%"], 10).await.len() == 1, "{name}: % is literal");
        assert!(found(&["_"], 10).await.is_empty(), "{name}: _ is literal");
        assert!(found(&["パソコン"], 10).await.is_empty(), "{name}");
    }
}
