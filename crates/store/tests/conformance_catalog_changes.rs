//! The conformance suite for what changed in the public catalogue since a revision, run
//! against every backend like `conformance.rs`: an app process that saw one revision learns
//! exactly which programs to take in or drop to stand at the next, without reading them all.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::{TestDatabase, synthetic_program};
use madoguchi_store::{CatalogChanges, Store};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn programs(range: std::ops::Range<usize>) -> Vec<Program> {
    range.map(synthetic_program).collect()
}

fn published_ids(changes: &CatalogChanges) -> Vec<&str> {
    changes.published.iter().map(|p| p.id.as_str()).collect()
}

/// The changes since `since`, which must be few enough to be listed.
async fn changes_since(store: &Store, since: i64) -> CatalogChanges {
    store.catalog_changes(since, 100).await.unwrap().unwrap()
}

#[tokio::test]
async fn each_revision_names_the_programs_it_changed_and_nothing_else() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        store
            .save_programs(&programs(0..50), "import:programs", &mut |_| {})
            .await
            .unwrap();
        let loaded = store.catalog_revision().await.unwrap();

        let none = changes_since(&store, loaded).await;
        assert!(none.is_empty(), "{name}: nothing changed yet");
        assert_eq!(none.revision, loaded, "{name}");

        // An unchanged save touches no program and counts no change.
        store
            .save_programs(&programs(0..50), "import:programs", &mut |_| {})
            .await
            .unwrap();
        assert!(changes_since(&store, loaded).await.is_empty(), "{name}");

        let mut changed = synthetic_program(7);
        changed.summary = "要件を見直しました。".into();
        store.save_program(&changed, "web").await.unwrap();
        store
            .save_program(&synthetic_program(50), "web")
            .await
            .unwrap();
        let after_saves = changes_since(&store, loaded).await;
        let mut expected = [synthetic_program(50).id, changed.id.clone()];
        expected.sort();
        assert_eq!(
            published_ids(&after_saves),
            expected.iter().map(ProgramId::as_str).collect::<Vec<_>>(),
            "{name}: the changed and the new program, by id"
        );
        let seven = after_saves
            .published
            .iter()
            .find(|p| p.id == changed.id)
            .unwrap();
        assert_eq!(
            seven.summary, changed.summary,
            "{name}: its current version"
        );
        assert_eq!(seven.version, 2, "{name}");
        assert!(after_saves.withdrawn.is_empty(), "{name}");
        assert_eq!(
            after_saves.dates.len(),
            2,
            "{name}: the dates of what was published"
        );

        // Taking one down is a withdrawal; one who has seen the saves hears only of that.
        let seen = after_saves.revision;
        let gone = synthetic_program(3).id;
        assert!(store.unpublish_program(&gone).await.unwrap());
        let after_take_down = changes_since(&store, seen).await;
        assert!(after_take_down.published.is_empty(), "{name}");
        assert_eq!(
            after_take_down.withdrawn,
            std::slice::from_ref(&gone),
            "{name}"
        );
        assert!(after_take_down.revision > seen, "{name}");

        // From the first revision, everything since, with the program taken down once.
        let all = changes_since(&store, loaded).await;
        assert_eq!(all.len(), 3, "{name}");
        assert_eq!(all.withdrawn, [gone], "{name}");
    }
}

#[tokio::test]
async fn more_changes_than_asked_for_send_the_reader_back_to_the_whole_catalogue() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let before = store.catalog_revision().await.unwrap();
        store
            .save_programs(&programs(0..30), "import:programs", &mut |_| {})
            .await
            .unwrap();
        assert!(
            store.catalog_changes(before, 29).await.unwrap().is_none(),
            "{name}: 30 changes are more than 29"
        );
        let listed = store.catalog_changes(before, 30).await.unwrap().unwrap();
        assert_eq!(listed.published.len(), 30, "{name}");
        let ids: Vec<ProgramId> = listed.published.iter().map(|p| p.id.clone()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted, "{name}: by id");
    }
}
