//! The LINE official account's webhook and code page, on the real router and store: calls
//! are trusted only with LINE's signature over the exact body (computed here with the test's
//! own HMAC), each event is handled once however often it comes, a follow is greeted, a code
//! sent in the chat or as an account-link nonce links the subscription it was made for, a
//! used, expired or unknown code gets a Japanese reply and links nothing, a block deletes the
//! user's subscriptions, and the code page shows the code and then that the account is linked.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hmac::{Hmac, Mac};
use madoguchi_core::notices::{Address, Criteria, SubscriptionChoices};
use madoguchi_store::{LINE_CODE_LIFETIME, LineLink, OutboxItem, Store};
use madoguchi_web::notices::line::FRIEND_URL_SETTING;
use madoguchi_web::notices::{NoticeKeys, keys::Purpose};
use serde_json::{Value, json};
use sha2::Sha256;
use time::{Duration, OffsetDateTime};

use common::TestApp;

const SECRET: &str = "8c570fa6dd201bb328f1c1eac23a96d8";
const SITE: &str = "https://madoguchi.example.jp";

async fn app() -> TestApp {
    TestApp::configured(&[], |state| {
        state.with_line_channel_secret(SECRET).with_public_url(SITE)
    })
    .await
}

/// base64 (RFC 4648, with padding), written out so that the test does not share the
/// signing code it checks.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn signature(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    base64(&mac.finalize().into_bytes())
}

/// A webhook body of `events`, as LINE sends it.
fn callback(events: &[Value]) -> Vec<u8> {
    serde_json::to_vec(
        &json!({"destination": "U00000000000000000000000000000000", "events": events}),
    )
    .unwrap()
}

fn event(kind: &str, id: &str, user: &str, extra: Value) -> Value {
    let mut event = json!({
        "type": kind,
        "mode": "active",
        "timestamp": 1_755_000_000_000_i64,
        "webhookEventId": id,
        "deliveryContext": {"isRedelivery": false},
        "source": {"type": "user", "userId": user},
    });
    for (key, value) in extra.as_object().unwrap() {
        event[key] = value.clone();
    }
    event
}

fn follow(id: &str, user: &str) -> Value {
    event(
        "follow",
        id,
        user,
        json!({"replyToken": "r", "follow": {"isUnblocked": false}}),
    )
}

fn text(id: &str, user: &str, text: &str) -> Value {
    event(
        "message",
        id,
        user,
        json!({"replyToken": "r", "message": {"type": "text", "id": "1", "quoteToken": "q", "text": text}}),
    )
}

fn account_link(id: &str, user: &str, result: &str, nonce: &str) -> Value {
    event(
        "accountLink",
        id,
        user,
        json!({"replyToken": "r", "link": {"result": result, "nonce": nonce}}),
    )
}

/// POSTs `body` to the webhook with `signature` (none when `None`).
async fn post(app: &TestApp, body: Vec<u8>, signature: Option<String>) -> StatusCode {
    let mut request = Request::post("/line/webhook").header("content-type", "application/json");
    if let Some(signature) = signature {
        request = request.header("x-line-signature", signature);
    }
    app.send(request.body(Body::from(body)).unwrap())
        .await
        .status()
}

/// POSTs `events` signed as LINE signs them.
async fn deliver(app: &TestApp, events: &[Value]) -> StatusCode {
    let body = callback(events);
    let signed = signature(SECRET, &body);
    post(app, body, Some(signed)).await
}

/// Every message queued since the last look (claimed, so each is seen once).
async fn queued(store: &Store) -> Vec<OutboxItem> {
    store.claim_outbox(100, Duration::minutes(5)).await.unwrap()
}

async fn subscribe(store: &Store) -> LineLink {
    store
        .subscribe_line(
            &Criteria::Search("設備投資".to_owned()),
            &SubscriptionChoices::default(),
        )
        .await
        .unwrap()
}

async fn address_of(store: &Store, id: &str) -> Option<(Address, bool)> {
    store
        .subscription(id)
        .await
        .unwrap()
        .map(|s| (s.address, s.confirmed))
}

async fn page(app: &TestApp, path: &str) -> (StatusCode, String) {
    let (status, _, body) = app
        .exchange(Request::get(path).body(Body::empty()).unwrap())
        .await;
    (status, String::from_utf8(body).unwrap())
}

async fn code_page_path(store: &Store, id: &str) -> String {
    let keys = NoticeKeys::load(store).await.unwrap();
    format!("/notices/line/{}", keys.token(Purpose::Manage, id))
}

/// Nothing was queued, and `event_id` was never recorded as seen (its first sight is
/// still to come).
async fn nothing_happened(store: &Store, event_id: &str) {
    assert!(queued(store).await.is_empty());
    assert!(store.first_sight_of_line_event(event_id).await.unwrap());
}

#[tokio::test]
async fn an_unsigned_or_wrongly_signed_call_is_refused_and_changes_nothing() {
    let app = app().await;
    let link = subscribe(&app.store).await;
    let body = callback(&[
        follow("01FOLLOW", "Uaaa"),
        text("01TEXT", "Uaaa", &link.code),
    ]);
    assert_eq!(
        post(&app, body.clone(), None).await,
        StatusCode::UNAUTHORIZED
    );
    for wrong in [
        signature("another secret", &body),
        signature(SECRET, &callback(&[follow("01OTHER", "Uaaa")])),
        String::new(),
        "not base64 at all!".to_owned(),
    ] {
        assert_eq!(
            post(&app, body.clone(), Some(wrong.clone())).await,
            StatusCode::UNAUTHORIZED,
            "{wrong}"
        );
    }
    // A signed body changed by one byte is not the body that was signed.
    let signed = signature(SECRET, &body);
    let mut tampered = body.clone();
    let at = tampered.iter().position(|b| *b == b'U').unwrap();
    tampered[at + 1] = b'z';
    assert_eq!(
        post(&app, tampered, Some(signed)).await,
        StatusCode::UNAUTHORIZED
    );

    nothing_happened(&app.store, "01FOLLOW").await;
    assert_eq!(
        address_of(&app.store, &link.subscription_id).await,
        Some((Address::Line(String::new()), false))
    );
}

#[tokio::test]
async fn without_a_channel_secret_every_call_is_refused() {
    let app = TestApp::with_programs(&[]).await;
    let body = callback(&[follow("01FOLLOW", "Uaaa")]);
    let signed = signature(SECRET, &body);
    assert_eq!(post(&app, body, Some(signed)).await, StatusCode::FORBIDDEN);
    nothing_happened(&app.store, "01FOLLOW").await;
}

#[tokio::test]
async fn a_signed_body_that_is_not_a_webhook_is_a_bad_request() {
    let app = app().await;
    for body in [
        b"not json".to_vec(),
        b"{}".to_vec(),
        br#"{"events": [{"type": "follow"}]}"#.to_vec(),
    ] {
        let signed = signature(SECRET, &body);
        assert_eq!(
            post(&app, body, Some(signed)).await,
            StatusCode::BAD_REQUEST
        );
    }
    assert!(queued(&app.store).await.is_empty());
    // LINE's check that the endpoint answers: no events.
    assert_eq!(deliver(&app, &[]).await, StatusCode::OK);
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_unread() {
    let app = app().await;
    let mut events = Vec::new();
    for i in 0..20_000 {
        events.push(follow(&format!("01BULK{i:06}"), "Uaaa"));
    }
    let body = callback(&events);
    assert!(body.len() > madoguchi_web::notices::line::MAX_WEBHOOK_BYTES);
    let signed = signature(SECRET, &body);
    assert_eq!(
        post(&app, body, Some(signed)).await,
        StatusCode::PAYLOAD_TOO_LARGE
    );
    assert!(queued(&app.store).await.is_empty());
}

#[tokio::test]
async fn a_follow_is_greeted_once_however_often_it_is_delivered() {
    let app = app().await;
    let events = [follow("01FOLLOW", "Uaaa")];
    assert_eq!(deliver(&app, &events).await, StatusCode::OK);
    // The same call again (a replay), and LINE's own redelivery of the event.
    assert_eq!(deliver(&app, &events).await, StatusCode::OK);
    let mut redelivered = follow("01FOLLOW", "Uaaa");
    redelivered["deliveryContext"]["isRedelivery"] = json!(true);
    assert_eq!(deliver(&app, &[redelivered]).await, StatusCode::OK);

    let sent = queued(&app.store).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].channel, "line");
    assert_eq!(sent[0].recipient, "Uaaa");
    assert_eq!(sent[0].key, "line-follow:01FOLLOW");
    assert!(
        sent[0].body.text.contains("8文字のコード"),
        "{}",
        sent[0].body.text
    );
}

#[tokio::test]
async fn a_code_sent_in_the_chat_links_the_subscription_and_is_confirmed() {
    let app = app().await;
    let link = subscribe(&app.store).await;
    let path = code_page_path(&app.store, &link.subscription_id).await;
    let (status, before) = page(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(before.contains(&link.code), "{before}");
    assert!(before.contains("友だち追加"), "{before}");
    assert!(!before.contains("登録が完了しています"), "{before}");

    // Typed the way a phone may: small letters, with words around it.
    let typed = format!("コードは {} です", link.code.to_lowercase());
    assert_eq!(
        deliver(&app, &[text("01TEXT", "Uaaa", &typed)]).await,
        StatusCode::OK
    );
    assert_eq!(
        address_of(&app.store, &link.subscription_id).await,
        Some((Address::Line("Uaaa".to_owned()), true))
    );
    let sent = queued(&app.store).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    let reply = &sent[0];
    assert_eq!(
        (reply.channel.as_str(), reply.recipient.as_str()),
        ("line", "Uaaa")
    );
    assert_eq!(
        reply.subscription_id.as_deref(),
        Some(link.subscription_id.as_str())
    );
    assert!(
        reply.body.text.starts_with("お知らせの登録が完了しました"),
        "{}",
        reply.body.text
    );
    let manage = format!("{SITE}/notices/manage/");
    let start = reply.body.text.find(&manage).unwrap();
    let manage_path = reply.body.text[start + SITE.len()..].trim();
    let (status, managed) = page(&app, manage_path).await;
    assert_ne!(status, StatusCode::NOT_FOUND, "{manage_path}: {managed}");

    let (status, after) = page(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(after.contains("LINEでの登録が完了しています"), "{after}");
    assert!(!after.contains(&link.code), "{after}");

    // The same code again, from someone else: used up, a reply, nothing changes.
    assert_eq!(
        deliver(&app, &[text("01AGAIN", "Ubbb", &link.code)]).await,
        StatusCode::OK
    );
    let sent = queued(&app.store).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].recipient, "Ubbb");
    assert!(
        sent[0].body.text.contains("見つからないか"),
        "{}",
        sent[0].body.text
    );
    assert_eq!(
        address_of(&app.store, &link.subscription_id).await,
        Some((Address::Line("Uaaa".to_owned()), true))
    );
}

#[tokio::test]
async fn an_unknown_or_expired_code_gets_a_reply_and_links_nothing() {
    let app = app().await;
    let waiting = subscribe(&app.store).await;
    let expired = app
        .store
        .subscribe_line_at(
            &Criteria::Search("創業".to_owned()),
            &SubscriptionChoices::default(),
            OffsetDateTime::now_utc() - LINE_CODE_LIFETIME - Duration::minutes(1),
        )
        .await
        .unwrap();
    let unknown = if waiting.code == "ZZZZ2222" {
        "YYYY3333"
    } else {
        "ZZZZ2222"
    };
    assert_eq!(
        deliver(
            &app,
            &[
                text("01UNKNOWN", "Uaaa", unknown),
                text("01EXPIRED", "Uaaa", &expired.code),
                text("01CHAT", "Uaaa", "こんにちは"),
            ]
        )
        .await,
        StatusCode::OK
    );
    let sent = queued(&app.store).await;
    let texts: Vec<&str> = sent.iter().map(|m| m.body.text.as_str()).collect();
    assert_eq!(sent.len(), 3, "{texts:?}");
    assert!(
        texts[0].contains("見つからないか、有効期限"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("見つからないか、有効期限"),
        "{}",
        texts[1]
    );
    assert!(texts[2].contains("8文字のコード"), "{}", texts[2]);
    assert!(sent.iter().all(|m| m.subscription_id.is_none()));
    assert_eq!(
        address_of(&app.store, &waiting.subscription_id).await,
        Some((Address::Line(String::new()), false))
    );
    assert_eq!(address_of(&app.store, &expired.subscription_id).await, None);
    let (status, gone) = page(
        &app,
        &code_page_path(&app.store, &expired.subscription_id).await,
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(gone.contains("登録が見つかりません"), "{gone}");
}

#[tokio::test]
async fn an_account_link_with_the_code_as_nonce_links_the_subscription() {
    let app = app().await;
    let failed = subscribe(&app.store).await;
    let ok = subscribe(&app.store).await;
    assert_eq!(
        deliver(
            &app,
            &[
                account_link("01FAILED", "Uaaa", "failed", &failed.code),
                account_link("01OK", "Uaaa", "ok", &ok.code),
            ]
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        address_of(&app.store, &failed.subscription_id).await,
        Some((Address::Line(String::new()), false)),
        "a failed link links nothing"
    );
    assert_eq!(
        address_of(&app.store, &ok.subscription_id).await,
        Some((Address::Line("Uaaa".to_owned()), true))
    );
    let sent = queued(&app.store).await;
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].key, "line-reply:01OK");
    assert!(
        sent[0]
            .body
            .text
            .starts_with("お知らせの登録が完了しました")
    );
}

#[tokio::test]
async fn blocking_the_account_deletes_that_users_subscriptions_once() {
    let app = app().await;
    let mine = subscribe(&app.store).await;
    let theirs = subscribe(&app.store).await;
    assert_eq!(
        deliver(
            &app,
            &[
                text("01MINE", "Uaaa", &mine.code),
                text("01THEIRS", "Ubbb", &theirs.code),
            ]
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        deliver(&app, &[event("unfollow", "01BLOCK", "Uaaa", json!({}))]).await,
        StatusCode::OK
    );
    assert_eq!(address_of(&app.store, &mine.subscription_id).await, None);
    assert_eq!(
        address_of(&app.store, &theirs.subscription_id).await,
        Some((Address::Line("Ubbb".to_owned()), true))
    );
    let left: Vec<String> = queued(&app.store)
        .await
        .into_iter()
        .map(|m| m.recipient)
        .collect();
    assert_eq!(
        left,
        ["Ubbb"],
        "the blocked user's confirmation went with them"
    );

    // They unblock and subscribe again; the old block, replayed, must not undo that.
    let again = subscribe(&app.store).await;
    let relink = [
        follow("01UNBLOCK", "Uaaa"),
        text("01RELINK", "Uaaa", &again.code),
    ];
    assert_eq!(deliver(&app, &relink).await, StatusCode::OK);
    assert_eq!(
        deliver(&app, &[event("unfollow", "01BLOCK", "Uaaa", json!({}))]).await,
        StatusCode::OK
    );
    assert_eq!(
        address_of(&app.store, &again.subscription_id).await,
        Some((Address::Line("Uaaa".to_owned()), true)),
        "a replayed event is dropped"
    );
}

#[tokio::test]
async fn the_code_page_shows_the_friend_link_only_when_set_and_refuses_a_forged_token() {
    let app = app().await;
    let link = subscribe(&app.store).await;
    let path = code_page_path(&app.store, &link.subscription_id).await;
    let (_, unset) = page(&app, &path).await;
    assert!(!unset.contains("lin.ee"), "{unset}");
    assert!(
        !unset.contains("友だちに追加する（LINEが開きます）"),
        "{unset}"
    );

    app.store
        .set_setting(FRIEND_URL_SETTING, "https://lin.ee/AbCdEfG", None)
        .await
        .unwrap();
    let (status, set) = page(&app, &path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        set.contains(r#"<a href="https://lin.ee/AbCdEfG">"#),
        "{set}"
    );

    let forged = format!("/notices/line/{}.{}", link.subscription_id, "0".repeat(32));
    let (status, refused) = page(&app, &forged).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!refused.contains(&link.code), "{refused}");
}
