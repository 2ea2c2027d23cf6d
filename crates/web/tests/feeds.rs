//! The Atom and iCalendar feeds, read back by real parsers (feed-rs, icalendar) from the router
//! over a real SQLite store with real demo programs.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use icalendar::{Component, DatePerhapsTime};
use madoguchi_core::import::jgrants;
use madoguchi_core::program::{GovLevel, Program, ProgramStatus, Purpose, Title};
use time::{Date, Duration, Time};

mod common;

use common::{TestApp, closing_on, demo_catalogue, events, today_jst};

const HOST: &str = "madoguchi.example.jp";

struct Answer {
    status: StatusCode,
    content_type: String,
    disposition: Option<String>,
    body: String,
}

async fn get(app: &TestApp, path: &str) -> Answer {
    let request = Request::get(path)
        .header(header::HOST, HOST)
        .body(Body::empty())
        .unwrap();
    let response = app.send(request).await;
    let header_text = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned())
    };
    let content_type = header_text(header::CONTENT_TYPE).unwrap_or_default();
    let disposition = header_text(header::CONTENT_DISPOSITION);
    let status = response.status();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    Answer {
        status,
        content_type,
        disposition,
        body: String::from_utf8(bytes.to_vec()).unwrap(),
    }
}

fn jgrants_sample() -> Vec<Program> {
    jgrants::parse(madoguchi_core::demo::JGRANTS_RECORDS)
        .unwrap()
        .programs
}

fn parse_atom(body: &str) -> feed_rs::model::Feed {
    feed_rs::parser::parse(body.as_bytes()).unwrap()
}

fn entry_ids(feed: &feed_rs::model::Feed) -> BTreeSet<String> {
    feed.entries
        .iter()
        .map(|e| {
            let link = &e.links[0].href;
            link.rsplit('/').next().unwrap().to_owned()
        })
        .collect()
}

#[tokio::test]
async fn the_atom_feed_lists_the_newest_programs_with_links_and_categories() {
    // Saved in two batches: the second, saved later, must lead the feed.
    let programs = jgrants_sample();
    assert!(programs.len() > 100);
    let (earlier, later) = programs.split_at(programs.len() - 40);
    let app = TestApp::with_batches(&[earlier, later]).await;
    let answer = get(&app, "/feeds/programs.atom").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "application/atom+xml; charset=utf-8");
    let feed = parse_atom(&answer.body);
    assert_eq!(feed.feed_type, feed_rs::model::FeedType::Atom);
    assert!(
        feed.title
            .as_ref()
            .unwrap()
            .content
            .contains("すべての制度"),
        "feed title names the filter"
    );
    assert_eq!(feed.entries.len(), programs.len().min(100));

    let mut previous = None;
    for entry in &feed.entries {
        let id = entry.links[0].href.rsplit('/').next().unwrap();
        let program = programs.iter().find(|p| p.id.as_str() == id).unwrap();
        assert_eq!(
            entry.links[0].href,
            format!("http://{HOST}/programs/{}", program.id)
        );
        assert_eq!(entry.links[0].rel.as_deref(), Some("alternate"));
        assert_eq!(
            entry.title.as_ref().unwrap().content,
            program.title.as_str()
        );
        assert!(
            entry
                .id
                .starts_with(&format!("urn:madoguchi:program:{}:v", program.id)),
            "{}",
            entry.id
        );
        let terms: BTreeSet<&str> = entry.categories.iter().map(|c| c.term.as_str()).collect();
        let purposes: BTreeSet<&str> = program.purposes.iter().map(|p| p.code()).collect();
        assert_eq!(terms, purposes);
        let updated = entry.updated.unwrap();
        assert!(previous.is_none_or(|p| p >= updated), "newest first");
        previous = Some(updated);
    }
    let ids: BTreeSet<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids.len(), feed.entries.len(), "entry ids are unique");
    // The later batch comes first, then the earlier one fills the feed up to its limit.
    let first: BTreeSet<String> = feed.entries[..later.len()]
        .iter()
        .map(|e| e.links[0].href.rsplit('/').next().unwrap().to_owned())
        .collect();
    let later_ids: BTreeSet<String> = later.iter().map(|p| p.id.to_string()).collect();
    assert_eq!(first, later_ids);
    assert!(entry_ids(&feed).len() == 100);
}

#[tokio::test]
async fn a_filter_narrows_the_feed_to_the_matching_programs() {
    let programs = demo_catalogue();
    let app = TestApp::with_programs(&programs).await;
    let all = parse_atom(&get(&app, "/feeds/programs.atom").await.body);

    let answer = get(
        &app,
        "/feeds/programs.atom?purpose=equipment_it&level=national",
    )
    .await;
    assert_eq!(answer.status, StatusCode::OK);
    let narrowed = parse_atom(&answer.body);
    let expected: BTreeSet<String> = programs
        .iter()
        .filter(|p| {
            p.purposes.contains(&Purpose::EquipmentIt) && p.issuer.level() == GovLevel::National
        })
        .map(|p| p.id.to_string())
        .collect();
    assert!(!expected.is_empty());
    assert!(expected.len() < all.entries.len());
    assert_eq!(entry_ids(&narrowed), expected);
    let title = narrowed.title.unwrap().content;
    assert!(
        title.contains("設備整備・IT導入をしたい・国の制度"),
        "{title}"
    );

    // Full-width letters find the half-width title; other programs drop out. The words are
    // searched as the search page searches them: both in one of title, summary or outline.
    let it = parse_atom(
        &get(
            &app,
            "/feeds/programs.atom?q=%EF%BC%A9%EF%BC%B4%E5%B0%8E%E5%85%A5",
        )
        .await
        .body,
    );
    let found = entry_ids(&it);
    assert!(found.contains("demo-it-donyu"), "{found:?}");
    assert!(!found.contains("demo-monozukuri"), "{found:?}");
    for entry in &it.entries {
        let title = &entry.title.as_ref().unwrap().content;
        let program = programs.iter().find(|p| p.title.as_str() == title).unwrap();
        let has_both = |text: &str| text.to_uppercase().contains("IT") && text.contains("導入");
        assert!(
            has_both(program.title.as_str())
                || has_both(&program.summary)
                || has_both(&program.detail),
            "{title}"
        );
    }
}

#[tokio::test]
async fn markup_in_a_title_arrives_as_text_in_the_feed() {
    let mut program = demo_catalogue().remove(0);
    program.title = Title::parse("<b>A&B</b> \"補助金\" 'テスト'").unwrap();
    let app = TestApp::with_programs(std::slice::from_ref(&program)).await;
    let answer = get(&app, "/feeds/programs.atom").await;
    assert!(!answer.body.contains("<b>"), "{}", answer.body);
    let feed = parse_atom(&answer.body);
    assert_eq!(
        feed.entries[0].title.as_ref().unwrap().content,
        program.title.as_str()
    );
}

/// Demo programs with windows around today: two closing ahead, one closed, one without a date.
fn deadline_programs() -> (Vec<Program>, Vec<(String, Date)>) {
    let demo = demo_catalogue();
    let pick = |id: &str| demo.iter().find(|p| p.id.as_str() == id).unwrap().clone();
    let today = today_jst();
    let soon = today + Duration::days(10);
    let later = today + Duration::days(40);
    let mut long = pick("demo-jizokuka");
    long.title = Title::parse(&format!(
        "{}（一般型, 第18回公募; 創業型・後継者支援型を含む\\令和8年度）",
        long.title
    ))
    .unwrap();
    let mut no_date = pick("demo-monozukuri");
    no_date.rounds.clear();
    no_date.status = ProgramStatus::Open;
    let programs = vec![
        closing_on(long, soon, Time::from_hms(17, 0, 0).unwrap()),
        closing_on(
            pick("demo-hioki-rishi-hojo"),
            later,
            Time::from_hms(23, 59, 59).unwrap(),
        ),
        closing_on(
            pick("demo-it-donyu"),
            today - Duration::days(5),
            Time::from_hms(17, 0, 0).unwrap(),
        ),
        no_date,
    ];
    let expected = vec![
        (programs[0].id.to_string(), soon),
        (programs[1].id.to_string(), later),
    ];
    (programs, expected)
}

#[tokio::test]
async fn the_calendar_has_one_all_day_event_per_coming_deadline() {
    let (programs, expected) = deadline_programs();
    let app = TestApp::with_programs(&programs).await;
    let answer = get(&app, "/feeds/deadlines.ics").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.content_type, "text/calendar; charset=utf-8");
    assert!(
        answer
            .disposition
            .unwrap()
            .starts_with("attachment; filename="),
        "a download"
    );
    let body = &answer.body;
    assert!(body.starts_with("BEGIN:VCALENDAR\r\n"));
    assert!(body.contains("\r\nVERSION:2.0\r\n"));
    assert!(body.contains("\r\nX-WR-TIMEZONE:Asia/Tokyo\r\n"));
    assert!(body.contains("\r\nPRODID:"));
    assert_eq!(
        body.matches('\n').count(),
        body.matches("\r\n").count(),
        "CRLF only"
    );
    for line in body.split("\r\n") {
        assert!(line.len() <= 75, "{} octets: {line}", line.len());
    }

    let calendar: icalendar::Calendar = body.parse().unwrap();
    assert!(
        calendar
            .property_value("X-WR-CALNAME")
            .unwrap()
            .contains("すべての制度")
    );
    let events = events(body);
    assert_eq!(events.len(), expected.len());
    let mut uids = BTreeSet::new();
    for (event, (id, closes)) in events.iter().zip(&expected) {
        let program = programs.iter().find(|p| p.id.as_str() == id).unwrap();
        let Some(DatePerhapsTime::Date(start)) = event.get_start() else {
            panic!("not an all-day event: {:?}", event.get_start());
        };
        assert_eq!(start.to_string(), closes.to_string());
        assert_eq!(
            event.get_summary().unwrap(),
            format!("締切：{}", program.title)
        );
        let url = format!("http://{HOST}/programs/{id}");
        assert_eq!(event.get_url().unwrap(), url);
        let description = event.get_description().unwrap();
        assert!(
            description.starts_with(program.summary.trim()),
            "{description}"
        );
        assert!(description.contains(program.issuer.name()), "{description}");
        assert!(description.ends_with(&url), "{description}");
        let uid = event.get_uid().unwrap();
        assert!(
            uid.starts_with(id.as_str()) && uid.ends_with(&format!("@{HOST}")),
            "{uid}"
        );
        uids.insert(uid.to_owned());
    }
    assert_eq!(uids.len(), events.len(), "UIDs are unique");
    // The long title was folded over several lines and came back whole.
    assert!(body.contains("\r\n "), "long lines are folded");
    assert!(
        events[0]
            .get_description()
            .unwrap()
            .contains("17時00分まで")
    );
}

#[tokio::test]
async fn the_calendar_takes_the_same_filter_as_the_feed() {
    let (programs, _) = deadline_programs();
    let app = TestApp::with_programs(&programs).await;
    let answer = get(&app, "/feeds/deadlines.ics?level=municipal&window=open").await;
    assert_eq!(answer.status, StatusCode::OK);
    let events = events(&answer.body);
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].get_url().unwrap(),
        format!("http://{HOST}/programs/demo-hioki-rishi-hojo")
    );
}

#[tokio::test]
async fn unknown_codes_get_a_japanese_400_page_not_a_500() {
    let app = TestApp::with_programs(&demo_catalogue()[..3]).await;
    for (path, says) in [
        (
            "/feeds/programs.atom?purpose=shopping",
            "「shopping」は利用目的として使えません",
        ),
        (
            "/feeds/deadlines.ics?level=city",
            "「city」は発行元の区分として使えません",
        ),
        ("/feeds/programs.atom?window=someday", "受付状況（window）"),
        ("/feeds/deadlines.ics?q=a&q=b", "検索条件を読み取れません"),
    ] {
        let answer = get(&app, path).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(answer.content_type.starts_with("text/html"), "{path}");
        assert!(answer.body.contains(says), "{path}: {}", answer.body);
        assert!(answer.body.contains("lang=\"ja\""));
    }
}

#[tokio::test]
async fn a_query_that_is_not_utf8_is_not_a_server_error() {
    let app = TestApp::with_programs(&demo_catalogue()[..3]).await;
    for path in [
        "/feeds/programs.atom?q=%FF%FE%FD",
        "/feeds/deadlines.ics?q=%82%A0&purpose=%FF",
    ] {
        let answer = get(&app, path).await;
        assert!(answer.status.as_u16() < 500, "{path}: {}", answer.status);
    }
    let answer = get(&app, "/feeds/programs.atom?q=%FF%FE%FD").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert!(parse_atom(&answer.body).entries.is_empty());
}
