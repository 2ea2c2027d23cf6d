//! A program's status judged from its application windows at a given moment.
//!
//! Used where the source states no status of its own (raw jGrants responses, J-Net21
//! notices). The moment is the one the source was read at, never the clock.

use crate::calendar::JstDateTime;
use crate::program::{ApplicationRound, ProgramStatus};

/// 受付中 if a window is open at `at`, 受付前 if one opens later, otherwise 受付終了.
/// A notice with no known window is taken as current (受付中): it was listed when read.
pub(crate) fn status_at(rounds: &[ApplicationRound], at: JstDateTime) -> ProgramStatus {
    let open = |r: &ApplicationRound| {
        r.opens().is_none_or(|o| o <= at) && r.closes().is_none_or(|c| at <= c)
    };
    if rounds.is_empty() || rounds.iter().any(open) {
        ProgramStatus::Open
    } else if rounds.iter().any(|r| r.opens().is_some_and(|o| o > at)) {
        ProgramStatus::Upcoming
    } else {
        ProgramStatus::Closed
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::DayEdge;

    fn at(raw: &str) -> JstDateTime {
        JstDateTime::parse(raw, DayEdge::End).unwrap()
    }

    fn round(opens: &str, closes: &str) -> ApplicationRound {
        let opens = JstDateTime::parse(opens, DayEdge::Start).unwrap();
        ApplicationRound::new(None, Some(opens), Some(at(closes))).unwrap()
    }

    #[test]
    fn the_status_follows_the_window_at_the_time_of_reading() {
        let rounds = [round("2026-04-01", "2026-05-22")];
        assert_eq!(
            status_at(&rounds, at("2026-03-07T09:00")),
            ProgramStatus::Upcoming
        );
        assert_eq!(
            status_at(&rounds, at("2026-05-22T23:00")),
            ProgramStatus::Open
        );
        assert_eq!(
            status_at(&rounds, at("2026-05-23T00:00")),
            ProgramStatus::Closed
        );
        assert_eq!(status_at(&[], at("2026-05-23T00:00")), ProgramStatus::Open);
    }
}
