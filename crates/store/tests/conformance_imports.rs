//! The conformance suite for the import log and for imports uploaded in the console
//! (waiting for confirmation, then saved by a background job), run against every backend
//! like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use madoguchi_core::program::{Program, SourceKind};
use madoguchi_store::testing::{TestDatabase, synthetic_program};
use madoguchi_store::{
    ImportCounts, ImportEnding, ImportJobState, NewImportRun, NewPendingImport, Store, StoreError,
};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

#[tokio::test]
async fn import_runs_are_logged_and_listed_newest_first() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let first = NewImportRun {
            source_kind: SourceKind::Jgrants,
            file_name: "jgrants-records-2026-08-21.json".to_owned(),
            counts: ImportCounts {
                created: 380,
                updated: 0,
                unchanged: 0,
                skipped: 20,
                invalid: 4,
            },
        };
        let second = NewImportRun {
            source_kind: SourceKind::Jnet21,
            file_name: "jnet21-items-2026-03-07.json".to_owned(),
            counts: ImportCounts {
                created: 240,
                skipped: 21,
                ..ImportCounts::default()
            },
        };
        let logged = store.record_import_run(&first).await.unwrap();
        store.record_import_run(&second).await.unwrap();

        let runs = store.import_runs().await.unwrap();
        assert_eq!(runs.len(), 2);
        assert_eq!(runs[0].file_name, second.file_name);
        assert_eq!(runs[0].source_kind, SourceKind::Jnet21);
        assert_eq!(runs[1], logged, "{}", db.backend_name());
        assert_eq!(runs[1].counts, first.counts);
    }
}

#[tokio::test]
async fn a_pending_import_keeps_its_programs_and_starts_one_job_only() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let new = NewPendingImport {
            created_by: "acct-1".to_owned(),
            source_kind: SourceKind::Csv,
            file_name: "制度一覧.csv".to_owned(),
            body: "[{\"id\":\"demo-1\"}]".to_owned(),
            summary: "{\"new\":1}".to_owned(),
            total: 1,
        };
        let kept = store.create_pending_import(&new).await.unwrap();
        assert_eq!(kept.state, ImportJobState::Pending);
        assert_eq!((kept.done, kept.total), (0, 1));
        assert_eq!(kept.file_name, new.file_name);
        assert_eq!(
            store.pending_import(kept.id).await.unwrap(),
            Some(kept.clone())
        );
        assert_eq!(
            store.pending_import_body(kept.id).await.unwrap(),
            Some(new.body.clone())
        );

        let (pending, queued) = (ImportJobState::Pending, ImportJobState::Queued);
        assert!(
            store
                .advance_import(kept.id, pending, queued, 0, "")
                .await
                .unwrap()
        );
        assert!(
            !store
                .advance_import(kept.id, pending, queued, 0, "")
                .await
                .unwrap(),
            "a second confirmation starts nothing ({})",
            db.backend_name()
        );
        let failed = ImportJobState::Failed;
        assert!(
            store
                .advance_import(kept.id, queued, failed, 0, "だめでした")
                .await
                .unwrap()
        );
        let now = store.pending_import(kept.id).await.unwrap().unwrap();
        assert_eq!((now.state, now.message.as_str()), (failed, "だめでした"));
        assert_eq!(
            store.pending_import_body(kept.id).await.unwrap(),
            None,
            "a job that ended forgets the uploaded programs ({})",
            db.backend_name()
        );
        assert_eq!(store.pending_imports(10).await.unwrap(), vec![now]);
        assert_eq!(store.pending_import(kept.id + 1).await.unwrap(), None);
    }
}

#[tokio::test]
async fn a_preview_nobody_confirms_expires_and_forgets_its_programs() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let new = upload_of("[{\"id\":\"demo-1\"}]", 1);
        let waiting = store.create_pending_import(&new).await.unwrap();
        let confirmed = store.create_pending_import(&new).await.unwrap();
        let (pending, queued) = (ImportJobState::Pending, ImportJobState::Queued);
        assert!(
            store
                .advance_import(confirmed.id, pending, queued, 0, "")
                .await
                .unwrap()
        );
        let earlier = OffsetDateTime::now_utc() - Duration::hours(1);
        assert_eq!(
            store
                .expire_pending_imports(earlier, "期限切れ")
                .await
                .unwrap(),
            Vec::<i64>::new()
        );
        let later = OffsetDateTime::now_utc() + Duration::seconds(2);
        let expired = store
            .expire_pending_imports(later, "期限切れ")
            .await
            .unwrap();
        assert_eq!(expired, vec![waiting.id], "{}", db.backend_name());
        let now = store.pending_import(waiting.id).await.unwrap().unwrap();
        assert_eq!(
            (now.state, now.message.as_str()),
            (ImportJobState::Failed, "期限切れ")
        );
        assert_eq!(store.pending_import_body(waiting.id).await.unwrap(), None);
        assert_eq!(
            store.pending_import_body(confirmed.id).await.unwrap(),
            Some(new.body.clone()),
            "a confirmed job still has its programs to save"
        );
    }
}

/// A CSV upload by `acct-1` of `body` (a JSON array of `total` programs), with an empty
/// preview summary.
fn upload_of(body: &str, total: u64) -> NewPendingImport {
    NewPendingImport {
        created_by: "acct-1".to_owned(),
        source_kind: SourceKind::Csv,
        file_name: "制度一覧.csv".to_owned(),
        body: body.to_owned(),
        summary: "{}".to_owned(),
        total,
    }
}

/// A confirmed upload of `programs`, its job moved on to running.
async fn running_import(store: &Store, programs: &[Program]) -> i64 {
    let new = upload_of(
        &serde_json::to_string(programs).unwrap(),
        programs.len() as u64,
    );
    let kept = store.create_pending_import(&new).await.unwrap();
    for (from, to) in [
        (ImportJobState::Pending, ImportJobState::Queued),
        (ImportJobState::Queued, ImportJobState::Running),
    ] {
        assert!(
            store
                .advance_import(kept.id, from, to, 0, "")
                .await
                .unwrap()
        );
    }
    kept.id
}

fn saved_message(summary: &madoguchi_store::SaveSummary) -> String {
    format!("新規 {}件", summary.created)
}

#[tokio::test]
async fn an_import_saves_its_programs_and_ends_its_job_in_one_transaction() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let programs: Vec<Program> = (0..700).map(synthetic_program).collect();
        let id = running_import(&store, &programs).await;
        let mut heard = Vec::new();
        let summary = store
            .save_import(
                id,
                &programs,
                &BTreeMap::new(),
                "import:programs",
                &mut |n| heard.push(n),
                ImportEnding {
                    message: &saved_message,
                    audit: None,
                },
            )
            .await
            .unwrap();
        assert_eq!(summary.created, 700);
        assert_eq!(heard.last(), Some(&700), "{}", db.backend_name());
        assert!(
            heard.first() < heard.last(),
            "progress comes in steps: {heard:?}"
        );
        let job = store.pending_import(id).await.unwrap().unwrap();
        assert_eq!(job.state, ImportJobState::Done);
        assert_eq!((job.done, job.message.as_str()), (700, "新規 700件"));
        assert_eq!(store.count_programs().await.unwrap(), 700);
    }
}

async fn save_audited(
    store: &Store,
    id: i64,
    programs: &[Program],
    audit: madoguchi_store::DoneAudit<'_>,
) -> Result<madoguchi_store::SaveSummary, StoreError> {
    let ending = ImportEnding {
        message: &saved_message,
        audit: Some(audit),
    };
    let basis = BTreeMap::new();
    store
        .save_import(id, programs, &basis, "import:programs", &mut |_| {}, ending)
        .await
}

#[tokio::test]
async fn a_finished_imports_audit_entry_is_part_of_its_save() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let programs: Vec<Program> = (0..30).map(synthetic_program).collect();
        let id = running_import(&store, &programs).await;
        let entry = |action: &str, message: &str| madoguchi_store::NewAuditEntry {
            actor_id: Some("a".to_owned()),
            actor_name: "職員".to_owned(),
            action: action.to_owned(),
            target: Some(id.to_string()),
            detail: message.to_owned(),
            client: None,
        };
        // An entry the log refuses: nothing saved, the job still running.
        let refused = |_: &madoguchi_store::SaveSummary, m: &str| entry("NOT AN ACTION", m);
        let err = save_audited(&store, id, &programs, &refused).await;
        assert!(
            matches!(err, Err(StoreError::InvalidAuditEntry(_))),
            "{name}: {err:?}"
        );
        assert_eq!(store.count_programs().await.unwrap(), 0, "{name}");
        let job = store.pending_import(id).await.unwrap().unwrap();
        assert_eq!(job.state, ImportJobState::Running);
        // A good one: the programs, the row and the entry, with the job's message.
        let good = |_: &madoguchi_store::SaveSummary, m: &str| entry("import.done", m);
        save_audited(&store, id, &programs, &good).await.unwrap();
        assert_eq!(store.count_programs().await.unwrap(), 30);
        let log = store.audit_entries(&Default::default()).await.unwrap();
        assert_eq!(log.len(), 1, "{name}");
        assert_eq!(
            (log[0].action.as_str(), log[0].detail.as_str()),
            ("import.done", "新規 30件")
        );
    }
}

#[tokio::test]
async fn an_import_refuses_to_overwrite_a_program_changed_since_its_preview() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let old = synthetic_program(1);
        store.save_program(&old, "cli").await.unwrap();
        let mut file: Vec<Program> = (1..4).map(synthetic_program).collect();
        file[0].title = madoguchi_core::program::Title::parse("取り込みの題名").unwrap();
        // Previewed against version 1 of the first, and nothing of the others.
        let basis: BTreeMap<String, u32> = file
            .iter()
            .map(|p| (p.id.to_string(), u32::from(p.id == old.id)))
            .collect();
        // Someone edits the first program after the upload.
        let mut edited = store.program(&old.id).await.unwrap().unwrap();
        edited.title = madoguchi_core::program::Title::parse("職員が直した題名").unwrap();
        store.save_program(&edited, "console:a").await.unwrap();

        let id = running_import(&store, &file).await;
        let err = store
            .save_import(
                id,
                &file,
                &basis,
                "import:programs",
                &mut |_| {},
                ImportEnding {
                    message: &saved_message,
                    audit: None,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(&err, StoreError::Stale { id, expected: 1, current: 2 } if *id == old.id),
            "{}: {err:?}",
            db.backend_name()
        );
        let now = store.program(&old.id).await.unwrap().unwrap();
        assert_eq!(now.title.as_str(), "職員が直した題名");
        assert_eq!(
            store.count_programs().await.unwrap(),
            1,
            "nothing else saved"
        );
    }
}

#[tokio::test]
async fn an_import_that_is_no_longer_running_saves_nothing() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let programs: Vec<Program> = (0..3).map(synthetic_program).collect();
        let id = running_import(&store, &programs).await;
        let given_up = store
            .interrupt_stale_imports(OffsetDateTime::now_utc() + Duration::seconds(2), "中断")
            .await
            .unwrap();
        assert_eq!(given_up, vec![id], "{}", db.backend_name());
        let err = store
            .save_import(
                id,
                &programs,
                &BTreeMap::new(),
                "import:programs",
                &mut |_| {},
                ImportEnding {
                    message: &saved_message,
                    audit: None,
                },
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::ImportNotRunning(n) if n == id),
            "{err:?}"
        );
        assert!(err.to_string().contains("もう一度アップロード"), "{err}");
        assert_eq!(
            store.count_programs().await.unwrap(),
            0,
            "{}",
            db.backend_name()
        );
        let job = store.pending_import(id).await.unwrap().unwrap();
        assert_eq!(
            (job.state, job.message.as_str()),
            (ImportJobState::Failed, "中断")
        );
    }
}

#[tokio::test]
async fn only_jobs_not_heard_of_since_the_cutoff_are_given_up() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let running = running_import(&store, &[synthetic_program(1)]).await;
        let finished = running_import(&store, &[synthetic_program(2)]).await;
        store
            .advance_import(
                finished,
                ImportJobState::Running,
                ImportJobState::Done,
                1,
                "済",
            )
            .await
            .unwrap();
        let waiting = store
            .create_pending_import(&NewPendingImport {
                created_by: "acct-1".to_owned(),
                source_kind: SourceKind::Csv,
                file_name: "確認待ち.csv".to_owned(),
                body: "[]".to_owned(),
                summary: "{}".to_owned(),
                total: 0,
            })
            .await
            .unwrap();
        let a_minute_ago = OffsetDateTime::now_utc() - Duration::minutes(1);
        let none = store
            .interrupt_stale_imports(a_minute_ago, "中断")
            .await
            .unwrap();
        assert_eq!(none, Vec::<i64>::new(), "{}", db.backend_name());
        let later = OffsetDateTime::now_utc() + Duration::seconds(2);
        let given_up = store.interrupt_stale_imports(later, "中断").await.unwrap();
        assert_eq!(given_up, vec![running], "{}", db.backend_name());
        let state = |id| {
            let store = store.clone();
            async move { store.pending_import(id).await.unwrap().unwrap().state }
        };
        assert_eq!(state(finished).await, ImportJobState::Done);
        assert_eq!(state(waiting.id).await, ImportJobState::Pending);
        assert!(
            !store.import_heartbeat(running, 1).await.unwrap(),
            "a job given up hears no heartbeat"
        );
    }
}

/// On PostgreSQL a running job reports progress while its save is still open, and others
/// see the count but none of the programs: the save commits all at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_heartbeat_lands_while_the_save_is_still_open() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        if !store.writes_beside_transactions() {
            assert_eq!(db.backend_name(), "sqlite");
            continue;
        }
        let programs: Vec<Program> = (0..1_200).map(synthetic_program).collect();
        let id = running_import(&store, &programs).await;
        let (reached, wait_reached) = std::sync::mpsc::channel::<usize>();
        let (go_on, wait_go) = std::sync::mpsc::channel::<()>();
        let saving = {
            let (store, programs) = (store.clone(), programs.clone());
            tokio::spawn(async move {
                let mut first = true;
                let mut progress = move |n: usize| {
                    if std::mem::take(&mut first) {
                        reached.send(n).unwrap();
                        // Off the worker's queue while waiting, so that the test's own
                        // queries keep running.
                        tokio::task::block_in_place(|| wait_go.recv().unwrap());
                    }
                };
                store
                    .save_import(
                        id,
                        &programs,
                        &BTreeMap::new(),
                        "import:programs",
                        &mut progress,
                        ImportEnding {
                            message: &saved_message,
                            audit: None,
                        },
                    )
                    .await
            })
        };
        let so_far = tokio::task::spawn_blocking(move || wait_reached.recv().unwrap())
            .await
            .unwrap();
        assert!(0 < so_far && so_far < 1_200, "{so_far}");
        assert!(store.import_heartbeat(id, so_far as u64).await.unwrap());
        let job = store.pending_import(id).await.unwrap().unwrap();
        assert_eq!(
            (job.state, job.done),
            (ImportJobState::Running, so_far as u64)
        );
        assert_eq!(
            store.count_programs().await.unwrap(),
            0,
            "nothing shows before commit"
        );
        go_on.send(()).unwrap();
        let summary = saving.await.unwrap().unwrap();
        assert_eq!(summary.created, 1_200);
        let job = store.pending_import(id).await.unwrap().unwrap();
        assert_eq!((job.state, job.done), (ImportJobState::Done, 1_200));
        assert_eq!(store.count_programs().await.unwrap(), 1_200);
    }
}

/// A large save on PostgreSQL refreshes the planner's statistics itself, so that the reload
/// after it is not planned against tables the planner still believes empty.
#[tokio::test]
async fn a_large_save_on_postgresql_analyzes_the_catalogue_tables() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        if !store.writes_beside_transactions() {
            continue;
        }
        let programs: Vec<Program> = (0..1_000).map(synthetic_program).collect();
        store
            .save_programs(&programs, "test", &mut |_| {})
            .await
            .unwrap();
        let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(db.url())
            .await
            .unwrap();
        let analyzed: Vec<(String,)> = sqlx::query_as(
            "SELECT relname::text FROM pg_stat_user_tables
             WHERE relname IN ('programs', 'program_versions') AND last_analyze IS NOT NULL
             ORDER BY relname",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        assert_eq!(
            analyzed,
            [("program_versions".to_owned(),), ("programs".to_owned(),)]
        );
    }
}
