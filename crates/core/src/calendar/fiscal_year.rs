//! 年度: the Japanese fiscal year, April to March, named by the calendar year it starts in.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::wareki;
use crate::error::ModelError;

/// A fiscal year, e.g. `FiscalYear(2026)` = 2026年4月1日〜2027年3月31日 (令和8年度).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct FiscalYear(u16);

impl FiscalYear {
    pub fn new(year: i64) -> Result<Self, ModelError> {
        match u16::try_from(year) {
            Ok(y) if (1989..=2100).contains(&y) => Ok(Self(y)),
            _ => Err(ModelError::InvalidFiscalYear(year)),
        }
    }

    /// The fiscal year a date falls in: January to March belong to the previous year's.
    pub fn containing(date: Date) -> Self {
        let year = date.year();
        let start = if date.month() >= Month::April {
            year
        } else {
            year - 1
        };
        // Dates handled by madoguchi lie well inside u16.
        Self(u16::try_from(start).unwrap_or(u16::MAX))
    }

    pub fn year(self) -> u16 {
        self.0
    }

    pub fn first_day(self) -> Date {
        Date::from_calendar_date(i32::from(self.0), Month::April, 1).unwrap_or(Date::MIN)
    }

    pub fn last_day(self) -> Date {
        Date::from_calendar_date(i32::from(self.0) + 1, Month::March, 31).unwrap_or(Date::MAX)
    }

    /// 「2026年度（令和8年度）」
    pub fn label(self) -> String {
        format!(
            "{}年度（{}度）",
            self.0,
            wareki::era_year_label(self.first_day())
        )
    }
}

impl TryFrom<i64> for FiscalYear {
    type Error = ModelError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<FiscalYear> for i64 {
    fn from(fy: FiscalYear) -> Self {
        i64::from(fy.0)
    }
}

impl fmt::Display for FiscalYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn march_belongs_to_the_fiscal_year_that_began_the_april_before() {
        assert_eq!(FiscalYear::containing(date!(2027 - 03 - 31)).year(), 2026);
        assert_eq!(FiscalYear::containing(date!(2026 - 04 - 01)).year(), 2026);
        assert_eq!(FiscalYear::containing(date!(2026 - 03 - 31)).year(), 2025);
    }

    #[test]
    fn a_fiscal_year_is_labelled_in_both_calendars() {
        assert_eq!(
            FiscalYear::new(2026).unwrap().label(),
            "2026年度（令和8年度）"
        );
        assert!(FiscalYear::new(26).is_err());
    }
}
