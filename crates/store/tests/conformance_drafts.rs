//! The conformance suite for the publishing workflow — drafts, publishing, scheduled
//! changes, taking programs off the site and the catalogue's revision — run against every
//! backend like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::time::Duration as StdDuration;

use madoguchi_core::program::{ProgramId, ProgramStatus};
use madoguchi_store::testing::{
    TestDatabase, published, retitled, scheduled_draft, synthetic_program,
};
use madoguchi_store::{
    AuditFilter, DraftState, DraftStep, DueChange, NewAuditEntry, Publication, SaveOutcome, Store,
    StoreError, TakeDown,
};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

#[tokio::test]
async fn a_draft_reads_back_and_leaves_the_published_program_alone() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let edited = retitled(&program, "下書きの題名");
        let draft = store.save_draft(&edited, 1, 0, "author-a").await.unwrap();
        assert_eq!(draft.revision, 1, "{}", db.backend_name());
        assert_eq!(draft.base_version, 1);
        assert_eq!(draft.state, DraftState::Draft);
        assert_eq!(draft.author, "author-a");
        assert_eq!(draft.program, edited);
        assert_eq!(store.draft(&program.id).await.unwrap().unwrap(), draft);
        assert_eq!(store.program(&program.id).await.unwrap().unwrap(), program);
        assert_eq!(store.drafts().await.unwrap(), std::slice::from_ref(&draft));

        let again = store
            .save_draft(&retitled(&program, "二度目"), 1, 1, "author-b")
            .await
            .unwrap();
        assert_eq!(again.revision, 2);
        assert_eq!(again.author, "author-b");
        assert_eq!(again.program.title.as_str(), "二度目");
    }
}

#[tokio::test]
async fn the_second_of_two_editors_is_refused_and_nothing_is_overwritten() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        store.save_draft(&program, 1, 0, "a").await.unwrap();
        // Both open revision 1; the first saves, the second is refused.
        let first = store
            .save_draft(&retitled(&program, "最初の人"), 1, 1, "a")
            .await
            .unwrap();
        let err = store
            .save_draft(&retitled(&program, "二番目の人"), 1, 1, "b")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::StaleDraft {
                    expected: 1,
                    current: 2,
                    ..
                }
            ),
            "{}: {err:?}",
            db.backend_name()
        );
        assert!(err.to_string().contains("他の人が保存しました"), "{err}");
        assert_eq!(store.draft(&program.id).await.unwrap().unwrap(), first);

        // Two people starting a draft of the same program at once: one draft.
        let other = synthetic_program(2);
        store.save_draft(&other, 0, 0, "a").await.unwrap();
        let err = store.save_draft(&other, 0, 0, "b").await.unwrap_err();
        assert!(matches!(
            err,
            StoreError::StaleDraft {
                expected: 0,
                current: 1,
                ..
            }
        ));
    }
}

#[tokio::test]
async fn concurrent_saves_of_one_revision_let_exactly_one_through() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let other = Store::connect(db.url()).await.unwrap();
        store.save_draft(&program, 1, 0, "a").await.unwrap();
        let (one, two) = (retitled(&program, "A"), retitled(&program, "B"));
        let (a, b) = tokio::join!(
            store.save_draft(&one, 1, 1, "a"),
            other.save_draft(&two, 1, 1, "b"),
        );
        assert_eq!(
            [a.is_ok(), b.is_ok()].iter().filter(|ok| **ok).count(),
            1,
            "{}: {a:?} {b:?}",
            db.backend_name()
        );
        assert_eq!(store.draft(&program.id).await.unwrap().unwrap().revision, 2);
    }
}

#[tokio::test]
async fn publishing_saves_the_next_version_and_removes_the_draft_together() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let before = store.catalog_revision().await.unwrap();
        let draft = store
            .save_draft(&retitled(&program, "公開する題名"), 1, 0, "a")
            .await
            .unwrap();
        assert_eq!(
            store.catalog_revision().await.unwrap(),
            before,
            "drafts are not public"
        );
        let outcome = store
            .publish_draft(&program.id, draft.revision, "console:reviewer")
            .await
            .unwrap();
        assert_eq!(
            outcome,
            SaveOutcome::Updated { version: 2 },
            "{}",
            db.backend_name()
        );
        assert!(store.draft(&program.id).await.unwrap().is_none());
        let current = store.program(&program.id).await.unwrap().unwrap();
        assert_eq!(current.title.as_str(), "公開する題名");
        assert_eq!(current.version, 2);
        let history = store.program_versions(&program.id).await.unwrap();
        assert_eq!(history[1].origin, "console:reviewer");
        assert!(store.catalog_revision().await.unwrap() > before);

        // A new program's draft publishes as version 1.
        let fresh = synthetic_program(7);
        let draft = store.save_draft(&fresh, 0, 0, "a").await.unwrap();
        let outcome = store
            .publish_draft(&fresh.id, draft.revision, "console:a")
            .await
            .unwrap();
        assert_eq!(outcome, SaveOutcome::Created { version: 1 });
        assert_eq!(store.programs().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_draft_from_a_version_since_replaced_is_refused_at_save_and_at_publish() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let draft = store
            .save_draft(&retitled(&program, "古い版からの下書き"), 1, 0, "a")
            .await
            .unwrap();
        // Meanwhile someone closes the program for budget: version 2.
        let mut closed = program.clone();
        closed.status = ProgramStatus::ClosedBudget;
        store
            .save_program_expecting(&closed, 1, "console:b")
            .await
            .unwrap();

        let err = store
            .publish_draft(&program.id, draft.revision, "console:a")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Stale {
                    expected: 1,
                    current: 2,
                    ..
                }
            ),
            "{}: {err:?}",
            db.backend_name()
        );
        let err = store
            .save_draft(&draft.program, 1, draft.revision, "a")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Stale { .. }), "{err:?}");
        // Nothing moved: the closed version stands and the draft is still there.
        let current = store.program(&program.id).await.unwrap().unwrap();
        assert_eq!(current.status, ProgramStatus::ClosedBudget);
        assert_eq!(store.draft(&program.id).await.unwrap().unwrap(), draft);
        // Having seen the closure, the editor saves on version 2 and can publish.
        let rebased = store
            .save_draft(&draft.program, 2, draft.revision, "a")
            .await
            .unwrap();
        assert_eq!(rebased.base_version, 2);
        let outcome = store
            .publish_draft(&program.id, rebased.revision, "console:a")
            .await
            .unwrap();
        assert_eq!(outcome, SaveOutcome::Updated { version: 3 });
    }
}

#[tokio::test]
async fn a_draft_moves_through_review_and_refuses_steps_its_state_does_not_allow() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let draft = store.save_draft(&program, 1, 0, "author").await.unwrap();
        let later = OffsetDateTime::now_utc() + Duration::days(3);
        let early = DraftStep::Schedule {
            reviewer: "reviewer",
            publish_at: later,
            unpublish_at: None,
        };
        let err = store
            .change_draft(&program.id, draft.revision, early)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::DraftState { .. }), "{err:?}");
        assert!(err.to_string().contains("「下書き」のため"), "{err}");

        let review = store
            .change_draft(&program.id, draft.revision, DraftStep::RequestReview)
            .await
            .unwrap();
        assert_eq!(review.state, DraftState::Review, "{}", db.backend_name());
        assert_eq!(review.revision, 2);
        let scheduled = store
            .change_draft(&program.id, review.revision, early)
            .await
            .unwrap();
        assert_eq!(scheduled.state, DraftState::Scheduled);
        assert_eq!(scheduled.reviewer.as_deref(), Some("reviewer"));
        assert_eq!(
            scheduled.publish_at,
            Some(later.replace_nanosecond(0).unwrap())
        );
        // Editing an approved draft withdraws the approval.
        let edited = store
            .save_draft(&program, 1, scheduled.revision, "author")
            .await
            .unwrap();
        assert_eq!(edited.state, DraftState::Draft);
        assert_eq!((edited.reviewer, edited.publish_at), (None, None));
        // A step on a stale revision is refused like a stale save.
        let err = store
            .change_draft(&program.id, review.revision, DraftStep::RequestReview)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::StaleDraft { .. }), "{err:?}");

        store
            .discard_draft(&program.id, edited.revision)
            .await
            .unwrap();
        assert!(store.draft(&program.id).await.unwrap().is_none());
        let err = store
            .discard_draft(&program.id, edited.revision)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NoDraft(_)), "{err:?}");
    }
}

#[tokio::test]
async fn scheduled_drafts_publish_when_due_and_only_once() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let now = OffsetDateTime::now_utc();
        scheduled_draft(
            &store,
            &retitled(&program, "予約した題名"),
            now + Duration::hours(1),
        )
        .await
        .unwrap();

        assert_eq!(store.apply_due_changes(now).await.unwrap(), []);
        assert_eq!(
            store.program(&program.id).await.unwrap().unwrap().version,
            1
        );

        let due = now + Duration::hours(2);
        let other = Store::connect(db.url()).await.unwrap();
        let (a, b) = tokio::join!(store.apply_due_changes(due), other.apply_due_changes(due));
        let mut changes = a.unwrap();
        changes.extend(b.unwrap());
        assert_eq!(
            changes,
            [DueChange::Published {
                id: program.id.clone(),
                version: 2,
                reviewer: Some("reviewer".to_owned()),
            }],
            "{}",
            db.backend_name()
        );
        let current = store.program(&program.id).await.unwrap().unwrap();
        assert_eq!(current.title.as_str(), "予約した題名");
        assert!(store.draft(&program.id).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn a_scheduled_draft_overtaken_by_another_change_is_held_as_a_draft() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let now = OffsetDateTime::now_utc();
        scheduled_draft(&store, &retitled(&program, "予約"), now)
            .await
            .unwrap();
        let mut closed = program.clone();
        closed.status = ProgramStatus::ClosedBudget;
        store
            .save_program_expecting(&closed, 1, "console:b")
            .await
            .unwrap();

        let changes = store.apply_due_changes(now).await.unwrap();
        assert_eq!(
            changes,
            [DueChange::Held {
                id: program.id.clone()
            }]
        );
        let draft = store.draft(&program.id).await.unwrap().unwrap();
        assert_eq!(draft.state, DraftState::Draft, "{}", db.backend_name());
        assert_eq!(
            store.program(&program.id).await.unwrap().unwrap().status,
            ProgramStatus::ClosedBudget
        );
        assert_eq!(store.apply_due_changes(now).await.unwrap(), []);
    }
}

#[tokio::test]
async fn an_unpublished_program_leaves_the_public_catalogue_but_keeps_its_history() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let second = synthetic_program(2);
        store.save_program(&second, "cli").await.unwrap();
        let before = store.catalog_revision().await.unwrap();

        assert!(store.unpublish_program(&program.id).await.unwrap());
        assert!(
            !store.unpublish_program(&program.id).await.unwrap(),
            "only once"
        );
        let public: Vec<ProgramId> = store
            .programs()
            .await
            .unwrap()
            .into_iter()
            .map(|p| p.id)
            .collect();
        assert_eq!(
            public,
            std::slice::from_ref(&second.id),
            "{}",
            db.backend_name()
        );
        assert_eq!(store.count_programs().await.unwrap(), 1);
        assert_eq!(store.program_dates().await.unwrap().len(), 1);
        assert_eq!(
            store.program(&program.id).await.unwrap().unwrap().version,
            1
        );
        assert_eq!(store.catalog_revision().await.unwrap(), before + 1);
        let entries = store.program_entries().await.unwrap();
        assert!(entries[0].unpublished_at.is_some());
        assert!(entries[1].unpublished_at.is_none());

        // Publishing a new version brings it back.
        let draft = store
            .save_draft(&retitled(&program, "再開"), 1, 0, "a")
            .await
            .unwrap();
        store
            .publish_draft(&program.id, draft.revision, "console:a")
            .await
            .unwrap();
        assert_eq!(store.programs().await.unwrap().len(), 2);
    }
}

#[tokio::test]
async fn a_planned_unpublish_happens_when_due_and_can_be_cancelled() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let now = OffsetDateTime::now_utc();
        store
            .schedule_unpublish(&program.id, Some(now + Duration::days(1)))
            .await
            .unwrap();
        assert_eq!(store.apply_due_changes(now).await.unwrap(), []);
        assert_eq!(store.programs().await.unwrap().len(), 1);
        let changes = store
            .apply_due_changes(now + Duration::days(2))
            .await
            .unwrap();
        assert_eq!(
            changes,
            [DueChange::Unpublished {
                id: program.id.clone()
            }]
        );
        assert!(
            store.programs().await.unwrap().is_empty(),
            "{}",
            db.backend_name()
        );

        let other = synthetic_program(3);
        store.save_program(&other, "cli").await.unwrap();
        store
            .schedule_unpublish(&other.id, Some(now))
            .await
            .unwrap();
        store.schedule_unpublish(&other.id, None).await.unwrap();
        assert_eq!(
            store
                .apply_due_changes(now + Duration::days(9))
                .await
                .unwrap(),
            []
        );
        let err = store
            .schedule_unpublish(&ProgramId::parse("no-such").unwrap(), None)
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownProgram(_)));
    }
}

#[tokio::test]
async fn publishing_a_draft_keeps_a_planned_take_down_unless_the_draft_names_its_own() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let planned = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + Duration::days(30);
        store
            .schedule_unpublish(&program.id, Some(planned))
            .await
            .unwrap();
        let planned_of = |entry: Option<madoguchi_store::ProgramEntry>| entry.unwrap().unpublish_at;

        // A typo fix, published at once: the take-down stays planned.
        let draft = store
            .save_draft(&retitled(&program, "誤字を直した題名"), 1, 0, "a")
            .await
            .unwrap();
        store
            .publish_draft(&program.id, draft.revision, "console:a")
            .await
            .unwrap();
        let entry = store.program_entry(&program.id).await.unwrap();
        assert_eq!(planned_of(entry), Some(planned), "{}", db.backend_name());

        // A draft scheduled with its own date moves it.
        let moved = planned + Duration::days(7);
        let current = store.program(&program.id).await.unwrap().unwrap();
        let now = OffsetDateTime::now_utc();
        let draft = store
            .save_draft(&retitled(&current, "日付を変える題名"), 2, 0, "a")
            .await
            .unwrap();
        let draft = store
            .change_draft(&program.id, draft.revision, DraftStep::RequestReview)
            .await
            .unwrap();
        let step = DraftStep::Schedule {
            reviewer: "b",
            publish_at: now,
            unpublish_at: Some(moved),
        };
        store
            .change_draft(&program.id, draft.revision, step)
            .await
            .unwrap();
        store
            .apply_due_changes(now + Duration::seconds(1))
            .await
            .unwrap();
        let entry = store.program_entry(&program.id).await.unwrap();
        assert_eq!(planned_of(entry), Some(moved), "{}", db.backend_name());
    }
}

#[tokio::test]
async fn a_publication_its_take_down_and_its_audit_entry_are_written_together_or_not_at_all() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let name = db.backend_name();
        let leaving = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + Duration::days(60);
        let draft = store
            .save_draft(&retitled(&program, "公開する題名"), 1, 0, "a")
            .await
            .unwrap();
        let entry = |action: &str, version: u32| NewAuditEntry {
            actor_id: Some("b".to_owned()),
            actor_name: "承認者".to_owned(),
            action: action.to_owned(),
            target: Some(program.id.to_string()),
            detail: format!("第{version}版として公開しました"),
            client: None,
        };

        // An entry the log refuses: nothing is published, the draft and the plan stay.
        let refused = |version: u32| entry("NOT AN ACTION", version);
        let publication = Publication {
            origin: "console:b",
            unpublish_at: Some(leaving),
            audit: Some(&refused),
        };
        let err = store
            .publish(&program.id, draft.revision, &publication)
            .await;
        assert!(
            matches!(err, Err(StoreError::InvalidAuditEntry(_))),
            "{name}: {err:?}"
        );
        assert_eq!(
            store.program(&program.id).await.unwrap().unwrap(),
            program,
            "{name}"
        );
        assert_eq!(
            store.draft(&program.id).await.unwrap(),
            Some(draft.clone()),
            "{name}"
        );
        let entry_now = store.program_entry(&program.id).await.unwrap().unwrap();
        assert_eq!(entry_now.unpublish_at, None, "{name}");
        assert!(audit_of(&store).await.is_empty(), "{name}");

        // The same with a good entry: the version, the take-down and the entry, all three.
        let good = |version: u32| entry("program.publish", version);
        let publication = Publication {
            audit: Some(&good),
            ..publication
        };
        let outcome = store
            .publish(&program.id, draft.revision, &publication)
            .await
            .unwrap();
        assert_eq!(outcome, SaveOutcome::Updated { version: 2 }, "{name}");
        let entry_now = store.program_entry(&program.id).await.unwrap().unwrap();
        assert_eq!(entry_now.unpublish_at, Some(leaving), "{name}");
        let log = audit_of(&store).await;
        assert_eq!(log.len(), 1, "{name}");
        assert_eq!(log[0].detail, "第2版として公開しました", "{name}");
        assert_eq!(log[0].target.as_deref(), Some(program.id.as_str()));
    }
}

#[tokio::test]
async fn a_take_down_a_schedule_and_their_audit_entries_are_written_together_or_not_at_all() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let name = db.backend_name();
        let later = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap() + Duration::days(9);
        let entry = |action: &str| NewAuditEntry {
            actor_id: Some("b".to_owned()),
            actor_name: "職員".to_owned(),
            action: action.to_owned(),
            target: Some(program.id.to_string()),
            detail: "公開終了".to_owned(),
            client: None,
        };
        let refused = |_: bool| entry("NOT AN ACTION");
        for change in [TakeDown::At(later), TakeDown::Now] {
            let err = store.take_down(&program.id, change, &refused).await;
            assert!(
                matches!(err, Err(StoreError::InvalidAuditEntry(_))),
                "{name}: {err:?}"
            );
            let entry_now = store.program_entry(&program.id).await.unwrap().unwrap();
            assert_eq!(
                (entry_now.unpublish_at, entry_now.unpublished_at),
                (None, None)
            );
        }
        let draft = store
            .save_draft(&retitled(&program, "予約する題名"), 1, 0, "a")
            .await
            .unwrap();
        let step = DraftStep::Schedule {
            reviewer: "b",
            publish_at: later,
            unpublish_at: None,
        };
        let review = store
            .change_draft(&program.id, draft.revision, DraftStep::RequestReview)
            .await
            .unwrap();
        let err = store
            .change_draft_audited(
                &program.id,
                review.revision,
                step,
                Some(&entry("NOT AN ACTION")),
            )
            .await;
        assert!(
            matches!(err, Err(StoreError::InvalidAuditEntry(_))),
            "{name}: {err:?}"
        );
        assert_eq!(
            store.draft(&program.id).await.unwrap().unwrap().state,
            DraftState::Review
        );
        assert!(audit_of(&store).await.is_empty(), "{name}");

        // With good entries: each change and its entry.
        let scheduled = store
            .change_draft_audited(
                &program.id,
                review.revision,
                step,
                Some(&entry("program.schedule")),
            )
            .await
            .unwrap();
        assert_eq!(scheduled.state, DraftState::Scheduled);
        let good = |changed: bool| {
            entry(if changed {
                "program.unpublish"
            } else {
                "x.unchanged"
            })
        };
        assert!(
            store
                .take_down(&program.id, TakeDown::Now, &good)
                .await
                .unwrap()
        );
        assert!(
            !store
                .take_down(&program.id, TakeDown::Now, &good)
                .await
                .unwrap()
        );
        let actions: Vec<_> = audit_of(&store)
            .await
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(
            actions,
            ["x.unchanged", "program.unpublish", "program.schedule"],
            "{name}"
        );
        let unknown = ProgramId::parse("no-such").unwrap();
        let err = store.take_down(&unknown, TakeDown::Cancel, &good).await;
        assert!(matches!(err, Err(StoreError::UnknownProgram(_))), "{name}");
    }
}

async fn audit_of(store: &Store) -> Vec<madoguchi_store::AuditEntry> {
    store.audit_entries(&AuditFilter::default()).await.unwrap()
}

#[tokio::test]
async fn the_catalogue_revision_counts_changes_not_unchanged_saves() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let first = store.catalog_revision().await.unwrap();
        store.save_program(&program, "cli").await.unwrap();
        assert_eq!(
            store.catalog_revision().await.unwrap(),
            first,
            "{}",
            db.backend_name()
        );
        store
            .save_program(&retitled(&program, "変更"), "cli")
            .await
            .unwrap();
        assert_eq!(store.catalog_revision().await.unwrap(), first + 1);
    }
}

/// Waits for a watch to report a change; a watch that never hears is a failure, reported
/// after a minute rather than left to hang the suite.
async fn heard(watch: &mut madoguchi_store::CatalogWatch) -> i64 {
    tokio::time::timeout(StdDuration::from_secs(60), watch.changed())
        .await
        .expect("the watch never heard the change")
        .unwrap()
}

#[tokio::test]
async fn another_process_hears_a_publish_through_its_watch() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        let elsewhere = Store::connect(db.url()).await.unwrap();
        let mut watch = elsewhere
            .watch_catalog(StdDuration::from_millis(50))
            .await
            .unwrap();
        let seen = watch.revision();
        let draft = store
            .save_draft(&retitled(&program, "他の処理へ"), 1, 0, "a")
            .await
            .unwrap();
        store
            .publish_draft(&program.id, draft.revision, "console:a")
            .await
            .unwrap();
        let now = heard(&mut watch).await;
        assert!(now > seen, "{}", db.backend_name());
        let there = elsewhere.programs().await.unwrap();
        assert_eq!(there[0].title.as_str(), "他の処理へ");
    }
}

#[tokio::test]
async fn an_old_version_restores_as_a_draft_of_the_current_one() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        store
            .save_program(&retitled(&program, "二版"), "cli")
            .await
            .unwrap();
        let draft = store.restore_version(&program.id, 1, 0, "a").await.unwrap();
        assert_eq!(draft.base_version, 2, "{}", db.backend_name());
        assert_eq!(draft.program.title, program.title);
        let outcome = store
            .publish_draft(&program.id, draft.revision, "console:a")
            .await
            .unwrap();
        assert_eq!(outcome, SaveOutcome::Updated { version: 3 });
        let err = store
            .restore_version(&program.id, 9, 0, "a")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownProgram(_)), "{err:?}");
    }
}
