//! The site driven in-process through its router, on a real SQLite store in a temp directory.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use madoguchi_core::program::Program;

/// A router over its own database, filled with the given programs.
mod common;

use common::{TestApp, demo_catalogue};

/// GETs `path` and returns the status and the body as text.
async fn get(app: &TestApp, path: &str) -> (StatusCode, String) {
    let response = app
        .send(Request::get(path).body(Body::empty()).unwrap())
        .await;
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

/// The page text with the entities askama writes turned back into characters.
fn unescape(html: &str) -> String {
    [
        ("&#38;", "&"),
        ("&#60;", "<"),
        ("&#62;", ">"),
        ("&#34;", "\""),
        ("&#39;", "'"),
    ]
    .iter()
    .fold(html.to_owned(), |text, (entity, c)| text.replace(entity, c))
}

/// Real records from the bundled demo sample, through the real importer.
fn jgrants_sample() -> Vec<Program> {
    madoguchi_core::import::jgrants::parse(madoguchi_core::demo::JGRANTS_RECORDS)
        .unwrap()
        .programs
}

#[tokio::test]
async fn the_program_list_shows_every_imported_program_title() {
    let programs = jgrants_sample();
    let app = TestApp::with_programs(&programs[..10]).await;
    let (status, html) = get(&app, "/programs?window=all").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("10件の制度が見つかりました"), "{html}");
    let text = unescape(&html);
    for p in &programs[..10] {
        assert!(text.contains(p.title.as_str()), "missing {}", p.title);
        assert!(
            html.contains(&format!("href=\"/programs/{}\"", p.id)),
            "no link to {}",
            p.id
        );
    }
}

#[tokio::test]
async fn a_jgrants_program_page_carries_the_attribution_and_the_official_link() {
    let programs = jgrants_sample();
    let program = programs.iter().find(|p| p.official_url.is_some()).unwrap();
    let app = TestApp::with_programs(std::slice::from_ref(program)).await;
    let (status, html) = get(&app, &format!("/programs/{}", program.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Jグランツ（jGrants）からの出典"));
    assert!(html.contains("lang=\"ja\""));
    // The link counts the click, then leads to the official page stored for this program.
    let link = format!("/programs/{}/official", program.id);
    assert!(html.contains(&format!("href=\"{link}\"")), "{html}");
    let followed = app
        .send(Request::get(link.as_str()).body(Body::empty()).unwrap())
        .await;
    assert_eq!(followed.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        followed.headers()[axum::http::header::LOCATION],
        program.official_url.as_ref().unwrap().as_str()
    );
}

#[tokio::test]
async fn imported_html_cannot_inject_scripts_into_the_program_page() {
    let programs = jgrants_sample();
    let app = TestApp::with_programs(&programs).await;
    for p in programs.iter().take(40) {
        let (_, html) = get(&app, &format!("/programs/{}", p.id)).await;
        assert!(!html.to_lowercase().contains("<script"), "{}", p.id);
        assert!(
            !html.contains("style=\"color"),
            "inline styles from jGrants must be stripped: {}",
            p.id
        );
    }
}

#[tokio::test]
async fn an_unknown_program_gets_a_japanese_404_page() {
    let app = TestApp::with_programs(&[]).await;
    for path in [
        "/programs/no-such-program",
        "/programs/%E3%81%82",
        "/nowhere",
    ] {
        let (status, html) = get(&app, path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(html.contains("ページが見つかりません"), "{path}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = TestApp::with_programs(&[]).await;
    assert_eq!(get(&app, "/healthz").await.0, StatusCode::OK);
    assert_eq!(
        get(&app, "/readyz").await,
        (StatusCode::OK, "ready".to_owned())
    );
}

#[tokio::test]
async fn the_design_tokens_are_served_from_the_binary() {
    let app = TestApp::with_programs(&[]).await;
    let (status, css) = get(&app, "/assets/tokens.css").await;
    assert_eq!(status, StatusCode::OK);
    assert!(css.contains("--color-primitive-blue-800"));
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::with_programs(&[]).await;
    for path in [
        "/",
        "/programs",
        "/diagnosis",
        "/nowhere",
        "/assets/site.css",
    ] {
        let request = Request::get(path).body(Body::empty()).unwrap();
        let response = app.send(request).await;
        let headers = response.headers();
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"),
            "{path}: {csp}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert!(headers.contains_key("referrer-policy"), "{path}");
    }
}

#[tokio::test]
async fn metrics_count_requests_by_status_class() {
    let app = TestApp::with_programs(&jgrants_sample()[..3]).await;
    get(&app, "/programs").await;
    get(&app, "/nowhere").await;
    let (status, text) = metrics_from(&app, [127, 0, 0, 1], &[]).await;
    assert_eq!(status, StatusCode::OK, "{text}");
    assert!(
        text.contains("madoguchi_http_requests_total{status=\"2xx\"} 1"),
        "{text}"
    );
    assert!(
        text.contains("madoguchi_http_requests_total{status=\"4xx\"} 1"),
        "{text}"
    );
    assert!(text.contains("madoguchi_catalog_programs 3"), "{text}");
}

/// `GET /metrics` over a connection from `peer`, with `headers`.
async fn metrics_from(
    app: &TestApp,
    peer: [u8; 4],
    headers: &[(&str, &str)],
) -> (StatusCode, String) {
    let mut request = Request::get("/metrics").body(Body::empty()).unwrap();
    request
        .extensions_mut()
        .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
            peer, 40000,
        ))));
    for (name, value) in headers {
        request.headers_mut().insert(
            axum::http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            value.parse().unwrap(),
        );
    }
    let response = app.send(request).await;
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

#[tokio::test]
async fn metrics_are_for_this_machine_unless_a_token_is_set() {
    let app = TestApp::with_programs(&jgrants_sample()[..3]).await;
    let (status, text) = metrics_from(&app, [192, 0, 2, 7], &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "{text}");
    assert!(!text.contains("madoguchi_http_requests_total"));
    // Forwarded by a proxy on this machine: not this machine's own monitoring.
    let (status, _) = metrics_from(&app, [127, 0, 0, 1], &[("x-forwarded-for", "192.0.2.7")]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(
        get(&app, "/metrics").await.0,
        StatusCode::NOT_FOUND,
        "no peer known"
    );

    let app = TestApp::configured(&jgrants_sample()[..3], |state| {
        state.with_metrics_access(madoguchi_web::MetricsAccess::Token("s3cret-token".into()))
    })
    .await;
    let (status, _) = metrics_from(
        &app,
        [192, 0, 2, 7],
        &[("authorization", "Bearer wrong-token!")],
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, text) = metrics_from(
        &app,
        [192, 0, 2, 7],
        &[("authorization", "Bearer s3cret-token")],
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("madoguchi_catalog_programs 3"), "{text}");
}

#[tokio::test]
async fn the_top_page_offers_the_diagnosis_search_purposes_and_what_is_new() {
    let programs = demo_catalogue();
    let app = TestApp::with_programs(&programs).await;
    let (status, html) = get(&app, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("href=\"/diagnosis\""));
    assert!(html.contains("role=\"search\""));
    assert!(html.contains("href=\"/programs?purpose=equipment_it\""));
    assert!(html.contains("新着の制度"));
    // The newest box lists real programs from the catalogue.
    let listed = programs
        .iter()
        .filter(|p| html.contains(&format!("href=\"/programs/{}\"", p.id)))
        .count();
    assert!(listed >= 5, "{listed} programs linked");
}

#[tokio::test]
async fn the_list_narrows_by_words_and_codes_and_pages_keep_the_filter() {
    let programs = jgrants_sample();
    let app = TestApp::with_programs(&programs).await;
    let (_, all) = get(&app, "/programs?window=all").await;
    let (status, it) = get(&app, "/programs?q=%EF%BC%A9%EF%BC%B4&window=all").await; // 「ＩＴ」 in full width
    assert_eq!(status, StatusCode::OK);
    // 「IT」 as a word of its own in the title or summary (not the "it" of "digital").
    let standalone_it = |text: &str| {
        let upper = text.to_uppercase();
        upper.match_indices("IT").any(|(i, _)| {
            let before = upper[..i].chars().next_back();
            let after = upper[i + 2..].chars().next();
            !before.is_some_and(|c| c.is_ascii_alphanumeric())
                && !after.is_some_and(|c| c.is_ascii_alphanumeric())
        })
    };
    let expected = programs
        .iter()
        .filter(|p| standalone_it(p.title.as_str()) || standalone_it(&p.summary))
        .count();
    assert!(expected > 0 && expected < programs.len());
    let found: usize = it
        .split("件の制度が見つかりました")
        .next()
        .and_then(|head| head.rsplit(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap();
    assert!(
        found >= expected && found < programs.len(),
        "{found} < {expected}"
    );
    assert!(all.contains(&format!("{}件の制度が見つかりました", programs.len())));
    // Paging links carry the search.
    let (_, national) = get(&app, "/programs?level=national&window=all").await;
    if national.contains("rel=\"next\"") {
        assert!(
            national.contains("/programs?level=national&#38;status=all&page=2"),
            "{national}"
        );
    }
    let (status, html) = get(&app, "/programs?purpose=shopping").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(html.contains("利用目的"), "{html}");
}

#[tokio::test]
async fn new_programs_are_listed_newest_first() {
    let programs = jgrants_sample();
    let (earlier, later) = programs.split_at(programs.len() - 3);
    let app = TestApp::with_batches(&[earlier, later]).await;
    let (status, html) = get(&app, "/programs/new").await;
    assert_eq!(status, StatusCode::OK);
    let position =
        |p: &madoguchi_core::program::Program| html.find(&format!("href=\"/programs/{}\"", p.id));
    let last_of_later = later.iter().filter_map(position).max().unwrap();
    let first_of_earlier = earlier.iter().filter_map(position).min().unwrap();
    assert!(last_of_later < first_of_earlier);
    assert!(html.contains("掲載"));
}

#[tokio::test]
async fn the_closing_soon_list_holds_open_programs_soonest_first() {
    let app = TestApp::with_programs(&jgrants_sample()).await;
    let (status, html) = get(&app, "/programs/closing-soon").await;
    assert_eq!(status, StatusCode::OK);
    // Every date shown is 「YYYY年M月D日（和暦）まで」 and they never go backwards.
    let dates: Vec<(u32, u32, u32)> = html
        .match_indices("まで")
        .filter_map(|(i, _)| {
            let before = &html[..i];
            let start = before.rfind("<p class=\"when\">")? + "<p class=\"when\">".len();
            let text = &before[start..];
            let (y, rest) = text.split_once('年')?;
            let (m, rest) = rest.split_once('月')?;
            let (d, _) = rest.split_once('日')?;
            Some((y.parse().ok()?, m.parse().ok()?, d.parse().ok()?))
        })
        .collect();
    assert!(dates.windows(2).all(|w| w[0] <= w[1]), "{dates:?}");
}

#[tokio::test]
async fn a_program_page_states_its_conditions_in_plain_japanese() {
    let programs = demo_catalogue();
    let program = programs.iter().find(|p| p.rule.is_some()).unwrap();
    let app = TestApp::with_programs(&programs).await;
    let (status, html) = get(&app, &format!("/programs/{}", program.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("対象となる条件"));
    assert!(html.contains("class=\"conditions-plain\""));
    assert!(html.contains("最終確認日") || program.last_verified.is_none());
}

#[tokio::test]
async fn a_program_page_says_which_documents_its_facts_were_checked_against_and_when() {
    let programs = demo_catalogue();
    let program = programs
        .iter()
        .find(|p| p.verified_against.iter().any(|s| s.url.is_some()) && p.last_verified.is_some())
        .expect("the demo catalogue records its sources");
    let app = TestApp::with_programs(&programs).await;
    let (status, html) = get(&app, &format!("/programs/{}", program.id)).await;
    assert_eq!(status, StatusCode::OK);
    let section = html
        .split_once("<h2>掲載内容の確認</h2>")
        .map(|(_, rest)| rest.split("</ul>").next().unwrap_or_default())
        .expect("the page has the section");
    let section = unescape(section);
    let on = madoguchi_core::calendar::wareki::format_date(program.last_verified.unwrap());
    assert!(
        section.contains(&format!("{on}に、次の資料と照らして確認しました。")),
        "{section}"
    );
    for source in &program.verified_against {
        let shown = match &source.url {
            Some(url) => format!("<a href=\"{url}\" rel=\"noopener\">{}</a>", source.title),
            None => format!("<li>{}</li>", source.title),
        };
        assert!(section.contains(&shown), "{shown} missing in {section}");
    }
}
