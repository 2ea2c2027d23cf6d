//! Which programs need a look from staff: those not checked against their official page
//! for too long, and those still marked 受付中 although their last round has closed.
//!
//! Pure functions over the catalogue snapshot, so that the rules are tested without a page.

use std::borrow::Borrow;

use madoguchi_core::eligibility::{ClosedReason, Window, application_window};
use madoguchi_core::program::{Program, ProgramStatus};
use time::{Date, Duration};

/// Programs last verified more than `days` days before `today`, or never; never-verified
/// first, then the longest unchecked, then by id.
pub fn stale<P: Borrow<Program>>(programs: &[P], today: Date, days: u32) -> Vec<&Program> {
    let limit = today - Duration::days(i64::from(days));
    let mut found: Vec<&Program> = programs
        .iter()
        .map(Borrow::borrow)
        .filter(|p| p.last_verified.is_none_or(|checked| checked < limit))
        .collect();
    found.sort_by(|a, b| (a.last_verified, &a.id).cmp(&(b.last_verified, &b.id)));
    found
}

/// Programs whose status still says 受付中 although every round closed before `today`,
/// with that closing date; earliest closed first. A program verified on or after its
/// closing date was looked at since and is left out.
pub fn overdue<P: Borrow<Program>>(programs: &[P], today: Date) -> Vec<(&Program, Date)> {
    let mut found: Vec<(&Program, Date)> = programs
        .iter()
        .map(Borrow::borrow)
        .filter(|p| p.status == ProgramStatus::Open)
        .filter(|p| application_window(p, today) == Window::Closed(ClosedReason::Ended))
        .filter_map(|p| Some((p, p.final_deadline()?.date())))
        .filter(|(p, closed)| p.last_verified.is_none_or(|checked| checked < *closed))
        .collect();
    found.sort_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)));
    found
}

#[cfg(test)]
mod tests {
    use madoguchi_core::calendar::{DayEdge, JstDateTime};
    use madoguchi_core::program::{ApplicationRound, ProgramId};
    use madoguchi_store::testing::blank_program;
    use time::macros::date;

    use super::*;

    const TODAY: Date = date!(2026 - 08 - 21);

    fn program(id: &str, last_verified: Option<Date>) -> Program {
        Program {
            id: ProgramId::parse(id).unwrap(),
            last_verified,
            ..blank_program()
        }
    }

    fn closing(mut p: Program, closes: Date, status: ProgramStatus) -> Program {
        let opens = JstDateTime::from_date(closes - Duration::days(30), DayEdge::Start);
        let closes = JstDateTime::from_date(closes, DayEdge::End);
        p.rounds = vec![ApplicationRound::new(None, Some(opens), Some(closes)).unwrap()];
        p.status = status;
        p
    }

    fn ids<'p>(programs: impl IntoIterator<Item = &'p Program>) -> Vec<&'p str> {
        programs.into_iter().map(|p| p.id.as_str()).collect()
    }

    #[test]
    fn stale_means_never_verified_or_verified_more_than_n_days_ago() {
        let programs = [
            program("fresh", Some(TODAY - Duration::days(10))),
            program("on-the-limit", Some(TODAY - Duration::days(90))),
            program("old", Some(TODAY - Duration::days(91))),
            program("older", Some(TODAY - Duration::days(400))),
            program("never", None),
        ];
        assert_eq!(ids(stale(&programs, TODAY, 90)), ["never", "older", "old"]);
        assert_eq!(ids(stale(&programs, TODAY, 5)).len(), 5);
    }

    #[test]
    fn overdue_means_still_open_after_the_last_round_closed_and_not_checked_since() {
        let yesterday = TODAY - Duration::days(1);
        let programs = [
            closing(program("overdue", None), yesterday, ProgramStatus::Open),
            closing(
                program(
                    "checked-before-closing",
                    Some(yesterday - Duration::days(3)),
                ),
                yesterday,
                ProgramStatus::Open,
            ),
            closing(
                program("checked-after-closing", Some(TODAY)),
                yesterday,
                ProgramStatus::Open,
            ),
            closing(
                program("marked-closed", None),
                yesterday,
                ProgramStatus::Closed,
            ),
            closing(program("closes-today", None), TODAY, ProgramStatus::Open),
            program("no-dates", None),
        ];
        let found = overdue(&programs, TODAY);
        assert_eq!(
            ids(found.iter().map(|(p, _)| *p)),
            ["checked-before-closing", "overdue"]
        );
        assert!(found.iter().all(|(_, closed)| *closed == yesterday));
    }
}
