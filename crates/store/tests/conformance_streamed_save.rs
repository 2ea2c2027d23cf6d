//! The conformance suite for a catalogue save fed a chunk at a time (how `madoguchi import`
//! streams a file), run against every backend like `conformance.rs`: the batch lands whole
//! or not at all, however many chunks it took.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::program::Program;
use madoguchi_store::StoreError;
use madoguchi_store::testing::{TestDatabase, synthetic_program};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn programs(range: std::ops::Range<usize>) -> Vec<Program> {
    range.map(synthetic_program).collect()
}

#[tokio::test]
async fn a_save_in_many_chunks_counts_every_program_once() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let revision = store.catalog_revision().await.unwrap();
        let mut save = store.begin_catalogue_save("import:programs").await.unwrap();
        for start in (0..2_300).step_by(500) {
            save.save(&programs(start..(start + 500).min(2_300)))
                .await
                .unwrap();
        }
        assert_eq!(save.saved(), 2_300);
        let summary = save.commit().await.unwrap();
        let name = db.backend_name();
        assert_eq!((summary.created, summary.unchanged), (2_300, 0), "{name}");
        assert_eq!(store.count_programs().await.unwrap(), 2_300, "{name}");
        assert_eq!(
            store.catalog_revision().await.unwrap(),
            revision + 1,
            "{name}"
        );
        // Read back whole: decoded batch by batch, still every program once, by id.
        let mut saved = programs(0..2_300);
        saved.sort_by(|a, b| a.id.cmp(&b.id));
        let read = store.shared_programs().await.unwrap();
        assert_eq!(read.len(), saved.len(), "{name}");
        for (read, saved) in read.iter().zip(&saved) {
            assert_eq!(read.id, saved.id, "{name}");
            assert_eq!(read.title, saved.title, "{name}");
            assert_eq!(read.version, 1, "{name}");
        }

        let mut again = store.begin_catalogue_save("import:programs").await.unwrap();
        again.save(&programs(0..1_000)).await.unwrap();
        again.save(&programs(1_000..2_300)).await.unwrap();
        let summary = again.commit().await.unwrap();
        assert_eq!((summary.created, summary.unchanged), (0, 2_300), "{name}");
        assert_eq!(
            store.catalog_revision().await.unwrap(),
            revision + 1,
            "{name}: an unchanged import is no change"
        );
    }
}

#[tokio::test]
async fn a_save_whose_last_chunk_fails_saves_nothing() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let revision = store.catalog_revision().await.unwrap();
        let mut save = store.begin_catalogue_save("import:programs").await.unwrap();
        save.save(&programs(0..1_000)).await.unwrap();
        // The last program repeats one of the first chunk: two records cannot be one program.
        let err = save.save(&programs(999..1_001)).await.unwrap_err();
        assert!(matches!(err, StoreError::DuplicateInBatch(_)), "{err:?}");
        drop(save);
        let name = db.backend_name();
        assert_eq!(store.count_programs().await.unwrap(), 0, "{name}");
        assert_eq!(store.catalog_revision().await.unwrap(), revision, "{name}");
    }
}

#[tokio::test]
async fn a_save_dropped_before_commit_saves_nothing() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let mut save = store.begin_catalogue_save("import:programs").await.unwrap();
        save.save(&programs(0..600)).await.unwrap();
        drop(save);
        assert_eq!(
            store.count_programs().await.unwrap(),
            0,
            "{}",
            db.backend_name()
        );
    }
}
