//! Dates in diagnosis JSON and rule test cases as `2026-03-31`, the form people and tools read.

use serde::{Deserialize, Deserializer, Serializer};
use time::Date;
use time::macros::format_description;

fn parse(raw: &str) -> Result<Date, String> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]")).map_err(|_| {
        format!("日付「{raw}」を読み取れません。「2026-03-31」の形で入力してください。")
    })
}

pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(date)
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
    let raw = String::deserialize(d)?;
    parse(&raw).map_err(serde::de::Error::custom)
}

/// The same for an optional date.
pub mod option {
    use super::*;

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|raw| parse(&raw).map_err(serde::de::Error::custom))
            .transpose()
    }
}
