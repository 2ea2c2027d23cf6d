//! The conformance suite for an import saved while other writers go on, run against every
//! backend like `conformance.rs`. On SQLite an import is staged a chunk per short
//! transaction and made public at once (`catalogue::staging`); on PostgreSQL it is one
//! transaction. Either way other writers are not held up between chunks, readers see the
//! old catalogue until the commit, and an import that fails or dies leaves nothing behind.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use madoguchi_core::program::{Program, ProgramStatus};
use madoguchi_store::CatalogueSave;
use madoguchi_store::testing::{
    TestDatabase, refuse_one_version_sql, retitled, staged_rows, stop_as_if_killed,
    synthetic_program,
};
use madoguchi_store::{Store, StoreError};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn programs(range: std::ops::Range<usize>) -> Vec<Program> {
    range.map(synthetic_program).collect()
}

/// Programs 0..10 saved, as the catalogue an import finds.
async fn seeded(db: &TestDatabase) -> Store {
    let store = db.migrated_store().await.unwrap();
    store
        .save_programs(&programs(0..10), "cli", &mut |_| {})
        .await
        .unwrap();
    store
}

/// The first chunk of an import: program 3 changed, and 499 new programs.
fn first_chunk() -> Vec<Program> {
    std::iter::once(retitled(&synthetic_program(3), "取り込みで変わった題名"))
        .chain(programs(1_000..1_499))
        .collect()
}

/// An import begun, with its first chunk saved.
async fn importing(store: &Store) -> CatalogueSave {
    let mut save = store.begin_catalogue_save("import:programs").await.unwrap();
    save.save(&first_chunk()).await.unwrap();
    save
}

/// What readers of the catalogue see, to compare before and after.
#[derive(Debug, PartialEq)]
struct Seen {
    programs: Vec<Program>,
    history_of_3: usize,
    revision: i64,
    unmatched_events: usize,
}

async fn seen(store: &Store) -> Seen {
    Seen {
        programs: store.programs().await.unwrap(),
        history_of_3: store
            .program_versions(&synthetic_program(3).id)
            .await
            .unwrap()
            .len(),
        revision: store.catalog_revision().await.unwrap(),
        unmatched_events: store.unmatched_events(10_000).await.unwrap().len(),
    }
}

/// Whether another connection can take SQLite's write lock this instant, without waiting
/// at all (busy timeout 0): what every other writer of the file needs.
async fn sqlite_writer_gets_in(db: &TestDatabase) -> Result<(), sqlx::Error> {
    let file = db.sqlite_file().unwrap();
    let mut conn = SqliteConnectOptions::new()
        .filename(file)
        .busy_timeout(Duration::ZERO)
        .connect()
        .await?;
    let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
    sqlx::query(
        "INSERT INTO settings (key, value, updated_at) VALUES ('test.beside', 'yes', '2026-01-01')
         ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    conn.close().await
}

#[tokio::test]
async fn between_chunks_other_writers_go_on_and_readers_see_the_old_catalogue() {
    for db in every_backend().await {
        let store = seeded(&db).await;
        let name = db.backend_name();
        let before = seen(&store).await;

        let mut save = importing(&store).await;

        // Paused between two chunks: another writer gets in at once…
        if name == "sqlite" {
            sqlite_writer_gets_in(&db).await.unwrap();
            // …a staff edit of another program included (it waits for nobody either).
            let edited = retitled(&synthetic_program(5), "職員が直した題名");
            store.save_program(&edited, "web").await.unwrap();
        } else {
            let other = Store::connect(db.url()).await.unwrap();
            other.set_setting("test.beside", "yes", None).await.unwrap();
        }
        // …and readers see the catalogue as it was (but for that edit).
        let during = seen(&store).await;
        if name == "sqlite" {
            assert_eq!(during.revision, before.revision + 1, "{name}: the edit");
            assert_eq!(during.programs.len(), before.programs.len(), "{name}");
            assert_eq!(
                during.programs[3], before.programs[3],
                "{name}: the changed program is still its old version"
            );
            assert_eq!(during.history_of_3, before.history_of_3, "{name}");
        } else {
            assert_eq!(during, before, "{name}");
        }
        assert!(
            store
                .program(&synthetic_program(1_000).id)
                .await
                .unwrap()
                .is_none(),
            "{name}: a staged program is not public"
        );

        save.save(&programs(1_499..2_100)).await.unwrap();
        let summary = save.commit().await.unwrap();
        assert_eq!((summary.created, summary.updated), (1_100, 1), "{name}");
        assert_eq!(store.count_programs().await.unwrap(), 1_110, "{name}");
        assert_eq!(
            store
                .program_versions(&synthetic_program(3).id)
                .await
                .unwrap()
                .len(),
            2,
            "{name}"
        );
        // One more revision names every program the import changed, for other processes.
        let after = store.catalog_revision().await.unwrap();
        assert_eq!(after, during.revision + 1, "{name}");
        let changes = store
            .catalog_changes(during.revision, 10_000)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(changes.published.len(), 1_101, "{name}");
        assert_eq!(
            store.unmatched_events(10_000).await.unwrap().len(),
            during.unmatched_events + 1_100,
            "{name}: a notice event per new or changed program"
        );
        assert_eq!(staged_rows(&store).await.unwrap(), 0, "{name}");
    }
}

#[tokio::test]
async fn an_import_failing_in_its_last_chunk_leaves_everything_as_it_was() {
    for db in every_backend().await {
        let store = seeded(&db).await;
        let name = db.backend_name();
        let before = seen(&store).await;
        let refused = synthetic_program(2_050).id;
        db.execute_sql(&refuse_one_version_sql(name, refused.as_str()))
            .await
            .unwrap();

        let mut save = importing(&store).await;
        save.save(&programs(1_499..2_000)).await.unwrap();
        let err = save.save(&programs(2_000..2_100)).await.unwrap_err();
        assert!(matches!(err, StoreError::Database(_)), "{name}: {err:?}");
        // The save is over: nothing more is taken.
        assert!(matches!(
            save.save(&programs(3_000..3_001)).await,
            Err(StoreError::SaveEnded)
        ));
        drop(save);

        assert_eq!(seen(&store).await, before, "{name}");
        let changes = store
            .catalog_changes(before.revision, 10)
            .await
            .unwrap()
            .unwrap();
        assert!(changes.is_empty(), "{name}: {changes:?}");
        assert_eq!(
            staged_rows(&store).await.unwrap(),
            0,
            "{name}: nothing left staged"
        );

        // Nothing stands in the way of the next import.
        db.execute_sql("DROP TRIGGER refuse_one ON program_versions")
            .await
            .or(db.execute_sql("DROP TRIGGER refuse_one").await)
            .unwrap();
        let again = importing(&store).await;
        let summary = again.commit().await.unwrap();
        assert_eq!((summary.created, summary.updated), (499, 1), "{name}");
        assert_eq!(
            store
                .program(&synthetic_program(3).id)
                .await
                .unwrap()
                .unwrap()
                .version,
            2,
            "{name}: numbered after the last public version"
        );
    }
}

#[tokio::test]
async fn an_import_whose_programs_changed_meanwhile_is_refused_whole() {
    for db in every_backend().await {
        let name = db.backend_name();
        if name != "sqlite" {
            // PostgreSQL's import holds the catalogue's lock: the edit would wait for it.
            continue;
        }
        let store = seeded(&db).await;
        let mut save = importing(&store).await;
        // Someone saves program 3, which the import staged, while the import runs.
        let edited = retitled(&synthetic_program(3), "職員が直した題名");
        store.save_program(&edited, "web").await.unwrap();
        let before = seen(&store).await;

        save.save(&programs(1_499..2_000)).await.unwrap();
        let err = save.commit().await.unwrap_err();
        assert!(
            matches!(&err, StoreError::ChangedDuringImport(id) if id == synthetic_program(3).id.as_str()),
            "{err:?}"
        );
        // The edit stands, with its version; nothing of the import landed or stayed.
        assert_eq!(seen(&store).await, before);
        let three = store
            .program(&synthetic_program(3).id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (three.title.as_str(), three.version),
            ("職員が直した題名", 2)
        );
        assert_eq!(staged_rows(&store).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn an_edit_over_a_staged_program_keeps_its_notice_event() {
    for db in every_backend().await {
        if db.backend_name() != "sqlite" {
            // PostgreSQL's import holds the catalogue's lock: the edit would wait for it.
            continue;
        }
        let store = seeded(&db).await;
        let three = synthetic_program(3);
        // The import and then staff both change program 3 in a way subscribers hear of, as
        // its version 2: the same event key, which the import's hidden event holds first.
        let mut save = store.begin_catalogue_save("import:programs").await.unwrap();
        let imported = Program {
            status: ProgramStatus::Cancelled,
            ..three.clone()
        };
        save.save(&[imported]).await.unwrap();
        save.save(&programs(1_000..1_600)).await.unwrap();
        assert!(![ProgramStatus::Cancelled, ProgramStatus::Open].contains(&three.status));
        let edited = Program {
            status: ProgramStatus::Open,
            ..three.clone()
        };
        let before = store.unmatched_events(10_000).await.unwrap();
        store.save_program(&edited, "web").await.unwrap();
        let key = format!("changed:{}:2", three.id);
        let events = store.unmatched_events(10_000).await.unwrap();
        let added: Vec<&str> = events[before.len()..]
            .iter()
            .map(|e| e.key.as_str())
            .collect();
        assert_eq!(
            (&events[..before.len()], added),
            (&before[..], vec![key.as_str()]),
            "of the import nothing is seen; the edit's event is"
        );

        assert!(matches!(
            save.commit().await,
            Err(StoreError::ChangedDuringImport(_))
        ));
        let after = store.unmatched_events(10_000).await.unwrap();
        assert_eq!(
            after, events,
            "the edit's event outlives the refused import"
        );
        assert_eq!(staged_rows(&store).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_published_imports_events_stay_seen_through_the_next_import() {
    for db in every_backend().await {
        let name = db.backend_name();
        let store = seeded(&db).await;
        importing(&store).await.commit().await.unwrap();
        let published = store.unmatched_events(10_000).await.unwrap();

        // The next import must not be numbered as the last one was, which would hide
        // that one's events again, and drop them if this one failed.
        let next = importing(&store).await;
        assert_eq!(
            store.unmatched_events(10_000).await.unwrap(),
            published,
            "{name}"
        );
        next.abandon().await.unwrap();
        assert_eq!(
            store.unmatched_events(10_000).await.unwrap(),
            published,
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_second_import_is_refused_while_one_is_staged() {
    for db in every_backend().await {
        let name = db.backend_name();
        if name != "sqlite" {
            // PostgreSQL serialises imports on the catalogue's lock: the second waits.
            continue;
        }
        let store = seeded(&db).await;
        let other_process = Store::connect(db.url()).await.unwrap();
        let mut first = importing(&store).await;

        for store in [&store, &other_process] {
            let refused = store.begin_catalogue_save("import:jgrants").await;
            assert!(
                matches!(refused, Err(StoreError::ImportInProgress)),
                "{refused:?}"
            );
            // A start elsewhere leaves a running import's rows alone.
            store.migrate().await.unwrap();
        }
        first.save(&programs(1_499..1_600)).await.unwrap();
        let summary = first.commit().await.unwrap();
        assert_eq!(summary.created, 600);

        let next = other_process.begin_catalogue_save("import:jgrants").await;
        assert!(next.is_ok(), "{next:?}");
    }
}

#[tokio::test]
async fn what_a_killed_import_left_is_removed_at_the_next_start() {
    for db in every_backend().await {
        let store = seeded(&db).await;
        let name = db.backend_name();
        let before = seen(&store).await;
        let save = importing(&store).await;
        stop_as_if_killed(save);
        if name == "sqlite" {
            assert!(staged_rows(&store).await.unwrap() > 500, "{name}");
        }
        assert_eq!(seen(&store).await, before, "{name}");

        // The next start (every command migrates first) removes the leftovers.
        let restarted = db.migrated_store().await.unwrap();
        assert_eq!(staged_rows(&restarted).await.unwrap(), 0, "{name}");
        assert_eq!(seen(&restarted).await, before, "{name}");

        let mut save = restarted
            .begin_catalogue_save("import:programs")
            .await
            .unwrap();
        save.save(&first_chunk()).await.unwrap();
        let summary = save.commit().await.unwrap();
        assert_eq!((summary.created, summary.updated), (499, 1), "{name}");
        assert_eq!(
            restarted
                .program_versions(&synthetic_program(3).id)
                .await
                .unwrap()
                .len(),
            2,
            "{name}"
        );
    }
}

#[tokio::test]
async fn what_a_killed_import_left_is_removed_by_the_next_import() {
    for db in every_backend().await {
        let store = seeded(&db).await;
        let name = db.backend_name();
        let save = importing(&store).await;
        stop_as_if_killed(save);

        let mut save = store.begin_catalogue_save("import:programs").await.unwrap();
        let left = staged_rows(&store).await.unwrap();
        assert!(left <= 1, "{name}: its own import row at most, not {left}");
        save.save(&programs(1_000..1_100)).await.unwrap();
        let summary = save.commit().await.unwrap();
        assert_eq!((summary.created, summary.updated), (100, 0), "{name}");
        assert_eq!(store.count_programs().await.unwrap(), 110, "{name}");
        assert_eq!(staged_rows(&store).await.unwrap(), 0, "{name}");
    }
}
