//! Values as the form writes them and reads them back: amounts the Japanese way, days as
//! 「2026-04-01」, places by code or by name, lists one item per entry. Each refusal is the
//! model's Japanese message, so it can stand beside its field.

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::japanese_amount::parse_japanese_yen;
use madoguchi_core::program::{CodeSet, ModelError};
use madoguchi_core::reference::{JsicCode, LocalGovCode, NameLookup, find_local_gov};
use time::Date;
use time::macros::format_description;

use super::FieldErrors;
use crate::console::editor::rule_form::list_items;

const DATE: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]");

/// The codes of a typed list; `empty` is the control's name and what to say when the list
/// is empty.
pub(super) fn code_list<T: Ord>(
    text: &str,
    parse: impl Fn(&str) -> Result<T, ModelError>,
    (name, empty): (&str, &str),
    errors: &mut FieldErrors,
) -> Option<CodeSet<T>> {
    match list_items(text)
        .map(parse)
        .collect::<Result<CodeSet<T>, _>>()
    {
        Ok(codes) if codes.is_empty() => {
            errors.add(name, empty);
            None
        }
        Ok(codes) => Some(codes),
        Err(e) => {
            errors.add(name, e.to_string());
            None
        }
    }
}

/// A moment as the form shows it: the bare date when it is the day's edge the form would
/// read a bare date as, otherwise the JST wall time.
pub(super) fn moment_text(at: Option<JstDateTime>, edge: DayEdge) -> String {
    let Some(at) = at else {
        return String::new();
    };
    if JstDateTime::from_date(at.date(), edge) == at {
        return at.date().format(DATE).unwrap_or_default();
    }
    let wall = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    at.as_offset()
        .format(wall)
        .unwrap_or_else(|_| at.to_rfc3339())
}

pub(super) fn jsic_text(code: &JsicCode) -> String {
    match code {
        JsicCode::Major(letter) => letter.to_string(),
        JsicCode::Middle(n) => format!("{n:02}"),
    }
}

/// A place by its 全国地方公共団体コード or, failing that, its name (「鹿児島市」).
pub(super) fn place_code(raw: &str) -> Result<LocalGovCode, ModelError> {
    LocalGovCode::parse(raw).or_else(|e| match find_local_gov(raw.trim()) {
        NameLookup::Found(gov) => Ok(gov.code),
        _ => Err(e),
    })
}

pub(super) fn yen(raw: &str) -> Result<madoguchi_core::program::Yen, ModelError> {
    parse_japanese_yen(raw).map_err(|e| ModelError::UnknownValue {
        what: "金額",
        value: raw.trim().to_owned(),
        hint: match e {
            madoguchi_core::japanese_amount::JapaneseAmountError::Negative(_) => {
                "0円以上の金額を入力してください。"
            }
            _ => "「5,000万円」「300000」のように入力してください。",
        },
    })
}

pub(super) fn fiscal_year_error(raw: &str) -> ModelError {
    ModelError::InvalidFiscalYear(raw.trim().parse().unwrap_or(0))
}

/// A result's error alone, for reporting it beside its field.
pub(super) fn err_of<T>(result: &Result<T, ModelError>) -> Result<(), ModelError> {
    result.as_ref().map(|_| ()).map_err(Clone::clone)
}

/// A day as the form writes it (「2026-04-01」), blank for none.
pub(crate) fn date_text(date: Option<Date>) -> String {
    date.and_then(|d| d.format(DATE).ok()).unwrap_or_default()
}

/// A day typed as 「2026-04-01」.
pub(crate) fn read_date(raw: &str) -> Result<Date, ModelError> {
    Date::parse(raw.trim(), DATE).map_err(|_| ModelError::InvalidDateTime(raw.trim().to_owned()))
}

/// `None` for blank text, else the value read.
pub(crate) fn optional<T>(
    raw: &str,
    read: impl FnOnce(&str) -> Result<T, ModelError>,
) -> Result<Option<T>, ModelError> {
    let raw = raw.trim();
    if raw.is_empty() {
        Ok(None)
    } else {
        read(raw).map(Some)
    }
}

pub(super) fn non_empty(raw: &str) -> Option<String> {
    let t = raw.trim();
    (!t.is_empty()).then(|| t.to_owned())
}
