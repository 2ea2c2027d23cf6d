//! Dates in JSON as `2026-03-31`, the form people and tools read: diagnoses, rule test cases and
//! the day a program was last checked.

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

/// An optional date written as `2026-03-31` that also reads `[2026, 90]` (year and day of the
/// year), the form programs saved by earlier versions hold in their `last_verified`.
pub mod stored_option {
    use super::*;

    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Iso(String),
        YearAndOrdinal(i32, u16),
    }

    pub use super::option::serialize;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<Stored>::deserialize(d)? {
            None => Ok(None),
            Some(Stored::Iso(raw)) => parse(&raw).map(Some).map_err(serde::de::Error::custom),
            Some(Stored::YearAndOrdinal(year, ordinal)) => Date::from_ordinal_date(year, ordinal)
                .map(Some)
                .map_err(|_| {
                    serde::de::Error::custom(format!(
                        "日付「{year}年の{ordinal}日目」はありません。"
                    ))
                }),
        }
    }

    #[cfg(test)]
    mod tests {
        use serde::{Deserialize, Serialize};
        use time::macros::date;

        #[derive(Debug, PartialEq, Serialize, Deserialize)]
        struct Checked {
            #[serde(default, with = "super")]
            on: Option<time::Date>,
        }

        #[test]
        fn both_the_iso_form_and_the_earlier_stored_form_read_and_iso_is_written() {
            let iso: Checked = serde_json::from_str(r#"{"on": "2026-12-04"}"#).unwrap();
            let old: Checked = serde_json::from_str(r#"{"on": [2026, 338]}"#).unwrap();
            assert_eq!(iso.on, Some(date!(2026 - 12 - 04)));
            assert_eq!(old, iso);
            assert_eq!(
                serde_json::to_string(&old).unwrap(),
                r#"{"on":"2026-12-04"}"#
            );
            assert!(serde_json::from_str::<Checked>(r#"{"on": "12/4"}"#).is_err());
        }
    }
}
