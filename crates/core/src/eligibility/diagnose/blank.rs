//! The diagnosis of a business that has answered nothing yet, kept with the rule set.
//!
//! Every desk session starts with nothing answered, and that diagnosis is the dearest one:
//! every program is 要確認, so every program's node states are walked again to gather what
//! it awaits for the next question. Yet an evaluation is a function of the values of the
//! catalogue's conditions alone, and with nothing answered those come out the same for every
//! business. So the states and verdicts of that evaluation, and what its 要確認 programs
//! await, are worked out once per rule set, and taken as they are whenever an evaluation's
//! conditions (and, for the awaited answers, what each condition awaits) come out exactly
//! the same. Anything that differs, an answer or a day that moves a fact, is evaluated as
//! usual; the ranking, explanations and sample answers, which depend on the day, are never
//! kept.

use std::sync::OnceLock;

use time::Date;

use super::next_question::awaited_by_condition;
use super::open_programs::Gathered;
use super::ruleset::RuleSet;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::evaluate::verdict::Verdict;
use crate::eligibility::tri::State;
use crate::eligibility::vocabulary::field::FieldSet;
use crate::eligibility::vocabulary::profile::Profile;

/// The evaluation of the rule set for a business with nothing answered.
#[derive(Debug, Clone)]
pub(crate) struct Blank {
    /// The value of each distinct condition: the key an evaluation is matched by.
    pub(super) conditions: Vec<State>,
    pub(super) states: Vec<State>,
    pub(super) verdicts: Vec<Verdict>,
    /// What each condition awaits (`awaited_by_condition`).
    awaited: Vec<FieldSet>,
    /// What the 要確認 programs await, gathered on the first diagnosis that needs it.
    gathered: OnceLock<Gathered>,
}

impl Blank {
    /// `rules` evaluated for a business with nothing answered, on `as_of`.
    pub(super) fn of(rules: &RuleSet, as_of: Date) -> Self {
        let profile = Profile::default();
        let ctx = Context::new(&profile, as_of);
        let (mut conditions, mut states, mut verdicts) = (Vec::new(), Vec::new(), Vec::new());
        rules.value_conditions(&ctx, &mut conditions);
        rules.walk(&conditions, &mut states, &mut verdicts, None);
        Self {
            awaited: awaited_by_condition(rules, &conditions, &ctx),
            conditions,
            states,
            verdicts,
            gathered: OnceLock::new(),
        }
    }

    /// Whether the conditions await what they awaited here, condition by condition.
    pub(super) fn awaits_as(&self, awaited: &[FieldSet]) -> bool {
        self.awaited == awaited
    }

    /// What the 要確認 programs await, `gather`ed from an evaluation equal to this one (the
    /// first time).
    pub(super) fn gathered(&self, gather: impl FnOnce() -> Gathered) -> &Gathered {
        self.gathered.get_or_init(gather)
    }
}
