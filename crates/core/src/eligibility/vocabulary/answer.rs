//! Answers as people give them, read into typed values.
//!
//! The same readers serve a profile (what a business typed) and a rule (what staff typed as a
//! threshold), so 「1000万円」 means the same in both and a bad value gets the same Japanese
//! explanation wherever it appears.

use std::collections::BTreeSet;

use serde_json::Value;
use thiserror::Error;
use time::{Date, Month};

use super::org_form::{LargeInvestment, OrgForm};
use crate::calendar::wareki;
use crate::japanese_amount::{JapaneseAmountError, parse_japanese_yen};
use crate::program::{ModelError, Purpose, Yen};
use crate::reference::{JsicCode, LocalGovCode, local_gov};

/// What a business said about one field.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Answer<T> {
    /// Not asked yet, or skipped.
    #[default]
    Unanswered,
    /// 「わからない」: asked, and the person does not know. Evaluated like `Unanswered`,
    /// but the questionnaire does not ask again.
    DontKnow,
    Known(T),
}

impl<T> Answer<T> {
    /// `Known` for `Some`, `Unanswered` for `None`.
    pub fn from_option(value: Option<T>) -> Self {
        value.map_or(Self::Unanswered, Self::Known)
    }

    pub fn known(&self) -> Option<&T> {
        match self {
            Self::Known(v) => Some(v),
            Self::Unanswered | Self::DontKnow => None,
        }
    }

    pub fn is_known(&self) -> bool {
        matches!(self, Self::Known(_))
    }
}

/// When the business was founded, or that it is still to be founded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Founding {
    On(Date),
    /// 創業予定: not yet founded; counts as zero years since founding.
    Planned,
}

/// Why a typed value cannot be an answer (or a rule's threshold) for its field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValueProblem {
    #[error("負の数（{0}）は指定できません。0以上の整数で入力してください。")]
    NegativeCount(String),
    #[error("「{0}」を人数として読み取れません。「12」のように0以上の整数で入力してください。")]
    NotACount(String),
    #[error("{0}")]
    Amount(#[from] JapaneseAmountError),
    #[error(
        "「{0}」を日付として読み取れません。「2019-04-01」や「令和元年5月1日」のように入力するか、これから創業する場合は「創業予定」と答えてください。"
    )]
    NotADate(String),
    #[error("「{0}」は「はい」か「いいえ」（true か false）で答えてください。")]
    NotYesNo(String),
    #[error("{0}")]
    Model(#[from] ModelError),
    #[error(
        "全国地方公共団体コード「{0}」の団体は見つかりません。都道府県又は市区町村のコードを確認してください。"
    )]
    UnknownMunicipality(String),
    #[error("「{0}」は使えません。文字列又は数値で指定してください。")]
    WrongShape(String),
    #[error(
        "組織形態「{code}」は細分化されたため使えなくなりました。{replacements}のいずれかで指定してください。"
    )]
    RetiredOrgForm {
        code: String,
        replacements: &'static str,
    },
}

/// True for the spellings of 「わからない」.
pub(crate) fn is_dont_know(value: &Value) -> bool {
    matches!(value, Value::String(s) if matches!(
        s.trim(),
        "unknown" | "dont_know" | "わからない" | "分からない" | "不明"
    ))
}

/// The value as a person would quote it back in a message.
pub(crate) fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.trim().to_owned(),
        other => other.to_string(),
    }
}

fn text(value: &Value) -> Result<&str, ValueProblem> {
    match value {
        Value::String(s) => Ok(s.trim()),
        other => Err(ValueProblem::WrongShape(other.to_string())),
    }
}

fn fold_digits(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' | '−' => '-',
            c => c,
        })
        .filter(|&c| !matches!(c, ',' | '，' | ' ' | '\u{3000}'))
        .collect()
}

/// A whole number of people: 12, 「12」, 「１２人」.
pub(crate) fn read_count(value: &Value) -> Result<u32, ValueProblem> {
    let raw = shown(value);
    let not_a_count = || ValueProblem::NotACount(raw.clone());
    let folded = match value {
        Value::Number(_) => raw.clone(),
        Value::String(s) => fold_digits(s.trim())
            .trim_end_matches(['人', '名'])
            .to_owned(),
        _ => return Err(not_a_count()),
    };
    if folded.starts_with('-') {
        return Err(ValueProblem::NegativeCount(raw));
    }
    let folded = folded.strip_suffix(".0").unwrap_or(&folded);
    folded.parse().map_err(|_| not_a_count())
}

/// An amount of yen: 12000000, 「1200万円」, 「１，２００万円」.
pub(crate) fn read_amount(value: &Value) -> Result<Yen, ValueProblem> {
    match value {
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(yen), _) => Ok(Yen::from_u64(yen)),
            (None, Some(_)) => Err(JapaneseAmountError::Negative(n.to_string()).into()),
            (None, None) => Ok(parse_japanese_yen(&n.to_string())?),
        },
        Value::String(s) => Ok(parse_japanese_yen(s)?),
        other => Err(ValueProblem::WrongShape(other.to_string())),
    }
}

/// はい／いいえ: true, 「はい」, 「yes」, 「あり」 and their opposites.
pub(crate) fn read_yes_no(value: &Value) -> Result<bool, ValueProblem> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) => match s.trim() {
            "true" | "yes" | "はい" | "あり" | "有" | "ある" => Ok(true),
            "false" | "no" | "いいえ" | "なし" | "無" | "ない" => Ok(false),
            other => Err(ValueProblem::NotYesNo(other.to_owned())),
        },
        other => Err(ValueProblem::NotYesNo(other.to_string())),
    }
}

/// A founding date: 「2019-04-01」, 「2019/4/1」, 「2019年4月1日」, 「令和元年5月1日」 or 「創業予定」.
pub(crate) fn read_founding(value: &Value) -> Result<Founding, ValueProblem> {
    let raw = text(value)?;
    if matches!(raw, "planned" | "創業予定" | "予定") {
        return Ok(Founding::Planned);
    }
    read_date(raw).map(Founding::On)
}

/// A calendar date in 西暦 (「2019-04-01」, 「2019/4/1」, 「2019年4月1日」) or 和暦.
pub(crate) fn read_date(raw: &str) -> Result<Date, ValueProblem> {
    let folded = fold_digits(raw);
    let parts: Vec<&str> = folded
        .trim_end_matches('日')
        .split(['-', '/', '年', '月'])
        .collect();
    let western = match parts.as_slice() {
        [y, m, d] => (|| {
            let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
            Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
        })(),
        _ => None,
    };
    western
        .or_else(|| wareki::find_date(raw))
        .ok_or_else(|| ValueProblem::NotADate(raw.to_owned()))
}

pub(crate) fn read_org_form(value: &Value) -> Result<OrgForm, ValueProblem> {
    let raw = text(value)?;
    if let Some(replacements) = OrgForm::retired(raw) {
        return Err(ValueProblem::RetiredOrgForm {
            code: raw.trim().to_owned(),
            replacements,
        });
    }
    Ok(OrgForm::parse(raw)?)
}

pub(crate) fn read_large_investment(value: &Value) -> Result<LargeInvestment, ValueProblem> {
    Ok(LargeInvestment::parse(text(value)?)?)
}

/// A prefecture or municipality that the reference table knows.
pub(crate) fn read_municipality(value: &Value) -> Result<LocalGovCode, ValueProblem> {
    let raw = match value {
        Value::Number(n) => n.to_string(),
        other => text(other)?.to_owned(),
    };
    let code = LocalGovCode::parse(&raw)?;
    match local_gov(code) {
        Some(_) => Ok(code),
        None => Err(ValueProblem::UnknownMunicipality(raw)),
    }
}

pub(crate) fn read_industry(value: &Value) -> Result<JsicCode, ValueProblem> {
    let raw = match value {
        Value::Number(n) => match n.as_u64() {
            Some(middle) => format!("{middle:02}"),
            None => n.to_string(),
        },
        other => text(other)?.to_owned(),
    };
    Ok(JsicCode::parse(&raw)?)
}

pub(crate) fn read_purpose(value: &Value) -> Result<Purpose, ValueProblem> {
    Ok(Purpose::parse(text(value)?)?)
}

/// One purpose or a list of them; 「[]」 is a valid answer (no purpose chosen).
pub(crate) fn read_purposes(value: &Value) -> Result<BTreeSet<Purpose>, ValueProblem> {
    match value {
        Value::Array(items) => items.iter().map(read_purpose).collect(),
        single => read_purpose(single).map(|p| BTreeSet::from([p])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    #[test]
    fn counts_are_read_from_numbers_and_japanese_text() {
        assert_eq!(read_count(&json!(12)).unwrap(), 12);
        assert_eq!(read_count(&json!("１２人")).unwrap(), 12);
        assert_eq!(read_count(&json!("1,200名")).unwrap(), 1200);
        let err = read_count(&json!(-3)).unwrap_err().to_string();
        assert!(err.contains("負の数（-3）"), "{err}");
        let err = read_count(&json!("たくさん")).unwrap_err().to_string();
        assert!(
            err.contains("「たくさん」を人数として読み取れません"),
            "{err}"
        );
    }

    #[test]
    fn amounts_are_read_from_numbers_and_japanese_text() {
        assert_eq!(read_amount(&json!(300000)).unwrap().get(), 300_000);
        assert_eq!(read_amount(&json!("3億円")).unwrap().get(), 300_000_000);
        let err = read_amount(&json!(-1)).unwrap_err().to_string();
        assert!(err.contains("負の値"), "{err}");
    }

    #[test]
    fn founding_dates_are_read_in_western_and_japanese_calendars() {
        let on = |d| Ok(Founding::On(d));
        assert_eq!(
            read_founding(&json!("2019-04-01")),
            on(date!(2019 - 04 - 01))
        );
        assert_eq!(read_founding(&json!("2019/4/1")), on(date!(2019 - 04 - 01)));
        assert_eq!(
            read_founding(&json!("2019年4月1日")),
            on(date!(2019 - 04 - 01))
        );
        assert_eq!(
            read_founding(&json!("令和元年5月1日")),
            on(date!(2019 - 05 - 01))
        );
        assert_eq!(read_founding(&json!("創業予定")), Ok(Founding::Planned));
        assert!(read_founding(&json!("2019-02-30")).is_err());
        assert!(read_founding(&json!("去年")).is_err());
    }

    #[test]
    fn yes_and_no_are_understood_in_both_languages() {
        assert_eq!(read_yes_no(&json!("はい")), Ok(true));
        assert_eq!(read_yes_no(&json!("なし")), Ok(false));
        assert_eq!(read_yes_no(&json!(false)), Ok(false));
        assert!(read_yes_no(&json!("たぶん")).is_err());
    }

    #[test]
    fn an_industry_may_be_given_as_a_number() {
        assert_eq!(read_industry(&json!(9)), Ok(JsicCode::Middle(9)));
        assert_eq!(read_industry(&json!("E")), Ok(JsicCode::Major('E')));
        assert!(read_industry(&json!(100)).is_err());
    }

    #[test]
    fn dont_know_has_several_spellings() {
        for v in ["unknown", "わからない", "分からない", "不明"] {
            assert!(is_dont_know(&json!(v)), "{v}");
        }
        assert!(!is_dont_know(&json!(0)));
    }
}
