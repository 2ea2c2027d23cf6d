//! The diagnosis wizard driven as a browser would: cookies kept, forms posted with their CSRF
//! token, over the real demo catalogue on a real SQLite store.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use icalendar::Component;
use madoguchi_web::RateLimiter;
use time::{Duration, Time};

mod common;

use common::visitor::{Page, Visitor};
use common::{TestApp, closing_on, demo_catalogue, events, today_jst};

/// A plausible answer for each question a 日置市 metal-products maker would give.
fn answer_for(field: &str) -> &'static [&'static str] {
    match field {
        "municipality" => &["日置市"],
        "industry" => &["24"],
        "org_form" => &["stock_company"],
        "employees" => &["12人"],
        "capital" => &["1000万円"],
        "founded" => &["平成20年4月1日"],
        "sales" => &["1億2000万円"],
        "purposes" => &["equipment_it"],
        "large_investment" => &["none"],
        "minimum_wage" => &["1000円"],
        "tax_arrears" => &["no"],
        _ => &["yes"],
    }
}

async fn demo_app() -> TestApp {
    TestApp::with_programs(&demo_catalogue()).await
}

#[tokio::test]
async fn a_whole_diagnosis_asks_the_engines_questions_and_explains_the_results() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let mut page = visitor.get("/diagnosis").await;
    assert_eq!(page.status, StatusCode::OK);
    let cookie = page
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let mut asked = Vec::new();
    while page.status == StatusCode::OK && page.html.contains("name=\"field\"") {
        let field = page.hidden("field");
        assert!(!asked.contains(&field), "{field} asked twice");
        asked.push(field.clone());
        let next = visitor.answer(&page, answer_for(&field), "next").await;
        assert_eq!(next.status, StatusCode::SEE_OTHER, "{field}: {}", next.html);
        // Only step numbers travel in URLs, never an answer.
        assert!(
            next.location() == "/diagnosis" || next.location().starts_with("/diagnosis?step="),
            "{}",
            next.location()
        );
        page = visitor.get(next.location()).await;
        if page.status == StatusCode::SEE_OTHER {
            page = visitor.get(page.location()).await;
        }
    }
    assert!(asked.len() >= 3, "only asked {asked:?}");
    assert_eq!(asked[0], "municipality", "the place settles most programs");
    assert!(page.html.contains("<h1>診断結果</h1>"), "{}", page.html);
    // The answers are on the page: no browser or proxy keeps a copy, so the back button
    // after 「回答を消去する」 shows nothing.
    assert_eq!(
        page.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-store",
        "results"
    );
    let first = visitor.get("/diagnosis?step=1").await;
    assert_eq!(
        first.headers.get(header::CACHE_CONTROL).unwrap(),
        "no-store"
    );
    assert!(page.html.contains("対象となる可能性が高い制度"));
    assert!(
        page.html.contains("鹿児島県日置市"),
        "answers are summarised"
    );
    assert!(page.html.contains("✓"));
    // 西暦 with 和暦 beside.
    assert!(page.html.contains("（令和"), "{}", page.html);
}

/// Answers steps with `answer_for` until the industry step shows.
async fn walk_to_industry<'a>(visitor: &mut Visitor<'a>) -> Page {
    let mut page = visitor.get("/diagnosis").await;
    while page.hidden("field") != "industry" {
        let field = page.hidden("field");
        let next = visitor.answer(&page, answer_for(&field), "next").await;
        page = visitor.get(next.location()).await;
    }
    page
}

/// Sends the industry step's finder box with `describe` and the button `action`.
async fn find_industry(
    visitor: &mut Visitor<'_>,
    page: &Page,
    describe: &str,
    action: &str,
) -> Page {
    let mut form = form_urlencoded::Serializer::new(String::new());
    for name in ["_csrf", "field", "step"] {
        form.append_pair(name, &page.hidden(name));
    }
    form.append_pair("describe", describe);
    form.append_pair("value", "");
    form.append_pair("action", action);
    visitor.post("/diagnosis/answer", form.finish()).await
}

#[tokio::test]
async fn the_industry_is_found_from_the_owner_s_words_without_javascript() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let page = walk_to_industry(&mut visitor).await;
    assert!(page.html.contains("name=\"describe\""), "{}", page.html);
    assert!(page.html.contains("一覧から選ぶ"), "the full list stays");

    // The button searches; so does Enter in the box (the form's first button, 「次へ」).
    for action in ["find_industry", "next"] {
        let found = find_industry(&mut visitor, &page, "美容室をやっています", action).await;
        assert_eq!(found.status, StatusCode::OK, "{action}");
        assert!(
            found
                .html
                .contains("type=\"radio\" id=\"found-1\" name=\"value\" value=\"78\""),
            "{}",
            found.html
        );
        assert!(
            found
                .html
                .contains("美容室 → 洗濯・理容・美容・浴場業（78）：")
        );
        assert!(
            found.html.contains("value=\"美容室をやっています\""),
            "what was typed stays"
        );
    }

    // A split word asks its question, with each answer leading to its class.
    let split = find_industry(&mut visitor, &page, "パン屋", "find_industry").await;
    assert!(
        split.html.contains("は分類が分かれます。"),
        "{}",
        split.html
    );
    assert!(split.html.contains("value=\"09\""));

    // Nothing found, or nothing typed: a hint, and the list is still there.
    for (typed, hint) in [
        ("", "短い言葉で入力"),
        ("hello", "日本語で入力"),
        ("ぬぬぬぬ", "見つかりませんでした"),
    ] {
        let none = find_industry(&mut visitor, &page, typed, "find_industry").await;
        assert_eq!(none.status, StatusCode::OK);
        assert!(none.html.contains(hint), "{typed}: {}", none.html);
        assert!(none.html.contains("<optgroup"), "{typed}");
    }

    // Choosing a proposal keeps it like a choice from the list, and earlier answers stay.
    let found = find_industry(&mut visitor, &page, "美容室", "find_industry").await;
    let next = visitor.answer(&found, &["78"], "next").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.html);
    let back = visitor
        .get(&format!("/diagnosis?step={}", page.hidden("step")))
        .await;
    assert!(
        back.html.contains("<option value=\"78\" selected>"),
        "{}",
        back.html
    );
    let first = visitor.get("/diagnosis?step=1").await;
    assert!(first.html.contains("日置市"), "{}", first.html);
}

#[tokio::test]
async fn going_back_shows_the_earlier_answer_and_a_wrong_answer_loses_nothing() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    let next = visitor.answer(&first, &["日置市"], "next").await;
    let second = visitor.get(next.location()).await;
    let second_field = second.hidden("field");
    // A wrong answer comes back with the reason beside the field, as typed.
    let wrong = visitor.answer(&second, &["たくさん"], "next").await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.html.contains("class=\"error\""), "{}", wrong.html);
    assert!(wrong.html.contains("aria-invalid=\"true\"") || second_field != "employees");
    // 「戻る」 returns to step 1 with its answer filled in.
    let back = visitor.answer(&second, &[], "back").await;
    assert_eq!(back.location(), "/diagnosis?step=1");
    let step1 = visitor.get(back.location()).await;
    assert!(
        step1.html.contains("value=\"鹿児島県日置市\""),
        "{}",
        step1.html
    );
}

#[tokio::test]
async fn dont_know_and_show_results_so_far_work_on_any_step() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    let next = visitor.answer(&first, &[], "dont_know").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER);
    let second = visitor.get(next.location()).await;
    assert_ne!(second.hidden("field"), first.hidden("field"));
    let results = visitor.answer(&second, &[], "results").await;
    assert_eq!(results.location(), "/diagnosis/results");
    let page = visitor.get("/diagnosis/results").await;
    assert!(page.html.contains("わからない"), "{}", page.html);
    assert!(page.html.contains("回答が足りず判定できない制度"));
    assert!(page.html.contains("この質問に答える"));
}

#[tokio::test]
async fn a_form_without_the_sessions_token_is_refused_and_the_answer_kept() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    let forged = visitor
        .post(
            "/diagnosis/answer",
            "_csrf=forged&field=municipality&step=1&value=%E6%97%A5%E7%BD%AE%E5%B8%82&action=next",
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.html.contains("value=\"日置市\""), "{}", forged.html);
    // Nothing was saved: the first step is still unanswered.
    let again = visitor.get("/diagnosis").await;
    assert_eq!(again.hidden("step"), first.hidden("step"));
    assert!(again.html.contains("value=\"\""));
}

#[tokio::test]
async fn an_answer_sent_after_the_session_ended_comes_back_ready_to_resend() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let page = visitor
        .post(
            "/diagnosis/answer",
            "_csrf=x&field=employees&step=3&value=12&action=next",
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("value=\"12\""), "{}", page.html);
    assert!(page.html.contains("消去されました"));
    // A new session was started and its token is on the form: resending works.
    assert!(visitor.cookie.is_some());
    let resent = visitor.answer(&page, &["12"], "next").await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.html);
}

#[tokio::test]
async fn tampered_and_oversized_forms_get_japanese_pages_not_errors() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    let csrf = first.hidden("_csrf");
    let unknown_field = visitor
        .post(
            "/diagnosis/answer",
            format!("_csrf={csrf}&field=password&value=1&action=next"),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::BAD_REQUEST);
    assert!(unknown_field.html.contains("やり直してください"));
    let unknown_action = visitor
        .post(
            "/diagnosis/answer",
            format!("_csrf={csrf}&field=employees&value=1&action=drop"),
        )
        .await;
    assert_eq!(unknown_action.status, StatusCode::BAD_REQUEST);
    let bad_choice = visitor
        .post(
            "/diagnosis/answer",
            format!("_csrf={csrf}&field=org_form&step=1&value=%3Cscript%3E&action=next"),
        )
        .await;
    assert_eq!(bad_choice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(!bad_choice.html.contains("<script>"));
    let not_utf8 = visitor
        .post(
            "/diagnosis/answer",
            format!("_csrf={csrf}&field=employees&step=1&value=%FF%FE&action=next"),
        )
        .await;
    assert_eq!(not_utf8.status, StatusCode::UNPROCESSABLE_ENTITY);
    let huge = visitor
        .post(
            "/diagnosis/answer",
            format!("_csrf={csrf}&field=employees&value={}", "1".repeat(100_000)),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(huge.html.contains("大きすぎます"));
    let out_of_range = visitor.get("/diagnosis?step=999").await;
    assert_eq!(out_of_range.status, StatusCode::OK);
    assert!(out_of_range.html.contains("見つかりませんでした"));
    let bad_filter = visitor.get("/diagnosis/results?purpose=%FF%FE").await;
    assert_eq!(bad_filter.status, StatusCode::BAD_REQUEST);
    assert!(bad_filter.html.contains("絞り込み"));
}

#[tokio::test]
async fn results_filter_by_purpose_level_and_window() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    visitor.answer(&first, &["日置市"], "next").await;
    let all = visitor.get("/diagnosis/results?window=all").await;
    let municipal = visitor
        .get("/diagnosis/results?window=all&level=municipal")
        .await;
    let count = |page: &Page| page.html.matches("class=\"program-card\"").count();
    assert!(count(&municipal) > 0);
    assert!(count(&municipal) < count(&all));
    assert!(municipal.html.contains("絞り込みで"));
    let print = visitor.get("/diagnosis/results?view=print").await;
    assert!(!print.html.contains("class=\"filters\""));
}

#[tokio::test]
async fn erasing_deletes_the_answers_from_the_server() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    visitor.answer(&first, &["日置市"], "next").await;
    let old_cookie = visitor.cookie.clone();
    let erased = visitor
        .post(
            "/diagnosis/erase",
            format!("_csrf={}", first.hidden("_csrf")),
        )
        .await;
    assert_eq!(erased.status, StatusCode::OK);
    assert!(erased.html.contains("消去しました"));
    // Even with the old cookie the answers are gone.
    visitor.cookie = old_cookie;
    let results = visitor.get("/diagnosis/results").await;
    assert!(results.html.contains("まだ回答がありません"));
    assert!(!results.html.contains("日置市"));
}

#[tokio::test]
async fn a_form_posted_from_another_site_is_refused_and_the_visitors_session_stays() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    visitor.answer(&first, &["日置市"], "next").await;
    let own_cookie = visitor.cookie.clone().unwrap();

    // Another site's page posts to the wizard: the browser does not send the SameSite=Lax
    // cookie with it, so the server sees no session.
    let mut elsewhere = Visitor::new(&app);
    for (path, body) in [
        ("/diagnosis/erase", "_csrf=x".to_owned()),
        (
            "/diagnosis/answer",
            "_csrf=x&field=employees&step=3&value=12&action=next".to_owned(),
        ),
        ("/diagnosis/restart", "_csrf=x".to_owned()),
    ] {
        let request = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "cross-site")
            .body(Body::from(body))
            .unwrap();
        let page = elsewhere.send(request).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{path}");
        assert!(
            page.html.contains("別のサイトから送られた操作"),
            "{}",
            page.html
        );
        // No cookie is set or cleared: the visitor's own stays as it was.
        assert!(page.headers.get(header::SET_COOKIE).is_none(), "{path}");
    }
    let results = visitor.get("/diagnosis/results").await;
    assert_eq!(visitor.cookie.as_deref(), Some(own_cookie.as_str()));
    assert!(results.html.contains("日置市"), "{}", results.html);
}

#[tokio::test]
async fn each_saved_answer_renews_the_cookie_as_long_as_the_session() {
    let app = demo_app().await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    let started = visitor.cookie.clone().unwrap();
    let answered = visitor.answer(&first, &["日置市"], "next").await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER);
    let renewed: Vec<_> = answered
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    // The same token, given another hour from now, as the database session was.
    assert_eq!(renewed.len(), 1, "{renewed:?}");
    assert!(
        renewed[0].starts_with(&format!("{started};")),
        "{renewed:?}"
    );
    assert!(renewed[0].contains("Max-Age=3600"), "{renewed:?}");
}

#[tokio::test]
async fn the_results_page_is_rate_limited_with_a_japanese_page() {
    let app = TestApp::configured(&demo_catalogue(), |s| {
        s.with_diagnose_limit(RateLimiter::new(2, 1))
    })
    .await;
    let mut visitor = Visitor::new(&app);
    visitor.get("/diagnosis").await;
    visitor.get("/diagnosis/results").await;
    let limited = visitor.get("/diagnosis/results").await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers.contains_key(header::RETRY_AFTER));
    assert!(limited.html.contains("診断の回数が多すぎます"));
    assert!(limited.html.contains("<html lang=\"ja\">"));
}

#[tokio::test]
async fn a_diagnosiss_deadlines_download_as_a_calendar_of_the_programs_not_ruled_out() {
    // Every demo program open until a different day ahead, so the calendar has a date for each.
    let today = today_jst();
    let programs: Vec<_> = demo_catalogue()
        .into_iter()
        .zip(1..)
        .map(|(p, days)| closing_on(p, today + Duration::days(days), Time::MIDNIGHT))
        .collect();
    let app = TestApp::with_programs(&programs).await;
    let mut visitor = Visitor::new(&app);
    let first = visitor.get("/diagnosis").await;
    visitor.answer(&first, &["日置市"], "next").await;
    let results = visitor.get("/diagnosis/results?window=all").await;
    let ruled_out = results.html[results.html.find("id=\"group-ineligible\"").unwrap()..]
        .matches("class=\"program-card\"")
        .count();
    let listed = results.html.matches("class=\"program-card\"").count();
    assert!(
        ruled_out > 0,
        "a 日置市 business is outside other towns' programs"
    );
    let calendar = visitor.get("/diagnosis/results.ics").await;
    assert_eq!(calendar.status, StatusCode::OK);
    assert!(
        calendar.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    let events = events(&calendar.html);
    assert_eq!(events.len(), listed - ruled_out);
    for event in &events {
        let summary = event.get_summary().unwrap();
        assert!(summary.starts_with("締切："), "{summary}");
        let title = summary.trim_start_matches("締切：");
        let program = programs.iter().find(|p| p.title.as_str() == title).unwrap();
        assert!(
            !results.html[results.html.find("id=\"group-ineligible\"").unwrap()..]
                .contains(&format!("href=\"/programs/{}\"", program.id)),
            "{title} was ruled out"
        );
    }
    // Without a session there is nothing to download, and no error either.
    let mut stranger = Visitor::new(&app);
    let empty = stranger.get("/diagnosis/results.ics").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.html.contains("まだ回答がありません"));
}

/// The `<ul>` and `<li>` elements open where `needle` first appears in `html`, outermost
/// first, each as its start tag and its own text up to the next list tag.
fn open_lists_at<'a>(html: &'a str, needle: &str) -> Vec<&'a str> {
    let end = html
        .find(needle)
        .unwrap_or_else(|| panic!("no {needle} in {html}"));
    let list_tag = |s: &str| ["<ul", "<li", "<ol"].iter().any(|t| s.starts_with(t));
    let closing_tag = |s: &str| ["</ul>", "</li>", "</ol>"].iter().any(|t| s.starts_with(t));
    let mut open = Vec::new();
    for (at, _) in html[..end].match_indices('<') {
        if list_tag(&html[at..]) {
            open.push(at);
        } else if closing_tag(&html[at..]) {
            open.pop();
        }
    }
    open.into_iter()
        .map(|start| {
            let own = html[start + 1..]
                .match_indices('<')
                .map(|(i, _)| start + 1 + i)
                .find(|&i| list_tag(&html[i..]) || closing_tag(&html[i..]))
                .unwrap_or(html.len());
            &html[start..own]
        })
        .collect()
}

/// A program of the demo catalogue judged by 「従業員20人以下 or 資本金3億円以下」 and a
/// manual check, open for a month.
fn program_with_alternatives() -> madoguchi_core::program::Program {
    let mut program = closing_on(
        demo_catalogue().remove(0),
        today_jst() + Duration::days(30),
        Time::MIDNIGHT,
    );
    program.rule = Some(
        serde_json::from_value(serde_json::json!({"all": [
            {"any": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "capital", "op": "le", "value": "3億円"}
            ]},
            {"manual": "市税を完納していること"}
        ]}))
        .unwrap(),
    );
    program.test_cases.clear();
    program
}

const EMPLOYEES_20: &str = "常時使用する従業員数が20人以下";
const CAPITAL_3OKU: &str = "資本金又は出資の総額が3億円以下";

/// The conditions of the results page (and its print view) for a visitor with `employees`.
async fn results_with_employees(app: &TestApp, employees: &str) -> (String, String) {
    let mut visitor = Visitor::new(app);
    let step = visitor.get("/diagnosis?field=employees").await;
    assert_eq!(step.hidden("field"), "employees", "{}", step.html);
    let next = visitor.answer(&step, &[employees], "next").await;
    assert_eq!(next.status, StatusCode::SEE_OTHER, "{}", next.html);
    let results = visitor.get("/diagnosis/results?window=all").await;
    let print = visitor
        .get("/diagnosis/results?window=all&view=print")
        .await;
    assert_eq!(results.status, StatusCode::OK);
    (results.html, print.html)
}

#[tokio::test]
async fn an_any_nests_its_alternatives_and_once_one_is_met_the_others_are_not_needed() {
    let program = program_with_alternatives();
    let app = TestApp::with_programs(std::slice::from_ref(&program)).await;

    let (results, print) = results_with_employees(&app, "12人").await;
    for html in [&results, &print] {
        // 資本金 sits in a list nested in the <li> of 「次のいずれかを満たす」.
        let open = open_lists_at(html, CAPITAL_3OKU);
        let [.., any, nested, alternative] = open.as_slice() else {
            panic!("{open:?}");
        };
        assert!(
            any.starts_with("<li class=\"condition met depth-0\"")
                && any.contains("次のいずれかを満たす"),
            "{open:?}"
        );
        assert!(
            nested.starts_with("<ul class=\"condition-children\""),
            "{open:?}"
        );
        assert!(
            alternative.starts_with("<li class=\"condition not-needed depth-1\"")
                && alternative.contains("他の条件を満たしているため不要です")
                && !alternative.contains('✗'),
            "{alternative}"
        );
        // The alternative met is its sibling, with its ✓.
        let open = open_lists_at(html, EMPLOYEES_20);
        let [.., sibling_list, met] = open.as_slice() else {
            panic!("{open:?}");
        };
        assert_eq!(sibling_list, nested);
        assert!(
            met.starts_with("<li class=\"condition met depth-1\"") && met.contains('✓'),
            "{met}"
        );
        // The manual check follows the any at the top level, not inside it.
        let open = open_lists_at(html, "市税を完納していること");
        assert!(
            open.last().unwrap().contains("depth-0") && !open.iter().any(|l| l == nested),
            "{open:?}"
        );
    }

    // No alternative met: each shows its own state, the unmet one with ✗.
    let (results, _) = results_with_employees(&app, "50人").await;
    let unmet = *open_lists_at(&results, EMPLOYEES_20).last().unwrap();
    assert!(
        unmet.starts_with("<li class=\"condition not-met depth-1\"") && unmet.contains('✗'),
        "{unmet}"
    );
    let unknown = *open_lists_at(&results, CAPITAL_3OKU).last().unwrap();
    assert!(
        unknown.starts_with("<li class=\"condition unknown depth-1\"") && !unknown.contains("不要"),
        "{unknown}"
    );

    // The program page lists the same tree.
    let mut visitor = Visitor::new(&app);
    let page = visitor.get(&format!("/programs/{}", program.id)).await;
    assert_eq!(page.status, StatusCode::OK);
    let open = open_lists_at(&page.html, CAPITAL_3OKU);
    let [.., top, any, nested, alternative] = open.as_slice() else {
        panic!("{open:?}");
    };
    assert!(
        top.starts_with("<ul class=\"conditions-plain\""),
        "{open:?}"
    );
    assert!(
        any.starts_with("<li class=\"depth-0\"") && any.contains("次のいずれかを満たす"),
        "{open:?}"
    );
    assert!(
        nested.starts_with("<ul class=\"condition-children\""),
        "{open:?}"
    );
    assert!(alternative.starts_with("<li class=\"depth-1\""), "{open:?}");
}
