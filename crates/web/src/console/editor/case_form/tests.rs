use super::*;
use serde_json::json;
use time::macros::date;

fn answer(field: &str, value: &str) -> AnswerRow {
    AnswerRow {
        field: field.to_owned(),
        value: value.to_owned(),
    }
}

#[test]
fn answers_typed_the_japanese_way_become_the_profile_the_engine_reads() {
    let row = CaseRow {
        name: " 鹿児島市の小さな製造業 ".into(),
        expect: "条件付きで対象".into(),
        as_of: "2026-11-23".into(),
        answers: vec![
            answer("capital", "5,000万円"),
            answer("employees", "12"),
            answer("tax_arrears", "いいえ"),
            answer("municipality", "鹿児島市"),
            answer("org_form", "株式会社（特例有限会社を含む）"),
            answer("purposes", "equipment_it, cash_flow"),
            answer("sales", "わからない"),
            AnswerRow::default(),
        ],
    };
    let mut errors = FieldErrors::default();
    let case = row.to_case(0, &mut errors).unwrap();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(case.name, "鹿児島市の小さな製造業");
    assert_eq!(case.expect, Verdict::Conditional);
    assert_eq!(case.as_of, Some(date!(2026 - 11 - 23)));
    assert_eq!(
        serde_json::Value::Object(case.profile.clone()),
        json!({
            "capital": "5,000万円",
            "employees": 12,
            "tax_arrears": "いいえ",
            "municipality": "462012",
            "org_form": "株式会社（特例有限会社を含む）",
            "purposes": ["equipment_it", "cash_flow"],
            "sales": "わからない"
        })
    );
    let profile = Profile::from_map(&case.profile).unwrap();
    assert_eq!(profile.shown(Field::Capital).as_deref(), Some("5,000万円"));
    assert_eq!(profile.shown(Field::TaxArrears).as_deref(), Some("いいえ"));
    assert_eq!(
        profile.shown(Field::Municipality).as_deref(),
        Some("鹿児島県鹿児島市")
    );
}

#[test]
fn each_mistake_is_explained_in_japanese_beside_its_control() {
    let row = CaseRow {
        name: String::new(),
        expect: "たぶん対象".into(),
        as_of: "来年".into(),
        answers: vec![
            answer("employees", "十数人"),
            answer("foundd", "2020-04-01"),
            answer("", "12"),
            answer("capital", ""),
            answer("employees", "3"),
        ],
    };
    let mut errors = FieldErrors::default();
    assert_eq!(row.to_case(2, &mut errors), None);
    let expect = [
        ("case-2-name", "名前を入力してください"),
        ("case-2-expect", "「たぶん対象」"),
        ("case-2-as-of", "日時「来年」を読み取れません"),
        (
            "case-2-answer-0-value",
            "常時使用する従業員数（employees）：",
        ),
        ("case-2-answer-1-field", "もしかして「founded」"),
        ("case-2-answer-2-field", "項目を選んでください。"),
        ("case-2-answer-3-value", "値を入力してください。"),
        ("case-2-answer-4-value", "上の行でも答えています"),
    ];
    errors.assert_each(&expect);
    assert_eq!(errors.0.len(), expect.len(), "{errors:?}");
}

#[test]
fn a_stored_case_shows_as_rows_that_read_back_into_the_same_case() {
    let case: RuleTestCase = serde_json::from_value(json!({
        "name": "創業3年の個人事業主",
        "profile": {"founded": "2023-04-01", "org_form": "sole_proprietor", "tax_arrears": false,
                    "employees": 2, "capital": "1000万円", "purposes": ["equipment_it"]},
        "as_of": "2026-04-01",
        "expect": "eligible"
    }))
    .unwrap();
    let row = CaseRow::of(&case);
    let fields: Vec<&str> = row.answers.iter().map(|a| a.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "org_form",
            "employees",
            "capital",
            "founded",
            "purposes",
            "tax_arrears"
        ],
        "in the questionnaire's order"
    );
    assert_eq!(row.expect, "eligible");
    assert_eq!(row.as_of, "2026-04-01");
    assert!(row.answers.contains(&answer("tax_arrears", "false")));
    let mut errors = FieldErrors::default();
    assert_eq!(row.to_case(0, &mut errors), Some(case));
}

#[test]
fn a_posted_form_reads_back_in_page_order_with_checkboxes_joined() {
    let posted = FormData::of_strs(&[
        ("title", "x"),
        ("case-4-name", "後の事業者"),
        ("case-4-expect", "ineligible"),
        ("case-4-as-of", ""),
        ("case-1-name", "先の事業者"),
        ("case-1-expect", "eligible"),
        ("case-1-answer-0-field", "purposes"),
        ("case-1-answer-0-value", "equipment_it"),
        ("case-1-answer-0-value", "cash_flow"),
        ("case-1-answer-7-field", "employees"),
        ("case-1-answer-7-value", " 5 "),
        ("case-x-name", "読まない"),
    ]);
    let rows = CaseRow::read_all(&posted);
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].name, "後の事業者");
    assert!(rows[0].answers.is_empty());
    assert_eq!(
        rows[1].answers,
        [
            answer("purposes", "equipment_it, cash_flow"),
            answer("employees", "5")
        ]
    );
    let mut errors = FieldErrors::default();
    let cases = read_cases(&rows, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        cases[1].profile["purposes"],
        json!(["equipment_it", "cash_flow"])
    );
    assert_eq!(cases[1].profile["employees"], json!(5));
}

#[test]
fn buttons_add_and_remove_cases_and_answers_and_blank_cases_are_left_out() {
    let mut rows = Vec::new();
    CaseRow::apply(&mut rows, CaseAction::Add).unwrap();
    CaseRow::apply(&mut rows, CaseAction::Add).unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        rows[0].answers.len(),
        1,
        "a new case starts with one answer row"
    );
    CaseRow::apply(&mut rows, CaseAction::AddAnswer(1)).unwrap();
    assert_eq!(rows[1].answers.len(), 2);
    CaseRow::apply(&mut rows, CaseAction::RemoveAnswer(1, 0)).unwrap();
    CaseRow::apply(&mut rows, CaseAction::RemoveAnswer(1, 9)).unwrap();
    CaseRow::apply(&mut rows, CaseAction::AddAnswer(9)).unwrap();
    assert_eq!(rows[1].answers.len(), 1);
    rows[1].name = "残す事業者".into();
    rows[1].expect = "needs_info".into();
    CaseRow::apply(&mut rows, CaseAction::Remove(7)).unwrap();
    assert_eq!(rows.len(), 2);
    let mut errors = FieldErrors::default();
    let cases = read_cases(&rows, &mut errors);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(cases.len(), 1, "the blank case is left out");
    assert_eq!(cases[0].name, "残す事業者");
    CaseRow::apply(&mut rows, CaseAction::Remove(1)).unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].is_blank());

    let mut full = vec![CaseRow::default(); MAX_CASES];
    let refused = CaseRow::apply(&mut full, CaseAction::Add).unwrap_err();
    assert!(refused.contains("100件まで"), "{refused}");
    full.push(CaseRow::default());
    let mut errors = FieldErrors::default();
    read_cases(&full, &mut errors);
    assert!(errors.get(CASES_CONTROL).is_some());
}

#[test]
fn button_values_are_read_strictly() {
    assert_eq!(CaseAction::parse("case-add"), Some(CaseAction::Add));
    assert_eq!(
        CaseAction::parse("case-remove:3"),
        Some(CaseAction::Remove(3))
    );
    assert_eq!(
        CaseAction::parse("case-answer-add:2"),
        Some(CaseAction::AddAnswer(2))
    );
    assert_eq!(
        CaseAction::parse("case-answer-remove:2:5"),
        Some(CaseAction::RemoveAnswer(2, 5))
    );
    for bad in [
        "case-remove:",
        "case-remove:-1",
        "case-answer-remove:2",
        "case-answer-remove:x:1",
        "rule-add:0:all",
    ] {
        assert_eq!(CaseAction::parse(bad), None, "{bad}");
    }
}
