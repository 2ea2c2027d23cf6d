//! The analytics dashboard at work: visitors use the public site through real requests (a
//! diagnosis, a search that finds nothing, program pages, an official link), and staff
//! then find the counts on `/console/analytics`, small ones as 「5未満」, every table as a
//! CSV file with a BOM, the catalogue-gap words linked to a new draft, and a period that
//! does not read refused in Japanese.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_core::program::Program;
use madoguchi_store::Role;

use common::demo_catalogue;
use console_support::{Browser, Console};

/// A demo program with an official page.
fn with_official_page(programs: &[Program]) -> &Program {
    programs.iter().find(|p| p.official_url.is_some()).unwrap()
}

/// One visitor's diagnosis: the first question answered 「わからない」, then the results.
async fn diagnose(browser: &mut Browser<'_>) {
    let step = browser.get("/diagnosis").await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.body);
    let field = step.hidden("field").unwrap();
    let answered = browser
        .post(
            "/diagnosis/answer",
            &[("field", &field), ("step", "1"), ("action", "dont_know")],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
    let results = browser.get("/diagnosis/results").await;
    assert_eq!(results.status, StatusCode::OK);
}

/// The row of a dashboard table whose first cell is `head`, as its HTML.
fn row<'p>(body: &'p str, head: &str) -> &'p str {
    let start = body
        .find(&format!("<th scope=\"row\">{head}</th>"))
        .unwrap_or_else(|| panic!("no row {head} in {body}"));
    let rest = &body[start..];
    &rest[..rest.find("</tr>").unwrap()]
}

#[tokio::test]
async fn counts_appear_after_real_page_requests_and_small_ones_read_5未満() {
    let programs = demo_catalogue();
    let console = Console::new(&programs).await;
    let program = with_official_page(&programs);
    let id = program.id.as_str();
    for i in 1..=5 {
        let mut visitor = console.browser_from([192, 0, 2, i]);
        diagnose(&mut visitor).await;
        let search = visitor.get("/programs?q=%E3%83%89%E3%83%AD%E3%83%BC%E3%83%B3%E9%85%8D%E9%81%94%E3%81%AE%E5%AE%9F%E8%A8%BC%20xyzzy").await;
        assert_eq!(search.status, StatusCode::OK);
        visitor.get(&format!("/programs/{id}")).await;
    }
    let mut visitor = console.browser();
    // Searched once: a word that could be someone's name.
    let once = visitor
        .get("/programs?q=%E5%B1%B1%E7%94%B0%E5%A4%AA%E9%83%8E%20qqq")
        .await;
    assert_eq!(once.status, StatusCode::OK);
    visitor.get(&format!("/programs/{id}")).await;
    let link = visitor.get(&format!("/programs/{id}")).await;
    assert!(link.body.contains(&format!("/programs/{id}/official")));
    let official = visitor.get(&format!("/programs/{id}/official")).await;
    assert_eq!(official.status, StatusCode::SEE_OTHER);
    assert_eq!(
        official.location(),
        program.official_url.as_ref().unwrap().to_string()
    );

    let viewer = console.account("viewer", Role::Viewer).await;
    let mut viewer = console.signed_in(&viewer).await;
    let page = viewer.get("/console/analytics").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("から"), "{}", page.body);
    // The funnel: five started, five finished, no consultation.
    assert!(row(&page.body, "診断の開始").contains("<td>5</td><td>100.0%</td>"));
    assert!(row(&page.body, "相談の申込み").contains("<td>5未満</td>"));
    // The search words, normalised, with their count; a viewer gets no draft link.
    let words = row(&page.body, "ドローン配達の実証 xyzzy");
    assert!(words.contains("<td>5</td>"), "{words}");
    assert!(!words.contains("/console/programs/new"));
    // Words searched fewer than five times may be a name: counted, not listed.
    assert!(!page.body.contains("山田太郎 qqq"), "{}", page.body);
    assert!(
        page.body.contains("検索が5回未満の言葉（1語）は"),
        "{}",
        page.body
    );
    let csv = viewer
        .get("/console/analytics.csv?table=zero-results")
        .await;
    assert!(
        csv.body.contains("ドローン配達の実証 xyzzy"),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains("山田太郎"), "{}", csv.body);
    // Seven views, one official click (suppressed), in the programs table.
    let title = program.title.to_string();
    let programs_row = &page.body[page.body.find("id=\"table-programs\"").unwrap()..];
    let programs_row = row(programs_row, &title);
    assert!(
        programs_row.contains(&format!("<td>{id}</td><td>7</td><td>5未満</td>")),
        "{programs_row}"
    );
    // A question was answered five times, by five diagnoses.
    assert!(
        page.body
            .contains("<svg role=\"img\" aria-labelledby=\"table-trend\"")
    );

    // 職員 may turn a gap into a draft titled with its words.
    let staff = console.account("staff", Role::Staff).await;
    let mut staff = console.signed_in(&staff).await;
    let page = staff.get("/console/analytics").await;
    let words = row(&page.body, "ドローン配達の実証 xyzzy");
    let start = words.find("href=\"").unwrap() + 6;
    let href = words[start..start + words[start..].find('"').unwrap()].replace("&amp;", "&");
    assert!(href.starts_with("/console/programs/new?title="), "{href}");
    let draft = staff.get(&href).await;
    assert_eq!(draft.status, StatusCode::OK);
    assert!(draft.body.contains("value=\"ドローン配達の実証 xyzzy\""));
}

#[tokio::test]
async fn every_table_downloads_as_csv_with_a_bom_and_the_same_suppression() {
    let programs = demo_catalogue();
    let console = Console::new(&programs).await;
    let id = programs[0].id.as_str();
    console.browser().get(&format!("/programs/{id}")).await;
    let viewer = console.account("viewer", Role::Viewer).await;
    let mut viewer = console.signed_in(&viewer).await;
    let csv = viewer.get("/console/analytics.csv?table=programs").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with('\u{feff}'), "{}", csv.body);
    assert!(
        csv.body.contains(&format!("\"{id}\",\"5未満\"")),
        "{}",
        csv.body
    );
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    assert_eq!(reader.headers().unwrap().get(0), Some("制度"));
    for table in [
        "trend",
        "funnel",
        "questions",
        "top-viewed",
        "top-eligible",
        "zero-results",
        "notices",
    ] {
        let csv = viewer
            .get(&format!(
                "/console/analytics.csv?table={table}&from=2026-01-01&to=2026-01-31"
            ))
            .await;
        assert_eq!(csv.status, StatusCode::OK, "{table}");
        assert!(csv.body.starts_with('\u{feff}'));
    }
    let unknown = viewer.get("/console/analytics.csv?table=visitors").await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_period_without_data_says_so_and_a_bad_period_is_refused_in_japanese() {
    let console = Console::new(&demo_catalogue()).await;
    let viewer = console.account("viewer", Role::Viewer).await;
    let mut viewer = console.signed_in(&viewer).await;
    let empty = viewer
        .get("/console/analytics?from=2025-01-01&to=2025-01-31")
        .await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(
        empty
            .body
            .contains("この期間には、集計された利用がありません")
    );
    assert!(empty.body.contains("（31日間）"));

    let unreadable = viewer.get("/console/analytics?from=1月1日").await;
    assert_eq!(unreadable.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        unreadable
            .body
            .contains("日付は「2026-08-21」の形で入力してください。")
    );
    assert!(unreadable.body.contains("aria-invalid=\"true\""));

    let reversed = viewer
        .get("/console/analytics?from=2025-02-01&to=2025-01-01")
        .await;
    assert_eq!(reversed.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(reversed.body.contains("入れ替えて"));

    let too_long = viewer
        .get("/console/analytics.csv?table=trend&from=2020-01-01&to=2025-01-01")
        .await;
    assert_eq!(too_long.status, StatusCode::BAD_REQUEST);
    assert!(too_long.body.contains("最長731日"));
}

#[tokio::test]
async fn the_official_link_only_ever_leads_to_the_stored_url() {
    let console = Console::new(&demo_catalogue()).await;
    let mut visitor = console.browser();
    let unknown = visitor.get("/programs/no-such-program/official").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let elsewhere = visitor
        .get("/programs/https%3A%2F%2Fevil.example%2F/official")
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
}
