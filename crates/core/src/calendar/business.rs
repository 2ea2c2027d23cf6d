//! Business days as a Japanese public office counts them: not a Saturday or Sunday, not a
//! 国民の祝日 (振替休日 and 国民の休日 included), and not 年末年始 (December 29 to January 3).
//!
//! Service levels ("first contact within 3 business days") are counted on it. The holidays
//! ship with the binary (`data/reference/holidays.yml`, 1970–2050); a deployment can give a
//! newer file of the same form, since the equinox holidays are fixed only a year ahead.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use time::{Date, Month, Weekday};

use crate::error::ModelError;

const BUNDLED: &str = include_str!("../../../../data/reference/holidays.yml");

/// The holidays a business calendar leaves out, by date, with their names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusinessCalendar {
    holidays: BTreeMap<Date, String>,
}

impl BusinessCalendar {
    /// The calendar on the holidays shipped with madoguchi.
    pub fn bundled() -> &'static Self {
        static CALENDAR: OnceLock<BusinessCalendar> = OnceLock::new();
        CALENDAR.get_or_init(|| Self::parse(BUNDLED).unwrap_or_else(|err| panic!("{err}")))
    }

    /// A calendar on a holiday list of the bundled form: `YYYY-MM-DD: 名称` a line, with
    /// `---`, blank and `#` lines ignored.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let mut holidays = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line == "---" || line.starts_with('#') {
                continue;
            }
            let wrong = || ModelError::InvalidHolidayLine {
                line: n + 1,
                text: line.chars().take(40).collect(),
            };
            let (date, name) = line.split_once(':').ok_or_else(wrong)?;
            let date = parse_date(date.trim()).ok_or_else(wrong)?;
            holidays.insert(date, name.trim().to_owned());
        }
        Ok(Self { holidays })
    }

    /// The holiday's name, if `date` is one.
    pub fn holiday(&self, date: Date) -> Option<&str> {
        self.holidays.get(&date).map(String::as_str)
    }

    /// Whether the office is open on `date`.
    pub fn is_business_day(&self, date: Date) -> bool {
        !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday)
            && !is_year_end(date)
            && !self.holidays.contains_key(&date)
    }

    /// The `days`-th business day after `from` (`from` itself not counted): a case received
    /// on `from` with "first contact within `days` business days" is due by the end of it.
    pub fn add_business_days(&self, from: Date, days: u32) -> Date {
        let mut date = from;
        let mut left = days;
        while left > 0 {
            let Some(next) = date.next_day() else {
                return date;
            };
            date = next;
            if self.is_business_day(date) {
                left -= 1;
            }
        }
        date
    }

    /// Business days after `from` up to and including `to` (0 when `to` is not later).
    pub fn business_days_between(&self, from: Date, to: Date) -> u32 {
        let mut count = 0;
        let mut date = from;
        while date < to {
            let Some(next) = date.next_day() else {
                break;
            };
            date = next;
            if self.is_business_day(date) {
                count += 1;
            }
        }
        count
    }
}

/// 年末年始: December 29 to January 3, closed in every Japanese public office.
fn is_year_end(date: Date) -> bool {
    matches!(
        (date.month(), date.day()),
        (Month::December, 29..=31) | (Month::January, 1..=3)
    )
}

fn parse_date(raw: &str) -> Option<Date> {
    let mut parts = raw.splitn(3, '-');
    let year = parts.next()?.parse().ok()?;
    let month = Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
    let day = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, month, day).ok()
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    #[test]
    fn the_bundled_holidays_are_read_whole() {
        let calendar = BusinessCalendar::bundled();
        assert_eq!(calendar.holiday(date!(2027 - 01 - 11)), Some("成人の日"));
        assert_eq!(calendar.holiday(date!(2026 - 09 - 22)), Some("休日"));
        assert_eq!(calendar.holiday(date!(2050 - 01 - 01)), Some("元日"));
        assert_eq!(calendar.holidays.len(), 1_329);
    }

    #[test]
    fn weekends_holidays_and_the_year_end_are_closed() {
        let calendar = BusinessCalendar::bundled();
        assert!(calendar.is_business_day(date!(2026 - 12 - 28))); // Monday
        for closed in [
            date!(2026 - 12 - 29),
            date!(2026 - 12 - 31),
            date!(2027 - 01 - 01),
            date!(2027 - 01 - 02), // also a Saturday
            date!(2027 - 01 - 03),
            date!(2027 - 01 - 09), // Saturday
            date!(2027 - 01 - 11), // 成人の日
            date!(2027 - 05 - 03), // 憲法記念日
        ] {
            assert!(!calendar.is_business_day(closed), "{closed}");
        }
        assert!(calendar.is_business_day(date!(2027 - 01 - 04)));
    }

    #[test]
    fn first_contact_within_three_business_days_skips_the_year_end() {
        let calendar = BusinessCalendar::bundled();
        // Received on Friday 12/25: Monday 12/28, then 1/4 and 1/5.
        assert_eq!(
            calendar.add_business_days(date!(2026 - 12 - 25), 3),
            date!(2027 - 01 - 05)
        );
        // Received before Golden Week 2027 (4/29 昭和の日, 5/3–5/5).
        assert_eq!(
            calendar.add_business_days(date!(2027 - 04 - 28), 2),
            date!(2027 - 05 - 06)
        );
        assert_eq!(
            calendar.add_business_days(date!(2027 - 04 - 28), 0),
            date!(2027 - 04 - 28)
        );
        assert_eq!(
            calendar.business_days_between(date!(2026 - 12 - 25), date!(2027 - 01 - 05)),
            3
        );
        assert_eq!(
            calendar.business_days_between(date!(2027 - 01 - 05), date!(2026 - 12 - 25)),
            0
        );
    }

    #[test]
    fn a_deployments_own_list_is_read_and_a_bad_line_named() {
        let own = BusinessCalendar::parse("---\n# 市の休庁日\n2027-06-01: 市制記念日\n").unwrap();
        assert!(!own.is_business_day(date!(2027 - 06 - 01)));
        let err =
            BusinessCalendar::parse("2027-06-01: 市制記念日\n2027-13-01: 誤り\n").unwrap_err();
        assert_eq!(
            err.to_string(),
            "祝日の一覧の2行目「2027-13-01: 誤り」を読み取れません。「2027-05-03: 憲法記念日」の形で書いてください。"
        );
    }
}
