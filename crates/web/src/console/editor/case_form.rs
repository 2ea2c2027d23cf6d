//! A program's test profiles (`RuleTestCase`) as rows of the editor's form, so that staff
//! add, change and remove them with plain controls, as they build the rule.
//!
//! Each case posts as `case-2-name`, `case-2-expect` (a verdict's code), `case-2-as-of`, and
//! its answers as `case-2-answer-0-field` / `case-2-answer-0-value` (one value per checkbox).
//! Answers are typed as in the rule builder and read by its own reader (`typed_value`:
//! 「5,000万円」, 「はい」, a municipality by name), then checked by the engine's profile
//! reader, whose message is shown beside the answer. Buttons are `case-add`,
//! `case-remove:2`, `case-answer-add:2` and `case-answer-remove:2:0`; each re-renders the
//! page, so nothing needs JavaScript.

use std::collections::HashMap;

use madoguchi_core::eligibility::{Field, InputKind, Profile, ProfileError, RuleTestCase, Verdict};
use serde_json::Map;

use super::program_form::{FieldErrors, date_text, optional, read_date};
use super::rule_form::{typed_value, value_text};
use crate::http::form::FormData;

/// The most test profiles one program may have: far more than any program needs.
pub const MAX_CASES: usize = 100;

/// The most answer rows one profile may have: every field, with room for rows left blank.
pub const MAX_ANSWERS: usize = 40;

/// One answer of a profile as typed: a field code and its value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnswerRow {
    pub field: String,
    /// The value; several chosen checkboxes comma-separated.
    pub value: String,
}

impl AnswerRow {
    fn is_blank(&self) -> bool {
        self.field.trim().is_empty() && self.value.trim().is_empty()
    }

    /// The field the row names, when it names one.
    pub fn field(&self) -> Option<Field> {
        Field::parse(&self.field).ok()
    }
}

/// One test profile as the form holds it: text, exactly as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseRow {
    pub name: String,
    /// The expected verdict's code.
    pub expect: String,
    /// The day to judge on (「2026-11-23」); blank for the day the tests run.
    pub as_of: String,
    pub answers: Vec<AnswerRow>,
}

/// A change asked for by one of the test profiles' buttons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseAction {
    Add,
    Remove(usize),
    AddAnswer(usize),
    RemoveAnswer(usize, usize),
}

impl CaseAction {
    /// Reads a button's value: `case-add`, `case-remove:2`, `case-answer-add:2`,
    /// `case-answer-remove:2:0`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "case-add" {
            return Some(Self::Add);
        }
        let (verb, rest) = raw.split_once(':')?;
        match verb {
            "case-remove" => rest.parse().ok().map(Self::Remove),
            "case-answer-add" => rest.parse().ok().map(Self::AddAnswer),
            "case-answer-remove" => {
                let (case, answer) = rest.split_once(':')?;
                Some(Self::RemoveAnswer(case.parse().ok()?, answer.parse().ok()?))
            }
            _ => None,
        }
    }
}

/// The control names of case `n`'s parts and answers, as the template writes them.
pub fn case_control(n: usize, part: &str) -> String {
    format!("case-{n}-{part}")
}

pub fn answer_control(n: usize, m: usize, part: &str) -> String {
    format!("case-{n}-answer-{m}-{part}")
}

impl CaseRow {
    /// The row of a stored test case, its answers in the order of the questionnaire (names
    /// that are no field last).
    pub fn of(case: &RuleTestCase) -> Self {
        let mut answers: Vec<AnswerRow> = case
            .profile
            .iter()
            .map(|(name, value)| AnswerRow {
                field: name.clone(),
                value: value_text(Field::parse(name).ok(), value),
            })
            .collect();
        answers.sort_by_key(|a| {
            a.field()
                .and_then(|f| Field::ALL.iter().position(|g| *g == f))
                .unwrap_or(Field::ALL.len())
        });
        Self {
            name: case.name.clone(),
            expect: case.expect.code().to_owned(),
            as_of: date_text(case.as_of),
            answers,
        }
    }

    /// A case with nothing typed in it, which saving leaves out (like a blank round).
    pub fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.expect.trim().is_empty()
            && self.as_of.trim().is_empty()
            && self.answers.iter().all(AnswerRow::is_blank)
    }

    /// Every case the form posted, in page order, in one pass over the form.
    pub fn read_all(form: &FormData) -> Vec<Self> {
        let mut rows: Vec<Self> = Vec::new();
        let mut case_index: HashMap<&str, usize> = HashMap::new();
        let mut answer_index: HashMap<(usize, &str), usize> = HashMap::new();
        for (key, value) in form.pairs() {
            let Some((number, part)) = key
                .strip_prefix("case-")
                .and_then(|rest| rest.split_once('-'))
            else {
                continue;
            };
            if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
                continue;
            }
            let n = *case_index.entry(number).or_insert_with(|| {
                rows.push(Self::default());
                rows.len() - 1
            });
            let row = &mut rows[n];
            let value = value.trim();
            match part {
                "name" => row.name = value.to_owned(),
                "expect" => row.expect = value.to_owned(),
                "as-of" => row.as_of = value.to_owned(),
                _ => {
                    let Some((answer, which)) = part
                        .strip_prefix("answer-")
                        .and_then(|rest| rest.split_once('-'))
                    else {
                        continue;
                    };
                    let m = *answer_index.entry((n, answer)).or_insert_with(|| {
                        row.answers.push(AnswerRow::default());
                        row.answers.len() - 1
                    });
                    let slot = &mut row.answers[m];
                    match which {
                        "field" => slot.field = value.to_owned(),
                        "value" if !value.is_empty() => {
                            if !slot.value.is_empty() {
                                slot.value.push_str(", ");
                            }
                            slot.value.push_str(value);
                        }
                        _ => {}
                    }
                }
            }
        }
        rows
    }

    /// The test case the row describes; each refusal goes into `errors` under the name of the
    /// control it belongs to, in Japanese. `n` is the row's place on the page.
    pub fn to_case(&self, n: usize, errors: &mut FieldErrors) -> Option<RuleTestCase> {
        let before = errors.0.len();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add(
                &case_control(n, "name"),
                "テスト用の事業者の名前を入力してください（例：従業員12人の製造業）。",
            );
        }
        let expect = if self.expect.trim().is_empty() {
            errors.add(&case_control(n, "expect"), "期待する判定を選んでください。");
            None
        } else {
            Verdict::parse(&self.expect)
                .map_err(|e| errors.add(&case_control(n, "expect"), e.to_string()))
                .ok()
        };
        let as_of = optional(&self.as_of, read_date)
            .map_err(|e| errors.add(&case_control(n, "as-of"), e.to_string()))
            .ok()
            .flatten();
        let mut profile = Map::new();
        let mut answered = Profile::default();
        let mut seen: Vec<Field> = Vec::new();
        for (m, answer) in self.answers.iter().enumerate() {
            if answer.is_blank() {
                continue;
            }
            let code = answer.field.trim();
            let Some(field) = answer.field() else {
                let message = if code.is_empty() {
                    "項目を選んでください。".to_owned()
                } else {
                    ProfileError::UnknownField {
                        name: code.to_owned(),
                        suggestion: Field::closest(code),
                    }
                    .to_string()
                };
                errors.add(&answer_control(n, m, "field"), message);
                continue;
            };
            let control = answer_control(n, m, "value");
            if seen.contains(&field) {
                errors.add(
                    &control,
                    format!(
                        "「{}」は上の行でも答えています。1行にまとめてください。",
                        field.label()
                    ),
                );
                continue;
            }
            seen.push(field);
            if answer.value.trim().is_empty() {
                errors.add(&control, "値を入力してください。");
                continue;
            }
            let list = field.input_kind() == InputKind::MultipleChoice;
            let value = typed_value(Some(field), list, &answer.value);
            match answered.set(field, &value) {
                Ok(()) => {
                    profile.insert(field.code().to_owned(), value);
                }
                Err(e) => errors.add(&control, e.to_string()),
            }
        }
        if self.answers.len() > MAX_ANSWERS {
            errors.add(&case_control(n, "name"), too_many_answers());
        }
        if errors.0.len() > before {
            return None;
        }
        Some(RuleTestCase {
            name: name.to_owned(),
            profile,
            as_of,
            expect: expect?,
        })
    }

    /// Carries out a button's change on the form's cases; `Err` says in Japanese why not.
    pub fn apply(rows: &mut Vec<Self>, action: CaseAction) -> Result<(), String> {
        match action {
            CaseAction::Add if rows.len() >= MAX_CASES => {
                return Err(too_many_cases());
            }
            CaseAction::Add => rows.push(Self {
                answers: vec![AnswerRow::default()],
                ..Self::default()
            }),
            CaseAction::Remove(n) => {
                if n < rows.len() {
                    rows.remove(n);
                }
            }
            CaseAction::AddAnswer(n) => {
                if let Some(row) = rows.get_mut(n) {
                    if row.answers.len() >= MAX_ANSWERS {
                        return Err(too_many_answers());
                    }
                    row.answers.push(AnswerRow::default());
                }
            }
            CaseAction::RemoveAnswer(n, m) => {
                if let Some(row) = rows.get_mut(n)
                    && m < row.answers.len()
                {
                    row.answers.remove(m);
                }
            }
        }
        Ok(())
    }
}

/// Each row's test case: `None` for a row left blank or refused (its refusals go into
/// `errors`, beside their controls).
pub fn read_each(rows: &[CaseRow], errors: &mut FieldErrors) -> Vec<Option<RuleTestCase>> {
    if rows.len() > MAX_CASES {
        errors.add(CASES_CONTROL, too_many_cases());
    }
    rows.iter()
        .enumerate()
        .map(|(n, row)| {
            if row.is_blank() {
                None
            } else {
                row.to_case(n, errors)
            }
        })
        .collect()
}

/// The test cases of every row not left blank.
pub fn read_cases(rows: &[CaseRow], errors: &mut FieldErrors) -> Vec<RuleTestCase> {
    read_each(rows, errors).into_iter().flatten().collect()
}

/// Where a refusal about the whole list goes.
pub const CASES_CONTROL: &str = "cases";

fn too_many_cases() -> String {
    format!("テスト用の事業者は{MAX_CASES}件までです。不要なものを削除してください。")
}

fn too_many_answers() -> String {
    format!("1件の回答は{MAX_ANSWERS}行までです。空の行を削除してください。")
}

#[cfg(test)]
mod tests;
