//! Whether a program can be applied for on a given day: 受付中, 受付開始前, 受付終了 or 不明.
//!
//! Staff's explicit closing statuses (受付終了, 予算上限により受付終了, 中止) win over dates, since
//! a program can close early; otherwise the rounds' dates decide, and the status set by staff is
//! used only where no round has a date.

use serde::Serialize;
use serde::ser::SerializeStruct;
use time::Date;

use super::{Program, ProgramStatus};
use crate::calendar::wareki::format_date;

/// The application window of a program as of one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// 受付中, until `closes` when known.
    Open {
        closes: Option<Date>,
    },
    /// 受付開始前, from `opens` when known.
    Upcoming {
        opens: Option<Date>,
        closes: Option<Date>,
    },
    Closed(ClosedReason),
    /// 不明: neither dates nor status say.
    Unknown,
}

/// Why a window is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClosedReason {
    Ended,
    BudgetReached,
    Cancelled,
}

/// The window of `program` on `as_of` (a JST calendar date).
pub fn application_window(program: &Program, as_of: Date) -> Window {
    Schedule::of(program).window(as_of)
}

/// What the window depends on, with the rounds' dates worked out once (a rule set keeps one
/// per program, so ranking thousands of programs compares plain dates; the search index keeps
/// one per program to filter and count by window on every query).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    status: ProgramStatus,
    /// Each dated round's first and last day; shared, so that copying a rule set's schedules
    /// into the next catalogue snapshot allocates nothing.
    rounds: std::sync::Arc<[(Option<Date>, Option<Date>)]>,
}

impl Schedule {
    pub fn of(program: &Program) -> Self {
        Self {
            status: program.status,
            rounds: program
                .rounds
                .iter()
                .map(|r| (r.opens().map(|o| o.date()), r.closes().map(|c| c.date())))
                .filter(|(o, c)| o.is_some() || c.is_some())
                .collect(),
        }
    }

    pub fn window(&self, as_of: Date) -> Window {
        match self.status {
            ProgramStatus::Cancelled => return Window::Closed(ClosedReason::Cancelled),
            ProgramStatus::ClosedBudget => return Window::Closed(ClosedReason::BudgetReached),
            ProgramStatus::Closed => return Window::Closed(ClosedReason::Ended),
            ProgramStatus::Open | ProgramStatus::Upcoming => {}
        }
        let mut next: Option<(Date, Option<Date>)> = None;
        for &(opens, closes) in self.rounds.iter() {
            let started = opens.is_none_or(|o| o <= as_of);
            let not_ended = closes.is_none_or(|c| as_of <= c);
            if started && not_ended {
                return Window::Open { closes };
            }
            if let Some(o) = opens.filter(|&o| o > as_of)
                && next.is_none_or(|(n, _)| o < n)
            {
                next = Some((o, closes));
            }
        }
        match (next, self.rounds.is_empty(), self.status) {
            (Some((opens, closes)), _, _) => Window::Upcoming {
                opens: Some(opens),
                closes,
            },
            (None, false, _) => Window::Closed(ClosedReason::Ended),
            (None, true, ProgramStatus::Open) => Window::Open { closes: None },
            (None, true, ProgramStatus::Upcoming) => Window::Upcoming {
                opens: None,
                closes: None,
            },
            (None, true, _) => Window::Unknown,
        }
    }
}

impl Window {
    /// The code used in JSON.
    pub fn code(self) -> &'static str {
        match self {
            Self::Open { .. } => "open",
            Self::Upcoming { .. } => "upcoming",
            Self::Closed(_) => "closed",
            Self::Unknown => "unknown",
        }
    }

    /// 「受付中（2026年3月31日（令和8年）まで）」 and the like.
    pub fn label(self) -> String {
        match self {
            Self::Open { closes: Some(c) } => format!("受付中（{}まで）", format_date(c)),
            Self::Open { closes: None } => "受付中（締切の記載なし）".to_owned(),
            Self::Upcoming { opens: Some(o), .. } => {
                format!("受付開始前（{}から）", format_date(o))
            }
            Self::Upcoming { opens: None, .. } => "受付開始前（開始日未定）".to_owned(),
            Self::Closed(ClosedReason::Ended) => "受付終了".to_owned(),
            Self::Closed(ClosedReason::BudgetReached) => "予算上限により受付終了".to_owned(),
            Self::Closed(ClosedReason::Cancelled) => "中止".to_owned(),
            Self::Unknown => "不明".to_owned(),
        }
    }

    /// The next closing date a business can still meet, for ranking.
    pub fn closing_date(self) -> Option<Date> {
        match self {
            Self::Open { closes } | Self::Upcoming { closes, .. } => closes,
            Self::Closed(_) | Self::Unknown => None,
        }
    }
}

impl Serialize for Window {
    /// `{"state": "open", "closes": "2026-03-31", "label": "受付中（…まで）"}`.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (opens, closes) = match *self {
            Self::Open { closes } => (None, closes),
            Self::Upcoming { opens, closes } => (opens, closes),
            Self::Closed(_) | Self::Unknown => (None, None),
        };
        let mut st = s.serialize_struct("Window", 4)?;
        st.serialize_field("state", self.code())?;
        st.serialize_field("opens", &opens.map(|d| d.to_string()))?;
        st.serialize_field("closes", &closes.map(|d| d.to_string()))?;
        st.serialize_field("label", &self.label())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DayEdge, JstDateTime};
    use crate::program::ApplicationRound;
    use serde_json::json;
    use time::macros::date;

    fn program(status: &str, rounds: &[(Option<&str>, Option<&str>)]) -> Program {
        let mut p = crate::eligibility::fixtures::program("w", json!({"status": status}));
        let at = |d: Option<&str>, edge| d.map(|d| JstDateTime::parse(d, edge).unwrap());
        p.rounds = rounds
            .iter()
            .map(|(o, c)| {
                ApplicationRound::new(None, at(*o, DayEdge::Start), at(*c, DayEdge::End)).unwrap()
            })
            .collect();
        p
    }

    #[test]
    fn dates_decide_open_upcoming_and_ended() {
        let p = program(
            "open",
            &[
                (Some("2026-01-05"), Some("2026-02-27")),
                (Some("2026-05-01"), Some("2026-06-30")),
            ],
        );
        assert_eq!(
            application_window(&p, date!(2026 - 02 - 27)),
            Window::Open {
                closes: Some(date!(2026 - 02 - 27))
            }
        );
        let between = application_window(&p, date!(2026 - 03 - 10));
        assert_eq!(between.label(), "受付開始前（2026年5月1日（令和8年）から）");
        assert_eq!(between.closing_date(), Some(date!(2026 - 06 - 30)));
        assert_eq!(
            application_window(&p, date!(2026 - 07 - 01)),
            Window::Closed(ClosedReason::Ended)
        );
    }

    #[test]
    fn staff_closing_a_program_early_wins_over_its_dates() {
        let p = program("closed_budget", &[(Some("2026-01-05"), Some("2026-12-28"))]);
        let w = application_window(&p, date!(2026 - 03 - 01));
        assert_eq!(w.label(), "予算上限により受付終了");
        assert_eq!(w.closing_date(), None);
    }

    #[test]
    fn without_dates_the_status_decides_and_otherwise_it_is_unknown() {
        let as_of = date!(2026 - 03 - 01);
        assert_eq!(
            application_window(&program("open", &[]), as_of).label(),
            "受付中（締切の記載なし）"
        );
        assert_eq!(
            application_window(&program("upcoming", &[(None, None)]), as_of).code(),
            "upcoming"
        );
    }

    #[test]
    fn a_window_serialises_with_its_state_dates_and_label() {
        let w = Window::Open {
            closes: Some(date!(2026 - 03 - 31)),
        };
        assert_eq!(
            serde_json::to_value(w).unwrap(),
            json!({"state": "open", "opens": null, "closes": "2026-03-31",
                   "label": "受付中（2026年3月31日（令和8年）まで）"})
        );
    }
}
