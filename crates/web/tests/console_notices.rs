//! The notice pages of the console over the real router and store: the list and one
//! notice's figures show what was sent, failed, unsubscribed and clicked; a dead letter is
//! shown masked and requeued with an audit entry; 閲覧 reads but cannot requeue; a signed-out
//! browser is sent to sign in; 管理者 switch recording who clicked.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{
    AuditFilter, Click, Delivery, MessageBody, OutboxMessage, RECORD_SUBSCRIBER_CLICKS, Role, Store,
};
use madoguchi_web::AppState;
use scraper::{Html, Selector};
use time::{Duration, OffsetDateTime};

use console_support::{Console, Page};

const TITLE: &str = "ものづくり補助金の公募が始まりました";

/// A console over a database the test can also write SQL to (no API writes a notice yet
/// but the matcher's jobs).
async fn console() -> (Console, TestDatabase) {
    let db = TestDatabase::sqlite().unwrap();
    let store = db.migrated_store().await.unwrap();
    let console = Console::over(AppState::load(store).await.unwrap());
    db.execute_sql(&format!(
        "INSERT INTO notices (id, kind, title, state, created_at, sent_at) VALUES
         ('n-1', 'program', '{TITLE}', 'sent', '2026-04-02 00:00:00+00:00',
          '2026-04-02 00:05:00+00:00'),
         ('n-0', 'staff', '説明会のご案内', 'sent', '2026-04-01 00:00:00+00:00', NULL)"
    ))
    .await
    .unwrap();
    (console, db)
}

fn message(key: &str, channel: &'static str, to: &str) -> OutboxMessage {
    OutboxMessage {
        key: key.to_owned(),
        channel,
        recipient: to.to_owned(),
        subscription_id: None,
        notice_id: Some("n-1".to_owned()),
        body: MessageBody {
            subject: TITLE.to_owned(),
            text: "本文".to_owned(),
            html: None,
            unsubscribe: None,
        },
    }
}

/// Four messages of n-1: two e-mails and a LINE message sent, one e-mail dead; three
/// clicks by two recipients. Returns the dead letter's id.
async fn deliver(store: &Store) -> i64 {
    store
        .enqueue(&[
            message("a", "email", "hanako@example.jp"),
            message("b", "email", "jiro@example.jp"),
            message("c", "line", "U0001"),
            message("d", "email", "taro.yamada@example.jp"),
        ])
        .await
        .unwrap();
    let mut dead = 0;
    for item in store.claim_outbox(10, Duration::minutes(5)).await.unwrap() {
        let delivery = if item.key == "d" {
            dead = item.id;
            Delivery::Dead {
                error: "宛先のメールサーバーが受け取りを拒否しました（550）".to_owned(),
            }
        } else {
            Delivery::Sent
        };
        store.finish_delivery(item.id, &delivery).await.unwrap();
    }
    let link = store
        .notice_link("n-1", "https://example.jp/programs/monozukuri")
        .await
        .unwrap();
    let now = OffsetDateTime::now_utc();
    for mark in ["m1", "m1", "m2"] {
        let click = Click {
            link_id: &link,
            channel: "email",
            mark: Some(mark),
            subscriber: None,
        };
        store.record_click(&click, now).await.unwrap();
    }
    dead
}

/// The cells of the table row whose header cell is `label`, as text.
fn row(page: &Page, label: &str) -> Vec<String> {
    let html = Html::parse_document(&page.body);
    let rows = Selector::parse("tr").unwrap();
    let cells = Selector::parse("th, td").unwrap();
    html.select(&rows)
        .map(|r| {
            r.select(&cells)
                .map(|c| c.text().collect::<String>().trim().to_owned())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.first().is_some_and(|c| c == label))
        .unwrap_or_else(|| panic!("no row {label} in {}", page.body))
}

async fn audited(store: &Store) -> u64 {
    store
        .count_audit_entries(&AuditFilter::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_list_and_a_notices_page_show_what_was_sent_failed_and_clicked() {
    let (console, _db) = console().await;
    deliver(&console.app.store).await;
    let viewer = console.account("viewer", Role::Viewer).await;
    let mut browser = console.signed_in(&viewer).await;

    let list = browser.get("/console/notices").await;
    assert_eq!(list.status, StatusCode::OK);
    // sent, waiting, failed, unsubscribed, clicks (people), rate: 2 of 3 sent clicked.
    assert_eq!(
        row(&list, TITLE)[4..],
        ["3件", "0件", "1件", "0件", "3回（2人）", "66.6%"]
    );
    assert_eq!(
        row(&list, "説明会のご案内")[4..],
        ["0件", "0件", "0件", "0件", "0回（0人）", "－"]
    );
    assert!(list.body.contains("href=\"/console/notices/n-1\""));
    assert!(
        list.body.find(TITLE) < list.body.find("説明会のご案内"),
        "newest first"
    );
    assert!(
        list.body.contains("集計するだけ"),
        "recording is off by default"
    );
    assert!(
        !list.body.contains("/console/notices/click-recording"),
        "閲覧 cannot switch it"
    );

    let report = browser.get("/console/notices/n-1").await;
    assert_eq!(report.status, StatusCode::OK);
    assert_eq!(
        row(&report, "メール")[1..],
        ["2件", "0件", "1件", "0件", "3回", "2人", "100.0%"]
    );
    assert_eq!(row(&report, "LINE")[1..4], ["1件", "0件", "0件"]);
    assert_eq!(row(&report, "合計")[1..2], ["3件"]);
    assert_eq!(
        row(&report, "https://example.jp/programs/monozukuri")[1..],
        ["3回", "2人"]
    );
    assert_eq!(
        browser.get("/console/notices/n-none").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn staff_requeue_a_dead_letter_with_an_audit_entry_and_viewers_cannot() {
    let (console, _db) = console().await;
    let store = &console.app.store;
    let dead = deliver(store).await;

    let viewer = console.account("viewer", Role::Viewer).await;
    let mut reader = console.signed_in(&viewer).await;
    let page = reader.get("/console/notices/dead").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("ta***@example.jp"));
    assert!(!page.body.contains("taro.yamada@"), "the address is masked");
    assert!(page.body.contains("受け取りを拒否しました"));
    assert!(
        !page.body.contains("再送する"),
        "閲覧 sees no requeue button"
    );
    let before = audited(store).await;
    let refused = reader
        .post("/console/notices/dead", &[("message", &dead.to_string())])
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(store.outbox_counts().await.unwrap().dead, 1);
    assert_eq!(audited(store).await, before);

    let clerk = console.account("clerk", Role::Staff).await;
    let mut staff = console.signed_in(&clerk).await;
    let page = staff.get("/console/notices/dead").await;
    assert!(page.body.contains("再送する"));
    let done = staff
        .post("/console/notices/dead", &[("message", &dead.to_string())])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location(), "/console/notices/dead?requeued=1");
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.dead, counts.queued), (0, 1));
    let entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
    let entry = entries
        .iter()
        .find(|e| e.action == "notice.requeue")
        .unwrap();
    assert_eq!(entry.target.as_deref(), Some(dead.to_string().as_str()));
    assert_eq!(entry.actor_id.as_deref(), Some(clerk.id.as_str()));

    // Again, now that it is queued: nothing changes and nothing is audited.
    let before = audited(store).await;
    let again = staff
        .post("/console/notices/dead", &[("message", &dead.to_string())])
        .await;
    assert_eq!(again.location(), "/console/notices/dead?stale=1");
    assert_eq!(audited(store).await, before);
    // A tampered id is a Japanese 400, not a 500.
    let bad = staff
        .post("/console/notices/dead", &[("message", "x1")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.body.contains("番号を読み取れませんでした"));
}

#[tokio::test]
async fn a_signed_out_browser_is_sent_to_sign_in() {
    let (console, _db) = console().await;
    for path in [
        "/console/notices",
        "/console/notices/n-1",
        "/console/notices/dead",
    ] {
        let page = console.browser().get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{path}");
        assert!(page.location().starts_with("/console/login"), "{path}");
    }
}

#[tokio::test]
async fn an_administrator_switches_recording_who_clicked() {
    let (console, _db) = console().await;
    let store = &console.app.store;
    let admin = console.account("admin", Role::Admin).await;
    let mut browser = console.signed_in(&admin).await;
    let page = browser.get("/console/notices").await;
    assert!(page.body.contains("リンクを開いた登録者を記録する"));
    let saved = browser
        .post("/console/notices/click-recording", &[("record", "on")])
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(store.records_subscriber_clicks().await.unwrap());
    let page = browser.get("/console/notices?saved=1").await;
    assert!(page.body.contains("登録者を記録しています"));
    browser.post("/console/notices/click-recording", &[]).await;
    assert!(!store.records_subscriber_clicks().await.unwrap());
    let setting = store
        .setting(RECORD_SUBSCRIBER_CLICKS)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(setting.updated_by.as_deref(), Some(admin.id.as_str()));
}
