//! The conformance suite for the figures of notices and their clicks: what went out, waits,
//! failed and reached people who later unsubscribed, per notice and per channel; clicks per
//! link, channel and day with each recipient counted once; who clicked kept only when the
//! caller names them. Run against every backend like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use madoguchi_core::notices::{Address, Criteria, SubscriptionChoices};
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{Click, Delivery, MessageBody, NoticeFigures, OutboxMessage, Store};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

/// Two notices as the matcher would leave them (nothing in the store's API writes one
/// yet but the matcher itself).
async fn two_notices(db: &TestDatabase) {
    db.execute_sql(
        "INSERT INTO notices (id, kind, title, state, created_at, sent_at) VALUES
         ('n-old', 'program', '古いお知らせ', 'sent', '2026-04-01 00:00:00+00:00', NULL),
         ('n-new', 'staff', '新しいお知らせ', 'sent', '2026-04-02 00:00:00+00:00', NULL)",
    )
    .await
    .unwrap();
}

fn message(
    key: &str,
    channel: &'static str,
    to: &str,
    subscription: Option<&str>,
) -> OutboxMessage {
    OutboxMessage {
        key: key.to_owned(),
        channel,
        recipient: to.to_owned(),
        subscription_id: subscription.map(str::to_owned),
        notice_id: Some("n-new".to_owned()),
        body: MessageBody {
            subject: "新しい補助金のお知らせ".to_owned(),
            text: "本文".to_owned(),
            html: None,
            unsubscribe: None,
        },
    }
}

async fn subscribe(store: &Store, to: &str) -> String {
    store
        .subscribe(
            &Address::email(to).unwrap(),
            &Criteria::Search("補助金".to_owned()),
            &SubscriptionChoices::default(),
            |id| OutboxMessage {
                notice_id: None,
                ..message(&format!("confirm-{id}"), "email", to, Some(id))
            },
        )
        .await
        .unwrap()
}

/// Sends the notice: two e-mails and a LINE message go out, a webhook fails for good,
/// one more e-mail is still queued, and the second e-mail's subscriber then unsubscribes.
async fn send_the_new_notice(store: &Store) {
    let taro = subscribe(store, "taro@example.jp").await;
    let hanako = subscribe(store, "hanako@example.jp").await;
    store
        .enqueue(&[
            message("n-new:taro", "email", "taro@example.jp", Some(&taro)),
            message("n-new:hanako", "email", "hanako@example.jp", Some(&hanako)),
            message("n-new:line", "line", "U1234", None),
            message("n-new:hook", "webhook", "https://hook.example.jp/", None),
        ])
        .await
        .unwrap();
    for item in store.claim_outbox(100, Duration::minutes(5)).await.unwrap() {
        let delivery = if item.channel == "webhook" {
            Delivery::Dead {
                error: "接続できませんでした".to_owned(),
            }
        } else {
            Delivery::Sent
        };
        store.finish_delivery(item.id, &delivery).await.unwrap();
    }
    store
        .enqueue(&[message("n-new:later", "email", "later@example.jp", None)])
        .await
        .unwrap();
    assert!(store.delete_subscription(&hanako).await.unwrap());
}

fn click<'a>(link: &'a str, channel: &'a str, mark: Option<&'a str>) -> Click<'a> {
    Click {
        link_id: link,
        channel,
        mark,
        subscriber: None,
    }
}

#[tokio::test]
async fn a_notices_figures_add_up_per_channel_link_and_day() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        two_notices(&db).await;
        send_the_new_notice(&store).await;
        let page = store
            .notice_link("n-new", "https://example.jp/b")
            .await
            .unwrap();
        let form = store
            .notice_link("n-new", "https://example.jp/a")
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        for (link, channel, mark) in [
            (&page, "email", Some("m1")),
            (&page, "email", Some("m1")),
            (&page, "email", Some("m2")),
            (&form, "line", Some("m3")),
            (&page, "unknown", None),
        ] {
            store
                .record_click(&click(link, channel, mark), now)
                .await
                .unwrap();
        }
        // Yesterday in Japan, a second day.
        store
            .record_click(&click(&form, "line", Some("m4")), now - Duration::days(1))
            .await
            .unwrap();

        let report = store.notice_report("n-new").await.unwrap().unwrap();
        let all = report.notice.figures;
        assert_eq!(
            all,
            NoticeFigures {
                sent: 3,
                waiting: 1,
                failed: 1,
                unsubscribed: 1,
                clicks: 6,
                unique_clicks: 4,
            },
            "{name}"
        );
        assert_eq!(all.click_rate_per_mille(), Some(1333), "{name}");
        let channel = |c: &str| {
            report
                .channels
                .iter()
                .find(|f| f.channel == c)
                .map(|f| f.figures)
                .unwrap_or_default()
        };
        let order: Vec<&str> = report.channels.iter().map(|c| c.channel.as_str()).collect();
        assert_eq!(order, ["email", "line", "webhook", "unknown"], "{name}");
        assert_eq!(
            channel("email"),
            NoticeFigures {
                sent: 2,
                waiting: 1,
                unsubscribed: 1,
                clicks: 3,
                unique_clicks: 2,
                ..NoticeFigures::default()
            },
            "{name}"
        );
        assert_eq!(
            (channel("line").sent, channel("line").unique_clicks),
            (1, 2),
            "{name}"
        );
        assert_eq!(
            (channel("webhook").failed, channel("webhook").sent),
            (1, 0),
            "{name}"
        );
        assert_eq!(
            (channel("unknown").clicks, channel("unknown").unique_clicks),
            (1, 0),
            "{name}"
        );

        let links: Vec<(&str, u64, u64)> = report
            .links
            .iter()
            .map(|l| (l.url.as_str(), l.clicks, l.unique_clicks))
            .collect();
        assert_eq!(
            links,
            [
                ("https://example.jp/a", 2, 2),
                ("https://example.jp/b", 4, 2)
            ],
            "{name}"
        );
        let days: Vec<(String, &str, u64)> = report
            .days
            .iter()
            .map(|d| (d.day.to_string(), d.channel.as_str(), d.clicks))
            .collect();
        let today = now.to_offset(madoguchi_core::calendar::JST).date();
        let yesterday = today.previous_day().unwrap().to_string();
        let today = today.to_string();
        assert_eq!(
            days,
            [
                (yesterday, "line", 1),
                (today.clone(), "email", 3),
                (today.clone(), "line", 1),
                (today, "unknown", 1),
            ],
            "{name}"
        );
        assert_eq!(store.notice_report("nope").await.unwrap(), None, "{name}");
    }
}

#[tokio::test]
async fn the_list_is_newest_first_with_each_notices_own_figures() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        two_notices(&db).await;
        send_the_new_notice(&store).await;
        assert_eq!(store.count_notices().await.unwrap(), 2, "{name}");
        let list = store.notice_summaries(10, 0).await.unwrap();
        let ids: Vec<&str> = list.iter().map(|n| n.id.as_str()).collect();
        assert_eq!(ids, ["n-new", "n-old"], "{name}");
        assert_eq!(list[0].title, "新しいお知らせ");
        assert_eq!(
            (list[0].figures.sent, list[0].figures.failed),
            (3, 1),
            "{name}"
        );
        assert_eq!(list[1].figures, NoticeFigures::default(), "{name}");
        assert_eq!(list[1].figures.click_rate_per_mille(), None, "{name}");
        let second_page = store.notice_summaries(1, 1).await.unwrap();
        assert_eq!(second_page.len(), 1, "{name}");
        assert_eq!(second_page[0].id, "n-old", "{name}");
        assert_eq!(second_page[0].figures, NoticeFigures::default(), "{name}");
    }
}

#[tokio::test]
async fn a_recipient_counts_once_per_link_and_only_named_clickers_are_kept() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let link = store
            .notice_link("n-any", "https://example.jp/")
            .await
            .unwrap();
        let now = OffsetDateTime::now_utc();
        assert!(
            store
                .record_click(&click(&link, "email", Some("m")), now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .record_click(&click(&link, "email", Some("m")), now)
                .await
                .unwrap()
        );
        assert!(
            !store
                .record_click(&click(&link, "email", None), now)
                .await
                .unwrap()
        );
        let named = Click {
            subscriber: Some("0123456789abcdef0123456789abcdef"),
            ..click(&link, "email", Some("n"))
        };
        assert!(store.record_click(&named, now).await.unwrap());
        assert!(!store.record_click(&named, now).await.unwrap());
        let counted = store.link_clicks(&link).await.unwrap();
        assert_eq!(counted.len(), 1, "{name}");
        assert_eq!(
            (counted[0].clicks, counted[0].unique_clicks),
            (5, 2),
            "{name}"
        );
        assert_eq!(
            store.link_click_subscribers(&link).await.unwrap(),
            ["0123456789abcdef0123456789abcdef"],
            "{name}"
        );
        assert!(
            store
                .record_click(&click(&link, "fax", None), now)
                .await
                .is_err()
        );
        assert!(
            !store.records_subscriber_clicks().await.unwrap(),
            "{name}: off by default"
        );
    }
}
