//! Two app processes on one database: a publish through one is seen by the other, on
//! PostgreSQL (LISTEN/NOTIFY) and on a SQLite file (a poll of the revision counter).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use madoguchi_core::program::{Program, Title};
use madoguchi_search::{SearchQuery, Sort};
use madoguchi_store::testing::{TestDatabase, synthetic_program};
use madoguchi_store::{AuditFilter, DraftStep, Store};
use madoguchi_web::AppState;
use madoguchi_web::catalog_sync::{apply_due_changes, follow_catalog};
use time::OffsetDateTime;

fn retitled(program: &Program, title: &str) -> Program {
    Program {
        title: Title::parse(title).unwrap(),
        ..program.clone()
    }
}

/// Waits until `state`'s snapshot shows `title` for the program; a process that never
/// sees the change fails the test after a minute instead of hanging the suite.
async fn sees(state: &AppState, program: &Program, title: &str) {
    let seen = async {
        loop {
            let catalog = state.catalog();
            if catalog
                .get(&program.id)
                .is_some_and(|p| p.title.as_str() == title)
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    tokio::time::timeout(Duration::from_secs(60), seen)
        .await
        .expect("the other process never saw the change");
}

#[tokio::test]
async fn a_publish_in_one_process_is_seen_by_another_on_every_backend() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let store = db.migrated_store().await.unwrap();
        let program = synthetic_program(1);
        store.save_program(&program, "cli").await.unwrap();
        let one = AppState::load(store.clone()).await.unwrap();
        let other = AppState::load(Store::connect(db.url()).await.unwrap())
            .await
            .unwrap();
        let follower = tokio::spawn(follow_catalog(other.clone(), Duration::from_millis(50)));

        let edited = retitled(&program, "公開した新しい題名");
        let draft = one
            .store()
            .save_draft(&edited, 1, 0, "staff")
            .await
            .unwrap();
        // Not yet published: neither process shows the draft.
        one.catalog_changed().await.unwrap();
        assert_eq!(
            one.catalog().get(&program.id).unwrap().title,
            program.title,
            "{}",
            db.backend_name()
        );
        one.store()
            .publish_draft(&program.id, draft.revision, "console:staff")
            .await
            .unwrap();
        one.catalog_changed().await.unwrap();
        sees(&one, &program, "公開した新しい題名").await;
        sees(&other, &program, "公開した新しい題名").await;

        // Taking it off the site reaches the other process too.
        one.store().unpublish_program(&program.id).await.unwrap();
        let gone = async {
            while other.catalog().get(&program.id).is_some() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        };
        tokio::time::timeout(Duration::from_secs(60), gone)
            .await
            .expect("the other process kept showing an unpublished program");
        follower.abort();
    }
}

#[tokio::test]
async fn a_scheduled_publish_is_carried_out_logged_and_shown() {
    let db = TestDatabase::sqlite().unwrap();
    let store = db.migrated_store().await.unwrap();
    let program = synthetic_program(2);
    store.save_program(&program, "cli").await.unwrap();
    let state = AppState::load(store.clone()).await.unwrap();
    let draft = store
        .save_draft(&retitled(&program, "予約で公開"), 1, 0, "author")
        .await
        .unwrap();
    let review = store
        .change_draft(&program.id, draft.revision, DraftStep::RequestReview)
        .await
        .unwrap();
    let step = DraftStep::Schedule {
        reviewer: "reviewer",
        publish_at: OffsetDateTime::now_utc() - time::Duration::minutes(1),
        unpublish_at: None,
    };
    store
        .change_draft(&program.id, review.revision, step)
        .await
        .unwrap();

    let changes = apply_due_changes(&state).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(
        state.catalog().get(&program.id).unwrap().title.as_str(),
        "予約で公開"
    );
    let log = store.audit_entries(&AuditFilter::default()).await.unwrap();
    assert_eq!(log[0].action, "program.publish");
    assert_eq!(log[0].actor_name, "公開予約の処理");
    assert_eq!(log[0].target.as_deref(), Some(program.id.as_str()));
    assert!(apply_due_changes(&state).await.unwrap().is_empty());
}

/// The ids, in order, and the total a search finds, for comparing two snapshots (scores
/// may differ by the index's history; the order of these sorts does not).
fn listing(state: &AppState, text: &str, sort: Sort) -> (usize, Vec<String>) {
    let query = SearchQuery {
        text: text.to_owned(),
        status: None,
        sort,
        limit: 50,
        ..SearchQuery::default()
    };
    let as_of = time::macros::date!(2026 - 06 - 01);
    let results = state.search_index().search(&query, as_of).unwrap();
    let ids = results.hits.iter().map(|h| h.id.to_string()).collect();
    (results.total, ids)
}

#[tokio::test]
async fn a_few_changes_are_taken_in_program_by_program_and_equal_a_fresh_load() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let name = db.backend_name();
        let store = db.migrated_store().await.unwrap();
        let programs: Vec<Program> = (0..300).map(synthetic_program).collect();
        store
            .save_programs(&programs, "cli", &mut |_| {})
            .await
            .unwrap();
        let state = AppState::load(store.clone()).await.unwrap();
        let before = state.catalog();

        store
            .save_program(&retitled(&programs[5], "題名を改めた制度"), "cli")
            .await
            .unwrap();
        store.unpublish_program(&programs[7].id).await.unwrap();
        store
            .save_program(&synthetic_program(300), "cli")
            .await
            .unwrap();
        state.catalog_changed().await.unwrap();
        let after = state.catalog();

        assert_eq!(after.len(), 300, "{name}: one gone, one new");
        assert!(after.get(&programs[7].id).is_none(), "{name}");
        assert_eq!(
            after.get(&programs[5].id).unwrap().title.as_str(),
            "題名を改めた制度",
            "{name}"
        );
        // Unchanged programs are shared with the last snapshot, not read again.
        let kept = &programs[100].id;
        let at = |c: &madoguchi_core::catalog::Catalog| {
            std::sync::Arc::clone(&c.programs()[c.position(kept).unwrap()])
        };
        assert!(std::sync::Arc::ptr_eq(&at(&before), &at(&after)), "{name}");

        let fresh = AppState::load(store.clone()).await.unwrap();
        let ids = |s: &AppState| {
            s.catalog()
                .programs()
                .iter()
                .map(|p| p.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&state), ids(&fresh), "{name}");
        assert_eq!(*state.program_dates(), *fresh.program_dates(), "{name}");
        for (text, sort) in [
            ("", Sort::Newest),
            ("", Sort::Closing),
            ("", Sort::Amount),
            ("題名", Sort::Closing),
        ] {
            assert_eq!(
                listing(&state, text, sort),
                listing(&fresh, text, sort),
                "{name}: {text:?} {sort:?}"
            );
        }
        assert_eq!(listing(&state, "題名を改めた", Sort::Relevance).1.len(), 1);
    }
}
