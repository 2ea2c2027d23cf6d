//! Staff writing a notice to a segment, over the real router, store and notices job, on
//! SQLite and PostgreSQL: the preview counts exactly the confirmed subscriptions the
//! conditions fit (対象 and 条件付きで対象, never 要確認) and names five at most, masked;
//! bad input comes back in Japanese with everything typed kept; with the second-approval
//! setting on the author cannot approve their own notice and another member of staff can;
//! a notice scheduled for later is not sent before its time, and once due the job queues
//! one message per recipient exactly once, each with its unsubscribe link for the header;
//! every step is in the audit log; the figures pages show the notice.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_core::notices::{Address, Cadence, Criteria, EventSet, SubscriptionChoices};
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{
    AuditFilter, MessageBody, OutboxItem, OutboxMessage, Role, StaffNoticeState, Store,
};
use madoguchi_web::AppState;
use madoguchi_web::notices::matcher::match_pending;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use console_support::{Browser, Console, Page};

const SITE: &str = "https://city.example.jp";

/// The conditions of the segment, as the rule builder posts them: in 三重県, and either 20
/// employees or fewer, or a member of the chamber of commerce (a check for a person, so
/// a larger business is 条件付きで対象).
const IN_MIE_SMALL_OR_MEMBER: [(&str, &str); 12] = [
    ("segment-by", "profile"),
    ("row-0-kind", "all"),
    ("row-1-kind", "condition"),
    ("row-1-parent", "0"),
    ("row-1-field", "municipality"),
    ("row-1-op", "within"),
    ("row-1-value", "240001"),
    ("row-2-kind", "any"),
    ("row-2-parent", "0"),
    ("row-3-kind", "condition"),
    ("row-3-parent", "2"),
    ("row-3-field", "employees"),
];

const IN_MIE_TAIL: [(&str, &str); 5] = [
    ("row-3-op", "le"),
    ("row-3-value", "20"),
    ("row-4-kind", "manual"),
    ("row-4-parent", "2"),
    ("row-4-value", "商工会議所の会員であること"),
];

const BODY: &str = "6月10日に、補助金の説明会を開きます。\n申込：https://city.example.jp/events/10";

/// Who has subscribed, by what the segment should make of them.
struct Subscribers {
    /// 対象 by e-mail, 対象 by LINE, 条件付きで対象 by e-mail.
    reached: Vec<String>,
    /// 対象外, 要確認 (though they chose to hear of those), a saved search, and a
    /// subscription never confirmed.
    not_reached: Vec<String>,
}

async fn confirmed(store: &Store, to: &str, criteria: Criteria, needs_info: bool) -> String {
    let choices = SubscriptionChoices {
        events: EventSet::all(),
        cadence: Cadence::Weekly,
        needs_info,
    };
    let id = store
        .subscribe(&Address::email(to).unwrap(), &criteria, &choices, |id| {
            OutboxMessage {
                key: format!("confirm:{id}"),
                channel: "email",
                recipient: to.to_owned(),
                subscription_id: Some(id.to_owned()),
                notice_id: None,
                body: MessageBody::default(),
            }
        })
        .await
        .unwrap();
    assert!(store.confirm_subscription(&id).await.unwrap());
    id
}

async fn subscribe_everyone(store: &Store) -> Subscribers {
    let profile = |answers: Value| Criteria::Profile(answers);
    let kita = confirmed(
        store,
        "kita@example.jp",
        profile(json!({"municipality": "242012", "employees": 12})),
        false,
    )
    .await;
    let big = confirmed(
        store,
        "big@example.jp",
        profile(json!({"municipality": "242012", "employees": 50})),
        false,
    )
    .await;
    let choices = SubscriptionChoices {
        events: EventSet::all(),
        cadence: Cadence::Instant,
        needs_info: false,
    };
    let link = store
        .subscribe_line(
            &profile(json!({"municipality": "242071", "employees": 3})),
            &choices,
        )
        .await
        .unwrap();
    let line = store
        .link_line_account(&link.code, "U0123456789abcdef0123456789ab1234")
        .await
        .unwrap()
        .unwrap();
    let akita = confirmed(
        store,
        "akita@example.jp",
        profile(json!({"municipality": "052019", "employees": 12})),
        true,
    )
    .await;
    let unsure = confirmed(
        store,
        "unsure@example.jp",
        profile(json!({"employees": 5})),
        true,
    )
    .await;
    let search = confirmed(
        store,
        "search@example.jp",
        Criteria::Search("ものづくり 補助金".to_owned()),
        false,
    )
    .await;
    let pending = store
        .subscribe(
            &Address::email("pending@example.jp").unwrap(),
            &profile(json!({"municipality": "242012", "employees": 1})),
            &SubscriptionChoices::default(),
            |id| OutboxMessage {
                key: format!("confirm:{id}"),
                channel: "email",
                recipient: "pending@example.jp".to_owned(),
                subscription_id: Some(id.to_owned()),
                notice_id: None,
                body: MessageBody::default(),
            },
        )
        .await
        .unwrap();
    Subscribers {
        reached: vec![kita, line, big],
        not_reached: vec![akita, unsure, search, pending],
    }
}

/// The console over `db`, and the app's state for the notices job.
async fn console_on(db: &TestDatabase) -> (Console, AppState) {
    let store = db.migrated_store().await.unwrap();
    let state = AppState::load(store).await.unwrap().with_public_url(SITE);
    (Console::over(state.clone()), state)
}

/// The compose form's fields: the profile segment above, and `extra` after.
fn form<'a>(
    title: &'a str,
    body: &'a str,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut fields = vec![("title", title), ("body", body)];
    fields.extend(IN_MIE_SMALL_OR_MEMBER);
    fields.extend(IN_MIE_TAIL);
    fields.extend_from_slice(extra);
    fields
}

/// The notice id a redirect names: `/console/notices/{id}…`.
fn notice_of(page: &Page) -> String {
    let rest = page
        .location()
        .strip_prefix("/console/notices/")
        .unwrap_or_else(|| panic!("{} → {:?}: {}", page.status, page.location(), page.body));
    rest.split(['/', '?']).next().unwrap().to_owned()
}

async fn audited(store: &Store, action: &str) -> u64 {
    store
        .count_audit_entries(&AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        })
        .await
        .unwrap()
}

/// Every queued notice message, claimed (so each read takes them out of the queue).
async fn take_outbox(store: &Store) -> Vec<OutboxItem> {
    store
        .claim_outbox(1000, Duration::minutes(5))
        .await
        .unwrap()
        .into_iter()
        .filter(|item| item.key.starts_with("notice:"))
        .collect()
}

/// A 職員 signed in, and their account id.
async fn signed_in<'c>(console: &'c Console, login: &str) -> (Browser<'c>, String) {
    let account = console.account(login, Role::Staff).await;
    (console.signed_in(&account).await, account.id)
}

#[tokio::test]
async fn the_preview_counts_the_segment_and_names_five_at_most_masked() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let name = db.backend_name();
        let (console, _state) = console_on(&db).await;
        subscribe_everyone(&console.app.store).await;
        let (mut staff, _) = signed_in(&console, "sato").await;

        let page = staff.get("/console/notices").await;
        assert!(
            page.body
                .contains(r#"href="/console/notices/new">お知らせを作成</a>"#),
            "{name}: {}",
            page.body
        );
        let blank = staff.get("/console/notices/new").await;
        assert_eq!(blank.status, StatusCode::OK, "{name}: {}", blank.body);
        assert!(blank.body.contains("条件を設定する"));

        let fields = form(
            "説明会のご案内",
            BODY,
            &[("when", "now"), ("action", "preview")],
        );
        let preview = staff.post("/console/notices/new", &fields).await;
        assert_eq!(preview.status, StatusCode::OK, "{name}: {}", preview.body);
        assert!(
            preview
                .body
                .contains("いまの登録者のうち<strong>3人</strong>に送ります（メール2人、LINE1人）"),
            "{name}: {}",
            preview.body
        );
        for shown in ["ki***@example.jp", "bi***@example.jp", "LINE（…1234）"] {
            assert!(preview.body.contains(shown), "{name}: {shown}");
        }
        for hidden in [
            "kita@example.jp",
            "ak***@example.jp",
            "un***@example.jp",
            "se***@example.jp",
            "pe***@example.jp",
        ] {
            assert!(!preview.body.contains(hidden), "{name}: {hidden}");
        }
        // Nothing was saved by looking.
        assert_eq!(console.app.store.count_notices().await.unwrap(), 0);
        // The rule builder's rows come back as posted.
        assert!(preview.body.contains("商工会議所の会員であること"));

        // A search segment: saved searches holding the words.
        let words = [
            ("title", "t"),
            ("body", "b"),
            ("segment-by", "search"),
            ("segment-words", "補助金"),
            ("when", "now"),
            ("action", "preview"),
        ];
        let searched = staff.post("/console/notices/new", &words).await;
        assert!(
            searched.body.contains("<strong>1人</strong>"),
            "{name}: {}",
            searched.body
        );
        assert!(searched.body.contains("se***@example.jp"));

        // More than five: five are named.
        for n in 0..6 {
            confirmed(
                &console.app.store,
                &format!("more{n}@example.jp"),
                Criteria::Profile(json!({"municipality": "242012", "employees": 2})),
                false,
            )
            .await;
        }
        let many = staff.post("/console/notices/new", &fields).await;
        assert!(many.body.contains("<strong>9人</strong>"), "{name}");
        let html = scraper::Html::parse_document(&many.body);
        let items = scraper::Selector::parse("ul.recipients li").unwrap();
        assert_eq!(html.select(&items).count(), 5, "{name}");
    }
}

#[tokio::test]
async fn bad_input_is_refused_in_japanese_with_everything_typed_kept() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let name = db.backend_name();
        let (console, _state) = console_on(&db).await;
        let (mut staff, _) = signed_in(&console, "sato").await;
        let long = "長".repeat(2_001);
        let fields = [
            ("title", ""),
            ("body", long.as_str()),
            ("segment-by", "search"),
            ("segment-words", "　"),
            ("segment-channel", "line"),
            ("when", "at"),
            ("send-at", "2020-01-01T09:00"),
            ("action", "save"),
        ];
        let page = staff.post("/console/notices/new", &fields).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        for message in [
            "入力内容に4件の確認事項があります",
            "件名を入力してください。",
            "本文は2,000文字以内にしてください（いま2001文字）。",
            "検索語を入力してください",
            "が過ぎています",
        ] {
            assert!(
                page.body.contains(message),
                "{name}: {message}\n{}",
                page.body
            );
        }
        // What was typed is still there.
        assert!(page.body.contains(&long), "{name}");
        assert!(page.body.contains(r#"value="2020-01-01T09:00""#), "{name}");
        assert!(
            page.body.contains(r#"<option value="line" selected>"#),
            "{name}"
        );
        assert_eq!(console.app.store.count_notices().await.unwrap(), 0);

        // Conditions left half-written are pointed at, row by row.
        let half = [
            ("title", "説明会"),
            ("body", "本文"),
            ("segment-by", "profile"),
            ("row-0-kind", "all"),
            ("row-1-kind", "condition"),
            ("row-1-parent", "0"),
            ("row-1-field", "employees"),
            ("row-1-op", "le"),
            ("row-1-value", ""),
            ("when", "now"),
            ("action", "submit"),
        ];
        let page = staff.post("/console/notices/new", &half).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(page.body.contains("値を入力してください。"), "{name}");
        assert!(page.body.contains("入力の足りない行か誤りがあります"));
        assert!(page.body.contains(r#"value="説明会""#));

        // A stale page: kept, and said so.
        let mut forged = fields.to_vec();
        forged.push(("_csrf", "forged"));
        let page = staff.post("/console/notices/new", &forged).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{name}");
        assert!(page.body.contains("画面の有効期限が切れたか"));
        assert!(page.body.contains(&long));
    }
}

#[tokio::test]
async fn with_second_approval_the_author_cannot_approve_and_another_member_of_staff_can() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let name = db.backend_name();
        let (console, state) = console_on(&db).await;
        let store = console.app.store.clone();
        store
            .set_setting("require_second_approval", "true", None)
            .await
            .unwrap();
        let subscribers = subscribe_everyone(&store).await;
        let (mut author, _) = signed_in(&console, "sato").await;
        let (mut other, suzuki) = signed_in(&console, "suzuki").await;

        // A draft first, then edited and sent for approval.
        let saved = author
            .post(
                "/console/notices/new",
                &form("説明会", BODY, &[("when", "now"), ("action", "save")]),
            )
            .await;
        assert_eq!(
            saved.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            saved.body
        );
        let id = notice_of(&saved);
        assert!(saved.location().ends_with("/edit?done=saved"));
        let edit = author.get(saved.location()).await;
        assert!(edit.body.contains("下書きを保存しました"), "{name}");
        assert!(edit.body.contains("保存して承認を依頼する"));
        let revision = edit.hidden("revision").unwrap();
        let mut fields = form(
            "説明会のご案内",
            BODY,
            &[("when", "now"), ("action", "submit")],
        );
        fields.push(("revision", &revision));
        let sent = author
            .post(&format!("/console/notices/{id}/edit"), &fields)
            .await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{name}: {}", sent.body);
        assert_eq!(
            sent.location(),
            format!("/console/notices/{id}?done=requested")
        );
        let notice = store.staff_notice(&id).await.unwrap().unwrap();
        assert_eq!(notice.state, StaffNoticeState::PendingApproval, "{name}");
        assert_eq!(notice.title, "説明会のご案内");

        // The same page, posted again, is stale: nothing changes, and what was typed stays.
        let again = author
            .post(&format!("/console/notices/{id}/edit"), &fields)
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{name}");
        assert!(
            again.body.contains("開いた後に他の人が変更しました"),
            "{name}: {}",
            again.body
        );
        assert!(again.body.contains(r#"value="説明会のご案内""#));
        let unchanged = store.staff_notice(&id).await.unwrap().unwrap();
        assert_eq!(unchanged.state, StaffNoticeState::PendingApproval, "{name}");

        // The author's page says someone else approves; a post of their own is refused.
        let page = author.get(&format!("/console/notices/{id}")).await;
        assert!(page.body.contains("承認は別の職員が行います"), "{name}");
        assert!(!page.body.contains("承認して送信を予約する"));
        assert!(
            page.body.contains("<strong>3人</strong>"),
            "{name}: {}",
            page.body
        );
        let revision = page.hidden("revision").unwrap();
        let own = author
            .post(
                &format!("/console/notices/{id}/approve"),
                &[("revision", &revision)],
            )
            .await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{name}");
        assert!(own.body.contains("作成した人とは別の人の承認が必要です"));
        assert_eq!(
            store.staff_notice(&id).await.unwrap().unwrap().state,
            StaffNoticeState::PendingApproval
        );

        let page = other.get(&format!("/console/notices/{id}")).await;
        assert!(page.body.contains("承認して送信を予約する"), "{name}");
        let approved = other
            .post(
                &format!("/console/notices/{id}/approve"),
                &[("revision", &page.hidden("revision").unwrap())],
            )
            .await;
        assert_eq!(
            approved.status,
            StatusCode::SEE_OTHER,
            "{name}: {}",
            approved.body
        );
        let notice = store.staff_notice(&id).await.unwrap().unwrap();
        assert_eq!(notice.state, StaffNoticeState::Scheduled, "{name}");
        assert_eq!(notice.approved_by.as_deref(), Some(suzuki.as_str()));

        // 今すぐ: the next run of the job sends it.
        let report = match_pending(&state, OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert_eq!(
            (report.staff_notices, report.staff_messages),
            (1, 3),
            "{name}"
        );
        let outbox = take_outbox(&store).await;
        let mut to: Vec<&str> = outbox
            .iter()
            .map(|item| item.subscription_id.as_deref().unwrap())
            .collect();
        to.sort_unstable();
        let mut expected: Vec<&str> = subscribers.reached.iter().map(String::as_str).collect();
        expected.sort_unstable();
        assert_eq!(to, expected, "{name}");
        assert!(
            subscribers
                .not_reached
                .iter()
                .all(|s| !outbox.iter().any(|i| i.subscription_id.as_ref() == Some(s)))
        );
        for action in [
            "notice.draft_save",
            "notice.review_request",
            "notice.schedule",
            "notice.send",
        ] {
            assert!(audited(&store, action).await >= 1, "{name}: {action}");
        }
    }
}

#[tokio::test]
async fn a_scheduled_notice_waits_for_its_time_then_is_queued_once_with_unsubscribe_links() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let name = db.backend_name();
        let (console, state) = console_on(&db).await;
        let store = console.app.store.clone();
        let subscribers = subscribe_everyone(&store).await;
        let (mut staff, _) = signed_in(&console, "sato").await;
        let tomorrow = (OffsetDateTime::now_utc() + Duration::days(1))
            .to_offset(madoguchi_core::calendar::JST)
            .date();
        let at = format!("{tomorrow}T09:00");

        // The setting is off: 送信 schedules it straight away.
        let page = staff
            .post(
                "/console/notices/new",
                &form(
                    "説明会のご案内",
                    BODY,
                    &[("when", "at"), ("send-at", &at), ("action", "submit")],
                ),
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{name}: {}", page.body);
        let id = notice_of(&page);
        assert_eq!(
            page.location(),
            format!("/console/notices/{id}?done=scheduled")
        );
        let notice = store.staff_notice(&id).await.unwrap().unwrap();
        assert_eq!(notice.state, StaffNoticeState::Scheduled, "{name}");

        // Not yet.
        let now = OffsetDateTime::now_utc();
        let early = match_pending(&state, now).await.unwrap();
        assert_eq!(early.staff_notices, 0, "{name}");
        assert!(take_outbox(&store).await.is_empty(), "{name}");

        // Due: queued once, to exactly the segment, however often the job runs.
        let later = now + Duration::days(2);
        let due = match_pending(&state, later).await.unwrap();
        assert_eq!((due.staff_notices, due.staff_messages), (1, 3), "{name}");
        let again = match_pending(&state, later).await.unwrap();
        assert_eq!(
            (again.staff_notices, again.staff_messages),
            (0, 0),
            "{name}"
        );
        let outbox = take_outbox(&store).await;
        assert_eq!(outbox.len(), 3, "{name}");
        for item in &outbox {
            let subscription = item.subscription_id.as_deref().unwrap();
            assert!(subscribers.reached.iter().any(|s| s == subscription));
            assert_eq!(item.key, format!("notice:{id}:{subscription}"));
            assert_eq!(item.body.subject, "【支援制度の窓口】説明会のご案内");
            assert!(
                item.body
                    .text
                    .contains("6月10日に、補助金の説明会を開きます。")
            );
            // The address in the body goes through the tracked redirect.
            assert!(
                item.body.text.contains(&format!("{SITE}/r/")),
                "{}",
                item.body.text
            );
            assert!(!item.body.text.contains("https://city.example.jp/events/10"));
            assert!(item.body.text.contains("/notices/unsubscribe/"));
            if item.channel == "email" {
                // The worker makes it the List-Unsubscribe header (RFC 8058).
                let unsubscribe = item.body.unsubscribe.as_deref().unwrap();
                assert!(
                    unsubscribe.starts_with(&format!("{SITE}/notices/unsubscribe/")),
                    "{unsubscribe}"
                );
                assert!(item.body.html.as_deref().unwrap().contains(unsubscribe));
            } else {
                assert_eq!(item.channel, "line");
                assert_eq!(item.recipient, "U0123456789abcdef0123456789ab1234");
                assert_eq!(item.body.html, None);
            }
        }
        let notice = store.staff_notice(&id).await.unwrap().unwrap();
        assert_eq!(notice.state, StaffNoticeState::Sent, "{name}");
        assert_eq!(notice.recipients, 3);

        // The figures pages show it like any notice.
        let list = staff.get("/console/notices").await;
        assert!(list.body.contains("職員が作成"), "{name}");
        assert!(list.body.contains("説明会のご案内"));
        let page = staff.get(&format!("/console/notices/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(page.body.contains("送信済み"), "{name}");
        assert!(page.body.contains("<dd>3人</dd>"), "{name}: {}", page.body);
        assert!(page.body.contains("経路ごとの結果"));
        assert!(page.body.contains("https://city.example.jp/events/10"));
        assert!(!page.body.contains("このお知らせを破棄する"));
        assert_eq!(audited(&store, "notice.send").await, 1, "{name}");
    }
}

#[tokio::test]
async fn a_scheduled_notice_returned_to_draft_is_not_sent_and_a_draft_can_be_discarded() {
    for db in TestDatabase::every_backend().await.unwrap() {
        let name = db.backend_name();
        let (console, state) = console_on(&db).await;
        let store = console.app.store.clone();
        subscribe_everyone(&store).await;
        let (mut staff, _) = signed_in(&console, "sato").await;
        let page = staff
            .post(
                "/console/notices/new",
                &form("説明会", BODY, &[("when", "now"), ("action", "submit")]),
            )
            .await;
        let id = notice_of(&page);
        let shown = staff.get(page.location()).await;
        assert!(shown.body.contains("送信を予約しました"), "{name}");
        let returned = staff
            .post(
                &format!("/console/notices/{id}/return"),
                &[("revision", &shown.hidden("revision").unwrap())],
            )
            .await;
        assert_eq!(returned.status, StatusCode::SEE_OTHER, "{name}");
        let report = match_pending(&state, OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert_eq!(report.staff_notices, 0, "{name}");
        assert!(take_outbox(&store).await.is_empty());

        let shown = staff.get(&format!("/console/notices/{id}")).await;
        assert!(shown.body.contains("編集する"), "{name}");
        let discarded = staff
            .post(
                &format!("/console/notices/{id}/discard"),
                &[("revision", &shown.hidden("revision").unwrap())],
            )
            .await;
        assert_eq!(discarded.location(), "/console/notices?done=discarded");
        assert_eq!(store.staff_notice(&id).await.unwrap(), None, "{name}");
        assert_eq!(audited(&store, "notice.return").await, 1, "{name}");
        assert_eq!(audited(&store, "notice.discard").await, 1, "{name}");
    }
}
