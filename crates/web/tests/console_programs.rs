//! The program editor and its workflow, driven as staff would drive them: every form is
//! posted as a browser would post the rendered page (its own controls, its own CSRF
//! token), and each change is checked where it matters — the draft, the public site, the
//! audit log.

#![allow(clippy::unwrap_used)]

mod common;
mod console_support;
#[path = "../src/console/editor/browser.rs"]
mod editor_browser;

use axum::http::StatusCode;
use madoguchi_core::demo::CATALOGUE;
use madoguchi_core::eligibility::{Answer, Profile, Verdict};
use madoguchi_core::import::own;
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::{AuditFilter, DraftState, Role};

use console_support::{Browser, Console, Page};
use editor_browser::submit;

const ID: &str = "demo-hioki-rishi-hojo";
const EDIT: &str = "/console/programs/demo-hioki-rishi-hojo/edit";

fn demo() -> Program {
    own::parse(CATALOGUE[2].1)
        .unwrap()
        .programs
        .into_iter()
        .find(|p| p.id.as_str() == ID)
        .unwrap()
}

fn id() -> ProgramId {
    ProgramId::parse(ID).unwrap()
}

async fn console() -> Console {
    Console::new(&[demo()]).await
}

async fn signed_in<'c>(console: &'c Console, login: &str, role: Role) -> Browser<'c> {
    let account = console.account(login, role).await;
    console.signed_in(&account).await
}

/// What the editor's form on `page` posts when `button` is pressed, after `change` edits
/// what was typed.
async fn press(
    browser: &mut Browser<'_>,
    path: &str,
    page: &Page,
    button: &str,
    change: impl FnOnce(&mut Vec<(String, String)>),
) -> Page {
    let mut pairs = submit(&page.body, Some(("action", button)));
    assert!(
        !pairs.is_empty(),
        "no editor form on the page: {}",
        page.body
    );
    change(&mut pairs);
    let fields: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    browser.post(path, &fields).await
}

/// Sets the first value of `name` (adding it if the page had none).
fn set(pairs: &mut Vec<(String, String)>, name: &str, value: &str) {
    match pairs.iter_mut().find(|(n, _)| n == name) {
        Some(pair) => pair.1 = value.to_owned(),
        None => pairs.push((name.to_owned(), value.to_owned())),
    }
}

/// The highest row number of the rule builder on the page.
fn last_row(pairs: &[(String, String)]) -> usize {
    pairs
        .iter()
        .filter_map(|(n, _)| n.strip_prefix("row-")?.strip_suffix("-kind")?.parse().ok())
        .max()
        .unwrap()
}

async fn audit_actions(console: &Console) -> Vec<String> {
    console
        .app
        .store
        .audit_entries(&AuditFilter::default())
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .collect()
}

#[tokio::test]
async fn staff_edit_a_rule_see_the_preview_publish_and_the_public_site_shows_it() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("事業者に表示される条件"));

    let page = press(&mut staff, EDIT, &page, "rule-add:0:condition", |_| {}).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("項目を選んでください。"),
        "the new row asks for a field"
    );

    let page = press(&mut staff, EDIT, &page, "preview", |pairs| {
        let n = last_row(pairs);
        set(pairs, &format!("row-{n}-field"), "employees");
        set(pairs, &format!("row-{n}-op"), "le");
        set(pairs, &format!("row-{n}-value"), "50");
    })
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("常時使用する従業員数が50人以下"),
        "the preview reads the new condition"
    );
    let public = staff.get(&format!("/programs/{ID}")).await;
    assert!(
        !public.body.contains("常時使用する従業員数が50人以下"),
        "not yet published"
    );

    let done = press(&mut staff, EDIT, &page, "publish", |_| {}).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location(), format!("{EDIT}?done=published"));
    let public = staff.get(&format!("/programs/{ID}")).await;
    assert!(public.body.contains("常時使用する従業員数が50人以下"));
    assert_eq!(
        console
            .app
            .store
            .program(&id())
            .await
            .unwrap()
            .unwrap()
            .version,
        2
    );
    let actions = audit_actions(&console).await;
    assert_eq!(&actions[..2], ["program.publish", "program.draft_save"]);
}

#[tokio::test]
async fn the_second_of_two_editors_is_refused_with_a_diff_and_nothing_is_overwritten() {
    let console = console().await;
    let mut first = signed_in(&console, "first", Role::Staff).await;
    let mut second = signed_in(&console, "second", Role::Staff).await;
    let first_page = first.get(EDIT).await;
    let second_page = second.get(EDIT).await;

    let saved = press(&mut first, EDIT, &first_page, "save", |pairs| {
        set(pairs, "title", "最初の人が直した制度名");
    })
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);

    let refused = press(&mut second, EDIT, &second_page, "save", |pairs| {
        set(pairs, "summary", "二番目の人が書いた概要");
    })
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("他の人が保存しました"));
    assert!(refused.body.contains("他の人が保存した内容との違い"));
    assert!(
        refused.body.contains("最初の人が直した制度名"),
        "the diff shows the other change"
    );
    assert!(
        refused.body.contains("二番目の人が書いた概要"),
        "what was typed is kept"
    );
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    assert_eq!(draft.program.title.as_str(), "最初の人が直した制度名");

    // Having seen the difference, the second person saves on purpose.
    let again = press(&mut second, EDIT, &refused, "save", |_| {}).await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    assert_eq!(draft.program.summary, "二番目の人が書いた概要");
}

#[tokio::test]
async fn an_edit_survives_a_session_that_ended_mid_edit() {
    let console = console().await;
    let account = console.account("yamada", Role::Staff).await;
    let mut browser = console.signed_in(&account).await;
    let page = browser.get(EDIT).await;
    assert!(
        !results(&page).is_empty(),
        "signed in, the profiles are judged"
    );
    // The session ends while the person is typing.
    console
        .app
        .store
        .delete_sessions_of(&account.id)
        .await
        .unwrap();

    let kept = press(&mut browser, EDIT, &page, "save", |pairs| {
        set(pairs, "title", "長い時間をかけて直した制度名");
    })
    .await;
    assert_eq!(kept.status, StatusCode::UNAUTHORIZED, "{}", kept.body);
    assert!(
        kept.body
            .contains("ログインの有効期限が切れたため、保存していません")
    );
    assert!(
        kept.body
            .contains("「長い時間をかけて直した制度名」を編集する")
    );
    // Signed out, the engine does no work for the post (no profile judged), yet every
    // profile typed is still on the page.
    assert!(results(&kept).is_empty(), "{:?}", results(&kept));
    assert!(kept.body.contains("name=\"case-0-name\""));
    assert!(console.app.store.draft(&id()).await.unwrap().is_none());

    // Signed in again (in another tab): the kept page's token is stale, so the first press
    // shows the page again with a fresh token, and the second saves.
    let mut again = console.signed_in(&account).await;
    let stale = press(&mut again, EDIT, &kept, "save", |_| {}).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN, "{}", stale.body);
    assert!(stale.body.contains("画面の有効期限が切れたか"));
    assert!(stale.body.contains("長い時間をかけて直した制度名"));
    let saved = press(&mut again, EDIT, &stale, "save", |_| {}).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    assert_eq!(draft.program.title.as_str(), "長い時間をかけて直した制度名");
}

#[tokio::test]
async fn publishing_needs_a_second_person_when_the_setting_is_on() {
    let console = console().await;
    console
        .app
        .store
        .set_setting("require_second_approval", "true", None)
        .await
        .unwrap();
    let mut author = signed_in(&console, "author", Role::Staff).await;
    let page = author.get(EDIT).await;
    assert!(
        !page.body.contains("保存して公開"),
        "no direct publish button"
    );
    let done = press(&mut author, EDIT, &page, "review", |pairs| {
        set(pairs, "title", "承認待ちの制度名");
    })
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    assert_eq!(draft.state, DraftState::Review);

    let own = author.get(EDIT).await;
    assert!(own.body.contains("承認は別の職員が行います"));
    let revision = draft.revision.to_string();
    let refused = author
        .post(
            &format!("/console/programs/{ID}/publish"),
            &[("draft-revision", &revision)],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.body.contains("別の人の承認が必要です"));

    let mut reviewer = signed_in(&console, "reviewer", Role::Staff).await;
    let review_page = reviewer.get(EDIT).await;
    assert!(review_page.body.contains("承認して公開する"));
    let published = reviewer
        .post(
            &format!("/console/programs/{ID}/publish"),
            &[("draft-revision", &revision)],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let public = reviewer.get(&format!("/programs/{ID}")).await;
    assert!(public.body.contains("承認待ちの制度名"));
}

#[tokio::test]
async fn the_publish_form_names_the_planned_take_down_it_keeps_and_writes_one_entry() {
    let console = console().await;
    let store = &console.app.store;
    let leaving = time::macros::datetime!(2031-03-31 23:59:59 +09:00);
    store
        .schedule_unpublish(&id(), Some(leaving))
        .await
        .unwrap();
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    let saved = press(&mut staff, EDIT, &page, "save", |pairs| {
        set(pairs, "title", "誤字を直した制度名");
    })
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let form = staff.get(EDIT).await;
    // Beside the take-down field: leaving it blank keeps the date already planned.
    let hint = text_of(&form, "#unpublish-at-hint");
    assert!(hint.contains("空欄なら、今の予定「2031年3月31日"), "{hint}");
    assert!(hint.contains("のままです"), "{hint}");
    let revision = store
        .draft(&id())
        .await
        .unwrap()
        .unwrap()
        .revision
        .to_string();
    let published = staff
        .post(
            &format!("/console/programs/{ID}/publish"),
            &[("draft-revision", &revision), ("unpublish-at", "")],
        )
        .await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.body
    );
    let entry = store.program_entry(&id()).await.unwrap().unwrap();
    assert_eq!(entry.unpublish_at, Some(leaving));
    let entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
    let publishing: Vec<_> = entries
        .iter()
        .filter(|e| e.action == "program.publish")
        .collect();
    assert_eq!(publishing.len(), 1, "{entries:?}");
    assert_eq!(publishing[0].detail, "承認し、第2版として公開しました");
    assert_eq!(publishing[0].target.as_deref(), Some(ID));
}

#[tokio::test]
async fn a_rule_no_business_can_satisfy_is_warned_beside_its_rows() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    let page = press(&mut staff, EDIT, &page, "rule-add:0:condition", |_| {}).await;
    let page = press(&mut staff, EDIT, &page, "rule-add:0:condition", |pairs| {
        let n = last_row(pairs);
        set(pairs, &format!("row-{n}-field"), "employees");
        set(pairs, &format!("row-{n}-op"), "le");
        set(pairs, &format!("row-{n}-value"), "5");
    })
    .await;
    let page = press(&mut staff, EDIT, &page, "preview", |pairs| {
        let n = last_row(pairs);
        set(pairs, &format!("row-{n}-field"), "employees");
        set(pairs, &format!("row-{n}-op"), "ge");
        set(pairs, &format!("row-{n}-value"), "10");
    })
    .await;
    assert!(
        page.body.contains("すべての事業者が「対象外」になります"),
        "{}",
        page.body
    );
    assert!(page.body.contains("を同時に満たす事業者はいません"));
}

#[tokio::test]
async fn a_budget_closure_reaches_the_public_site_at_once() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let _ = staff.get(EDIT).await;
    let done = staff
        .post(
            &format!("/console/programs/{ID}/close-budget"),
            &[("version", "1"), ("date", "2026-07-10")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let public = staff.get(&format!("/programs/{ID}")).await;
    assert!(public.body.contains("予算上限により受付終了"));
    assert!(
        public
            .body
            .contains("2026年7月10日（令和8年）に受付を終了しました")
    );
    // A page still showing version 1 changes nothing.
    let stale = staff
        .post(
            &format!("/console/programs/{ID}/close-budget"),
            &[("version", "1"), ("date", "2026-07-11")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
}

#[tokio::test]
async fn history_lists_versions_diffs_any_two_and_restores_one_as_a_draft() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    let done = press(&mut staff, EDIT, &page, "publish", |pairs| {
        set(pairs, "status", "closed");
    })
    .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);

    let history = staff.get(&format!("/console/programs/{ID}/history")).await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(history.body.contains("第2版") && history.body.contains("第1版"));
    assert!(history.body.contains("職員さん"), "who saved version 2");
    let diff = staff
        .get(&format!("/console/programs/{ID}/diff?from=1&to=2"))
        .await;
    assert_eq!(diff.status, StatusCode::OK);
    assert!(diff.body.contains("受付状況"));
    assert!(diff.body.contains("受付中") && diff.body.contains("受付終了"));
    let bad = staff
        .get(&format!("/console/programs/{ID}/diff?from=1&to=99"))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);

    let restored = staff
        .post(
            &format!("/console/programs/{ID}/restore"),
            &[("version", "1"), ("draft-revision", "0")],
        )
        .await;
    assert_eq!(restored.status, StatusCode::SEE_OTHER, "{}", restored.body);
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    assert_eq!(draft.base_version, 2);
    assert_eq!(draft.program.status, demo().status);
}

#[tokio::test]
async fn a_viewer_reads_and_tries_the_rule_but_cannot_save() {
    let console = console().await;
    let mut viewer = signed_in(&console, "viewer", Role::Viewer).await;
    let page = viewer.get(EDIT).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("閲覧のみの役割のため"));
    assert!(!page.body.contains("下書きを保存"));
    let tried = press(&mut viewer, EDIT, &page, "try", |pairs| {
        set(pairs, "try-municipality", "462161");
        set(pairs, "try-tax_arrears", "いいえ");
    })
    .await;
    assert_eq!(tried.status, StatusCode::OK);
    assert!(
        tried.body.contains("判定：<strong>条件付きで対象</strong>"),
        "{}",
        tried.body
    );
    let refused = press(&mut viewer, EDIT, &page, "save", |_| {}).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(console.app.store.draft(&id()).await.unwrap().is_none());
}

#[tokio::test]
async fn a_new_program_needs_a_free_id_and_appears_in_the_list_as_a_draft() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get("/console/programs/new").await;
    assert_eq!(page.status, StatusCode::OK);
    let fill = |id: &'static str| {
        move |pairs: &mut Vec<(String, String)>| {
            set(pairs, "id", id);
            set(pairs, "title", "新しい創業支援補助金");
            set(pairs, "issuer-name", "国");
        }
    };
    let taken = press(&mut staff, "/console/programs/new", &page, "save", fill(ID)).await;
    assert_eq!(taken.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(taken.body.contains("は既に使われています"));
    let saved = press(
        &mut staff,
        "/console/programs/new",
        &page,
        "save",
        fill("new-sogyo"),
    )
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert_eq!(
        saved.location(),
        "/console/programs/new-sogyo/edit?done=saved"
    );
    let list = staff
        .get("/console/programs?q=創業&show=unpublished_never")
        .await;
    assert!(list.body.contains("新しい創業支援補助金"), "{}", list.body);
    assert!(!list.body.contains(ID));
}

#[tokio::test]
async fn a_tampered_rule_form_gets_a_japanese_message_not_a_500() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    let tampered = press(&mut staff, EDIT, &page, "preview", |pairs| {
        set(pairs, "row-1-parent", "99");
    })
    .await;
    assert_eq!(tampered.status, StatusCode::BAD_REQUEST);
    assert!(tampered.body.contains("条件の並びを読み取れませんでした"));
}

/// The number `M` of the answer row of test profile `case` whose field is `field`.
fn answer_row(pairs: &[(String, String)], case: usize, field: &str) -> usize {
    let prefix = format!("case-{case}-answer-");
    pairs
        .iter()
        .find_map(|(n, v)| {
            let m = n.strip_prefix(&prefix)?.strip_suffix("-field")?;
            (v == field).then(|| m.parse().unwrap())
        })
        .unwrap_or_else(|| panic!("no {field} in test profile {case}"))
}

/// The text of the element `selector` names on `page`, or of nothing.
fn text_of(page: &Page, selector: &str) -> String {
    let doc = scraper::Html::parse_document(&page.body);
    let selector = scraper::Selector::parse(selector).unwrap();
    doc.select(&selector)
        .map(|e| e.text().collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The test results table as (事業者, 結果) rows.
fn results(page: &Page) -> Vec<(String, String)> {
    let doc = scraper::Html::parse_document(&page.body);
    let rows = scraper::Selector::parse("table.cases tbody tr").unwrap();
    let cell = scraper::Selector::parse("th, td").unwrap();
    doc.select(&rows)
        .map(|row| {
            let cells: Vec<String> = row.select(&cell).map(|c| c.text().collect()).collect();
            (cells[0].clone(), cells[2].clone())
        })
        .collect()
}

#[tokio::test]
async fn a_bad_answer_in_a_test_profile_is_explained_beside_it_and_nothing_typed_is_lost() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    let pairs = submit(&page.body, None);
    let m = answer_row(&pairs, 0, "employees");
    let value = format!("case-0-answer-{m}-value");

    let refused = press(&mut staff, EDIT, &page, "save", |pairs| {
        set(pairs, "title", "日置市の制度（直した名前）");
        set(pairs, &value, "十数人");
    })
    .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("入力内容に1件の誤りがある"));
    let beside = text_of(&refused, &format!("#f-{value}-error"));
    assert!(
        beside.contains("常時使用する従業員数（employees）") && beside.contains("十数人"),
        "{beside}"
    );
    let kept = submit(&refused.body, None);
    let kept_value = |name: &str| {
        kept.iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    assert_eq!(kept_value(&value), "十数人");
    assert_eq!(kept_value("title"), "日置市の制度（直した名前）");
    assert_eq!(kept_value("case-3-name"), "鹿児島市の事業者は対象外");
    assert!(
        results(&refused).iter().any(|(name, result)| name
            == "日置市の小売店の個人事業主は条件付きで対象"
            && result.contains("入力に誤りがあるため判定していません")),
        "{:?}",
        results(&refused)
    );
    assert!(console.app.store.draft(&id()).await.unwrap().is_none());

    // Typed the Japanese way, the answer is read and saved.
    let saved = press(&mut staff, EDIT, &refused, "save", |pairs| {
        set(pairs, &value, "3人");
    })
    .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    assert_eq!(draft.program.title.as_str(), "日置市の制度（直した名前）");
    let profile = Profile::from_map(&draft.program.test_cases[0].profile).unwrap();
    assert_eq!(profile.employees, Answer::Known(3));
    assert_eq!(draft.program.test_cases.len(), demo().test_cases.len());
}

#[tokio::test]
async fn staff_add_and_remove_test_profiles_and_the_tests_run_what_was_typed() {
    let console = console().await;
    let mut staff = signed_in(&console, "tanaka", Role::Staff).await;
    let page = staff.get(EDIT).await;
    assert_eq!(results(&page).len(), 4);

    let page = press(&mut staff, EDIT, &page, "case-add", |_| {}).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(r#"id="f-case-4-name""#),
        "a fifth profile to fill in"
    );
    assert_eq!(results(&page).len(), 4, "a blank profile is not run");
    let page = press(&mut staff, EDIT, &page, "case-answer-add:4", |pairs| {
        set(pairs, "case-4-name", "日置市の法人で滞納なし");
        set(pairs, "case-4-expect", "eligible");
        set(pairs, "case-4-answer-0-field", "municipality");
        set(pairs, "case-4-answer-0-value", "日置市");
    })
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = press(&mut staff, EDIT, &page, "check", |pairs| {
        set(pairs, "case-4-answer-1-field", "tax_arrears");
        set(pairs, "case-4-answer-1-value", "いいえ");
    })
    .await;
    // The draft's rule has a manual check: the new profile is only 条件付きで対象.
    let new_result = results(&page)
        .into_iter()
        .find(|(name, _)| name == "日置市の法人で滞納なし")
        .unwrap();
    assert!(
        new_result
            .1
            .contains("✗ 期待と違います：「条件付きで対象」になりました。"),
        "{new_result:?}"
    );

    let page = press(&mut staff, EDIT, &page, "case-remove:1", |pairs| {
        set(pairs, "case-4-expect", "conditional");
    })
    .await;
    let shown = results(&page);
    assert_eq!(
        shown.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
        [
            "日置市の小売店の個人事業主は条件付きで対象",
            "所在地が分からなければ要確認",
            "鹿児島市の事業者は対象外",
            "日置市の法人で滞納なし"
        ]
    );
    assert!(page.body.contains("4件中4件が期待どおりです。"));

    let saved = press(&mut staff, EDIT, &page, "save", |_| {}).await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let draft = console.app.store.draft(&id()).await.unwrap().unwrap();
    let cases = &draft.program.test_cases;
    let original = demo().test_cases;
    assert_eq!(cases.len(), 4);
    assert_eq!(cases[0], original[0]);
    assert_eq!(cases[1], original[2]);
    assert_eq!(cases[2], original[3]);
    assert_eq!(cases[3].name, "日置市の法人で滞納なし");
    assert_eq!(cases[3].expect, Verdict::Conditional);
    assert_eq!(cases[3].as_of, None);
    assert_eq!(
        serde_json::Value::Object(cases[3].profile.clone()),
        serde_json::json!({"municipality": "462161", "tax_arrears": "いいえ"})
    );
}

#[tokio::test]
async fn the_program_list_pages_by_id_and_a_page_past_the_end_shows_the_last() {
    let programs: Vec<Program> = CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect();
    assert!(programs.len() > 50 && programs.len() <= 100);
    let mut ids: Vec<String> = programs.iter().map(|p| p.id.to_string()).collect();
    ids.sort();
    let console = Console::new(&programs).await;
    let mut viewer = signed_in(&console, "viewer", Role::Viewer).await;
    let listed = |page: &Page| -> Vec<String> {
        let doc = scraper::Html::parse_document(&page.body);
        let code = scraper::Selector::parse("table.console-table td code").unwrap();
        doc.select(&code).map(|c| c.text().collect()).collect()
    };

    let first = viewer.get("/console/programs").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(listed(&first), ids[..50]);
    assert!(
        first
            .body
            .contains(&format!("{}件（1／2ページ）", ids.len()))
    );
    let past = viewer.get("/console/programs?page=99").await;
    assert_eq!(listed(&past), ids[50..]);
    assert!(
        past.body
            .contains(&format!("{}件（2／2ページ）", ids.len()))
    );
    assert!(past.body.contains("前のページ"));

    let found = viewer.get("/console/programs?q=HIOKI&show=").await;
    let hioki: Vec<String> = ids
        .iter()
        .filter(|id| id.contains("hioki"))
        .cloned()
        .collect();
    assert!(!hioki.is_empty());
    assert_eq!(listed(&found), hioki);
}

#[tokio::test]
async fn a_list_longer_than_it_counts_says_so_and_still_pages_to_its_end() {
    let counted = usize::try_from(madoguchi_store::ENTRIES_COUNTED_UP_TO).unwrap();
    let programs: Vec<Program> = (0..counted + 60)
        .map(madoguchi_store::testing::synthetic_program)
        .collect();
    let mut ids: Vec<String> = programs.iter().map(|p| p.id.to_string()).collect();
    ids.sort();
    let console = Console::new(&programs).await;
    let mut viewer = signed_in(&console, "viewer", Role::Viewer).await;
    let listed = |page: &Page| -> Vec<String> {
        let doc = scraper::Html::parse_document(&page.body);
        let code = scraper::Selector::parse("table.console-table td code").unwrap();
        doc.select(&code).map(|c| c.text().collect()).collect()
    };
    let next_link = |page: &Page| page.body.contains("次のページ");

    let first = viewer.get("/console/programs").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(listed(&first), ids[..50]);
    assert!(
        first
            .body
            .contains(&format!("{counted}件以上（1ページ目）"))
    );
    assert!(next_link(&first));

    // Past the pages counted, the pages go on to the last entry.
    let beyond = counted / 50 + 1;
    let page = viewer
        .get(&format!("/console/programs?page={beyond}"))
        .await;
    assert_eq!(listed(&page), ids[counted..counted + 50]);
    assert!(next_link(&page), "a full page past the count links on");
    let last = viewer
        .get(&format!("/console/programs?page={}", beyond + 1))
        .await;
    assert_eq!(listed(&last), ids[counted + 50..]);
    assert!(!next_link(&last), "the last page links nowhere further");
    assert!(last.body.contains("前のページ"));
}
