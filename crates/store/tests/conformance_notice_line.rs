//! The conformance suite for LINE subscriptions: a pending subscription with its code, linked
//! once by the code (never twice, never after it expired), deleted with everything of a user
//! who blocked the account, and webhook event ids seen once and forgotten after a week. Run
//! against every backend like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use madoguchi_core::notices::{Address, Criteria, SubscriptionChoices};
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{
    LINE_CODE_ALPHABET, LINE_CODE_LEN, LINE_CODE_LIFETIME, LINE_EVENT_MEMORY, LineLink,
    MessageBody, OutboxMessage, Store, Subscription,
};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn criteria() -> Criteria {
    Criteria::Search("省エネ 設備".to_owned())
}

fn line_message(key: &str, to: &str, subscription: Option<&str>) -> OutboxMessage {
    OutboxMessage {
        key: key.to_owned(),
        channel: "line",
        recipient: to.to_owned(),
        subscription_id: subscription.map(str::to_owned),
        notice_id: None,
        body: MessageBody {
            subject: String::new(),
            text: format!("{key} の本文"),
            html: None,
            unsubscribe: None,
        },
    }
}

async fn subscribe(store: &Store) -> LineLink {
    store
        .subscribe_line(&criteria(), &SubscriptionChoices::default())
        .await
        .unwrap()
}

async fn kept(store: &Store, id: &str) -> Option<Subscription> {
    store.subscription(id).await.unwrap()
}

#[tokio::test]
async fn a_code_links_its_pending_subscription_once() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let link = subscribe(&store).await;
        assert_eq!(link.code.len(), LINE_CODE_LEN, "{name}");
        assert!(
            link.code.bytes().all(|c| LINE_CODE_ALPHABET.contains(&c)),
            "{name}: {}",
            link.code
        );
        let pending = kept(&store, &link.subscription_id).await.unwrap();
        assert!(!pending.confirmed, "{name}");
        assert_eq!(pending.address, Address::Line(String::new()), "{name}");
        assert_eq!(pending.criteria, criteria(), "{name}");
        let live = store
            .line_code_of(&link.subscription_id)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(live.code, link.code, "{name}");
        assert!(live.expires_at > OffsetDateTime::now_utc(), "{name}");

        // Another pending subscription gets another code and stays pending.
        let other = subscribe(&store).await;
        assert_ne!(other.code, link.code, "{name}");

        assert_eq!(
            store.link_line_account(&link.code, "Uaaa").await.unwrap(),
            Some(link.subscription_id.clone()),
            "{name}"
        );
        let linked = kept(&store, &link.subscription_id).await.unwrap();
        assert!(linked.confirmed, "{name}");
        assert_eq!(linked.address, Address::Line("Uaaa".to_owned()), "{name}");
        assert_eq!(
            store.line_code_of(&link.subscription_id).await.unwrap(),
            None,
            "{name}: the code is used up"
        );

        // Used, unknown: nothing happens.
        assert_eq!(
            store.link_line_account(&link.code, "Ubbb").await.unwrap(),
            None,
            "{name}"
        );
        assert_eq!(
            store.link_line_account("ZZZZZZZZ", "Ubbb").await.unwrap(),
            None,
            "{name}"
        );
        let still = kept(&store, &link.subscription_id).await.unwrap();
        assert_eq!(still.address, Address::Line("Uaaa".to_owned()), "{name}");
        assert!(
            !kept(&store, &other.subscription_id)
                .await
                .unwrap()
                .confirmed,
            "{name}"
        );
    }
}

#[tokio::test]
async fn an_expired_code_is_refused_and_cleaned_up_with_its_subscription() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let made = OffsetDateTime::now_utc() - LINE_CODE_LIFETIME - Duration::minutes(1);
        let stale = store
            .subscribe_line_at(&criteria(), &SubscriptionChoices::default(), made)
            .await
            .unwrap();
        assert_eq!(
            store.line_code_of(&stale.subscription_id).await.unwrap(),
            None,
            "{name}: an expired code is not shown"
        );
        assert_eq!(
            store.link_line_account(&stale.code, "Uaaa").await.unwrap(),
            None,
            "{name}"
        );
        assert_eq!(
            kept(&store, &stale.subscription_id).await,
            None,
            "{name}: the subscription that waited for it is gone"
        );

        // A code just inside its lifetime still links.
        let made = OffsetDateTime::now_utc() - LINE_CODE_LIFETIME + Duration::minutes(5);
        let fresh = store
            .subscribe_line_at(&criteria(), &SubscriptionChoices::default(), made)
            .await
            .unwrap();
        assert_eq!(
            store.link_line_account(&fresh.code, "Uaaa").await.unwrap(),
            Some(fresh.subscription_id),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_user_who_blocks_the_account_is_forgotten_and_nobody_else() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let mut mine = Vec::new();
        for _ in 0..2 {
            let link = subscribe(&store).await;
            store.link_line_account(&link.code, "Uaaa").await.unwrap();
            mine.push(link.subscription_id);
        }
        let theirs = subscribe(&store).await;
        store.link_line_account(&theirs.code, "Ubbb").await.unwrap();
        let pending = subscribe(&store).await;
        store
            .enqueue(&[
                line_message("n-1", "Uaaa", Some(&mine[0])),
                line_message("greet-a", "Uaaa", None),
                line_message("n-2", "Ubbb", Some(&theirs.subscription_id)),
            ])
            .await
            .unwrap();

        assert_eq!(store.forget_line_user("Uaaa").await.unwrap(), 2, "{name}");
        for id in &mine {
            assert_eq!(kept(&store, id).await, None, "{name}");
        }
        assert!(
            kept(&store, &theirs.subscription_id).await.is_some(),
            "{name}"
        );
        assert!(
            kept(&store, &pending.subscription_id).await.is_some(),
            "{name}: a pending subscription has no user yet"
        );
        let left = store.claim_outbox(10, Duration::minutes(5)).await.unwrap();
        assert_eq!(
            left.iter().map(|m| m.key.as_str()).collect::<Vec<_>>(),
            ["n-2"],
            "{name}: only the other user's message is left"
        );
        assert_eq!(store.forget_line_user("Uaaa").await.unwrap(), 0, "{name}");
        assert_eq!(store.forget_line_user("").await.unwrap(), 0, "{name}");
        assert!(
            kept(&store, &pending.subscription_id).await.is_some(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_webhook_event_is_seen_once_and_forgotten_after_a_week() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let long_ago = OffsetDateTime::now_utc() - LINE_EVENT_MEMORY - Duration::hours(1);
        assert!(
            store
                .first_sight_of_line_event_at("01OLD", long_ago)
                .await
                .unwrap(),
            "{name}"
        );
        assert!(
            store.first_sight_of_line_event("01NEW").await.unwrap(),
            "{name}"
        );
        assert!(
            !store.first_sight_of_line_event("01NEW").await.unwrap(),
            "{name}: a replay"
        );
        // The old id was purged when 01NEW came in, so it reads as new again.
        assert!(
            store.first_sight_of_line_event("01OLD").await.unwrap(),
            "{name}"
        );
        assert!(
            !store.first_sight_of_line_event("01OLD").await.unwrap(),
            "{name}"
        );
    }
}
