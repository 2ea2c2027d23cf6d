//! The consultation desk end to end over HTTP, on the real router and store: the public
//! form (consent, contact shapes, a 50,000-character message, a forged token, the rate
//! limit — each refused with everything typed kept), a consultation filed from a
//! diagnosis with exactly the lines the person left ticked, and the case's way through
//! the console: hearing, a refused introduction to a paused expert, an introduction with
//! its reasons kept, the expert's own view (only their cases), two sessions and closing;
//! a stale form is a conflict that keeps what was typed.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_core::desk::{Availability, CaseState, Category, Expert, ExpertKind, Requester};
use madoguchi_store::{AuditFilter, DeskActor, ExpertEntry, Role, Store};

use common::demo_catalogue;
use console_support::{Browser, Console, Page};

const MESSAGE: &str = "受発注をFAXと電話で受けており、入力の手間と誤りが多いです。まず何から始めればよいか相談したいです。";

fn system() -> DeskActor {
    DeskActor {
        account_id: None,
        name: "テスト".to_owned(),
        client: None,
    }
}

async fn register(store: &Store, id: &str, name: &str, paused: bool, account: Option<&str>) {
    let mut expert = Expert::new(id, ExpertKind::Advisor, name).with_tags(["受発注", "業務改善"]);
    expert.categories = vec![Category::parse("workstyle").unwrap()];
    expert.takes = Requester::ALL.to_vec();
    expert.area.remote = true;
    expert.monthly_capacity = 5;
    if paused {
        expert.availability = Availability {
            paused: true,
            ..Availability::default()
        };
    }
    let entry = ExpertEntry {
        expert,
        contact: format!("{id}@example.jp"),
        profile: String::new(),
        account_id: account.map(str::to_owned),
    };
    store.save_expert(&entry, &system()).await.unwrap();
}

/// The consultation form's fields, complete and valid, with `changes` applied.
fn fields<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let all = vec![
        ("requester", "business"),
        ("organisation", "（例）伊勢精工株式会社"),
        ("name", "（例）伊勢 太郎"),
        ("email", "taro@example.jp"),
        ("phone", "059-000-0001"),
        ("category", "workstyle"),
        ("message", MESSAGE),
        ("method", "online"),
        ("times", "平日の午前中"),
        ("consent", "yes"),
    ];
    with_changes(all, changes)
}

/// `all` with each of `changes` replacing the field of its name (an empty value drops it).
fn with_changes<'a>(
    mut all: Vec<(&'a str, &'a str)>,
    changes: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (name, value) in changes {
        all.retain(|(n, _)| n != name);
        if !value.is_empty() {
            all.push((name, value));
        }
    }
    all
}

async fn count_cases(store: &Store) -> u64 {
    store
        .count_cases(&madoguchi_store::CaseQuery::default())
        .await
        .unwrap()
}

/// Files a valid consultation from a fresh visitor; returns the receipt page.
async fn file(visitor: &mut Browser<'_>, changes: &[(&str, &str)]) -> Page {
    let form = visitor.get("/consult").await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        form.body.contains("value=\"any\" checked"),
        "a method is chosen to begin with"
    );
    let sent = visitor.post("/consult", &fields(changes)).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(sent.location(), "/consult/received");
    visitor.get("/consult/received").await
}

fn receipt_of(page: &Page) -> String {
    let start = page.body.find("<strong>").unwrap() + "<strong>".len();
    let end = page.body[start..].find("</strong>").unwrap() + start;
    page.body[start..end].to_owned()
}

#[tokio::test]
async fn bad_intakes_are_refused_with_every_problem_and_nothing_typed_is_lost() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let mut visitor = console.browser();
    visitor.get("/consult").await;

    let page = visitor
        .post(
            "/consult",
            &fields(&[("consent", ""), ("email", "taro@"), ("phone", "12345")]),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("入力内容を確認してください（3件）"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("個人情報の取り扱いに同意いただけない場合")
    );
    assert!(page.body.contains("メールアドレスの形ではありません"));
    assert!(page.body.contains("電話番号の形ではありません"));
    assert!(page.body.contains(MESSAGE), "the message must come back");
    assert!(page.body.contains("value=\"taro@\""));

    let long = "あ".repeat(50_000);
    let page = visitor
        .post("/consult", &fields(&[("message", &long)]))
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("いまは50000文字です"),
        "the count is said"
    );
    assert!(
        page.body.contains(&long),
        "the long message comes back whole"
    );

    let page = visitor
        .post(
            "/consult",
            &[fields(&[]), vec![("_csrf", "forged")]].concat(),
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains(MESSAGE));
    assert_eq!(count_cases(store).await, 0, "nothing was filed");
}

#[tokio::test]
async fn the_receipt_page_shows_the_receipt_only_and_no_url_carries_it() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let mut visitor = console.browser();
    let page = file(&mut visitor, &[]).await;
    assert_eq!(page.status, StatusCode::OK);
    let receipt = receipt_of(&page);
    assert_eq!(receipt.len(), 9, "{receipt}");
    assert!(
        !page.body.contains("伊勢"),
        "no personal data on the receipt page"
    );
    assert!(!page.body.contains("taro@example.jp"));
    assert!(page.body.contains("3営業日以内"));
    let listed = store
        .cases(&madoguchi_store::CaseQuery {
            per_page: 10,
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(listed.total, 1);
    assert_eq!(listed.cases[0].receipt, receipt);
    // The audit entry of the filing names the receipt, not the person.
    let entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
    let filed = entries.iter().find(|e| e.action == "case.file").unwrap();
    assert!(!format!("{filed:?}").contains("伊勢"));
}

#[tokio::test]
async fn one_client_filing_many_consultations_is_slowed_with_the_form_kept() {
    let console = Console::configured(&demo_catalogue(), |s| {
        s.with_consult_limit(madoguchi_web::RateLimiter::new(1, 0))
    })
    .await;
    let mut visitor = console.browser();
    file(&mut visitor, &[]).await;
    visitor.get("/consult").await;
    let page = visitor.post("/consult", &fields(&[])).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.body.contains("入力した内容は残っています"));
    assert!(page.body.contains(MESSAGE));
    assert_eq!(count_cases(&console.app.store).await, 1);
}

#[tokio::test]
async fn a_consultation_from_a_diagnosis_carries_exactly_the_lines_left_ticked() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let mut visitor = console.browser();
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
    let results = visitor.get("/diagnosis/results").await;
    assert!(results.body.contains("/consult?from=diagnosis"));
    let form = visitor.get("/consult?from=diagnosis").await;
    assert!(form.body.contains("相談に添える診断結果"));
    assert!(form.body.contains("鹿児島県日置市"), "{}", form.body);
    // Every program offered, to untick all but the first.
    let programs: Vec<String> = form
        .body
        .match_indices("name=\"program\" value=\"")
        .map(|(i, m)| {
            let rest = &form.body[i + m.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
        .collect();
    assert!(!programs.is_empty(), "a diagnosis of 日置市 finds programs");
    let mut sent = fields(&[]);
    sent.extend([
        ("from", "diagnosis"),
        ("attach_answers", "yes"),
        ("program", programs[0].as_str()),
    ]);
    let page = visitor.post("/consult", &sent).await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let id = store
        .cases(&madoguchi_store::CaseQuery {
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .cases[0]
        .id;
    let case = store.open_case(id, &system()).await.unwrap();
    let personal = case.personal.unwrap();
    assert!(personal.attached.contains("鹿児島県日置市"));
    assert_eq!(personal.attached.matches("【相談したい制度】").count(), 1);
    let listed = personal
        .attached
        .split("【相談したい制度】")
        .nth(1)
        .unwrap();
    assert_eq!(listed.lines().filter(|l| l.starts_with('・')).count(), 1);
    assert!(
        personal.place.is_some(),
        "the place of the diagnosis is kept"
    );
}

/// The id of the case with `receipt`.
async fn case_id(store: &Store, receipt: &str) -> i64 {
    let page = store
        .cases(&madoguchi_store::CaseQuery {
            per_page: 200,
            ..Default::default()
        })
        .await
        .unwrap();
    page.cases.iter().find(|c| c.receipt == receipt).unwrap().id
}

#[tokio::test]
async fn a_case_goes_from_hearing_to_an_expert_who_accepts_consults_twice_and_closes() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let expert_account = console.account("adv-test", Role::Expert).await;
    register(store, "adv-paused", "（例）休止 中", true, None).await;
    register(
        store,
        "adv-test",
        "（例）専門 花子",
        false,
        Some(&expert_account.id),
    )
    .await;
    let mut visitor = console.browser();
    let receipt = receipt_of(&file(&mut visitor, &[]).await);
    let other = receipt_of(&file(&mut console.browser(), &[("email", "jiro@example.jp")]).await);
    let id = case_id(store, &receipt).await;
    let path = format!("/console/desk/{id}");

    let staff_account = console.account("desk-staff", Role::Staff).await;
    let mut staff = console.signed_in(&staff_account).await;
    let list = staff.get("/console/desk").await;
    assert!(list.body.contains(&receipt) && list.body.contains(&other));
    assert!(
        list.body.contains("新しい相談：2件"),
        "the bell counts new cases"
    );
    assert!(
        staff.get("/console").await.body.contains("新しい相談：2件"),
        "the bell rings on the console's home page too"
    );
    let viewer_account = console.account("desk-viewer", Role::Viewer).await;
    let home = console
        .signed_in(&viewer_account)
        .await
        .get("/console")
        .await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(!home.body.contains("新しい相談"), "閲覧 sees no cases");

    let page = staff.get(&path).await;
    assert!(
        page.body.contains("（例）伊勢 太郎"),
        "staff read the requester"
    );
    let views = store
        .count_audit_entries(&AuditFilter {
            action: Some("case.view".to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(views, 1, "opening the case was audited");

    let page = staff
        .post(&format!("{path}/hearing"), &[("revision", "1")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let page = staff
        .post(
            &format!("{path}/note"),
            &[
                ("revision", "2"),
                ("category", "workstyle"),
                ("tags", "受発注、業務改善"),
                ("notes", "FAXの受注を表計算に入力している。"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    let page = staff.get(&path).await;
    assert!(
        page.body.contains("（例）専門 花子"),
        "proposed: {}",
        page.body
    );
    assert!(
        page.body.contains("受付を休止しています"),
        "the paused one is left out, said why"
    );

    // A stale form: a conflict that keeps the text.
    let page = staff
        .post(
            &format!("{path}/note"),
            &[
                ("revision", "2"),
                ("category", "workstyle"),
                ("notes", "古い画面から書いた記録"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    assert!(page.body.contains("古い画面から書いた記録"));

    let page = staff
        .post(
            &format!("{path}/refer"),
            &[("revision", "3"), ("expert", "adv-paused")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("紹介できません（受付を休止しています）"),
        "{}",
        page.body
    );
    let page = staff
        .post(
            &format!("{path}/refer"),
            &[("revision", "3"), ("expert", "adv-test")],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let events = store.case_events(id).await.unwrap();
    let refer = events.iter().find(|e| e.step == "refer").unwrap();
    assert!(
        refer.text.contains("受発注"),
        "the reasons are kept: {}",
        refer.text
    );

    // The expert: their case only.
    let mut expert = console.signed_in(&expert_account).await;
    let home = expert.get("/console").await;
    assert_eq!(home.location(), "/console/desk");
    let list = expert.get("/console/desk").await;
    assert!(list.body.contains(&receipt));
    assert!(!list.body.contains(&other), "another case is not listed");
    assert!(list.body.contains("引き受けの返事を待っている相談：1件"));
    let other_id = case_id(store, &other).await;
    let page = expert.get(&format!("/console/desk/{other_id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = expert.get("/console/desk/figures").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);

    let page = expert.get(&path).await;
    assert!(page.body.contains("相談を引き受ける"));
    let page = expert
        .post(&format!("{path}/accept"), &[("revision", "4")])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    for (revision, summary) in [
        ("5", "受注の流れを図にした。"),
        ("6", "受注管理の表を試した。"),
    ] {
        let page = expert
            .post(
                &format!("{path}/session"),
                &[
                    ("revision", revision),
                    ("on", "2026-12-01"),
                    ("summary", summary),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    }
    let page = expert
        .post(
            &format!("{path}/close"),
            &[
                ("revision", "7"),
                (
                    "outcome",
                    "受注管理を表計算からクラウドの台帳へ移す計画を立てた。",
                ),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let case = store.case_standing(id).await.unwrap();
    assert_eq!(case.state, CaseState::Closed);
    assert_eq!(case.sessions, 2);
    assert_eq!(case.expert_id.as_deref(), Some("adv-test"));

    let figures = staff.get("/console/desk/figures").await;
    assert_eq!(figures.status, StatusCode::OK, "{}", figures.body);
    assert!(figures.body.contains("（例）専門 花子"));
}

#[tokio::test]
async fn an_expert_with_a_profile_has_a_public_page_without_their_contact() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    register(store, "adv-quiet", "（例）非公開 太郎", false, None).await;
    let mut entry = store.expert("adv-quiet").await.unwrap().unwrap();
    entry.expert.id = "adv-open".to_owned();
    entry.expert.name = "（例）公開 花子".to_owned();
    entry.profile = "受発注の見直しが得意です。".to_owned();
    entry.contact = "hanako@example.jp".to_owned();
    store.save_expert(&entry, &system()).await.unwrap();
    let mut visitor = console.browser();
    let list = visitor.get("/experts").await;
    assert!(list.body.contains("（例）公開 花子"));
    assert!(
        !list.body.contains("（例）非公開 太郎"),
        "no profile, no listing"
    );
    let page = visitor.get("/experts/adv-open").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("受発注の見直しが得意です。"));
    assert!(
        page.body.contains("働き方・業務の見直し"),
        "categories by their labels"
    );
    assert!(
        !page.body.contains("hanako@example.jp"),
        "the contact stays private"
    );
    assert_eq!(
        visitor.get("/experts/adv-quiet").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get("/experts/nobody").await.status,
        StatusCode::NOT_FOUND
    );
}

/// The registry form's fields for a new advisor, with `changes` applied.
fn expert_fields<'a>(changes: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let all = vec![
        ("id", "adv-reg"),
        ("kind", "advisor"),
        ("name", "（例）登録 一郎"),
        ("category", "workstyle"),
        ("tags", "受発注、業務改善"),
        ("areas", "三重県\n津市"),
        // The public form's cases carry no place unless filed from a diagnosis.
        ("remote", "1"),
        ("takes", "business"),
        ("takes", "resident"),
        ("capacity", "2"),
        ("contact", "ichiro@example.jp"),
        ("profile", "受発注の見直しを手伝います。"),
    ];
    with_changes(all, changes)
}

#[tokio::test]
async fn an_administrator_keeps_the_registry_and_matching_follows_it() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let admin_account = console.account("desk-admin", Role::Admin).await;
    let mut admin = console.signed_in(&admin_account).await;
    let expert_account = console.account("ichiro", Role::Expert).await;
    assert_eq!(
        admin.get("/console/desk/experts/new").await.status,
        StatusCode::OK
    );

    // Every problem at once, nothing typed lost, nothing saved.
    let refused = admin
        .post(
            "/console/desk/experts",
            &expert_fields(&[
                ("areas", "府中市"),
                ("category", ""),
                ("capacity", "たくさん"),
            ]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    for shown in [
        "東京都府中市",
        "広島県府中市",
        "分野を1つ以上選んでください",
        "0から999までの半角数字",
        "（例）登録 一郎",
        "受発注の見直しを手伝います。",
    ] {
        assert!(refused.body.contains(shown), "{shown} in {}", refused.body);
    }
    assert!(store.expert("adv-reg").await.unwrap().is_none());

    let saved = admin
        .post(
            "/console/desk/experts",
            &expert_fields(&[("account", &expert_account.id)]),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let entry = store.expert("adv-reg").await.unwrap().unwrap();
    assert_eq!(entry.expert.tags(), ["受発注", "業務改善"]);
    assert_eq!(entry.expert.area.areas.len(), 2);
    assert_eq!(
        entry.expert.takes,
        [Requester::Business, Requester::Resident]
    );
    assert_eq!(entry.expert.monthly_capacity, 2);
    assert_eq!(
        entry.account_id.as_deref(),
        Some(expert_account.id.as_str())
    );
    let saves = store
        .count_audit_entries(&AuditFilter {
            action: Some("expert.save".to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(saves, 1, "the registration was audited");
    let list = admin.get("/console/desk/experts?done=saved").await;
    assert!(list.body.contains("（例）登録 一郎") && list.body.contains("三重県津市"));
    assert!(
        list.body.contains("/experts/adv-reg"),
        "the profile is public"
    );
    let again = admin
        .post("/console/desk/experts", &expert_fields(&[]))
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("すでに使われています"));

    // The linked account signs in to the desk as this expert.
    let mut expert = console.signed_in(&expert_account).await;
    assert_eq!(expert.get("/console/desk").await.status, StatusCode::OK);

    // A matching case proposes the new expert; paused, they are proposed no more.
    let receipt = receipt_of(&file(&mut console.browser(), &[]).await);
    let case = format!("/console/desk/{}", case_id(store, &receipt).await);
    let heard = admin
        .post(&format!("{case}/hearing"), &[("revision", "1")])
        .await;
    assert_eq!(heard.status, StatusCode::SEE_OTHER, "{}", heard.body);
    let proposed = "id=\"expert-adv-reg\"";
    assert!(admin.get(&case).await.body.contains(proposed));
    let edit = admin.get("/console/desk/experts/adv-reg").await;
    assert!(edit.body.contains("受発注、業務改善") && edit.body.contains("三重県津市"));
    let paused = admin
        .post(
            "/console/desk/experts/adv-reg",
            &expert_fields(&[("id", ""), ("paused", "1"), ("account", &expert_account.id)]),
        )
        .await;
    assert_eq!(paused.status, StatusCode::SEE_OTHER, "{}", paused.body);
    let entry = store.expert("adv-reg").await.unwrap().unwrap();
    assert!(entry.expert.availability.paused);
    assert_eq!(
        entry.account_id.as_deref(),
        Some(expert_account.id.as_str())
    );
    assert!(!admin.get(&case).await.body.contains(proposed));
    assert!(
        admin
            .get("/console/desk/experts")
            .await
            .body
            .contains("一時停止中")
    );
}

#[tokio::test]
async fn staff_take_a_case_back_from_its_expert_who_then_neither_sees_it_nor_is_proposed() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let first_account = console.account("adv-first", Role::Expert).await;
    register(
        store,
        "adv-first",
        "（例）最初 一子",
        false,
        Some(&first_account.id),
    )
    .await;
    register(store, "adv-next", "（例）次点 二郎", false, None).await;
    let receipt = receipt_of(&file(&mut console.browser(), &[]).await);
    let id = case_id(store, &receipt).await;
    let path = format!("/console/desk/{id}");
    let staff_account = console.account("desk-staff", Role::Staff).await;
    let mut staff = console.signed_in(&staff_account).await;
    for (step, fields) in [
        ("hearing", vec![("revision", "1")]),
        ("refer", vec![("revision", "2"), ("expert", "adv-first")]),
        ("accept", vec![("revision", "3")]),
    ] {
        let page = staff.post(&format!("{path}/{step}"), &fields).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{step}: {}", page.body);
    }
    let mut expert = console.signed_in(&first_account).await;
    assert_eq!(expert.get(&path).await.status, StatusCode::OK);
    assert!(
        staff.get(&path).await.body.contains("担当を替える"),
        "a case in consultation can be taken back"
    );

    let refused = staff
        .post(&format!("{path}/reassign"), &[("revision", "4")])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("担当替えの理由を入力してください"));
    let moved = staff
        .post(
            &format!("{path}/reassign"),
            &[
                ("revision", "4"),
                ("reason", "相談者の希望により交代します。"),
            ],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER, "{}", moved.body);

    let case = store.case_standing(id).await.unwrap();
    assert_eq!(case.state, CaseState::Hearing);
    assert_eq!(case.expert_id, None);
    let page = staff.get(&path).await;
    assert!(
        page.body.contains("相談者の希望により交代します。"),
        "the reason is in the history"
    );
    assert!(page.body.contains("この相談の担当から外れています"));
    assert!(!page.body.contains("id=\"expert-adv-first\""));
    assert!(page.body.contains("id=\"expert-adv-next\""));
    assert_eq!(
        expert.get(&path).await.status,
        StatusCode::NOT_FOUND,
        "the expert no longer sees the case"
    );
    let audited = store
        .count_audit_entries(&AuditFilter {
            action: Some("case.reassign".to_owned()),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_business_in_the_requester_s_words_comes_with_the_industry_finder_s_proposals() {
    let console = Console::new(&demo_catalogue()).await;
    let store = &console.app.store;
    let long = "介護".repeat(51);
    let mut visitor = console.browser();
    visitor.get("/consult").await;
    let refused = visitor
        .post("/consult", &fields(&[("business", long.as_str())]))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused
            .body
            .contains("事業の内容は100文字以内にしてください（いまは102文字です）"),
        "{}",
        refused.body
    );
    assert!(refused.body.contains(&long), "what was typed stays");

    let receipt = receipt_of(
        &file(
            &mut console.browser(),
            &[("business", "デイサービスをやっています")],
        )
        .await,
    );
    let id = case_id(store, &receipt).await;
    let staff_account = console.account("desk-industry", Role::Staff).await;
    let mut staff = console.signed_in(&staff_account).await;
    let case = staff.get(&format!("/console/desk/{id}")).await;
    assert!(
        case.body.contains("デイサービスをやっています"),
        "{}",
        case.body
    );
    assert!(
        case.body.contains("<li>85 社会保険・社会福祉・介護事業（"),
        "{}",
        case.body
    );
    // Without words, no proposals are made up.
    let plain = receipt_of(&file(&mut console.browser(), &[("email", "b@example.jp")]).await);
    let id = case_id(store, &plain).await;
    let case = staff.get(&format!("/console/desk/{id}")).await;
    assert!(!case.body.contains("業種の候補"));
}
