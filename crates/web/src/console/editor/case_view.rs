//! The program's test profiles as the editor page shows them: each one's controls with its
//! problems in Japanese beside them, and how the draft — the rule as the rows make it, the
//! profiles as typed — judges each one (`run_every_case`).
//!
//! Everything is worked out here so the template only places text.

use madoguchi_core::eligibility::{CaseOutcome, Field, InputKind, Verdict, run_every_case};
use madoguchi_core::program::Program;
use time::Date;

use super::case_form::{CASES_CONTROL, CaseRow, answer_control, case_control, read_each};
use super::page::FieldView;
use super::program_form::FieldErrors;
use super::rule_view::{Choice, field_value_control, with_current};

/// How one test profile came out, for the results table.
#[derive(Debug, Clone)]
pub struct CaseLine {
    pub name: String,
    pub expect: &'static str,
    pub passed: bool,
    pub detail: String,
}

/// One answer row: the field's select and the value's control, in that order.
#[derive(Debug, Clone)]
pub struct AnswerItem {
    pub m: usize,
    pub fields: Vec<FieldView>,
}

/// One test profile's controls.
#[derive(Debug, Clone)]
pub struct CaseItem {
    pub n: usize,
    /// 「テスト用の事業者2」.
    pub title: String,
    /// The name, the expected verdict and the day to judge on.
    pub fields: Vec<FieldView>,
    pub answers: Vec<AnswerItem>,
    pub invalid: bool,
}

/// Everything the test profiles part of the editor shows.
#[derive(Debug, Clone, Default)]
pub struct CasePanel {
    pub items: Vec<CaseItem>,
    pub results: Vec<CaseLine>,
    pub passed: usize,
    /// Why no profile was judged, when the rule does not compile.
    pub rule_broken_note: Option<String>,
    /// A refusal about the whole list (too many profiles).
    pub problem: Option<String>,
}

/// What a profile whose answers cannot be read shows in the results.
const UNREAD: &str =
    "入力に誤りがあるため判定していません。下のテスト用の事業者の欄を確かめてください。";

impl CasePanel {
    /// The panel for the profiles as typed (`rows`), judged by `draft`'s rule on `today`
    /// (or each profile's own day).
    pub fn new(rows: &[CaseRow], draft: &Program, today: Date) -> Self {
        let mut errors = FieldErrors::default();
        let read = read_each(rows, &mut errors);
        let mut judged = draft.clone();
        judged.test_cases = read.iter().flatten().cloned().collect();
        let run = run_every_case(&judged, today);
        let mut outcomes = run.cases.iter();
        let mut results = Vec::new();
        if run.invalid_rule.is_none() {
            for (row, case) in rows.iter().zip(&read) {
                if row.is_blank() {
                    continue;
                }
                let line = match case {
                    Some(_) => outcomes.next().map(|c| {
                        let (passed, detail) = outcome_text(c.expect, &c.outcome);
                        CaseLine {
                            name: c.name.clone(),
                            expect: c.expect.label(),
                            passed,
                            detail,
                        }
                    }),
                    None => Some(CaseLine {
                        name: row.name.clone(),
                        expect: Verdict::parse(&row.expect).map_or("", Verdict::label),
                        passed: false,
                        detail: UNREAD.to_owned(),
                    }),
                };
                results.extend(line);
            }
        }
        Self {
            items: items(rows, &errors),
            passed: run.passed(),
            results,
            rule_broken_note: run
                .invalid_rule
                .map(|_| "条件に誤りがあるため、テスト用の事業者を判定できません。".to_owned()),
            problem: errors.get(CASES_CONTROL).map(str::to_owned),
        }
    }
}

impl CasePanel {
    /// The profiles as typed, not judged: for a page shown to someone not signed in, who
    /// must keep what they typed but is owed no work of the engine.
    pub fn unjudged(rows: &[CaseRow]) -> Self {
        let mut errors = FieldErrors::default();
        read_each(rows, &mut errors);
        Self {
            items: items(rows, &errors),
            problem: errors.get(CASES_CONTROL).map(str::to_owned),
            ..Self::default()
        }
    }
}

/// Whether a judged profile got its verdict, and what happened, in words.
fn outcome_text(expect: Verdict, outcome: &CaseOutcome) -> (bool, String) {
    match outcome {
        CaseOutcome::Passed => (true, format!("{}になりました。", expect.label())),
        CaseOutcome::WrongVerdict { actual, missing } => {
            let mut detail = format!("「{}」になりました。", actual.label());
            if !missing.is_empty() {
                let labels: Vec<&str> = missing.iter().map(|f| f.label()).collect();
                detail.push_str(&format!("（足りない回答：{}）", labels.join("、")));
            }
            (false, detail)
        }
        CaseOutcome::InvalidProfile { message } => {
            (false, format!("回答に誤りがあります。{message}"))
        }
    }
}

fn items(rows: &[CaseRow], errors: &FieldErrors) -> Vec<CaseItem> {
    rows.iter()
        .enumerate()
        .map(|(n, row)| item(n, row, errors))
        .collect()
}

fn item(n: usize, row: &CaseRow, errors: &FieldErrors) -> CaseItem {
    let verdicts = Verdict::ALL
        .iter()
        .map(|v| Choice::new(v.code(), v.label(), v.code() == row.expect))
        .collect();
    let mut fields = vec![
        FieldView::new(&case_control(n, "name"), "事業者の名前", "text", &row.name)
            .hint("どんな事業者かが分かる名前（例：従業員12人の製造業）"),
        FieldView::new(
            &case_control(n, "expect"),
            "期待する判定",
            "select",
            &row.expect,
        )
        .options(with_current(verdicts, &row.expect)),
        FieldView::new(&case_control(n, "as-of"), "判定する日", "text", &row.as_of)
            .hint("創業からの年数などを数える日（例：2026-11-23）。空欄ならテストを行う日です。"),
    ];
    let mut answers: Vec<AnswerItem> = row
        .answers
        .iter()
        .enumerate()
        .map(|(m, answer)| {
            let field = answer.field();
            let subjects = Field::ALL
                .iter()
                .map(|f| Choice::new(f.code(), f.label(), f.code() == answer.field))
                .collect();
            let list = field.is_some_and(|f| f.input_kind() == InputKind::MultipleChoice);
            let (control, choices, hint) =
                field_value_control(field, list, &answer.value, &[("わからない", "わからない")]);
            AnswerItem {
                m,
                fields: vec![
                    FieldView::new(&answer_control(n, m, "field"), "項目", "select", "")
                        .options(with_current(subjects, &answer.field)),
                    FieldView::new(&answer_control(n, m, "value"), "値", control, &answer.value)
                        .options(choices)
                        .hint(hint),
                ],
            }
        })
        .collect();
    let mut invalid = false;
    let controls = fields
        .iter_mut()
        .chain(answers.iter_mut().flat_map(|a| a.fields.iter_mut()));
    for control in controls {
        control.error = errors.get(&control.name).map(str::to_owned);
        invalid |= control.error.is_some();
    }
    CaseItem {
        n,
        title: format!("テスト用の事業者{}", n + 1),
        fields,
        answers,
        invalid,
    }
}
