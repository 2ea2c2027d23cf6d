//! Which changes to a program are news, and where a matched notice goes.
//!
//! A subscriber asked to hear when a program is published, when it changes in a way that
//! matters to an applicant (its application window, its amount, who may apply), or when its
//! window is about to close. A corrected typo is not news. The catalogue's write path asks
//! [`catalogue_event`] once per saved program; the daily scan asks [`deadline_event`]. Each
//! event has a key ([`EventKey`]) that makes it happen once, however often the write or the
//! scan is repeated. Once a subscriber is matched, [`route`] says whether the notice goes
//! out now or waits for the digest.

use time::Date;

use super::{Cadence, Event};
use crate::eligibility::{Rule, derived_rule};
use crate::program::{Program, ProgramId, Window, application_window};

/// What changed between two versions of a program that an applicant would care about.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NotableChange {
    /// The rounds' dates or the 受付 status.
    pub window: bool,
    /// The upper or lower limit, the rate, or the words about the amount.
    pub amount: bool,
    /// Who may apply: the rule written for the program, or the one derived from its record
    /// (areas, industries, employees) when it has none.
    pub rules: bool,
}

impl NotableChange {
    /// Compares what matters of `old` and `new`; wording, contact and the like are left out.
    pub fn between(old: &Program, new: &Program) -> Self {
        Self {
            window: old.rounds != new.rounds || old.status != new.status,
            amount: old.amount != new.amount,
            rules: effective_rule(old) != effective_rule(new),
        }
    }

    /// Whether anything that matters changed.
    pub fn any(self) -> bool {
        self.window || self.amount || self.rules
    }
}

/// The rule a program is judged by.
fn effective_rule(program: &Program) -> Rule {
    program
        .rule
        .as_deref()
        .cloned()
        .unwrap_or_else(|| derived_rule(program))
}

/// The event a write to the public catalogue makes: `New` when the program was not there
/// before, `Changed` when something that matters changed, nothing otherwise.
pub fn catalogue_event(old: Option<&Program>, new: &Program) -> Option<Event> {
    match old {
        None => Some(Event::New),
        Some(old) => NotableChange::between(old, new)
            .any()
            .then_some(Event::Changed),
    }
}

/// The days before a window closes at which each deadline event falls due: 8 to 14 days
/// left is 「締切の14日前」, 1 to 7 is 「締切の7日前」. Ranges rather than single days, so
/// that a day the scan did not run is caught up the next day (the key keeps it once).
const DEADLINE14_DAYS: std::ops::RangeInclusive<i64> = 8..=14;
const DEADLINE7_DAYS: std::ops::RangeInclusive<i64> = 1..=7;

/// The deadline event due for `program` on `today` (a JST date), with the day its window
/// closes: only for a window open today with a known end.
pub fn deadline_event(program: &Program, today: Date) -> Option<(Event, Date)> {
    let Window::Open {
        closes: Some(closes),
    } = application_window(program, today)
    else {
        return None;
    };
    let left = (closes - today).whole_days();
    let event = if DEADLINE7_DAYS.contains(&left) {
        Event::Deadline7
    } else if DEADLINE14_DAYS.contains(&left) {
        Event::Deadline14
    } else {
        return None;
    };
    Some((event, closes))
}

/// The key that makes an event unique: `new:{program}:{version}`,
/// `changed:{program}:{version}`, `deadline14:{program}:{closing date}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventKey(String);

impl EventKey {
    /// The key of a catalogue event: the program's version that caused it.
    pub fn of_version(event: Event, program: &ProgramId, version: u32) -> Self {
        Self(format!("{}:{program}:{version}", event.code()))
    }

    /// The key of a deadline event: the closing date, so that a window moved later is
    /// announced again for its new date.
    pub fn of_deadline(event: Event, program: &ProgramId, closes: Date) -> Self {
        Self(format!("{}:{program}:{closes}", event.code()))
    }

    /// A key as stored.
    pub fn from_stored(key: &str) -> Self {
        Self(key.to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The version a catalogue event was caused by; none for a deadline event.
    pub fn version(&self) -> Option<u32> {
        let (event, rest) = self.0.split_once(':')?;
        match Event::parse(event)? {
            Event::New | Event::Changed => rest.rsplit_once(':')?.1.parse().ok(),
            Event::Deadline14 | Event::Deadline7 => None,
        }
    }
}

/// Messages a subscriber gets in one day at most unless set otherwise
/// (setting `notices.daily_cap`).
pub const DEFAULT_DAILY_CAP: u32 = 3;

/// The daily cap as the setting holds it: a whole number of at least 1, or the default.
pub fn daily_cap(setting: Option<&str>) -> u32 {
    setting
        .and_then(|value| value.trim().parse::<u32>().ok())
        .filter(|&cap| cap >= 1)
        .unwrap_or(DEFAULT_DAILY_CAP)
}

/// Where one matched notice goes for one subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Route {
    /// A message of its own, now.
    Instant,
    /// An item of the next weekly digest.
    Digest,
}

/// Weekly subscribers always wait for the digest; instant ones get a message of its own
/// until they have had `cap` messages in the last day, and the rest is folded into the
/// digest rather than dropped.
pub fn route(cadence: Cadence, sent_in_last_day: u32, cap: u32) -> Route {
    match cadence {
        Cadence::Instant if sent_in_last_day < cap => Route::Instant,
        Cadence::Instant | Cadence::Weekly => Route::Digest,
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::calendar::{DayEdge, JstDateTime};
    use crate::eligibility::{Field, Op};
    use crate::program::{ApplicationRound, ProgramStatus, Yen};

    fn demo(id: &str) -> Program {
        crate::demo::CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| crate::import::own::parse(bytes).unwrap().programs)
            .find(|p| p.id.as_str() == id)
            .unwrap()
    }

    fn round(opens: &str, closes: &str) -> ApplicationRound {
        ApplicationRound::new(
            None,
            Some(JstDateTime::parse(opens, DayEdge::Start).unwrap()),
            Some(JstDateTime::parse(closes, DayEdge::End).unwrap()),
        )
        .unwrap()
    }

    #[test]
    fn a_first_publication_is_new_and_a_save_of_the_same_is_nothing() {
        let program = demo("demo-mie-dx-center");
        assert_eq!(catalogue_event(None, &program), Some(Event::New));
        assert_eq!(catalogue_event(Some(&program), &program), None);
    }

    #[test]
    fn wording_contact_and_documents_are_not_news() {
        let old = demo("demo-suzuka-sogyo");
        let mut new = old.clone();
        new.summary.push_str("（表記を修正しました）");
        new.detail = "<p>説明を改めました。</p>".to_owned();
        new.contact = Some("産業政策課 059-000-0000".to_owned());
        new.documents
            .push(crate::program::RequiredDocument::named("履歴事項全部証明書").unwrap());
        new.note = Some("注記".to_owned());
        assert_eq!(NotableChange::between(&old, &new), NotableChange::default());
        assert_eq!(catalogue_event(Some(&old), &new), None);
    }

    #[test]
    fn the_window_the_amount_and_the_rules_are_each_news() {
        let old = demo("demo-suzuka-sogyo");

        let mut moved = old.clone();
        moved.rounds = vec![round("2026-04-01", "2026-12-25")];
        assert_eq!(
            NotableChange::between(&old, &moved),
            NotableChange {
                window: true,
                ..NotableChange::default()
            }
        );
        let mut closed_early = old.clone();
        closed_early.status = ProgramStatus::ClosedBudget;
        assert!(NotableChange::between(&old, &closed_early).window);

        let mut raised = old.clone();
        raised.amount.max = Some(Yen::from_u64(9_990_000));
        assert_eq!(
            NotableChange::between(&old, &raised),
            NotableChange {
                amount: true,
                ..NotableChange::default()
            }
        );

        let mut stricter = old.clone();
        stricter.rule = Some(Box::new(Rule::condition(
            Field::Employees,
            Op::Le,
            5.into(),
        )));
        assert_eq!(
            NotableChange::between(&old, &stricter),
            NotableChange {
                rules: true,
                ..NotableChange::default()
            }
        );
        assert_eq!(catalogue_event(Some(&old), &stricter), Some(Event::Changed));
    }

    #[test]
    fn a_program_without_a_rule_changes_rules_when_its_areas_do() {
        let mut old = demo("demo-suzuka-sogyo");
        old.rule = None;
        let mut new = old.clone();
        new.areas = crate::program::TargetAreas::Nationwide;
        assert!(NotableChange::between(&old, &new).rules);
    }

    #[test]
    fn deadline_events_fall_on_the_fourteenth_and_seventh_days_and_catch_up() {
        let mut program = demo("demo-suzuka-sogyo");
        program.status = ProgramStatus::Open;
        program.rounds = vec![round("2026-04-01", "2026-06-30")];
        let closes = date!(2026 - 06 - 30);
        let on = |today: Date| deadline_event(&program, today);
        assert_eq!(on(date!(2026 - 06 - 15)), None);
        assert_eq!(on(date!(2026 - 06 - 16)), Some((Event::Deadline14, closes)));
        assert_eq!(on(date!(2026 - 06 - 22)), Some((Event::Deadline14, closes)));
        assert_eq!(on(date!(2026 - 06 - 23)), Some((Event::Deadline7, closes)));
        assert_eq!(on(date!(2026 - 06 - 29)), Some((Event::Deadline7, closes)));
        assert_eq!(on(date!(2026 - 06 - 30)), None);
        let mut closed = program.clone();
        closed.status = ProgramStatus::Closed;
        assert_eq!(deadline_event(&closed, date!(2026 - 06 - 23)), None);
    }

    #[test]
    fn a_key_names_the_event_and_gives_back_the_version() {
        let id = ProgramId::parse("demo-mie-dx-center").unwrap();
        let key = EventKey::of_version(Event::Changed, &id, 4);
        assert_eq!(key.as_str(), "changed:demo-mie-dx-center:4");
        assert_eq!(EventKey::from_stored(key.as_str()).version(), Some(4));
        let deadline = EventKey::of_deadline(Event::Deadline7, &id, date!(2026 - 06 - 30));
        assert_eq!(deadline.as_str(), "deadline7:demo-mie-dx-center:2026-06-30");
        assert_eq!(deadline.version(), None);
        assert_eq!(EventKey::from_stored("nonsense").version(), None);
    }

    #[test]
    fn instant_subscribers_are_capped_and_the_rest_waits_for_the_digest() {
        assert_eq!(route(Cadence::Instant, 0, 3), Route::Instant);
        assert_eq!(route(Cadence::Instant, 2, 3), Route::Instant);
        assert_eq!(route(Cadence::Instant, 3, 3), Route::Digest);
        assert_eq!(route(Cadence::Weekly, 0, 3), Route::Digest);
        assert_eq!(daily_cap(None), DEFAULT_DAILY_CAP);
        assert_eq!(daily_cap(Some(" 5 ")), 5);
        assert_eq!(daily_cap(Some("0")), DEFAULT_DAILY_CAP);
        assert_eq!(daily_cap(Some("たくさん")), DEFAULT_DAILY_CAP);
    }
}
