//! Two app processes on one database: a publish through one is seen by the other, on
//! PostgreSQL (LISTEN/NOTIFY) and on a SQLite file (a poll of the revision counter).

#![allow(clippy::unwrap_used)]

use std::time::Duration;

use madoguchi_core::program::{Program, Title};
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
