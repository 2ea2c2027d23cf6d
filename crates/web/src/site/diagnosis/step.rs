//! One wizard step as a plain form: the question, its control, the answer so far, and the
//! checks an answer passes before it is kept.
//!
//! Every control is a standard form element (text, select, radio, checkbox), so a step works
//! without JavaScript and with a keyboard or a screen reader; amounts and dates are typed the
//! Japanese way (「1000万円」「平成31年4月1日」) and read by the core's parsers.

use madoguchi_core::eligibility::{AnswerState, Field, Founding, InputKind, Profile, ProfileError};
use madoguchi_core::reference::{LocalGov, NameLookup, find_local_gov, jsic};
use serde_json::Value;

use crate::api::industries::IndustryAnswer;

/// The longest answer a text box takes; anything longer is a mistake or an attack.
const MAX_ANSWER_CHARS: usize = 200;

/// One option of a choice.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

/// Options under one heading (JSIC majors in the industry list).
#[derive(Debug, Clone)]
pub struct ChoiceGroup {
    pub label: String,
    pub options: Vec<Choice>,
}

/// Everything the step template shows.
#[derive(Debug, Clone)]
pub struct StepView {
    pub step: usize,
    pub answered: usize,
    pub field_count: usize,
    pub code: &'static str,
    pub label: &'static str,
    pub question: &'static str,
    pub help: &'static str,
    /// `text`, `select`, `radio` or `checkbox`.
    pub control: &'static str,
    /// `numeric` for counts, so phones show digits.
    pub inputmode: &'static str,
    pub example: &'static str,
    pub text: String,
    pub options: Vec<Choice>,
    pub groups: Vec<ChoiceGroup>,
    pub error: Option<String>,
    pub notice: Option<String>,
    /// 「前回は「わからない」と回答しました。」
    pub previous: Option<String>,
    pub csrf: String,
    pub can_go_back: bool,
    /// The industry step only: what the visitor typed to find their industry in their own
    /// words, and what the finder made of it.
    pub describe: String,
    pub finder: Option<IndustryAnswer>,
}

/// Why an answer was not kept, with what to show again.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub message: String,
    /// Places sharing the typed name, offered as choices.
    pub candidates: Vec<&'static LocalGov>,
}

impl StepView {
    /// The step for `field`, filled with the profile's answer.
    pub fn new(field: Field, step: usize, profile: &Profile, csrf: &str) -> Self {
        let question = field.to_question();
        let (control, inputmode, example) = match question.input {
            InputKind::Municipality => ("text", "text", "例：日置市、鹿児島県日置市"),
            InputKind::Industry => ("select", "text", ""),
            InputKind::SingleChoice | InputKind::YesNo => ("radio", "text", ""),
            InputKind::MultipleChoice => ("checkbox", "text", ""),
            InputKind::Count => ("text", "numeric", "例：12"),
            InputKind::Amount => ("text", "text", "例：1000万円、3億円"),
            InputKind::Date => ("text", "text", "例：2019-04-01、平成31年4月1日、創業予定"),
        };
        let selected = selected_codes(profile, field);
        let options = question
            .options
            .iter()
            .map(|o| Choice {
                value: o.code.to_owned(),
                label: o.label.to_owned(),
                checked: selected.iter().any(|s| s == o.code),
            })
            .collect();
        let groups = if question.input == InputKind::Industry {
            industry_groups(selected.first().map(String::as_str))
        } else {
            Vec::new()
        };
        let previous = (profile.state(field) == AnswerState::DontKnow)
            .then(|| "前回は「わからない」と回答しました。".to_owned());
        Self {
            step,
            answered: Field::ALL
                .iter()
                .filter(|&&f| profile.state(f) != AnswerState::Unanswered)
                .count(),
            field_count: Field::COUNT,
            code: field.code(),
            label: question.label,
            question: question.question,
            help: question.help,
            control,
            inputmode,
            example,
            text: typed_form(profile, field),
            options,
            groups,
            error: None,
            notice: None,
            previous,
            csrf: csrf.to_owned(),
            can_go_back: step > 1,
            describe: String::new(),
            finder: None,
        }
    }

    /// The industry step with what the finder proposes for `describe`, as choices above the
    /// full list (which stays, for a visitor whose business the finder misses).
    pub fn with_industry_search(mut self, describe: &str) -> Self {
        self.describe = describe.chars().take(MAX_ANSWER_CHARS).collect();
        self.finder = Some(IndustryAnswer::find(describe));
        self
    }

    /// Shows a rejected answer again, as typed, with the reason beside it.
    pub fn rejected(mut self, typed: &[&str], rejected: Rejected) -> Self {
        if self.control == "text" {
            self.text = typed.first().copied().unwrap_or_default().to_owned();
        } else {
            for choice in self
                .options
                .iter_mut()
                .chain(self.groups.iter_mut().flat_map(|g| g.options.iter_mut()))
            {
                choice.checked = typed.contains(&choice.value.as_str());
            }
        }
        if !rejected.candidates.is_empty() {
            self.control = "radio";
            self.options = rejected
                .candidates
                .iter()
                .map(|g| Choice {
                    value: g.code.to_string(),
                    label: g.full_name(),
                    checked: false,
                })
                .collect();
        }
        self.error = Some(rejected.message);
        self
    }
}

/// Keeps an answer in the profile, or says what to fix. Nothing changes on failure.
pub fn apply(profile: &mut Profile, field: Field, values: &[&str]) -> Result<(), Rejected> {
    let plain = |message: String| Rejected {
        message,
        candidates: Vec::new(),
    };
    let values: Vec<&str> = values
        .iter()
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .collect();
    if values.is_empty() {
        return Err(plain(
            "回答を入力するか選んでください。わからない場合は「わからない」を押してください。"
                .to_owned(),
        ));
    }
    if values.iter().any(|v| v.chars().count() > MAX_ANSWER_CHARS) {
        return Err(plain(format!(
            "回答が長すぎます。{MAX_ANSWER_CHARS}文字以内で入力してください。"
        )));
    }
    // The form shows the message beside the question, so the field's name and code (which
    // the API needs) are left out.
    let shown = |e: ProfileError| match e {
        ProfileError::InvalidAnswer { problem, .. } => plain(problem.to_string()),
        other => plain(other.to_string()),
    };
    match field.input_kind() {
        InputKind::MultipleChoice => {
            let list = values.iter().map(|v| Value::String((*v).to_owned()));
            profile
                .set(field, &Value::Array(list.collect()))
                .map_err(shown)
        }
        InputKind::Municipality => {
            let code = municipality_code(values[0])?;
            profile.set_text(field, &code).map_err(shown)
        }
        _ => profile.set_text(field, values[0]).map_err(shown),
    }
}

/// A code, or a place name resolved to one; a shared name offers its places.
fn municipality_code(typed: &str) -> Result<String, Rejected> {
    if typed.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(typed.to_owned());
    }
    match find_local_gov(typed) {
        NameLookup::Found(gov) => Ok(gov.code.to_string()),
        NameLookup::Ambiguous(candidates) => Err(Rejected {
            message: format!("「{typed}」は複数あります。当てはまるものを選んでください。"),
            candidates,
        }),
        NameLookup::NotFound => Err(Rejected {
            message: format!(
                "「{typed}」という市区町村が見つかりません。「日置市」や「鹿児島県日置市」のように入力してください。"
            ),
            candidates: Vec::new(),
        }),
    }
}

/// The codes of a choice answer, as the form's option values.
fn selected_codes(profile: &Profile, field: Field) -> Vec<String> {
    if profile.state(field) != AnswerState::Known {
        return Vec::new();
    }
    match profile.to_value().get(field.code()) {
        Some(Value::String(code)) => vec![code.clone()],
        Some(Value::Bool(b)) => vec![if *b { "yes" } else { "no" }.to_owned()],
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

/// The answer as the visitor would type it again, so that re-sending the form keeps it.
fn typed_form(profile: &Profile, field: Field) -> String {
    if profile.state(field) != AnswerState::Known {
        return String::new();
    }
    match field {
        Field::Employees => profile
            .employees
            .known()
            .map(u32::to_string)
            .unwrap_or_default(),
        Field::Founded => match profile.founded.known() {
            Some(Founding::On(date)) => date.to_string(),
            Some(Founding::Planned) => "創業予定".to_owned(),
            None => String::new(),
        },
        _ => profile.shown(field).unwrap_or_default(),
    }
}

fn industry_groups(selected: Option<&str>) -> Vec<ChoiceGroup> {
    let choice = |value: String, label: String| Choice {
        checked: selected == Some(value.as_str()),
        value,
        label,
    };
    jsic::majors()
        .iter()
        .map(|major| {
            let mut options = vec![choice(
                major.letter.to_string(),
                format!("{}（中分類を選ばない）", major.name),
            )];
            options.extend(
                jsic::middles_of(major.letter)
                    .map(|m| choice(format!("{:02}", m.code), m.name.to_owned())),
            );
            ChoiceGroup {
                label: format!("{} {}", major.letter, major.name),
                options,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_name_is_kept_as_its_code_and_a_shared_name_offers_choices() {
        let mut profile = Profile::default();
        apply(&mut profile, Field::Municipality, &["日置市"]).unwrap();
        assert_eq!(
            profile.to_value()["municipality"],
            Value::String("462161".to_owned())
        );
        let err = apply(&mut profile, Field::Municipality, &["府中市"]).unwrap_err();
        assert!(err.candidates.len() >= 2);
        assert!(err.message.contains("府中市"));
        // The rejected answer left the earlier one alone.
        assert_eq!(
            profile.to_value()["municipality"],
            Value::String("462161".to_owned())
        );
    }

    #[test]
    fn japanese_amounts_and_counts_are_understood_and_shown_back_the_same_way() {
        let mut profile = Profile::default();
        apply(&mut profile, Field::Capital, &["１，０００万円"]).unwrap();
        apply(&mut profile, Field::Employees, &["12人"]).unwrap();
        let view = StepView::new(Field::Capital, 1, &profile, "t");
        let mut again = Profile::default();
        apply(&mut again, Field::Capital, &[view.text.as_str()]).unwrap();
        assert_eq!(again.capital, profile.capital);
        assert_eq!(StepView::new(Field::Employees, 1, &profile, "t").text, "12");
    }

    #[test]
    fn empty_long_and_wrong_answers_are_refused_with_a_reason() {
        let mut profile = Profile::default();
        for bad in [vec![""], vec!["あ".repeat(300).as_str()], vec!["たくさん"]] {
            let err = apply(&mut profile, Field::Employees, &bad).unwrap_err();
            assert!(!err.message.is_empty());
            assert!(!err.message.contains("employees"), "{}", err.message);
        }
        assert_eq!(profile, Profile::default());
    }

    #[test]
    fn checkboxes_keep_every_choice_and_refuse_unknown_codes() {
        let mut profile = Profile::default();
        apply(
            &mut profile,
            Field::Purposes,
            &["equipment_it", "employment"],
        )
        .unwrap();
        let view = StepView::new(Field::Purposes, 1, &profile, "t");
        let checked: Vec<&str> = view
            .options
            .iter()
            .filter(|c| c.checked)
            .map(|c| c.value.as_str())
            .collect();
        assert_eq!(checked, ["equipment_it", "employment"]);
        assert!(apply(&mut profile, Field::Purposes, &["<script>"]).is_err());
    }
}
