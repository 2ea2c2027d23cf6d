//! Subscribing to notices over HTTP, on the real router and store: from a diagnosis result
//! and from a search, the confirmation message in the outbox with its signed link, double
//! opt-in, the settings page, one-click unsubscribe (RFC 8058) from a mail provider with no
//! session, and every refusal in Japanese with what was typed kept.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use madoguchi_core::notices::{Cadence, Criteria, Event};
use madoguchi_store::RECORD_SUBSCRIBER_CLICKS;
use madoguchi_web::RateLimiter;
use madoguchi_web::notices::redirect::SUBSCRIBER_CLICKS_NOTICE;

use common::demo_catalogue;
use console_support::{Browser, Console, Page};

/// Answers the municipality question, so that the visitor has a diagnosis.
async fn diagnosed(visitor: &mut Browser<'_>) {
    let step = visitor.get("/diagnosis?field=municipality").await;
    let answered = visitor
        .post(
            "/diagnosis/answer",
            &[
                ("field", "municipality"),
                ("step", "1"),
                ("value", "日置市"),
                ("action", "next"),
                ("_csrf", &step.hidden("_csrf").unwrap()),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
}

const EVERY_EVENT: [(&str, &str); 4] = [
    ("event", "new"),
    ("event", "changed"),
    ("event", "deadline14"),
    ("event", "deadline7"),
];

/// The one queued message's text, which must hold the confirmation link.
async fn confirmation_link(console: &Console) -> String {
    let claimed = console
        .app
        .store
        .claim_outbox(10, time::Duration::minutes(1))
        .await
        .unwrap();
    assert_eq!(claimed.len(), 1, "one confirmation message");
    let text = &claimed[0].body.text;
    let start = text.find("http").expect("a link in the message");
    let end = text[start..].find('\n').unwrap() + start;
    text[start..end].to_owned()
}

/// The path of an absolute URL on this site.
fn path_of(url: &str) -> &str {
    let rest = url.split_once("://").unwrap().1;
    &rest[rest.find('/').unwrap()..]
}

fn link_to(page: &Page, prefix: &str) -> String {
    let start = page
        .body
        .find(prefix)
        .unwrap_or_else(|| panic!("no link {prefix} in {}", page.body));
    let end = page.body[start..].find('"').unwrap() + start;
    page.body[start..end].to_owned()
}

#[tokio::test]
async fn a_diagnosis_subscribes_confirms_changes_and_unsubscribes_in_one_click() {
    let console = Console::new(&demo_catalogue()).await;
    let store = console.app.store.clone();
    let mut visitor = console.browser();
    diagnosed(&mut visitor).await;
    let results = visitor.get("/diagnosis/results").await;
    assert!(
        results.body.contains("/notices/subscribe?from=diagnosis"),
        "the results page offers notices"
    );
    let form = visitor.get("/notices/subscribe?from=diagnosis").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("鹿児島県日置市"), "{}", form.body);

    let mut fields = vec![
        ("from", "diagnosis"),
        ("channel", "email"),
        ("email", " taro@example.jp "),
        ("cadence", "weekly"),
        ("consent", "yes"),
    ];
    fields.extend(EVERY_EVENT);
    let sent = visitor.post("/notices/subscribe", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), "/notices/sent");
    let page = visitor.get("/notices/sent").await;
    assert!(page.body.contains("確認のメールを送りました"));
    assert!(!page.body.contains("taro@"), "the page names no address");

    // The message went to the outbox, not out: its link confirms.
    let link = confirmation_link(&console).await;
    let confirm = path_of(&link).to_owned();
    assert!(confirm.starts_with("/notices/confirm/"), "{confirm}");
    let id = confirm["/notices/confirm/".len()..]
        .split('.')
        .next()
        .unwrap()
        .to_owned();
    let kept = store.subscription(&id).await.unwrap().unwrap();
    assert!(!kept.confirmed);
    assert_eq!(kept.address.to(), "taro@example.jp");
    assert_eq!(kept.choices.cadence, Cadence::Weekly);
    let Criteria::Profile(profile) = &kept.criteria else {
        panic!("a diagnosis keeps its profile");
    };
    assert_eq!(profile["municipality"], "462161");

    // Opening the link (as a scanner would) confirms nothing; the button does.
    let mut mail_reader = console.browser();
    let asked = mail_reader.get(&confirm).await;
    assert_eq!(asked.status, StatusCode::OK);
    assert!(asked.body.contains("ta***@example.jp"), "{}", asked.body);
    assert!(!store.subscription(&id).await.unwrap().unwrap().confirmed);
    let done = mail_reader.post(&confirm, &[]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("登録が完了しました"));
    assert!(store.subscription(&id).await.unwrap().unwrap().confirmed);

    // The settings page: what is kept, and changed choices saved.
    let manage = link_to(&done, "/notices/manage/");
    let settings = mail_reader.get(&manage).await;
    assert!(settings.body.contains("鹿児島県日置市"));
    let changed = mail_reader
        .post(&manage, &[("event", "new"), ("cadence", "instant")])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert!(changed.body.contains("変更を保存しました"));
    let kept = store.subscription(&id).await.unwrap().unwrap();
    assert_eq!(kept.choices.cadence, Cadence::Instant);
    assert_eq!(kept.choices.events.iter().collect::<Vec<_>>(), [Event::New]);
    let refused = mail_reader.post(&manage, &[("cadence", "instant")]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("受け取るお知らせを1つ以上選んでください")
    );
    assert_eq!(
        store.subscription(&id).await.unwrap().unwrap().choices,
        kept.choices,
        "a refused change keeps the saved choices"
    );

    // RFC 8058: the provider posts from its servers, with no cookie and no page.
    let unsubscribe = manage.replace("/notices/manage/", "/notices/unsubscribe/");
    let one_click = console
        .app
        .send(
            Request::post(&unsubscribe)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from("List-Unsubscribe=One-Click"))
                .unwrap(),
        )
        .await;
    assert_eq!(one_click.status(), StatusCode::OK);
    assert!(store.subscription(&id).await.unwrap().is_none());
    // Again: already done, still 200; the settings page now says it is gone.
    let again = console
        .app
        .send(Request::post(&unsubscribe).body(Body::empty()).unwrap())
        .await;
    assert_eq!(again.status(), StatusCode::OK);
    let gone = mail_reader.get(&manage).await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert!(gone.body.contains("登録が見つかりません"));
}

#[tokio::test]
async fn a_search_subscribes_with_its_filters_and_a_forged_link_opens_nothing() {
    let console = Console::new(&demo_catalogue()).await;
    let store = console.app.store.clone();
    let mut visitor = console.browser();
    let search = visitor
        .get("/programs?kind=subsidy&q=%E8%A8%AD%E5%82%99&area=050008")
        .await;
    let offered = "/notices/subscribe?q=%E8%A8%AD%E5%82%99&#38;area=050008&#38;kind=subsidy";
    assert!(
        search.body.contains(offered),
        "the search page offers notices for its words and filters"
    );
    let form = visitor
        .get("/notices/subscribe?q=%E8%A8%AD%E5%82%99&area=050008&kind=subsidy")
        .await;
    for shown in [
        "検索のことば：「設備」",
        "地域：秋田県",
        "制度の種類：補助金",
    ] {
        assert!(form.body.contains(shown), "the form shows {shown}");
    }
    let mut fields = vec![
        ("search", "q=%E8%A8%AD%E5%82%99&area=050008&kind=subsidy"),
        ("channel", "email"),
        ("email", "hanako@example.jp"),
        ("cadence", "instant"),
        ("consent", "yes"),
    ];
    fields.extend(EVERY_EVENT);
    let sent = visitor.post("/notices/subscribe", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let link = confirmation_link(&console).await;
    let confirm = path_of(&link).to_owned();
    let id = confirm["/notices/confirm/".len()..]
        .split('.')
        .next()
        .unwrap()
        .to_owned();
    let kept = store.subscription(&id).await.unwrap().unwrap();
    assert_eq!(
        kept.criteria,
        Criteria::SearchWithFilters {
            words: "設備".to_owned(),
            params: "q=%E8%A8%AD%E5%82%99&area=050008&kind=subsidy".to_owned(),
        }
    );

    // A link for another purpose, or with its signature changed, opens nothing.
    let manage_shaped = confirm.replace("/notices/confirm/", "/notices/manage/");
    assert_eq!(
        visitor.get(&manage_shaped).await.status,
        StatusCode::NOT_FOUND
    );
    // The signature's last digit changed (to another digit, whatever it was).
    let last = if confirm.ends_with('0') { "1" } else { "0" };
    let forged = format!("{}{last}", &confirm[..confirm.len() - 1]);
    let refused = visitor.post(&forged, &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let unsubscribe_forged = format!("/notices/unsubscribe/{id}.00000000000000000000000000000000");
    let refused = console
        .app
        .send(
            Request::post(&unsubscribe_forged)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);
    assert!(!store.subscription(&id).await.unwrap().unwrap().confirmed);
    assert!(store.subscription(&id).await.unwrap().is_some());
}

/// Whether `page` states the purpose of use, and whether it says that clicks are recorded by
/// subscriber.
fn states(page: &Page) -> (bool, bool) {
    (
        page.body.contains("個人情報の取扱い")
            && page
                .body
                .contains("条件に合う支援制度のお知らせを送るためにのみ利用します"),
        page.body.contains(SUBSCRIBER_CLICKS_NOTICE),
    )
}

#[tokio::test]
async fn the_form_and_the_settings_page_say_so_while_clicks_are_recorded_by_subscriber() {
    let console = Console::new(&demo_catalogue()).await;
    let store = console.app.store.clone();
    let mut visitor = console.browser();
    let form = "/notices/subscribe?q=%E8%A8%AD%E5%82%99";
    assert_eq!(
        states(&visitor.get(form).await),
        (true, false),
        "off by default"
    );
    let not_recorded = "どの登録者がリンクを開いたかは記録していません";
    let privacy = visitor.get("/privacy").await;
    assert!(privacy.body.contains(not_recorded), "{}", privacy.body);
    assert!(!privacy.body.contains(SUBSCRIBER_CLICKS_NOTICE));
    let mut fields = vec![
        ("search", "q=設備"),
        ("channel", "email"),
        ("email", "jiro@example.jp"),
        ("cadence", "instant"),
        ("consent", "yes"),
    ];
    fields.extend(EVERY_EVENT);
    let sent = visitor.post("/notices/subscribe", &fields).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let confirm = path_of(&confirmation_link(&console).await).to_owned();
    let done = visitor.post(&confirm, &[]).await;
    let manage = link_to(&done, "/notices/manage/");
    // The form shown again with a problem states it as the first showing does.
    let refused = &[
        ("search", "q=設備"),
        ("channel", "email"),
        ("email", "jiro@"),
    ];
    assert_eq!(states(&visitor.get(&manage).await), (true, false));
    assert_eq!(
        states(&visitor.post("/notices/subscribe", refused).await),
        (true, false)
    );

    store
        .set_setting(RECORD_SUBSCRIBER_CLICKS, "true", None)
        .await
        .unwrap();
    assert_eq!(states(&visitor.get(form).await), (true, true));
    assert_eq!(states(&visitor.get(&manage).await), (true, true));
    let privacy = visitor.get("/privacy").await;
    assert!(privacy.body.contains(SUBSCRIBER_CLICKS_NOTICE));
    assert!(!privacy.body.contains(not_recorded));
    let saved = visitor
        .post(&manage, &[("event", "new"), ("cadence", "instant")])
        .await;
    assert!(saved.body.contains("変更を保存しました"), "{}", saved.body);
    assert_eq!(states(&saved), (true, true));
    let again = visitor.post("/notices/subscribe", refused).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(states(&again), (true, true));

    // Switched off, the pages stop saying it at once.
    store
        .set_setting(RECORD_SUBSCRIBER_CLICKS, "false", None)
        .await
        .unwrap();
    assert_eq!(states(&visitor.get(form).await), (true, false));
    assert_eq!(states(&visitor.get(&manage).await), (true, false));
}

#[tokio::test]
async fn every_problem_is_named_and_what_was_typed_is_kept() {
    let console = Console::new(&demo_catalogue()).await;
    let mut visitor = console.browser();
    visitor.get("/notices/subscribe?q=IT").await;
    let page = visitor
        .post(
            "/notices/subscribe",
            &[
                ("search", "q=IT"),
                ("channel", "email"),
                ("email", "taro@example"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    for message in [
        "メールアドレスの形ではありません",
        "受け取るお知らせを1つ以上選んでください",
        "受け取る頻度を選んでください",
        "個人情報の取扱いへの同意が必要です",
    ] {
        assert!(page.body.contains(message), "{message}: {}", page.body);
    }
    assert!(
        page.body.contains("value=\"taro@example\""),
        "typed address kept"
    );
    assert_eq!(
        console.app.store.outbox_counts().await.unwrap().queued,
        0,
        "nothing kept, nothing queued"
    );

    // A form without the session's token is refused with what was typed.
    let mut stranger = console.browser();
    let mut fields = vec![
        ("search", "q=IT"),
        ("channel", "email"),
        ("email", "taro@example.jp"),
        ("cadence", "instant"),
        ("consent", "yes"),
        ("_csrf", "forged"),
    ];
    fields.extend(EVERY_EVENT);
    let page = stranger.post("/notices/subscribe", &fields).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("value=\"taro@example.jp\""));

    // Without a diagnosis or words, the page says where to subscribe from.
    let page = visitor.get("/notices/subscribe").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("診断結果の画面か、制度の検索結果の画面から")
    );
    let page = visitor.get("/notices/subscribe?from=diagnosis").await;
    assert!(page.body.contains("診断の回答が見つかりませんでした"));
}

#[tokio::test]
async fn subscribing_is_rate_limited_per_client_with_the_form_kept() {
    let console = Console::configured(&demo_catalogue(), |s| {
        s.with_subscribe_limit(RateLimiter::new(1, 1))
    })
    .await;
    let mut visitor = console.browser();
    visitor.get("/notices/subscribe?q=IT").await;
    let fields = |email: &'static str| {
        let mut fields = vec![
            ("search", "q=IT"),
            ("channel", "email"),
            ("email", email),
            ("cadence", "instant"),
            ("consent", "yes"),
        ];
        fields.extend(EVERY_EVENT);
        fields
    };
    let first = visitor
        .post("/notices/subscribe", &fields("a@example.jp"))
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    visitor.get("/notices/subscribe?q=IT").await;
    let second = visitor
        .post("/notices/subscribe", &fields("b@example.jp"))
        .await;
    assert_eq!(second.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(second.body.contains("value=\"b@example.jp\""));
    assert_eq!(console.app.store.outbox_counts().await.unwrap().queued, 1);
}

#[tokio::test]
async fn the_privacy_page_states_the_retention_the_desk_is_set_to_and_every_page_links_it() {
    let console = Console::new(&demo_catalogue()).await;
    let store = console.app.store.clone();
    let mut visitor = console.browser();
    let before = visitor.get("/privacy").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(
        before.body.contains("終わってから1825日"),
        "{}",
        before.body
    );
    store
        .set_setting("desk.retention_closed_days", "730", None)
        .await
        .unwrap();
    let after = visitor.get("/privacy").await;
    assert!(after.body.contains("終わってから730日"), "{}", after.body);
    for page in ["/", "/consult", "/notices/subscribe?q=IT"] {
        let body = visitor.get(page).await.body;
        assert!(
            body.contains("href=\"/privacy\""),
            "{page} links the notice"
        );
    }
}
