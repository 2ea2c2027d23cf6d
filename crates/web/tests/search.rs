//! The search page `/programs` and `GET /api/v1/programs` through the router over the demo
//! catalogue: plain form controls with counts, highlighted matches, shareable URLs, the old
//! list parameters, and every kind of bad input: never a 500.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

mod common;

use common::TestApp;

async fn app() -> TestApp {
    TestApp::with_programs(&common::demo_catalogue()).await
}

/// Status, content type and body text of `GET path`.
async fn get(app: &TestApp, path: &str) -> (StatusCode, String, String) {
    let (status, content_type, bytes) = app
        .exchange(Request::get(path).body(Body::empty()).unwrap())
        .await;
    (
        status,
        content_type,
        String::from_utf8_lossy(&bytes).into_owned(),
    )
}

async fn api(app: &TestApp, query: &str) -> (StatusCode, String, Value) {
    let (status, content_type, body) = get(app, &format!("/api/v1/programs?{query}")).await;
    (
        status,
        content_type,
        serde_json::from_str(&body).unwrap_or(Value::Null),
    )
}

fn encode(text: &str) -> String {
    text.bytes().map(|b| format!("%{b:02X}")).collect()
}

#[tokio::test]
async fn the_search_page_is_a_plain_form_with_counts_and_marked_matches() {
    let app = app().await;
    let (status, _, html) = get(
        &app,
        &format!("/programs?q={}&status=all", encode("ＩＴ導入")),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<form method=\"get\" action=\"/programs\""));
    for param in [
        "level", "area", "industry", "purpose", "kind", "status", "amount",
    ] {
        assert!(
            html.contains(&format!("<select id=\"filter-{param}\" name=\"{param}\">")),
            "{param}"
        );
    }
    assert!(html.contains("<select id=\"sort\" name=\"sort\">"));
    assert!(html.contains("<mark>IT導入</mark>"), "{html}");
    assert!(html.contains("href=\"/programs/demo-it-donyu\""));
    // Counts stand beside the values; 受付中 is chosen by default.
    let (_, _, default) = get(&app, "/programs").await;
    assert!(
        default.contains("<option value=\"open\" selected>受付中（"),
        "{default}"
    );
    assert!(html.contains("件）</option>"));
    // No script is needed: the page has no inline script at all.
    assert!(!html.contains("<script>"));
}

#[tokio::test]
async fn a_search_url_is_shareable_and_the_api_answers_the_same() {
    let app = app().await;
    let query = format!(
        "q={}&level=national&status=all&sort=amount",
        encode("補助金")
    );
    let (_, _, html) = get(&app, &format!("/programs?{query}")).await;
    let (status, content_type, json) = api(&app, &query).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type, "application/json");
    let total = json["total"].as_u64().unwrap();
    assert!(total > 0);
    assert!(html.contains(&format!("{total}件の制度が見つかりました")));
    assert_eq!(
        json["query"],
        "q=%E8%A3%9C%E5%8A%A9%E9%87%91&level=national&status=all&sort=amount"
    );
    let items = json["items"].as_array().unwrap();
    assert!(items.iter().all(|i| i["level"] == "national"));
    let amounts: Vec<u64> = items
        .iter()
        .filter_map(|i| i["amount_max"].as_u64())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    let first = &items[0];
    assert!(html.contains(&format!(
        "href=\"/programs/{}\"",
        first["id"].as_str().unwrap()
    )));
    // The facets carry counts; the chosen level is marked.
    let level = json["facets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["filter"] == "level")
        .unwrap();
    let national = level["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["code"] == "national")
        .unwrap();
    assert_eq!(national["count"].as_u64(), Some(total));
    assert_eq!(national["selected"], true);
}

#[tokio::test]
async fn pages_carry_the_search_and_the_api_pages_too() {
    let app = app().await;
    let (_, _, json) = api(&app, "status=all&per_page=10&page=2").await;
    assert_eq!(json["page"], 2);
    assert_eq!(json["items"].as_array().unwrap().len(), 10);
    let (_, _, first) = api(&app, "status=all&per_page=10&page=1").await;
    assert_ne!(first["items"][0]["id"], json["items"][0]["id"]);
    let (_, _, html) = get(&app, "/programs?status=all&level=national").await;
    assert!(
        html.contains("href=\"/programs?level=national&#38;status=all&page=2\""),
        "{html}"
    );
}

#[tokio::test]
async fn the_list_parameters_and_feed_links_keep_working() {
    let app = app().await;
    let (status, _, html) = get(
        &app,
        "/programs?purpose=equipment_it&level=national&window=open",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("<option value=\"equipment_it\" selected>"));
    let feed = "/feeds/programs.atom?purpose=equipment_it&level=national&window=open";
    assert!(
        html.contains(&feed.replace('&', "&#38;")) || html.contains(&feed.replace('&', "&amp;")),
        "{html}"
    );
    let (status, content_type, _) = get(&app, feed).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("application/atom+xml"),
        "{content_type}"
    );
    let (status, _, _) = get(&app, "/feeds/deadlines.ics?window=all").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn words_that_name_only_closed_programs_show_them_said_so() {
    let mut closed = common::demo_catalogue();
    for p in &mut closed {
        p.status = madoguchi_core::program::ProgramStatus::Closed;
    }
    let app = TestApp::with_programs(&closed).await;
    let (status, _, html) = get(&app, &format!("/programs?q={}", encode("持続化"))).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("受付中以外（受付開始前・受付終了など）の制度も表示しています"));
    assert!(html.contains("href=\"/programs/demo-jizokuka\""), "{html}");
    // The API answers what was asked, with the way out.
    let (_, _, json) = api(&app, &format!("q={}", encode("持続化"))).await;
    assert_eq!(json["total"], 0);
    assert_eq!(json["suggestions"][0]["filter"], "status");
}

#[tokio::test]
async fn an_empty_result_offers_what_to_drop() {
    let app = app().await;
    let q = encode("ものづくり 宇宙旅行");
    let (status, _, html) = get(&app, &format!("/programs?q={q}&status=all")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("0件の制度が見つかりました"));
    assert!(html.contains("「宇宙旅行」を外して検索する"), "{html}");
    let (_, _, json) = api(&app, &format!("q={q}&status=all")).await;
    assert_eq!(json["total"], 0);
    assert_eq!(json["suggestions"][0]["drop"], "word");
}

#[tokio::test]
async fn bad_input_gets_results_or_a_japanese_400_never_a_500() {
    let app = app().await;
    // Over 10,000 characters (ASCII: a URI of 10,000 percent-encoded kanji is longer than any
    // server accepts).
    let long = "IT+subsidy+".repeat(1_000);
    let sensible = [
        String::new(),
        "q=".to_owned(),
        format!("q={}", encode("   ")),
        format!("q={long}"),
        format!("q={}", encode("🙂🍙💴★※")),
        format!("q={}", encode("\"IT導入\"")),
        format!("q={}", encode("title:IT")),
        format!("q={}", encode("IT*")),
        format!("q={}", encode("(IT")),
        format!("q={}", encode("<script>alert(1)</script>")),
        "page=abc".to_owned(),
        "page=99999999999999999999".to_owned(),
        "page=1000".to_owned(),
        // Not UTF-8: read with replacement characters, which match nothing.
        "q=%FF%FE".to_owned(),
    ];
    for query in &sensible {
        let (status, _, html) = get(&app, &format!("/programs?{query}")).await;
        assert_eq!(status, StatusCode::OK, "page {query}");
        assert!(!html.contains("<script>alert"), "{query}");
        let (status, content_type, _) = api(&app, query).await;
        assert_eq!(status, StatusCode::OK, "api {query}");
        assert_eq!(content_type, "application/json");
    }
    let (_, _, json) = api(&app, &format!("q={long}")).await;
    assert_eq!(json["truncated"], true);
    let refused = [
        ("area=abc", "地方公共団体コード"),
        ("industry=ZZ", "産業分類"),
        ("kind=gift", "制度の種類"),
        ("purpose=shopping", "利用目的"),
        ("level=galaxy", "発行元"),
        ("status=soon", "受付状況"),
        ("window=later", "受付状況"),
        ("amount=lots", "上限額"),
        ("sort=random", "並び順"),
        ("q=a&q=b", "1つずつ"),
    ];
    for (query, says) in refused {
        let (status, _, html) = get(&app, &format!("/programs?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "page {query}");
        assert!(html.contains(says), "page {query}: {html}");
        let (status, content_type, json) = api(&app, query).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "api {query}");
        assert_eq!(content_type, "application/problem+json");
        assert!(
            json["detail"].as_str().unwrap().contains(says),
            "api {query}: {json}"
        );
    }
    let (status, _, _) = api(&app, "per_page=0").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_describes_the_search() {
    let app = app().await;
    let (_, _, body) = get(&app, "/api/openapi.json").await;
    let doc: Value = serde_json::from_str(&body).unwrap();
    let op = &doc["paths"]["/api/v1/programs"]["get"];
    let params: Vec<&str> = op["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    for name in [
        "q", "level", "area", "industry", "purpose", "kind", "status", "window", "amount", "sort",
        "page", "per_page",
    ] {
        assert!(params.contains(&name), "{name}");
    }
    assert!(doc["components"]["schemas"]["SearchResults"].is_object());
}
