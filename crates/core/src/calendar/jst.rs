//! A point in time held at Japan Standard Time.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, offset, time};
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use crate::error::ModelError;

/// Japan Standard Time. Japan has no daylight saving, so one fixed offset is exact.
pub const JST: UtcOffset = offset!(+9);

/// Which end of a day a bare date stands for: a window opens at 00:00 and closes at 23:59:59.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayEdge {
    Start,
    End,
}

/// An instant, always carried at the JST offset so that its date is the Japanese date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct JstDateTime(OffsetDateTime);

impl JstDateTime {
    pub fn from_offset(at: OffsetDateTime) -> Self {
        Self(at.to_offset(JST))
    }

    /// A JST calendar date at one of its edges.
    pub fn from_date(date: Date, edge: DayEdge) -> Self {
        let clock = match edge {
            DayEdge::Start => time!(00:00:00),
            DayEdge::End => time!(23:59:59),
        };
        Self(PrimitiveDateTime::new(date, clock).assume_offset(JST))
    }

    /// Parses RFC 3339 (`2026-03-31T17:00:00+09:00`), a JST wall time
    /// (`2026-03-31 17:00`, `2026-03-31T17:00:00`) or a bare date taken at `edge`.
    pub fn parse(raw: &str, edge: DayEdge) -> Result<Self, ModelError> {
        let raw = raw.trim();
        // Only JST dates in years 0..=9999 are kept: RFC 3339, the stored form, cannot write
        // others (「-2024-02-29」 would be stored as an empty string), and another offset can
        // move an instant past 9999-12-31, which `time` cannot hold.
        Self::read(raw, edge)
            .filter(|at| (0..=9999).contains(&at.0.year()))
            .ok_or_else(|| ModelError::InvalidDateTime(raw.to_owned()))
    }

    fn read(raw: &str, edge: DayEdge) -> Option<Self> {
        if let Ok(at) = OffsetDateTime::parse(raw, &Rfc3339) {
            return at.checked_to_offset(JST).map(Self);
        }
        let date_only = format_description!("[year]-[month]-[day]");
        if let Ok(date) = Date::parse(raw, date_only) {
            return Some(Self::from_date(date, edge));
        }
        let wall_times = [
            format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
            format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
            format_description!("[year]-[month]-[day]T[hour]:[minute]"),
            format_description!("[year]-[month]-[day] [hour]:[minute]"),
        ];
        wall_times
            .iter()
            .find_map(|f| PrimitiveDateTime::parse(raw, f).ok())
            .map(|wall| Self(wall.assume_offset(JST)))
    }

    /// The Japanese calendar date of this instant.
    pub fn date(self) -> Date {
        self.0.date()
    }

    pub fn as_offset(self) -> OffsetDateTime {
        self.0
    }

    /// RFC 3339 at +09:00, the form stored and exchanged.
    pub fn to_rfc3339(self) -> String {
        // Formatting a valid OffsetDateTime as RFC 3339 cannot fail for years 0..=9999.
        self.0.format(&Rfc3339).unwrap_or_default()
    }
}

impl TryFrom<String> for JstDateTime {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value, DayEdge::Start)
    }
}

impl From<JstDateTime> for String {
    fn from(at: JstDateTime) -> Self {
        at.to_rfc3339()
    }
}

impl fmt::Display for JstDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_bare_closing_date_means_the_end_of_that_day_in_japan() {
        let closes = JstDateTime::parse("2026-03-31", DayEdge::End).unwrap();
        assert_eq!(closes.to_rfc3339(), "2026-03-31T23:59:59+09:00");
        assert_eq!(closes.date(), date!(2026 - 03 - 31));
    }

    #[test]
    fn a_utc_instant_is_shown_on_its_japanese_date() {
        let at = JstDateTime::parse("2026-03-31T20:00:00Z", DayEdge::Start).unwrap();
        assert_eq!(at.date(), date!(2026 - 04 - 01));
    }

    #[test]
    fn an_instant_whose_japanese_date_leaves_the_calendar_is_refused() {
        // Found by fuzzing: the first panicked, the others were stored as an empty string.
        for raw in [
            "9999-12-31T23:59:59-12:00",
            "0000-01-01T00:00:00+14:00",
            "-2024-02-29",
            "-0001-12-31 23:59",
        ] {
            assert!(JstDateTime::parse(raw, DayEdge::Start).is_err(), "{raw}");
        }
        let last = JstDateTime::parse("9999-12-31T14:59:59Z", DayEdge::Start).unwrap();
        assert_eq!(last.to_rfc3339(), "9999-12-31T23:59:59+09:00");
    }

    #[test]
    fn garbage_is_refused_with_the_expected_shape() {
        let err = JstDateTime::parse("来月末", DayEdge::End).unwrap_err();
        assert!(err.to_string().contains("2026-03-31"));
    }
}
