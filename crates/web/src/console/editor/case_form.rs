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
mod tests {
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
}
