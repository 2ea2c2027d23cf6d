//! The days a dashboard covers: JST calendar days, both ends included.

use time::{Date, Duration};

/// The longest period one page or CSV file covers: two years of daily rows is as much as a
/// chart can show and a spreadsheet needs; longer ranges are asked for in parts.
pub const MAX_PERIOD_DAYS: i64 = 731;

/// Why a period was refused, for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("終わりの日が始まりの日より前になっています。日付を入れ替えてください。")]
    Reversed,
    #[error("期間は最長731日（2年）です。期間を短くしてください。")]
    TooLong,
    #[error("まだ来ていない日は選べません。今日までの日付を入力してください。")]
    Future,
}

/// From `from` to `to`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: Date,
    to: Date,
}

impl Period {
    /// The default: the `days` days that end with `today`.
    pub fn last_days(today: Date, days: u16) -> Self {
        let days = i64::from(days.max(1));
        Self {
            from: today - Duration::days(days - 1),
            to: today,
        }
    }

    /// The period staff asked for; a missing end is today, a missing start is 29 days
    /// before the end.
    pub fn new(from: Option<Date>, to: Option<Date>, today: Date) -> Result<Self, PeriodError> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or(to - Duration::days(29));
        if from > today || to > today {
            return Err(PeriodError::Future);
        }
        if from > to {
            return Err(PeriodError::Reversed);
        }
        if (to - from).whole_days() + 1 > MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> Date {
        self.from
    }

    pub fn to(&self) -> Date {
        self.to
    }

    /// How many days, both ends counted.
    pub fn len_days(&self) -> usize {
        usize::try_from((self.to - self.from).whole_days() + 1).unwrap_or(0)
    }

    /// Every day, oldest first.
    pub fn days(&self) -> impl Iterator<Item = Date> + use<> {
        let from = self.from;
        (0..self.len_days())
            .filter_map(move |i| from.checked_add(Duration::days(i64::try_from(i).ok()?)))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 08 - 21);

    #[test]
    fn the_default_is_the_last_thirty_days_with_today() {
        let period = Period::new(None, None, TODAY).unwrap();
        assert_eq!(period, Period::last_days(TODAY, 30));
        assert_eq!(period.from(), date!(2026 - 07 - 23));
        assert_eq!(period.len_days(), 30);
        assert_eq!(period.days().last(), Some(TODAY));
    }

    #[test]
    fn reversed_future_and_overlong_periods_are_refused_in_japanese() {
        let err = Period::new(Some(TODAY), Some(date!(2026 - 08 - 01)), TODAY).unwrap_err();
        assert_eq!(err, PeriodError::Reversed);
        assert!(err.to_string().contains("入れ替えて"));
        assert_eq!(
            Period::new(None, Some(date!(2026 - 08 - 22)), TODAY),
            Err(PeriodError::Future)
        );
        assert_eq!(
            Period::new(Some(date!(2024 - 08 - 20)), None, TODAY),
            Err(PeriodError::TooLong)
        );
        assert!(Period::new(Some(date!(2024 - 08 - 21)), None, TODAY).is_ok());
    }
}
