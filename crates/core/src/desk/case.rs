//! A consultation case's workflow: 受付 → ヒアリング → 紹介（専門家の承諾待ち）→ 相談中 →
//! 完了, or 取下げ from any open state, with a limit on consultation sessions per case (three
//! by default, as みえDXセンター has it) and the first-contact service level counted in
//! business days.
//!
//! Each step is checked here, so that the console, the command line and any later channel
//! refuse the same steps with the same words.

use time::Date;

use crate::calendar::BusinessCalendar;

/// Consultation sessions a case may have unless the desk configures otherwise.
pub const DEFAULT_MAX_SESSIONS: u32 = 3;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CaseState {
    Received,
    Hearing,
    Referred,
    Consulting,
    Closed,
    Withdrawn,
}

impl CaseState {
    pub const ALL: [Self; 6] = [
        Self::Received,
        Self::Hearing,
        Self::Referred,
        Self::Consulting,
        Self::Closed,
        Self::Withdrawn,
    ];

    pub fn label(self) -> &'static str {
        match self {
            Self::Received => "受付",
            Self::Hearing => "ヒアリング",
            Self::Referred => "紹介（専門家の承諾待ち）",
            Self::Consulting => "相談中",
            Self::Closed => "完了",
            Self::Withdrawn => "取下げ",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Hearing => "hearing",
            Self::Referred => "referred",
            Self::Consulting => "consulting",
            Self::Closed => "closed",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the case still needs someone to act.
    pub fn is_open(self) -> bool {
        !matches!(self, Self::Closed | Self::Withdrawn)
    }
}

/// A step someone takes on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseStep {
    /// Staff contact the requester and hear the case (the first contact).
    StartHearing,
    /// Staff introduce the case to the expert they confirmed.
    Refer,
    /// The expert takes the case on.
    Accept,
    /// The expert declines with a reason: back to the hearing, for the next proposal.
    Decline,
    /// Staff take the case back from its expert with a reason (担当替え): back to the
    /// hearing, for another introduction; the sessions held so far still count.
    Reassign,
    /// A consultation session took place.
    RecordSession,
    /// Done, with an outcome (an action plan, programs applied for, next steps).
    Close,
    /// The requester withdrew, or the case was merged into another.
    Withdraw,
}

impl CaseStep {
    pub fn label(self) -> &'static str {
        match self {
            Self::StartHearing => "ヒアリングを始める",
            Self::Refer => "専門家に紹介する",
            Self::Accept => "相談を引き受ける",
            Self::Decline => "相談を辞退する",
            Self::Reassign => "担当を替える",
            Self::RecordSession => "相談の記録を追加する",
            Self::Close => "完了にする",
            Self::Withdraw => "取下げにする",
        }
    }
}

/// Why a step was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    #[error("「{state}」の相談には「{step}」ことはできません。画面を開き直して、今の状態を確かめてください。", state = .state.label(), step = .step.label())]
    NotFrom { state: CaseState, step: CaseStep },
    #[error(
        "相談の回数は1件につき{max}回までです。続けるときは、新しい相談として受け付けてください。"
    )]
    TooManySessions { max: u32 },
}

/// The state after `step`, given the sessions held so far and the limit.
pub fn next_state(
    state: CaseState,
    step: CaseStep,
    sessions: u32,
    max_sessions: u32,
) -> Result<CaseState, CaseError> {
    use CaseState as S;
    use CaseStep as T;
    let next = match (state, step) {
        (S::Received, T::StartHearing) => S::Hearing,
        (S::Hearing, T::Refer) => S::Referred,
        (S::Referred, T::Accept) => S::Consulting,
        (S::Referred, T::Decline) => S::Hearing,
        (S::Referred | S::Consulting, T::Reassign) => S::Hearing,
        (S::Consulting, T::RecordSession) => {
            if sessions >= max_sessions {
                return Err(CaseError::TooManySessions { max: max_sessions });
            }
            S::Consulting
        }
        // A hearing alone may settle a case (a program pointed out, a form explained).
        (S::Hearing | S::Consulting, T::Close) => S::Closed,
        (open, T::Withdraw) if open.is_open() => S::Withdrawn,
        (state, step) => return Err(CaseError::NotFrom { state, step }),
    };
    Ok(next)
}

/// The first-contact service level of a case received on `received`: due by the end of
/// the `days`-th business day after it.
pub fn first_contact_due(calendar: &BusinessCalendar, received: Date, days: u32) -> Date {
    calendar.add_business_days(received, days)
}

/// Whether a case received on `received` and not yet contacted is overdue on `today`.
pub fn is_overdue(calendar: &BusinessCalendar, received: Date, days: u32, today: Date) -> bool {
    today > first_contact_due(calendar, received, days)
}

/// The day from which a case received and not yet contacted is still within its service
/// level on `today`: every such case received on an earlier day is overdue. The console's
/// overdue list asks the database for cases received before this day.
pub fn overdue_before(calendar: &BusinessCalendar, days: u32, today: Date) -> Date {
    let mut day = today;
    // A service level of at most 30 business days reaches back at most about 45 days,
    // even over 年末年始 and Golden Week.
    while let Some(earlier) = day.previous_day() {
        if is_overdue(calendar, earlier, days, today) {
            break;
        }
        day = earlier;
    }
    day
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;

    const STEPS: [CaseStep; 8] = [
        CaseStep::StartHearing,
        CaseStep::Refer,
        CaseStep::Accept,
        CaseStep::Decline,
        CaseStep::Reassign,
        CaseStep::RecordSession,
        CaseStep::Close,
        CaseStep::Withdraw,
    ];

    #[test]
    fn a_case_goes_from_intake_to_an_outcome_with_at_most_three_sessions() {
        let mut state = CaseState::Received;
        let mut sessions = 0;
        for step in [
            CaseStep::StartHearing,
            CaseStep::Refer,
            CaseStep::Decline,
            CaseStep::Refer,
            CaseStep::Accept,
        ] {
            state = next_state(state, step, sessions, DEFAULT_MAX_SESSIONS).unwrap();
        }
        assert_eq!(state, CaseState::Consulting);
        for _ in 0..3 {
            state = next_state(state, CaseStep::RecordSession, sessions, 3).unwrap();
            sessions += 1;
        }
        let fourth = next_state(state, CaseStep::RecordSession, sessions, 3).unwrap_err();
        assert_eq!(
            fourth.to_string(),
            "相談の回数は1件につき3回までです。続けるときは、新しい相談として受け付けてください。"
        );
        assert_eq!(
            next_state(state, CaseStep::Close, sessions, 3),
            Ok(CaseState::Closed)
        );
    }

    #[test]
    fn staff_take_a_case_back_from_its_expert_while_it_is_with_them() {
        for state in [CaseState::Referred, CaseState::Consulting] {
            assert_eq!(
                next_state(state, CaseStep::Reassign, 1, 3),
                Ok(CaseState::Hearing)
            );
        }
        for state in [
            CaseState::Received,
            CaseState::Hearing,
            CaseState::Closed,
            CaseState::Withdrawn,
        ] {
            assert!(next_state(state, CaseStep::Reassign, 0, 3).is_err());
        }
    }

    #[test]
    fn a_step_from_the_wrong_state_is_refused_in_japanese() {
        let err = next_state(CaseState::Received, CaseStep::Accept, 0, 3).unwrap_err();
        assert_eq!(
            err.to_string(),
            "「受付」の相談には「相談を引き受ける」ことはできません。画面を開き直して、今の状態を確かめてください。"
        );
    }

    #[test]
    fn first_contact_is_due_in_business_days_and_overdue_after() {
        let calendar = BusinessCalendar::bundled();
        let received = date!(2026 - 12 - 25);
        assert_eq!(
            first_contact_due(calendar, received, 3),
            date!(2027 - 01 - 05)
        );
        assert!(!is_overdue(calendar, received, 3, date!(2027 - 01 - 05)));
        assert!(is_overdue(calendar, received, 3, date!(2027 - 01 - 06)));
    }

    proptest! {
        /// Whatever steps are tried, a closed or withdrawn case never moves again and the
        /// sessions never pass the limit.
        #[test]
        fn ended_cases_stay_ended_and_sessions_stay_within_the_limit(
            steps in prop::collection::vec(prop::sample::select(STEPS.to_vec()), 0..60),
            max in 1u32..5,
        ) {
            let mut state = CaseState::Received;
            let mut sessions = 0;
            for step in steps {
                let before = state;
                if let Ok(next) = next_state(state, step, sessions, max) {
                    prop_assert!(before.is_open());
                    if step == CaseStep::RecordSession {
                        sessions += 1;
                    }
                    state = next;
                }
                prop_assert!(sessions <= max);
            }
        }

        /// The overdue list's cut-off agrees with the service level for every day of
        /// receipt, over weekends, holidays and 年末年始.
        #[test]
        fn the_overdue_cut_off_agrees_with_the_service_level(
            offset in 0i64..800,
            back in 0i64..70,
            days in 1u32..10,
        ) {
            let calendar = BusinessCalendar::bundled();
            let today = date!(2025 - 01 - 01) + time::Duration::days(offset);
            let received = today - time::Duration::days(back);
            let cut_off = overdue_before(calendar, days, today);
            prop_assert_eq!(received < cut_off, is_overdue(calendar, received, days, today));
        }
    }
}
