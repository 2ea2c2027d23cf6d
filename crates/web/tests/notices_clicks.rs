//! Tracked links in notices, through the real router and store: a link goes only where its
//! notice pointed (an unknown id is a 404 page, a URL in the request is never followed),
//! clicks are counted per channel with each recipient once, HEAD requests, prefetches and
//! scanners are left out, and which subscriber clicked is stored only while the setting
//! says so.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use madoguchi_store::{ClickCount, RECORD_SUBSCRIBER_CLICKS, Store};
use madoguchi_web::notices::{NoticeKeys, NoticeLinks};

use common::TestApp;

const TARGET: &str = "https://www.pref.example.jp/sangyo/hojokin.html";
const BROWSER: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0";
/// Subscription ids are 32 hex digits.
const TARO: &str = "0123456789abcdef0123456789abcdef";
const HANAKO: &str = "fedcba9876543210fedcba9876543210";

async fn app_with_link() -> (TestApp, NoticeLinks, String) {
    let app = TestApp::with_programs(&[]).await;
    let link = app.store.notice_link("notice-1", TARGET).await.unwrap();
    let keys = NoticeKeys::load(&app.store).await.unwrap();
    (
        app,
        NoticeLinks::new(keys, "https://madoguchi.example.jp"),
        link,
    )
}

/// The path of an absolute tracked URL.
fn path_of(url: &str) -> &str {
    url.strip_prefix("https://madoguchi.example.jp").unwrap()
}

async fn open(app: &TestApp, method: &str, path: &str, headers: &[(&str, &str)]) -> Response<Body> {
    let mut request = Request::builder().method(method).uri(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    app.send(request.body(Body::empty()).unwrap()).await
}

async fn click(app: &TestApp, path: &str) -> Response<Body> {
    open(app, "GET", path, &[("user-agent", BROWSER)]).await
}

fn location(response: &Response<Body>) -> &str {
    response
        .headers()
        .get(header::LOCATION)
        .map_or("", |v| v.to_str().unwrap())
}

/// (clicks, unique clicks) on `link` under `channel`, over every day.
async fn counted(store: &Store, link: &str, channel: &str) -> (u64, u64) {
    let rows: Vec<ClickCount> = store.link_clicks(link).await.unwrap();
    rows.iter()
        .filter(|r| r.channel == channel)
        .fold((0, 0), |(c, u), r| (c + r.clicks, u + r.unique_clicks))
}

#[tokio::test]
async fn a_tracked_link_goes_to_the_url_stored_for_its_notice() {
    let (app, links, link) = app_with_link().await;
    let response = click(
        &app,
        path_of(&links.tracked_on("email", &link, TARO, false)),
    )
    .await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&response), TARGET);
    // A link that names no channel works too, its channel unknown.
    let plain = click(&app, path_of(&links.tracked_on("", &link, TARO, false))).await;
    assert_eq!(location(&plain), TARGET);
    assert_eq!(counted(&app.store, &link, "email").await, (1, 1));
    // The same recipient again: a click, not a second unique one.
    assert_eq!(counted(&app.store, &link, "unknown").await, (1, 0));
}

#[tokio::test]
async fn an_unknown_link_is_a_japanese_404_and_nothing_in_the_request_becomes_the_location() {
    let (app, links, link) = app_with_link().await;
    let (status, _, body) = app
        .exchange(
            Request::get("/r/0000000000000000/e.aa.bb")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(String::from_utf8(body).unwrap().contains("見つかりません"));

    let token = links.tracked_on("line", &link, TARO, false);
    let token = token.rsplit('/').next().unwrap();
    for crafted in [
        format!("/r/{link}/{token}?url=https://evil.example/"),
        format!("/r/{link}/https:%2F%2Fevil.example%2F"),
        format!("/r/{link}/x?next=//evil.example&redirect=https%3A%2F%2Fevil.example"),
    ] {
        let response = click(&app, &crafted).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER, "{crafted}");
        assert_eq!(location(&response), TARGET, "{crafted}");
    }
    for crafted in [
        "/r/https:%2F%2Fevil.example/x".to_owned(),
        "/r/evil.example/x".to_owned(),
        format!("/r/{link}evil/x"),
    ] {
        let response = click(&app, &crafted).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{crafted}");
        assert_eq!(location(&response), "", "{crafted}");
    }
}

#[tokio::test]
async fn heads_prefetches_and_scanners_are_not_counted() {
    let (app, links, link) = app_with_link().await;
    let path = links.tracked_on("email", &link, TARO, false);
    let path = path_of(&path);
    let quiet: [(&str, &[(&str, &str)]); 6] = [
        ("HEAD", &[("user-agent", BROWSER)]),
        (
            "GET",
            &[("user-agent", BROWSER), ("sec-purpose", "prefetch")],
        ),
        ("GET", &[("user-agent", BROWSER), ("purpose", "prefetch")]),
        ("GET", &[("user-agent", BROWSER), ("x-moz", "prefetch")]),
        ("GET", &[("user-agent", BROWSER), ("x-purpose", "preview")]),
        ("GET", &[("user-agent", "Slackbot-LinkExpanding 1.0")]),
    ];
    for (method, headers) in quiet {
        let response = open(&app, method, path, headers).await;
        assert_eq!(
            location(&response),
            TARGET,
            "{method} {headers:?} still redirects"
        );
    }
    assert!(app.store.link_clicks(&link).await.unwrap().is_empty());
    click(&app, path).await;
    assert_eq!(counted(&app.store, &link, "email").await, (1, 1));
}

#[tokio::test]
async fn a_recipient_counts_once_however_often_they_click() {
    let (app, links, link) = app_with_link().await;
    let taro = links.tracked_on("email", &link, TARO, false);
    click(&app, path_of(&taro)).await;
    click(&app, path_of(&taro)).await;
    assert_eq!(counted(&app.store, &link, "email").await, (2, 1));
    click(
        &app,
        path_of(&links.tracked_on("email", &link, HANAKO, false)),
    )
    .await;
    assert_eq!(counted(&app.store, &link, "email").await, (3, 2));
    // A LINE recipient counts under LINE.
    click(
        &app,
        path_of(&links.tracked_on("line", &link, "U-line", false)),
    )
    .await;
    assert_eq!(counted(&app.store, &link, "line").await, (1, 1));
}

#[tokio::test]
async fn a_token_this_site_did_not_make_redirects_but_counts_no_recipient() {
    let (app, links, link) = app_with_link().await;
    let genuine = links.tracked_on("email", &link, TARO, false);
    let forged = format!("/r/{link}/e.{}.{}", "0".repeat(32), "1".repeat(32));
    let other_key = NoticeLinks::new(NoticeKeys::from_secret(b"not ours"), "https://x.jp");
    let foreign = other_key.tracked_on("email", &link, TARO, false);
    for path in [
        forged.as_str(),
        path_of(&foreign.replace("https://x.jp", "https://madoguchi.example.jp")),
        &format!("/r/{link}/anything"),
    ] {
        assert_eq!(location(&click(&app, path).await), TARGET, "{path}");
    }
    assert_eq!(counted(&app.store, &link, "unknown").await, (3, 0));
    assert_eq!(counted(&app.store, &link, "email").await, (0, 0));
    click(&app, path_of(&genuine)).await;
    assert_eq!(counted(&app.store, &link, "email").await, (1, 1));
}

#[tokio::test]
async fn who_clicked_is_recorded_only_while_the_setting_is_on() {
    let (app, links, link) = app_with_link().await;
    let named = links.tracked_on("email", &link, TARO, true);
    click(&app, path_of(&named)).await;
    assert!(!app.store.records_subscriber_clicks().await.unwrap());
    assert!(
        app.store
            .link_click_subscribers(&link)
            .await
            .unwrap()
            .is_empty(),
        "off by default"
    );

    app.store
        .set_setting(RECORD_SUBSCRIBER_CLICKS, "true", None)
        .await
        .unwrap();
    click(&app, path_of(&named)).await;
    // A link that does not name its recipient records nobody, setting or not.
    click(
        &app,
        path_of(&links.tracked_on("email", &link, HANAKO, false)),
    )
    .await;
    // Nor does one naming someone its mark was not made for.
    let swapped = named.replace(TARO, HANAKO);
    click(&app, path_of(&swapped)).await;
    assert_eq!(
        app.store.link_click_subscribers(&link).await.unwrap(),
        [TARO]
    );
    // Named or not, the same recipient is one unique click.
    assert_eq!(counted(&app.store, &link, "email").await, (3, 2));
    assert_eq!(counted(&app.store, &link, "unknown").await, (1, 0));
}
