//! The controls a value is typed with — text, a select or checkboxes — chosen by the field
//! it is for, with the hint beside it. The rule builder and the test profiles type values
//! the same way.

use madoguchi_core::eligibility::{Fact, Field, InputKind, LargeInvestment, OrgForm};
use madoguchi_core::program::Purpose;

use crate::console::editor::rule_form::{RowKind, is_list_op, list_items};

/// One option of a select, a radio or a checkbox.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

impl Choice {
    pub(crate) fn new(value: &str, label: &str, selected: bool) -> Self {
        Self {
            value: value.to_owned(),
            label: label.to_owned(),
            selected,
        }
    }
}

/// The options with a leading 「選んでください」, and the current value kept visible when it
/// is not among them (a misspelt field from an import), so validation can point at it.
pub(crate) fn with_current(mut options: Vec<Choice>, current: &str) -> Vec<Choice> {
    if !current.is_empty() && !options.iter().any(|o| o.selected) {
        options.insert(0, Choice::new(current, current, true));
    }
    options.insert(0, Choice::new("", "選んでください", current.is_empty()));
    options
}

/// How a row's value is typed, the options if it is chosen, and a hint.
pub(super) fn value_control(
    kind: RowKind,
    field: Option<Field>,
    fact: Option<Fact>,
    op: &str,
    value: &str,
) -> (&'static str, Vec<Choice>, &'static str) {
    match kind {
        RowKind::Manual => (
            "textarea",
            Vec::new(),
            "事業者に確認してもらう要件を文章で書いてください。",
        ),
        RowKind::Raw => ("raw", Vec::new(), ""),
        RowKind::All | RowKind::Any => ("none", Vec::new(), ""),
        RowKind::Fact => match fact {
            Some(Fact::YearsSinceFounding) => ("text", Vec::new(), "年数を整数で（例：5）"),
            _ => ("none", Vec::new(), ""),
        },
        RowKind::Condition => {
            field_value_control(field, is_list_op(op) || op.is_empty(), value, &[])
        }
    }
}

/// How a value of `field` is typed (`text`, `select` or `checkboxes`), the options if it is
/// chosen, and a hint. `list`: a choice field takes several values (checkboxes). `more`:
/// options offered besides the field's own in a select (「わからない」 in a test profile).
pub(crate) fn field_value_control(
    field: Option<Field>,
    list: bool,
    value: &str,
    more: &[(&'static str, &'static str)],
) -> (&'static str, Vec<Choice>, &'static str) {
    let chosen: Vec<&str> = list_items(value).collect();
    let options = |all: Vec<(&'static str, &'static str)>| -> Vec<Choice> {
        all.into_iter()
            .chain(more.iter().copied())
            .map(|(code, label)| Choice::new(code, label, chosen.contains(&code)))
            .collect()
    };
    let Some(field) = field else {
        return ("text", Vec::new(), "");
    };
    match field.input_kind() {
        InputKind::Municipality => (
            "text",
            Vec::new(),
            "全国地方公共団体コード又は名称を「、」で区切って（例：460001、鹿児島市）",
        ),
        InputKind::Industry => (
            "text",
            Vec::new(),
            "日本標準産業分類の大分類（例：E）又は中分類（例：24）を「、」で区切って",
        ),
        InputKind::Count => ("text", Vec::new(), "人数を整数で（例：20）"),
        InputKind::Amount if field == Field::MinimumWage => {
            ("text", Vec::new(), "時間給の金額（例：1100円）")
        }
        InputKind::Amount => ("text", Vec::new(), "金額（例：5000万円、3億円）"),
        InputKind::Date => ("text", Vec::new(), "日付（例：2020-04-01、令和2年4月1日）"),
        InputKind::YesNo => (
            "select",
            with_current(options(vec![("true", "はい"), ("false", "いいえ")]), value),
            "",
        ),
        InputKind::SingleChoice | InputKind::MultipleChoice => {
            let all: Vec<(&'static str, &'static str)> = match field {
                Field::OrgForm => OrgForm::ALL.iter().map(|v| (v.code(), v.label())).collect(),
                Field::LargeInvestment => LargeInvestment::ALL
                    .iter()
                    .map(|v| (v.code(), v.label()))
                    .collect(),
                _ => Purpose::ALL.iter().map(|v| (v.code(), v.label())).collect(),
            };
            if list {
                let boxes = all
                    .into_iter()
                    .map(|(code, label)| Choice::new(code, label, chosen.contains(&code)))
                    .collect();
                (
                    "checkboxes",
                    boxes,
                    "当てはまるものをすべて選んでください。",
                )
            } else {
                ("select", with_current(options(all), value), "")
            }
        }
    }
}
