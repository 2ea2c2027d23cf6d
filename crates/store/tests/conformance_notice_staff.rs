//! The conformance suite for notices staff write: a draft is kept with its audit entry, and
//! changed only while it is a draft and still at the revision the page showed; each step of
//! the workflow moves only from where it may, audited in the same transaction, and a step
//! whose entry the log refuses leaves nothing; only scheduled notices whose time has come
//! are due; sending turns the notice `sent` and queues its messages together, once.
//! Run against every backend like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{
    AuditFilter, MessageBody, NewAuditEntry, OutboxMessage, StaffDelivery, StaffNoticeContent,
    StaffNoticeState, StaffNoticeStep, Store, StoreError,
};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

const SEGMENT: &str = r#"{"by":{"search":"補助金"}}"#;

fn content(title: &str) -> StaffNoticeContent<'_> {
    StaffNoticeContent {
        title,
        body: "6月10日に説明会を開きます。\nhttps://city.example.jp/events/1",
        segment: SEGMENT,
        scheduled_at: None,
    }
}

fn entry(action: &str, target: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: Some("author".to_owned()),
        actor_name: "作成者".to_owned(),
        action: action.to_owned(),
        target: Some(target.to_owned()),
        detail: "お知らせ".to_owned(),
        client: None,
    }
}

async fn audited(store: &Store, action: &str) -> u64 {
    store
        .count_audit_entries(&AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        })
        .await
        .unwrap()
}

fn message(notice: &str, subscription: &str) -> OutboxMessage {
    OutboxMessage {
        key: format!("notice:{notice}:{subscription}"),
        channel: "email",
        recipient: format!("{subscription}@example.jp"),
        subscription_id: None,
        notice_id: Some(notice.to_owned()),
        body: MessageBody {
            subject: "【支援制度の窓口】説明会".to_owned(),
            text: "本文".to_owned(),
            html: None,
            unsubscribe: Some("https://city.example.jp/notices/unsubscribe/x".to_owned()),
        },
    }
}

#[tokio::test]
async fn a_draft_is_kept_with_its_entry_and_changed_only_at_the_revision_shown() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let notice = store
            .create_staff_notice(&content("説明会"), "author", |id| {
                entry("notice.draft_save", id)
            })
            .await
            .unwrap();
        assert!(notice.id.starts_with("staff-"), "{name}");
        assert_eq!(notice.state, StaffNoticeState::Draft, "{name}");
        assert_eq!(notice.author, "author");
        assert_eq!(audited(&store, "notice.draft_save").await, 1, "{name}");
        let read = store.staff_notice(&notice.id).await.unwrap().unwrap();
        assert_eq!(read, notice, "{name}");
        assert_eq!(read.revision(), notice.revision());

        // Someone else saves it: the author changes, and so does the revision.
        let later = OffsetDateTime::now_utc() + Duration::days(3);
        let changed = StaffNoticeContent {
            scheduled_at: Some(later),
            ..content("説明会のご案内")
        };
        let saved = store
            .save_staff_notice(
                &notice.id,
                &notice.revision(),
                &changed,
                "editor",
                &entry("notice.draft_save", &notice.id),
            )
            .await
            .unwrap();
        assert_eq!(saved.title, "説明会のご案内", "{name}");
        assert_eq!(saved.author, "editor");
        assert_eq!(
            saved.scheduled_at.unwrap().unix_timestamp(),
            later.unix_timestamp(),
            "{name}"
        );
        assert_ne!(saved.revision(), notice.revision());

        // A page opened before that save changes nothing.
        let stale = store
            .save_staff_notice(
                &notice.id,
                &notice.revision(),
                &content("古い画面"),
                "author",
                &entry("notice.draft_save", &notice.id),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(stale, StoreError::StaleNotice),
            "{name}: {stale:?}"
        );
        assert_eq!(audited(&store, "notice.draft_save").await, 2, "{name}");
        assert!(matches!(
            store
                .save_staff_notice(
                    "staff-none",
                    "0",
                    &content("x"),
                    "a",
                    &entry("notice.draft_save", "x")
                )
                .await
                .unwrap_err(),
            StoreError::UnknownNotice(_)
        ));
        // A program's notice is not a staff notice.
        db.execute_sql(
            "INSERT INTO notices (id, kind, title, state, created_at)
             VALUES ('event-1', 'program', '制度', 'sent', '2026-04-01 00:00:00+00:00')",
        )
        .await
        .unwrap();
        assert_eq!(store.staff_notice("event-1").await.unwrap(), None, "{name}");
        // Listed with the program notices, for the figures pages.
        assert_eq!(store.count_notices().await.unwrap(), 2, "{name}");
    }
}

#[tokio::test]
async fn each_step_moves_only_from_where_it_may_with_its_entry_or_not_at_all() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let notice = store
            .create_staff_notice(&content("説明会"), "author", |id| {
                entry("notice.draft_save", id)
            })
            .await
            .unwrap();
        // A draft cannot be returned to draft.
        let err = store
            .step_staff_notice(
                &notice.id,
                &notice.revision(),
                StaffNoticeStep::ReturnToDraft,
                &entry("notice.return", &notice.id),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NoticeState { .. }),
            "{name}: {err:?}"
        );

        // The log refuses the entry: the step rolls back whole.
        let refused = NewAuditEntry {
            action: "NOT AN ACTION".to_owned(),
            ..entry("x", &notice.id)
        };
        assert!(
            store
                .step_staff_notice(
                    &notice.id,
                    &notice.revision(),
                    StaffNoticeStep::RequestApproval,
                    &refused,
                )
                .await
                .is_err()
        );
        let still = store.staff_notice(&notice.id).await.unwrap().unwrap();
        assert_eq!(still.state, StaffNoticeState::Draft, "{name}");

        let pending = store
            .step_staff_notice(
                &notice.id,
                &notice.revision(),
                StaffNoticeStep::RequestApproval,
                &entry("notice.review_request", &notice.id),
            )
            .await
            .unwrap();
        assert_eq!(pending.state, StaffNoticeState::PendingApproval, "{name}");
        // A pending notice is not edited in place.
        let err = store
            .save_staff_notice(
                &notice.id,
                &pending.revision(),
                &content("x"),
                "author",
                &entry("notice.draft_save", &notice.id),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::NoticeState { .. }),
            "{name}: {err:?}"
        );

        let before = OffsetDateTime::now_utc() - Duration::seconds(1);
        let scheduled = store
            .step_staff_notice(
                &notice.id,
                &pending.revision(),
                StaffNoticeStep::Schedule {
                    approver: "approver",
                },
                &entry("notice.schedule", &notice.id),
            )
            .await
            .unwrap();
        assert_eq!(scheduled.state, StaffNoticeState::Scheduled, "{name}");
        assert_eq!(scheduled.approved_by.as_deref(), Some("approver"));
        // 今すぐ: scheduled for the moment of approval.
        assert!(scheduled.scheduled_at.unwrap() >= before, "{name}");

        let back = store
            .step_staff_notice(
                &notice.id,
                &scheduled.revision(),
                StaffNoticeStep::ReturnToDraft,
                &entry("notice.return", &notice.id),
            )
            .await
            .unwrap();
        assert_eq!(back.state, StaffNoticeState::Draft, "{name}");
        assert_eq!(back.approved_by, None, "{name}");
        for action in ["notice.review_request", "notice.schedule", "notice.return"] {
            assert_eq!(audited(&store, action).await, 1, "{name}: {action}");
        }

        // Discarded with its entry; a stale page discards nothing.
        assert!(matches!(
            store
                .discard_staff_notice(
                    &notice.id,
                    &pending.revision(),
                    &entry("notice.discard", &notice.id)
                )
                .await
                .unwrap_err(),
            StoreError::StaleNotice
        ));
        store
            .discard_staff_notice(
                &notice.id,
                &back.revision(),
                &entry("notice.discard", &notice.id),
            )
            .await
            .unwrap();
        assert_eq!(
            store.staff_notice(&notice.id).await.unwrap(),
            None,
            "{name}"
        );
        assert_eq!(audited(&store, "notice.discard").await, 1, "{name}");
    }
}

#[tokio::test]
async fn only_scheduled_notices_whose_time_has_come_are_due_and_each_is_sent_once() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let now = OffsetDateTime::now_utc();
        let schedule = |title: &'static str, at: Option<OffsetDateTime>| {
            let store = store.clone();
            async move {
                let content = StaffNoticeContent {
                    scheduled_at: at,
                    ..content(title)
                };
                let draft = store
                    .create_staff_notice(&content, "author", |id| entry("notice.draft_save", id))
                    .await
                    .unwrap();
                store
                    .step_staff_notice(
                        &draft.id,
                        &draft.revision(),
                        StaffNoticeStep::Schedule {
                            approver: "approver",
                        },
                        &entry("notice.schedule", &draft.id),
                    )
                    .await
                    .unwrap()
            }
        };
        let at_once = schedule("今すぐ", None).await;
        let tomorrow = schedule("明日", Some(now + Duration::days(1))).await;
        let draft = store
            .create_staff_notice(&content("下書き"), "author", |id| {
                entry("notice.draft_save", id)
            })
            .await
            .unwrap();

        let due: Vec<String> = store
            .due_staff_notices(now + Duration::seconds(1))
            .await
            .unwrap()
            .into_iter()
            .map(|n| n.id)
            .collect();
        assert_eq!(due, [at_once.id.as_str()], "{name}");
        let in_two_days = store
            .due_staff_notices(now + Duration::days(2))
            .await
            .unwrap();
        assert_eq!(in_two_days.len(), 2, "{name}");
        assert!(!in_two_days.iter().any(|n| n.id == draft.id));

        let messages = [message(&at_once.id, "s1"), message(&at_once.id, "s2")];
        let sending = entry("notice.send", &at_once.id);
        let delivery = StaffDelivery {
            notice_id: &at_once.id,
            messages: &messages,
            audit: Some(&sending),
        };
        assert!(
            store.deliver_staff_notice(&delivery).await.unwrap(),
            "{name}"
        );
        // Again (another process, a rerun): nothing more.
        assert!(
            !store.deliver_staff_notice(&delivery).await.unwrap(),
            "{name}"
        );
        let sent = store.staff_notice(&at_once.id).await.unwrap().unwrap();
        assert_eq!(sent.state, StaffNoticeState::Sent, "{name}");
        assert_eq!(sent.recipients, 2, "{name}");
        assert!(sent.sent_at.is_some());
        assert_eq!(store.outbox_counts().await.unwrap().queued, 2, "{name}");
        assert_eq!(audited(&store, "notice.send").await, 1, "{name}");
        let summary = store.notice_report(&at_once.id).await.unwrap().unwrap();
        assert_eq!(summary.notice.kind, "staff");
        assert_eq!(summary.notice.figures.waiting, 2, "{name}");

        // A sent notice is neither returned, discarded nor due.
        let err = store
            .discard_staff_notice(
                &sent.id,
                &sent.revision(),
                &entry("notice.discard", &sent.id),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NoticeState { .. }), "{name}");
        assert!(
            !store
                .due_staff_notices(now + Duration::days(2))
                .await
                .unwrap()
                .iter()
                .any(|n| n.id == sent.id)
        );

        // A notice taken back to draft meanwhile is not sent by a delivery made before.
        store
            .step_staff_notice(
                &tomorrow.id,
                &tomorrow.revision(),
                StaffNoticeStep::ReturnToDraft,
                &entry("notice.return", &tomorrow.id),
            )
            .await
            .unwrap();
        let late = [message(&tomorrow.id, "s1")];
        let delivery = StaffDelivery {
            notice_id: &tomorrow.id,
            messages: &late,
            audit: None,
        };
        assert!(
            !store.deliver_staff_notice(&delivery).await.unwrap(),
            "{name}"
        );
        assert_eq!(store.outbox_counts().await.unwrap().queued, 2, "{name}");
    }
}
