//! Where a period meets the monthly roll-up: the calendar months that lie wholly inside it
//! can be read from `analytics_month_counts`, and only the days before and after them (a
//! partial month at either end) from the daily rows. A year is then twelve or thirteen
//! reads of a month's keys instead of 365 reads of a day's.
//!
//! Months are named as the roll-up stores them: the first seven characters of a day's
//! `YYYY-MM-DD` text, the very text the migration backfilled from, so that the two can
//! never name a month differently.

use time::{Date, Duration};

/// A period `from..=to` cut into whole months and edge days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct MonthCut {
    /// The first and last whole month (`YYYY-MM`, both included), if any month is whole.
    pub months: Option<(String, String)>,
    /// The days outside those months, as ranges with both ends included: none, one or two.
    pub days: Vec<(Date, Date)>,
}

/// The month of `day` as the roll-up names it.
pub(super) fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

fn first_of_month(day: Date) -> Date {
    day.replace_day(1).unwrap_or(day)
}

fn last_of_month(day: Date) -> Date {
    day.replace_day(time::util::days_in_month(day.month(), day.year()))
        .unwrap_or(day)
}

/// Cuts `from..=to` (`from <= to`) into whole months and the days around them.
pub(super) fn cut(from: Date, to: Date) -> MonthCut {
    let first_whole = if from.day() == 1 {
        Some(from)
    } else {
        last_of_month(from).next_day()
    };
    let last_whole = if to == last_of_month(to) {
        Some(to)
    } else {
        first_of_month(to).previous_day()
    };
    match (first_whole, last_whole) {
        (Some(start), Some(end)) if start <= end => {
            let mut days = Vec::new();
            if from < start {
                days.push((from, start - Duration::days(1)));
            }
            if end < to {
                days.push((end + Duration::days(1), to));
            }
            MonthCut {
                months: Some((
                    month_of(&start.to_string()).to_owned(),
                    month_of(&end.to_string()).to_owned(),
                )),
                days,
            }
        }
        _ => MonthCut {
            months: None,
            days: vec![(from, to)],
        },
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn months(first: &str, last: &str) -> Option<(String, String)> {
        Some((first.to_owned(), last.to_owned()))
    }

    #[test]
    fn a_year_from_mid_month_reads_eleven_whole_months_and_two_edges() {
        let cut = cut(date!(2025 - 12 - 07), date!(2026 - 12 - 06));
        assert_eq!(cut.months, months("2026-01", "2026-11"));
        assert_eq!(
            cut.days,
            [
                (date!(2025 - 12 - 07), date!(2025 - 12 - 31)),
                (date!(2026 - 12 - 01), date!(2026 - 12 - 06)),
            ]
        );
    }

    #[test]
    fn whole_months_need_no_daily_rows() {
        let cut = cut(date!(2024 - 02 - 01), date!(2024 - 02 - 29));
        assert_eq!(cut.months, months("2024-02", "2024-02"));
        assert!(cut.days.is_empty());
        let cut = super::cut(date!(2026 - 01 - 01), date!(2026 - 03 - 15));
        assert_eq!(cut.months, months("2026-01", "2026-02"));
        assert_eq!(cut.days, [(date!(2026 - 03 - 01), date!(2026 - 03 - 15))]);
    }

    #[test]
    fn a_period_without_a_whole_month_is_read_by_days() {
        for (from, to) in [
            (date!(2026 - 01 - 15), date!(2026 - 02 - 10)),
            (date!(2026 - 08 - 21), date!(2026 - 08 - 21)),
            (date!(2026 - 02 - 01), date!(2026 - 02 - 27)),
            (date!(2026 - 01 - 02), date!(2026 - 01 - 31)),
        ] {
            let cut = cut(from, to);
            assert_eq!(cut.months, None);
            assert_eq!(cut.days, [(from, to)]);
        }
    }

    #[test]
    fn months_are_named_by_the_first_seven_characters_of_a_day() {
        assert_eq!(month_of("2026-08-21"), "2026-08");
    }
}
