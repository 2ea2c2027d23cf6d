//! The conformance suite for notices: a subscription kept with its confirmation message in
//! one transaction, confirmed, changed and deleted with what the outbox held for it; the
//! outbox's claims (never the same row to two workers at once, even from many tasks on
//! PostgreSQL), retries, lapsed claims taken again and reported, dead letters and requeue.
//! Run against every backend like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use madoguchi_core::notices::{Address, Cadence, Criteria, EventSet, SubscriptionChoices};
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{Delivery, MessageBody, OutboxMessage, Store};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn message(key: &str, to: &str, subscription: Option<&str>) -> OutboxMessage {
    OutboxMessage {
        key: key.to_owned(),
        channel: "email",
        recipient: to.to_owned(),
        subscription_id: subscription.map(str::to_owned),
        notice_id: None,
        body: MessageBody {
            subject: "お知らせの登録の確認".to_owned(),
            text: format!("{key} の本文"),
            html: None,
            unsubscribe: None,
        },
    }
}

async fn subscribe(store: &Store, to: &str) -> String {
    store
        .subscribe(
            &Address::email(to).unwrap(),
            &Criteria::Profile(serde_json::json!({"municipality": "242012", "employees": 12})),
            &SubscriptionChoices::default(),
            |id| message(&format!("confirm-{id}"), to, Some(id)),
        )
        .await
        .unwrap()
}

#[tokio::test]
async fn endings_recorded_together_mark_each_row_as_its_own_try_ended() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        // More than one statement's worth of sent rows, one to retry and one dead.
        let count = madoguchi_store::FINISH_AT_ONCE + 2;
        let messages: Vec<OutboxMessage> = (0..count)
            .map(|i| message(&format!("k{i}"), &format!("t{i}@example.jp"), None))
            .collect();
        store.enqueue(&messages).await.unwrap();
        let claimed = store
            .claim_outbox(u32::try_from(count).unwrap(), Duration::minutes(5))
            .await
            .unwrap();
        assert_eq!(claimed.len(), count, "{name}");
        let mut endings: Vec<(i64, Delivery)> =
            claimed.iter().map(|c| (c.id, Delivery::Sent)).collect();
        endings[0].1 = Delivery::Retry {
            error: "451 try later".to_owned(),
            at: OffsetDateTime::now_utc() - Duration::seconds(1),
        };
        endings[1].1 = Delivery::Dead {
            error: "550 no such user".to_owned(),
        };
        store.finish_deliveries(&endings).await.unwrap();
        let counts = store.outbox_counts().await.unwrap();
        assert_eq!(
            (counts.sent, counts.queued, counts.dead, counts.sending),
            (u64::try_from(count - 2).unwrap(), 1, 1, 0),
            "{name}"
        );
        let again = store.claim_outbox(10, Duration::minutes(5)).await.unwrap();
        assert_eq!(again.len(), 1, "{name}: only the retried row is due");
        assert_eq!(
            (again[0].id, again[0].last_error.as_str()),
            (claimed[0].id, "451 try later")
        );
        store.finish_deliveries(&[]).await.unwrap();
    }
}

#[tokio::test]
async fn a_subscription_is_kept_with_its_confirmation_and_deleted_with_its_messages() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let id = subscribe(&store, "taro@example.jp").await;
        assert_eq!(id.len(), 32, "{name}");
        let kept = store.subscription(&id).await.unwrap().unwrap();
        assert!(!kept.confirmed, "{name}: double opt-in starts unconfirmed");
        assert_eq!(kept.address, Address::Email("taro@example.jp".to_owned()));
        assert_eq!(store.outbox_counts().await.unwrap().queued, 1, "{name}");

        assert!(store.confirm_subscription(&id).await.unwrap());
        assert!(
            store.confirm_subscription(&id).await.unwrap(),
            "twice is fine"
        );
        assert!(store.subscription(&id).await.unwrap().unwrap().confirmed);
        let choices = SubscriptionChoices {
            events: EventSet::parse(["deadline7"]).unwrap(),
            cadence: Cadence::Weekly,
            needs_info: true,
        };
        assert!(store.change_subscription(&id, &choices).await.unwrap());
        assert_eq!(
            store.subscription(&id).await.unwrap().unwrap().choices,
            choices
        );

        // One message sent, one still queued: deleting drops the queued one and blanks
        // the address of the sent one.
        let sent = store.claim_outbox(10, Duration::minutes(5)).await.unwrap();
        assert_eq!(sent.len(), 1, "{name}");
        store
            .finish_delivery(sent[0].id, &Delivery::Sent)
            .await
            .unwrap();
        store
            .enqueue(&[message("later", "taro@example.jp", Some(&id))])
            .await
            .unwrap();
        assert!(store.delete_subscription(&id).await.unwrap());
        assert!(store.subscription(&id).await.unwrap().is_none());
        assert!(!store.delete_subscription(&id).await.unwrap());
        let counts = store.outbox_counts().await.unwrap();
        assert_eq!((counts.queued, counts.sent), (0, 1), "{name}");
        assert!(
            !store
                .confirm_subscription("0".repeat(32).as_str())
                .await
                .unwrap()
        );
    }
}

#[tokio::test]
async fn the_outbox_retries_parks_and_retakes_lapsed_claims_with_a_report() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let added = store
            .enqueue(&[
                message("a", "a@example.jp", None),
                message("b", "b@example.jp", None),
            ])
            .await
            .unwrap();
        assert_eq!(added, 2);
        let again = store
            .enqueue(&[message("a", "a@example.jp", None)])
            .await
            .unwrap();
        assert_eq!(again, 0, "{name}: a key already queued is kept once");

        let claimed = store.claim_outbox(10, Duration::minutes(5)).await.unwrap();
        assert_eq!(
            claimed.iter().map(|c| c.key.as_str()).collect::<Vec<_>>(),
            ["a", "b"]
        );
        assert!(
            store
                .claim_outbox(10, Duration::minutes(5))
                .await
                .unwrap()
                .is_empty(),
            "{name}: claimed rows are not claimed again while the lease holds"
        );
        // a: the server said later; b: refused for good.
        let later = OffsetDateTime::now_utc() + Duration::hours(1);
        store
            .finish_delivery(
                claimed[0].id,
                &Delivery::Retry {
                    error: "451 try later".to_owned(),
                    at: later,
                },
            )
            .await
            .unwrap();
        store
            .finish_delivery(
                claimed[1].id,
                &Delivery::Dead {
                    error: "550 no such user".to_owned(),
                },
            )
            .await
            .unwrap();
        assert!(
            store
                .claim_outbox(10, Duration::minutes(5))
                .await
                .unwrap()
                .is_empty(),
            "{name}: a retry waits for its time"
        );
        let dead = store.dead_letters(10).await.unwrap();
        assert_eq!(dead.len(), 1);
        assert_eq!(dead[0].last_error, "550 no such user");
        assert!(store.requeue_dead(dead[0].id).await.unwrap());
        assert!(
            !store.requeue_dead(dead[0].id).await.unwrap(),
            "{name}: no longer dead"
        );

        // A worker that claims and dies: with a lease already over, the row is taken
        // again, with the same key and a report.
        let taken = store.claim_outbox(10, Duration::seconds(-1)).await.unwrap();
        assert_eq!(taken.len(), 1, "{name}");
        assert_eq!(taken[0].key, "b");
        let retaken = store.claim_outbox(10, Duration::minutes(5)).await.unwrap();
        assert_eq!(retaken.len(), 1, "{name}");
        assert_eq!(retaken[0].key, "b");
        assert_eq!(retaken[0].attempts, 2);
        assert!(
            retaken[0].last_error.contains("重複"),
            "{name}: {}",
            retaken[0].last_error
        );
    }
}

#[tokio::test]
async fn workers_claiming_at_once_never_take_the_same_row() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let messages: Vec<OutboxMessage> = (0..400)
            .map(|i| message(&format!("m{i:03}"), "x@example.jp", None))
            .collect();
        store.enqueue(&messages).await.unwrap();
        let mut workers = Vec::new();
        for _ in 0..8 {
            let store = store.clone();
            workers.push(tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_outbox(25, Duration::minutes(5)).await.unwrap();
                    if batch.is_empty() {
                        break mine;
                    }
                    for item in batch {
                        store
                            .finish_delivery(item.id, &Delivery::Sent)
                            .await
                            .unwrap();
                        mine.push(item.key);
                    }
                }
            }));
        }
        let mut all = Vec::new();
        for worker in workers {
            all.extend(worker.await.unwrap());
        }
        let unique: BTreeSet<&String> = all.iter().collect();
        assert_eq!(all.len(), 400, "{name}: every row sent once");
        assert_eq!(unique.len(), 400, "{name}: no row sent twice");
        assert_eq!(store.outbox_counts().await.unwrap().sent, 400, "{name}");
    }
}

#[tokio::test]
async fn an_address_nobody_confirmed_is_erased_after_its_time() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let pending = subscribe(&store, "pending@example.jp").await;
        let confirmed = subscribe(&store, "confirmed@example.jp").await;
        assert!(store.confirm_subscription(&confirmed).await.unwrap());
        let before_both = OffsetDateTime::now_utc() - Duration::minutes(1);
        assert_eq!(
            store.purge_unconfirmed(before_both).await.unwrap(),
            0,
            "{name}: nothing is erased before its time"
        );
        let after_both = OffsetDateTime::now_utc() + Duration::minutes(1);
        assert_eq!(
            store.purge_unconfirmed(after_both).await.unwrap(),
            1,
            "{name}"
        );
        assert!(
            store.subscription(&pending).await.unwrap().is_none(),
            "{name}"
        );
        assert!(
            store.subscription(&confirmed).await.unwrap().is_some(),
            "{name}"
        );
        // The erased one's confirmation message went with it; the other's stays queued.
        let queued = store.claim_outbox(10, Duration::minutes(1)).await.unwrap();
        let recipients: Vec<_> = queued.iter().map(|i| i.recipient.as_str()).collect();
        assert_eq!(recipients, ["confirmed@example.jp"], "{name}");
    }
}
