//! Values typed the Japanese way (「5,000万円」, 「はい」, a municipality by name) as the JSON a
//! rule keeps, and back as the form shows them. Conditions and the answers of test profiles
//! share these, so both are typed the same way.

use madoguchi_core::eligibility::{Field, InputKind, LargeInvestment, Op, OrgForm};
use madoguchi_core::program::Purpose;
use madoguchi_core::reference::{LocalGovCode, NameLookup, find_local_gov};
use serde_json::Value;

/// Whether a comparison takes a list of values.
pub fn is_list_op(op: &str) -> bool {
    matches!(
        Op::parse(op),
        Ok(Op::In | Op::NotIn | Op::Within | Op::IndustryIn | Op::Contains)
    )
}

/// The items of a typed list: separated by commas, 「、」, spaces or lines.
pub fn list_items(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', '、', '，', ' ', '\u{3000}', '\n', '\r', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// A typed value as the JSON a rule keeps.
pub(super) fn value_json(field: Option<Field>, op: &str, text: &str) -> Value {
    typed_value(field, is_list_op(op), text)
}

/// A value typed for `field` the Japanese way (「5,000万円」, 「はい」, a municipality by
/// name) as JSON the engine reads: a list when `list`. Shared by conditions and the answers
/// of test profiles, so both are typed the same way.
pub fn typed_value(field: Option<Field>, list: bool, text: &str) -> Value {
    if list {
        Value::Array(list_items(text).map(|s| item_json(field, s)).collect())
    } else {
        item_json(field, text.trim())
    }
}

fn item_json(field: Option<Field>, text: &str) -> Value {
    match field.map(Field::input_kind) {
        Some(InputKind::Count | InputKind::Amount) => number_or_text(text),
        Some(InputKind::YesNo) => match text {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            other => Value::String(other.to_owned()),
        },
        // A municipality may be typed by name (「鹿児島市」): the code is kept.
        Some(InputKind::Municipality) if LocalGovCode::parse(text).is_err() => {
            match find_local_gov(text) {
                NameLookup::Found(gov) => Value::String(gov.code.to_string()),
                _ => Value::String(text.to_owned()),
            }
        }
        _ => Value::String(text.to_owned()),
    }
}

/// Plain digits as a number (so 20 stays 20), anything else as typed (「1000万円」).
pub(super) fn number_or_text(text: &str) -> Value {
    match text.parse::<u64>() {
        Ok(n) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => Value::from(n),
        _ => Value::String(text.to_owned()),
    }
}

/// A rule's value (or a test profile's answer) as the form shows it, labels and yes/no
/// turned into the codes the form's controls use.
pub fn value_text(field: Option<Field>, value: &Value) -> String {
    match value {
        Value::Array(items) => items
            .iter()
            .flat_map(|v| list_item_texts(field, v))
            .collect::<Vec<_>>()
            .join(", "),
        single => item_text(field, single),
    }
}

/// One item of a list as the form's checkboxes show it: a group of legal forms (`company`,
/// `cooperative`) is one checkbox per member, since the boxes list forms only.
fn list_item_texts(field: Option<Field>, value: &Value) -> Vec<String> {
    let group = match (field, value) {
        (Some(Field::OrgForm), Value::String(s)) => OrgForm::parse_group(s),
        _ => None,
    };
    match group {
        Some(members) => members.iter().map(|m| m.code().to_owned()).collect(),
        None => vec![item_text(field, value)],
    }
}

fn item_text(field: Option<Field>, value: &Value) -> String {
    let raw = match value {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    };
    let code = |parsed: Option<&'static str>| parsed.map_or_else(|| raw.clone(), str::to_owned);
    match field {
        Some(Field::OrgForm) => code(OrgForm::parse(&raw).ok().map(OrgForm::code)),
        Some(Field::LargeInvestment) => {
            code(LargeInvestment::parse(&raw).ok().map(LargeInvestment::code))
        }
        Some(Field::Purposes) => code(Purpose::parse(&raw).ok().map(Purpose::code)),
        Some(f) if f.input_kind() == InputKind::YesNo => match raw.as_str() {
            "true" | "はい" | "yes" => "true".to_owned(),
            "false" | "いいえ" | "no" => "false".to_owned(),
            _ => raw,
        },
        _ => raw,
    }
}
