//! The JSON API driven in-process over the bundled demo catalogue on a real SQLite store.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::{Value, json};

mod common;

use common::TestApp;

/// The router over the hand-written demo catalogue (76 real programs with rules).
async fn demo_app() -> TestApp {
    TestApp::with_programs(&common::demo_catalogue()).await
}

/// Sends `request`; returns the status, the content type and the body as JSON.
async fn send(app: &TestApp, request: Request<Body>) -> (StatusCode, String, Value) {
    let (status, content_type, bytes) = app.exchange(request).await;
    (
        status,
        content_type,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn get(app: &TestApp, path: &str) -> (StatusCode, String, Value) {
    send(app, Request::get(path).body(Body::empty()).unwrap()).await
}

async fn post(app: &TestApp, path: &str, body: impl Into<Body>) -> (StatusCode, String, Value) {
    let request = Request::post(path)
        .header(header::CONTENT_TYPE, "application/json")
        .body(body.into())
        .unwrap();
    send(app, request).await
}

#[tokio::test]
async fn the_questionnaire_schema_lists_every_field_with_its_question() {
    let app = demo_app().await;
    let (status, _, fields) = get(&app, "/api/v1/fields").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    for code in [
        "municipality",
        "industry",
        "employees",
        "capital",
        "purposes",
    ] {
        assert!(codes.contains(&code), "{code} missing from {codes:?}");
    }
    assert!(
        fields
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["question"].as_str().is_some_and(|q| !q.is_empty()))
    );
}

#[tokio::test]
async fn a_small_manufacturer_in_hioki_gets_ranked_explained_results_and_a_next_question() {
    let app = demo_app().await;
    let profile =
        json!({"municipality": "462161", "industry": "E", "employees": 12, "capital": "1000万円"});
    let (status, content_type, diagnosis) = post(
        &app,
        "/api/v1/diagnose?as_of=2026-11-23",
        profile.to_string(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{diagnosis}");
    assert_eq!(content_type, "application/json");
    assert_eq!(diagnosis["as_of"], "2026-11-23");
    let results = diagnosis["results"].as_array().unwrap();
    assert_eq!(results.len(), 76, "every program gets a verdict");
    let rank = |v: &str| {
        ["eligible", "conditional", "needs_info", "ineligible"]
            .iter()
            .position(|x| *x == v)
            .unwrap()
    };
    let verdicts: Vec<usize> = results
        .iter()
        .map(|r| rank(r["verdict"].as_str().unwrap()))
        .collect();
    assert!(
        verdicts.windows(2).all(|w| w[0] <= w[1]),
        "results must be ranked by verdict: {verdicts:?}"
    );
    for r in results {
        assert!(r["window"].is_string(), "{r}");
        assert!(
            r["conditions"].is_array() && r["hints"].is_array() && r["missing"].is_array(),
            "{r}"
        );
    }
    // Another city's subsidy for businesses located there is not for a business in 日置市.
    let verdict_of =
        |id: &str| results.iter().find(|r| r["program_id"] == id).unwrap()["verdict"].clone();
    assert_eq!(verdict_of("demo-sumida-seisansei"), "ineligible");
    assert_ne!(verdict_of("demo-hioki-shohin-kaihatsu"), "ineligible");
    let next = &diagnosis["next_question"];
    assert!(
        next["field"].is_string() && next["question"].is_string(),
        "{next}"
    );
}

#[tokio::test]
async fn a_limit_returns_only_the_best_results() {
    let app = demo_app().await;
    let (status, _, diagnosis) =
        post(&app, "/api/v1/diagnose?as_of=2026-11-23&limit=5", "{}").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(diagnosis["results"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_bad_profile_gets_a_japanese_problem_naming_each_field() {
    let app = demo_app().await;
    let profile =
        json!({"employees": -3, "capital": "たくさん", "emploees": 4, "municipality": "999999"});
    let (status, content_type, problem) = post(&app, "/api/v1/diagnose", profile.to_string()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type, "application/problem+json");
    assert_eq!(problem["status"], 400);
    let errors = problem["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 4, "{problem}");
    let detail = problem["detail"].as_str().unwrap();
    for named in ["emploees", "たくさん", "999999"] {
        assert!(detail.contains(named), "{named} not named in: {detail}");
    }
}

#[tokio::test]
async fn malformed_oversized_and_non_utf8_bodies_get_problems_not_500s() {
    let app = demo_app().await;
    let cases: [(Body, StatusCode); 4] = [
        (Body::from("{\"employees\": "), StatusCode::BAD_REQUEST),
        (Body::from(vec![0xff, 0xfe, 0x00]), StatusCode::BAD_REQUEST),
        (
            Body::from(format!("{{\"x\": \"{}\"}}", "a".repeat(200_000))),
            StatusCode::PAYLOAD_TOO_LARGE,
        ),
        (Body::from("[1, 2, 3]"), StatusCode::BAD_REQUEST),
    ];
    for (body, expected) in cases {
        let (status, content_type, problem) = post(&app, "/api/v1/diagnose", body).await;
        assert_eq!(status, expected, "{problem}");
        assert_eq!(content_type, "application/problem+json");
        assert!(!problem["detail"].as_str().unwrap().is_empty());
    }
    let (status, _, problem) = post(&app, "/api/v1/diagnose?as_of=来年", "{}").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
}

#[tokio::test]
async fn the_openapi_document_describes_every_api_route() {
    let app = demo_app().await;
    let (status, _, doc) = get(&app, "/api/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    assert!(doc["paths"]["/api/v1/fields"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/diagnose"]["post"].is_object());
    assert!(doc["paths"]["/api/v1/industries"]["get"].is_object());
}

#[tokio::test]
async fn the_industry_finder_answers_in_the_owner_s_words_with_reasons() {
    let app = demo_app().await;
    let query = |q: &str| {
        let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
        format!("/api/v1/industries?q={q}")
    };
    let (status, content_type, found) = get(&app, &query("ﾗｰﾒﾝ屋をやっています")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        content_type.starts_with("application/json"),
        "{content_type}"
    );
    let first = &found["candidates"][0];
    assert_eq!(first["code"], "76", "{found}");
    assert_eq!(first["major"], "M");
    assert_eq!(first["name"], "飲食店");
    assert!(
        first["explanation"]
            .as_str()
            .unwrap()
            .starts_with("ラーメン屋 → 飲食店（76）：")
    );
    assert!(found["hint"].is_null() && found["follow_up"].is_null());

    // Typed by sound, in either kana: the word is found by its reading and named as written.
    for sound in ["びよういん", "ビヨウイン"] {
        let (_, _, by_sound) = get(&app, &query(sound)).await;
        let first = &by_sound["candidates"][0];
        assert_eq!(first["code"], "78", "{sound}: {by_sound}");
        assert_eq!(first["matched"], "美容院", "{sound}");
    }

    // A word the classification splits asks first; its answers lead to both sides.
    let (_, _, bakery) = get(&app, &query("パン屋")).await;
    let options = bakery["follow_up"]["options"].as_array().unwrap();
    let codes: Vec<&str> = options
        .iter()
        .map(|o| o["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"58") && codes.contains(&"09"), "{bakery}");
    assert!(
        bakery["follow_up"]["question"]
            .as_str()
            .unwrap()
            .ends_with('。')
    );

    // Empty, English, emoji, 2,000 characters, nothing matching, broken encoding: a hint or
    // an answer, never an error.
    for (path, hinted) in [
        ("/api/v1/industries".to_owned(), true),
        (query("   "), true),
        (query("ramen shop"), true),
        (query("🍜"), true),
        (query("ぬぬぬぬ"), true),
        (query(&"美容室".repeat(700)), false),
        ("/api/v1/industries?q=%FF%FE&q=x".to_owned(), true),
    ] {
        let (status, _, answer) = get(&app, &path).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(answer["hint"].is_string(), hinted, "{path}: {answer}");
        assert_eq!(
            answer["candidates"].as_array().unwrap().is_empty(),
            hinted,
            "{path}"
        );
    }
}

#[tokio::test]
async fn too_many_diagnoses_get_a_japanese_429_with_retry_after() {
    // A burst of two and no refill: the third request is refused whatever the clock does.
    let app = TestApp::configured(&[], |state| {
        state.with_diagnose_limit(madoguchi_web::RateLimiter::new(2, 0))
    })
    .await;
    for _ in 0..2 {
        assert_eq!(post(&app, "/api/v1/diagnose", "{}").await.0, StatusCode::OK);
    }
    let request = Request::post("/api/v1/diagnose")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let response = app.send(request).await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().contains_key(header::RETRY_AFTER));
    let (status, content_type, problem) = post(&app, "/api/v1/diagnose", "{}").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(content_type, "application/problem+json");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("お試しください"),
        "{problem}"
    );
    // The questionnaire is not limited.
    assert_eq!(get(&app, "/api/v1/fields").await.0, StatusCode::OK);
}

#[tokio::test]
async fn a_diagnosis_not_sent_as_json_is_refused_so_other_sites_cannot_post_forms() {
    let app = demo_app().await;
    for content_type in [
        Some("text/plain"),
        Some("application/x-www-form-urlencoded"),
        None,
    ] {
        let mut request = Request::post("/api/v1/diagnose");
        if let Some(value) = content_type {
            request = request.header(header::CONTENT_TYPE, value);
        }
        let (status, got, problem) = send(&app, request.body(Body::from("{}")).unwrap()).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{content_type:?}"
        );
        assert_eq!(got, "application/problem+json");
        assert!(problem["detail"].as_str().unwrap().contains("JSON"));
    }
}

/// A diagnosis over a connection from `peer` carrying `X-Forwarded-For: forwarded`.
async fn diagnose_via(app: &TestApp, peer: [u8; 4], forwarded: &str) -> StatusCode {
    let mut request = Request::post("/api/v1/diagnose")
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", forwarded)
        .body(Body::from("{}"))
        .unwrap();
    let peer = std::net::SocketAddr::from((peer, 443));
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(peer));
    app.send(request).await.status()
}

#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_has_its_own_diagnosis_limit() {
    let proxy: madoguchi_web::TrustedProxy = "10.0.0.5".parse().unwrap();
    let app = TestApp::configured(&[], |state| {
        state
            .with_diagnose_limit(madoguchi_web::RateLimiter::new(1, 0))
            .with_trusted_proxies(madoguchi_web::TrustedProxies::new([proxy]))
    })
    .await;
    let proxy_ip = [10, 0, 0, 5];
    assert_eq!(
        diagnose_via(&app, proxy_ip, "203.0.113.1").await,
        StatusCode::OK
    );
    assert_eq!(
        diagnose_via(&app, proxy_ip, "203.0.113.1").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        diagnose_via(&app, proxy_ip, "203.0.113.2").await,
        StatusCode::OK
    );
    // A client that is not the proxy cannot get a fresh limit by writing the header.
    let direct = [198, 51, 100, 7];
    assert_eq!(
        diagnose_via(&app, direct, "203.0.113.3").await,
        StatusCode::OK
    );
    assert_eq!(
        diagnose_via(&app, direct, "203.0.113.4").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// The router over an empty catalogue with the diagnosis limit an operator typed.
async fn app_limited(setting: &str) -> TestApp {
    let limit: madoguchi_web::RateLimit = setting.parse().unwrap();
    TestApp::configured(&[], |state| {
        state.with_diagnose_limit(madoguchi_web::RateLimiter::from(limit))
    })
    .await
}

#[tokio::test]
async fn an_operator_limit_of_off_lets_every_diagnosis_through() {
    let app = app_limited("off").await;
    for _ in 0..100 {
        assert_eq!(post(&app, "/api/v1/diagnose", "{}").await.0, StatusCode::OK);
    }
}

#[tokio::test]
async fn an_operator_limit_of_two_per_burst_refuses_the_third_diagnosis() {
    let app = app_limited("2/1").await;
    for _ in 0..2 {
        assert_eq!(post(&app, "/api/v1/diagnose", "{}").await.0, StatusCode::OK);
    }
    let (status, _, problem) = post(&app, "/api/v1/diagnose", "{}").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{problem}");
}
