//! When the weekly digest goes out, and which matched items it gathers.
//!
//! Every Monday at 9:00 (JST) each subscriber with items waiting gets one message listing
//! them: weekly subscribers' matches, and instant subscribers' matches past their daily cap.
//! A digest gathers only what was waiting at that moment (the round's cut-off); what is
//! matched later waits for the next Monday, so a digest never follows an item by minutes.
//! The round is named by its ISO week, and one digest per subscriber per round is kept by
//! the outbox key `digest:{subscription}:{week}`, so a job that runs late (the server was
//! down on Monday) catches up, and one that runs twice sends nothing twice.

use time::{Duration, OffsetDateTime, Time, Weekday};

use crate::calendar::JST;

/// The hour (JST) on Monday at which a digest round starts.
const DIGEST_HOUR: u8 = 9;

/// One weekly round of digests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestRound {
    /// The ISO week, `2026-W23`: part of every digest's key.
    pub week: String,
    /// The round's start (Monday 9:00 JST, in UTC): items matched before it are gathered.
    pub cutoff: OffsetDateTime,
}

impl DigestRound {
    /// The latest round that has started by `now`.
    pub fn latest(now: OffsetDateTime) -> Self {
        let local = now.to_offset(JST);
        let days_since_monday = i64::from(local.weekday().number_days_from_monday());
        let monday = local.date() - Duration::days(days_since_monday);
        let start = |day: time::Date| {
            day.with_time(Time::from_hms(DIGEST_HOUR, 0, 0).unwrap_or(Time::MIDNIGHT))
                .assume_offset(JST)
        };
        let mut cutoff = start(monday);
        if cutoff > local {
            cutoff = start(monday - Duration::weeks(1));
        }
        let (year, week, _) = cutoff.to_iso_week_date();
        debug_assert_eq!(cutoff.weekday(), Weekday::Monday);
        Self {
            week: format!("{year}-W{week:02}"),
            cutoff: cutoff.to_offset(time::UtcOffset::UTC),
        }
    }

    /// The outbox key of one subscription's digest in this round.
    pub fn key(&self, subscription_id: &str) -> String {
        format!("digest:{subscription_id}:{}", self.week)
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn a_round_starts_on_monday_at_nine_in_japan() {
        // Monday 2026-06-01 09:00 JST is 00:00 UTC.
        let round = DigestRound::latest(datetime!(2026-06-01 00:00 UTC));
        assert_eq!(round.week, "2026-W23");
        assert_eq!(round.cutoff, datetime!(2026-06-01 00:00 UTC));
        assert_eq!(round.key("s1"), "digest:s1:2026-W23");

        // A minute earlier it is still last week's round.
        let before = DigestRound::latest(datetime!(2026-05-31 23:59 UTC));
        assert_eq!(before.week, "2026-W22");
        assert_eq!(before.cutoff, datetime!(2026-05-25 00:00 UTC));

        // Sunday night in Japan (Sunday afternoon UTC) belongs to the week's round.
        let sunday = DigestRound::latest(datetime!(2026-06-07 14:00 UTC));
        assert_eq!(sunday.week, "2026-W23");
    }

    #[test]
    fn the_round_of_the_first_week_of_a_year_is_named_by_its_iso_year() {
        // Monday 2026-12-28 is in ISO week 53 of 2026; Monday 2027-01-04 starts 2027-W01.
        assert_eq!(
            DigestRound::latest(datetime!(2027-01-01 03:00 UTC)).week,
            "2026-W53"
        );
        assert_eq!(
            DigestRound::latest(datetime!(2027-01-04 00:00 UTC)).week,
            "2027-W01"
        );
    }
}
