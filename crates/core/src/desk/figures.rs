//! The desk's service figures for the supervisor: per category and per expert, how many
//! cases are open, how many business days first contact took on average, and how many
//! days a case took to close. Business days follow the bundled calendar (weekends,
//! public holidays and 年末年始 excluded), the same one the service level is set on.

use std::collections::BTreeMap;

use time::Date;

use crate::calendar::BusinessCalendar;

use super::case::CaseState;
use super::expert::Category;

/// What the figures need of one case: no personal data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseTimes {
    pub category: Category,
    pub expert_id: Option<String>,
    pub state: CaseState,
    pub received: Date,
    pub first_contact: Option<Date>,
    pub closed: Option<Date>,
}

/// The figures of one group of cases.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub cases: u32,
    pub open: u32,
    /// Business days from receipt to first contact, on average over contacted cases.
    pub days_to_contact: Option<f64>,
    /// Calendar days from receipt to closing, on average over closed cases.
    pub days_to_close: Option<f64>,
}

/// The figures of every group `key` sorts cases into, in key order.
pub fn figures_by<'c, K: Ord>(
    cases: impl IntoIterator<Item = &'c CaseTimes>,
    calendar: &BusinessCalendar,
    mut key: impl FnMut(&'c CaseTimes) -> Option<K>,
) -> Vec<(K, Figures)> {
    let mut sums: BTreeMap<K, Sums> = BTreeMap::new();
    for case in cases {
        if let Some(k) = key(case) {
            sums.entry(k).or_default().add(case, calendar);
        }
    }
    sums.into_iter().map(|(k, s)| (k, s.figures())).collect()
}

#[derive(Default)]
struct Sums {
    cases: u32,
    open: u32,
    contacted: u32,
    contact_days: u64,
    closed: u32,
    close_days: u64,
}

impl Sums {
    fn add(&mut self, case: &CaseTimes, calendar: &BusinessCalendar) {
        self.cases += 1;
        if case.state.is_open() {
            self.open += 1;
        }
        if let Some(contact) = case.first_contact {
            self.contacted += 1;
            self.contact_days += u64::from(calendar.business_days_between(case.received, contact));
        }
        if let (CaseState::Closed, Some(closed)) = (case.state, case.closed) {
            self.closed += 1;
            self.close_days += u64::try_from((closed - case.received).whole_days()).unwrap_or(0);
        }
    }

    fn figures(&self) -> Figures {
        let average = |total: u64, n: u32| (n > 0).then(|| total as f64 / f64::from(n));
        Figures {
            cases: self.cases,
            open: self.open,
            days_to_contact: average(self.contact_days, self.contacted),
            days_to_close: average(self.close_days, self.closed),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    fn case(
        state: CaseState,
        received: Date,
        contact: Option<Date>,
        closed: Option<Date>,
    ) -> CaseTimes {
        CaseTimes {
            category: Category::parse("data").unwrap(),
            expert_id: None,
            state,
            received,
            first_contact: contact,
            closed,
        }
    }

    #[test]
    fn averages_count_business_days_to_contact_and_days_to_close() {
        let calendar = BusinessCalendar::bundled();
        // Friday 2025-05-02, contacted Wednesday 05-07 after Golden Week: one business day
        // (05-07), the holidays of 05-03..06 and the weekend excluded.
        let cases = [
            case(
                CaseState::Closed,
                date!(2025 - 05 - 02),
                Some(date!(2025 - 05 - 07)),
                Some(date!(2025 - 05 - 12)),
            ),
            case(CaseState::Received, date!(2025 - 05 - 08), None, None),
            case(
                CaseState::Hearing,
                date!(2025 - 05 - 08),
                Some(date!(2025 - 05 - 09)),
                None,
            ),
        ];
        let rows = figures_by(&cases, calendar, |_| Some("all"));
        let figures = &rows[0].1;
        assert_eq!((figures.cases, figures.open), (3, 2));
        let contact = calendar.business_days_between(date!(2025 - 05 - 02), date!(2025 - 05 - 07))
            + calendar.business_days_between(date!(2025 - 05 - 08), date!(2025 - 05 - 09));
        assert_eq!(figures.days_to_contact, Some(f64::from(contact) / 2.0));
        assert_eq!(figures.days_to_close, Some(10.0));
    }

    #[test]
    fn groups_without_a_key_are_left_out_and_empty_averages_are_none() {
        let calendar = BusinessCalendar::bundled();
        let cases = [case(CaseState::Received, date!(2025 - 06 - 02), None, None)];
        let rows = figures_by(&cases, calendar, |_| None::<&str>);
        assert!(rows.is_empty());
        let rows = figures_by(&cases, calendar, |_| Some(1));
        assert_eq!(rows[0].1.days_to_contact, None);
        assert_eq!(rows[0].1.days_to_close, None);
    }
}
