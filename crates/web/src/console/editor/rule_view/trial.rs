//! The trial of an example business typed in on the spot: its answers read as a profile and
//! the draft rule's verdict on it, condition by condition.

use madoguchi_core::eligibility::{ConditionStatus, ConditionView, Field, InputKind, Profile};

use crate::console::editor::rule_form::list_items;
use crate::http::form::FormData;

/// One field of the trial profile.
#[derive(Debug, Clone)]
pub struct TrialField {
    pub code: &'static str,
    pub label: &'static str,
    pub value: String,
    pub hint: &'static str,
    pub problem: Option<String>,
}

/// A trial's outcome.
#[derive(Debug, Clone)]
pub struct TrialOutcome {
    pub verdict: &'static str,
    pub lines: Vec<TrialLine>,
    pub missing: Vec<&'static str>,
}

#[derive(Debug, Clone)]
pub struct TrialLine {
    pub depth: usize,
    pub mark: &'static str,
    pub text: String,
    pub status: &'static str,
    pub answer: Option<String>,
}

pub(super) fn trial_line(c: &ConditionView) -> TrialLine {
    let mark = match c.status {
        ConditionStatus::Met => "✓",
        ConditionStatus::NotMet => "✗",
        ConditionStatus::Unknown | ConditionStatus::ToConfirm => "？",
        ConditionStatus::NotNeeded => "－",
    };
    TrialLine {
        depth: c.depth,
        mark,
        text: c.text.clone(),
        status: c.status_label,
        answer: c.answer.clone(),
    }
}

/// The trial form's fields with what was typed, and the profile when every answer reads.
pub(super) fn trial_fields(form: &FormData) -> (Vec<TrialField>, Option<Profile>) {
    let mut profile = Profile::default();
    let mut ok = true;
    let fields = Field::ALL
        .iter()
        .map(|&field| {
            let value = form
                .all(&format!("try-{}", field.code()))
                .into_iter()
                .map(str::trim)
                .filter(|v| !v.is_empty())
                .collect::<Vec<_>>()
                .join("、");
            let set = if field == Field::Purposes && !value.is_empty() {
                let items = list_items(&value)
                    .map(|s| serde_json::Value::String(s.to_owned()))
                    .collect();
                profile.set(field, &serde_json::Value::Array(items))
            } else {
                profile.set_text(field, &value)
            };
            let problem = set.err().map(|e| e.to_string());
            ok &= problem.is_none();
            TrialField {
                code: field.code(),
                label: field.label(),
                value,
                hint: trial_hint(field),
                problem,
            }
        })
        .collect();
    (fields, ok.then_some(profile))
}

fn trial_hint(field: Field) -> &'static str {
    match field.input_kind() {
        InputKind::Municipality => "コード（例：462012）",
        InputKind::Industry => "分類コード（例：24）",
        InputKind::Count => "人数（例：12）",
        InputKind::Amount => "金額（例：1000万円）",
        InputKind::Date => "日付（例：2019-04-01）又は「創業予定」",
        InputKind::YesNo => "「はい」又は「いいえ」",
        InputKind::SingleChoice => "選択肢の名前又はコード",
        InputKind::MultipleChoice => "選択肢の名前又はコードを「、」で区切って",
    }
}
