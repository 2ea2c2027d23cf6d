//! One business as the evaluator sees it, as of one date, and each condition valued against it.
//!
//! Facts are derived once per profile (`Context::new`) and answers are laid out in tables read
//! by index, so valuing a condition is a look-up and a comparison; `judge` then folds those
//! values up a rule's nodes.
use std::sync::OnceLock;

use time::Date;

use crate::eligibility::rules::code::{Instr, OpCode, RuleView};
use crate::eligibility::rules::reads::Reads;
use crate::eligibility::tri::{State, Tri};
use crate::eligibility::vocabulary::answer::{Answer, Founding};
use crate::eligibility::vocabulary::area::{Industry, Place};
use crate::eligibility::vocabulary::facts::{Fact, Facts};
use crate::eligibility::vocabulary::field::{Field, FieldSet};
use crate::eligibility::vocabulary::org_form::{LargeInvestment, OrgForm};
use crate::eligibility::vocabulary::profile::Profile;
use crate::program::Purpose;

/// One business as of one date, with its derived facts worked out and its answers laid out
/// in tables the evaluator reads by index.
#[derive(Debug, Clone)]
pub struct Context<'p> {
    pub profile: &'p Profile,
    pub facts: Facts,
    pub as_of: Date,
    numbers: [Option<u64>; Field::COUNT],
    flags: [Option<bool>; Field::COUNT],
    fact_states: [State; Fact::ALL.len()],
    founded_day: Option<i64>,
    place: Option<Place>,
    industry: Option<Industry>,
    org_form: Option<u32>,
    large_investment: Option<u32>,
    purposes: Option<u32>,
    /// Each derived fact's reasons (`Facts::reasons`), worked out when first explained: a
    /// results page explains the same few facts for many programs.
    fact_reasons: [OnceLock<Vec<String>>; Fact::ALL.len()],
    /// The answers each derived fact waits for (`Facts::blocking`), worked out when first
    /// asked: every 要確認 result shown and the next question ask it of the same few facts,
    /// and with little answered it weighs every reading of the business.
    fact_blocking: [OnceLock<FieldSet>; Fact::ALL.len()],
}

fn bit_of<T: PartialEq>(all: &[T], value: Option<&T>) -> Option<u32> {
    value.and_then(|v| all.iter().position(|m| m == v).map(|i| 1u32 << i))
}

#[inline]
fn state_of(answer: Option<bool>) -> State {
    match answer {
        Some(true) => State::TRUE,
        Some(false) => State::FALSE,
        None => State::MISSING,
    }
}

impl<'p> Context<'p> {
    pub fn new(profile: &'p Profile, as_of: Date) -> Self {
        Self::with_facts(profile, Facts::of(profile, as_of))
    }

    /// The context of `profile` on `like`'s day, where `profile` is answered much as `like`'s
    /// business is (the next question tries many such): the derived facts are worked out
    /// from `like`'s (`Facts::like`). Equal to `Context::new(profile, like.as_of)`.
    pub(crate) fn like(like: &Self, profile: &'p Profile) -> Self {
        Self::with_facts(profile, Facts::like(&like.facts, profile))
    }

    /// `profile` laid out for the evaluator, with its derived facts.
    fn with_facts(profile: &'p Profile, facts: Facts) -> Self {
        let as_of = facts.as_of;
        let mut numbers = [None; Field::COUNT];
        let mut flags = [None; Field::COUNT];
        for &field in Field::ALL {
            numbers[field.index()] = match field {
                Field::Employees => profile.employees.known().map(|&n| u64::from(n)),
                _ => profile
                    .number(field)
                    .and_then(Answer::known)
                    .map(|y| y.get()),
            };
            flags[field.index()] = profile.flag(field).and_then(Answer::known).copied();
        }
        let fact_states = std::array::from_fn(|i| State::from_tri(facts.truth(Fact::ALL[i])));
        Self {
            profile,
            as_of,
            numbers,
            flags,
            fact_states,
            founded_day: profile.founded.known().map(|f| match f {
                Founding::On(on) => i64::from(on.to_julian_day()),
                // Still to be founded: later than any date a rule names.
                Founding::Planned => i64::MAX,
            }),
            place: profile.municipality.known().map(|&c| Place::of(c)),
            industry: profile.industry.known().map(|&c| Industry::of(c)),
            org_form: bit_of(OrgForm::ALL, profile.org_form.known()),
            large_investment: bit_of(LargeInvestment::ALL, profile.large_investment.known()),
            purposes: profile.purposes.known().map(|set| {
                set.iter()
                    .filter_map(|p| bit_of(Purpose::ALL, Some(p)))
                    .fold(0, |a, b| a | b)
            }),
            facts,
            fact_reasons: std::array::from_fn(|_| OnceLock::new()),
            fact_blocking: std::array::from_fn(|_| OnceLock::new()),
        }
    }

    /// The answers the derived fact waits for (`Facts::blocking`).
    pub(crate) fn fact_blocking(&self, fact: Fact) -> FieldSet {
        match self.fact_blocking.get(fact as usize) {
            Some(kept) => *kept.get_or_init(|| self.facts.blocking(fact)),
            None => self.facts.blocking(fact),
        }
    }

    /// How the derived fact was worked out for this business, in Japanese
    /// (`Facts::reasons`).
    pub(crate) fn fact_reasons(&self, fact: Fact) -> Vec<String> {
        match self.fact_reasons.get(fact as usize) {
            Some(kept) => kept.get_or_init(|| self.facts.reasons(fact)).clone(),
            None => self.facts.reasons(fact),
        }
    }

    /// The value of one condition for this business (`rule` is any rule of its storage).
    #[inline]
    pub(crate) fn condition(&self, ins: &Instr, rule: &RuleView<'_>) -> State {
        let masked =
            |answer: Option<u32>| state_of(answer.map(|bits| u64::from(bits) & ins.value != 0));
        match ins.op {
            OpCode::Number => state_of(
                self.numbers
                    .get(usize::from(ins.a))
                    .copied()
                    .flatten()
                    .map(|n| ins.cmp.holds(n, ins.value)),
            ),
            OpCode::Flag => state_of(
                self.flags
                    .get(usize::from(ins.a))
                    .copied()
                    .flatten()
                    .map(|b| b == (ins.value != 0)),
            ),
            OpCode::OrgForm => masked(self.org_form),
            OpCode::LargeInvestment => masked(self.large_investment),
            OpCode::Purposes => masked(self.purposes),
            OpCode::Within => {
                within_any(self.place.as_ref(), rule.places(ins.value), Place::within)
            }
            OpCode::Industry => within_any(
                self.industry.as_ref(),
                rule.industries(ins.value),
                Industry::within,
            ),
            OpCode::Founded => state_of(
                self.founded_day
                    .map(|day| ins.cmp.holds(day, ins.value as i64)),
            ),
            OpCode::Fact => self
                .fact_states
                .get(usize::from(ins.a))
                .copied()
                .unwrap_or(State::MISSING),
            OpCode::Years => state_of(
                self.facts
                    .years_since_founding
                    .map(|y| ins.cmp.holds(u64::from(y), ins.value)),
            ),
            OpCode::Manual => State::MANUAL,
        }
    }

    /// The industry answered, if any.
    pub(crate) fn industry(&self) -> Option<&Industry> {
        self.industry.as_ref()
    }

    /// The derived facts whose conditions this business and `other` may value differently
    /// (the years since founding as the fact `YearsSinceFounding`).
    pub(crate) fn facts_apart(&self, other: &Self) -> Reads {
        let years = (self.facts.years_since_founding != other.facts.years_since_founding)
            .then_some(Reads::fact(Fact::YearsSinceFounding));
        Fact::ALL
            .iter()
            .zip(self.fact_states.iter().zip(&other.fact_states))
            .filter(|(_, (a, b))| a != b)
            .map(|(&fact, _)| Reads::fact(fact))
            .chain(years)
            .fold(Reads::NONE, Reads::union)
    }

    /// The answers condition `i` of `rule` still waits for (empty when it is decided).
    pub fn blocking(&self, rule: &RuleView<'_>, i: usize) -> FieldSet {
        let Some(ins) = rule.instr(i) else {
            return FieldSet::EMPTY;
        };
        if self.condition(ins, rule) != State::MISSING {
            return FieldSet::EMPTY;
        }
        self.awaited(ins, |fact| self.fact_blocking(fact))
    }

    /// The answers a condition valued missing waits for; a derived fact's as `fact_blocking`
    /// says (a diagnosis works those out once for all its programs).
    #[inline]
    pub(crate) fn awaited(
        &self,
        ins: &Instr,
        fact_blocking: impl FnOnce(Fact) -> FieldSet,
    ) -> FieldSet {
        match ins.op {
            OpCode::Fact => Fact::ALL
                .get(usize::from(ins.a))
                .map_or(FieldSet::EMPTY, |&f| fact_blocking(f)),
            OpCode::Years => FieldSet::of(&[Field::Founded]),
            _ => ins.answer().map_or(FieldSet::EMPTY, |f| FieldSet::of(&[f])),
        }
    }
}

/// Whether an answer lies within any of a rule's targets (missing when unanswered).
#[inline]
fn within_any<T>(answer: Option<&T>, targets: &[T], within: fn(&T, &T) -> Tri) -> State {
    match answer {
        Some(a) => State::from_tri(
            targets
                .iter()
                .fold(Tri::False, |acc, t| acc.or(within(a, t))),
        ),
        None => State::MISSING,
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::eligibility::evaluate::property_tests::{answers, partial_profile};

    proptest! {
        /// A context made like another business's, answered the same but for one field,
        /// derives the facts a context made afresh derives.
        #[test]
        fn a_context_made_like_another_derives_the_facts_of_a_fresh_one(
            choices in prop::collection::vec(0usize..64, Field::COUNT),
            field in 0..Field::COUNT,
            pick in 0usize..64,
        ) {
            let as_of = date!(2026 - 05 - 01);
            let base = partial_profile(&choices);
            let ctx = Context::new(&base, as_of);
            let field = Field::ALL[field];
            let options = answers(field);
            let mut other = base.clone();
            other.set(field, &options[pick % options.len()]).unwrap();
            let like = Context::like(&ctx, &other);
            prop_assert_eq!(like.facts, Context::new(&other, as_of).facts);
        }

        /// The reasons of each derived fact, and the answers it waits for, kept once worked
        /// out, are those worked out afresh, the first time and after.
        #[test]
        fn the_reasons_kept_for_a_fact_are_those_worked_out_afresh(
            choices in prop::collection::vec(0usize..64, Field::COUNT),
        ) {
            let profile = partial_profile(&choices);
            let ctx = Context::new(&profile, date!(2026 - 05 - 01));
            for _ in 0..2 {
                for &fact in Fact::ALL {
                    prop_assert_eq!(ctx.fact_reasons(fact), ctx.facts.reasons(fact));
                    prop_assert_eq!(ctx.fact_blocking(fact), ctx.facts.blocking(fact));
                }
            }
        }
    }
}
