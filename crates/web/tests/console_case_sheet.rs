//! The application sheet from a consultation case, as staff open it at the counter: filed from
//! a real diagnosis through the public form, then read back from the case's attached answers.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

mod common;
mod console_support;

use axum::http::StatusCode;
use madoguchi_store::Role;

use common::demo_catalogue;
use console_support::Console;

#[tokio::test]
async fn staff_open_the_sheet_of_a_case_filed_from_a_diagnosis_and_print_it() {
    let console = Console::new(&demo_catalogue()).await;
    let mut visitor = console.browser();
    let mut csrf = visitor
        .get("/diagnosis?field=municipality")
        .await
        .hidden("_csrf")
        .unwrap();
    for (step, (field, value)) in [("municipality", "日置市"), ("org_form", "sole_proprietor")]
        .into_iter()
        .enumerate()
    {
        let step = (step + 1).to_string();
        let answered = visitor
            .post(
                "/diagnosis/answer",
                &[
                    ("field", field),
                    ("step", &step),
                    ("value", value),
                    ("action", "next"),
                    ("_csrf", &csrf),
                ],
            )
            .await;
        assert_eq!(answered.status, StatusCode::SEE_OTHER, "{}", answered.body);
        csrf = visitor
            .get("/diagnosis/results")
            .await
            .hidden("_csrf")
            .unwrap();
    }
    let form = visitor.get("/consult?from=diagnosis").await;
    let first = form.body.find("name=\"program\" value=\"").unwrap() + 22;
    let program = form.body[first..first + form.body[first..].find('"').unwrap()].to_owned();
    let sent = vec![
        ("requester", "business"),
        ("organisation", "（例）日置金属株式会社"),
        ("name", "（例）日置 太郎"),
        ("email", "taro@example.jp"),
        ("category", "workstyle"),
        ("message", "補助金の申請について相談したいです。"),
        ("method", "visit"),
        ("consent", "yes"),
        ("from", "diagnosis"),
        ("attach_answers", "yes"),
        ("program", program.as_str()),
    ];
    let filed = visitor.post("/consult", &sent).await;
    assert_eq!(filed.status, StatusCode::SEE_OTHER, "{}", filed.body);
    let id = console
        .app
        .store
        .cases(&madoguchi_store::CaseQuery {
            per_page: 1,
            ..Default::default()
        })
        .await
        .unwrap()
        .cases[0]
        .id;

    let staff = console.account("madoguchi", Role::Staff).await;
    let mut browser = console.signed_in(&staff).await;
    let case = browser.get(&format!("/console/desk/{id}")).await;
    assert!(
        case.body.contains(&format!("/console/desk/{id}/sheet")),
        "{}",
        case.body
    );
    let sheet = browser.get(&format!("/console/desk/{id}/sheet")).await;
    assert_eq!(sheet.status, StatusCode::OK);
    for expected in [
        "申請・相談シート",
        "鹿児島県日置市",
        "個人事業主",
        "結果のページで選んだ制度を載せています。",
        "まだわからないこと・確認先",
        "窓口で印刷してお渡しください",
    ] {
        assert!(
            sheet.body.contains(expected),
            "{expected} missing in {}",
            sheet.body
        );
    }
    assert!(
        sheet.body.contains(&format!("/programs/{program}"))
            || sheet.body.contains("sheet-program")
    );
    let pdf = browser.get(&format!("/console/desk/{id}/sheet.pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.body.starts_with("%PDF-"));
}
