//! Evaluates compiled rules against one business as of one date.
//!
//! Facts are derived once per profile (`Context::new`), then each rule is a single backward
//! pass over its pre-order nodes: children come after their parent, so walking from the last
//! node to the first finds every child already done. Every node gets its state, even where the
//! verdict is already settled, so the explanation can show every condition; words are only
//! produced later, for the results a person actually sees.

use time::Date;

use super::answer::{Answer, Founding};
use super::area::{industry_within, place_within};
use super::compile::{CompiledRule, Leaf, NodeKind};
use super::facts::Facts;
use super::field::{Field, FieldSet, LargeInvestment, OrgForm};
use super::profile::Profile;
use super::tri::{State, Tri};
use super::verdict::Verdict;
use crate::program::Purpose;

/// One business as of one date, with its derived facts worked out.
#[derive(Debug, Clone)]
pub struct Context<'p> {
    pub profile: &'p Profile,
    pub facts: Facts,
    pub as_of: Date,
    org_form: Option<u16>,
    large_investment: Option<u16>,
    purposes: Option<u16>,
}

fn bit_of<T: PartialEq>(all: &[T], value: Option<&T>) -> Option<u16> {
    value.and_then(|v| all.iter().position(|m| m == v).map(|i| 1u16 << i))
}

impl<'p> Context<'p> {
    pub fn new(profile: &'p Profile, as_of: Date) -> Self {
        Self {
            profile,
            facts: Facts::of(profile, as_of),
            as_of,
            org_form: bit_of(OrgForm::ALL, profile.org_form.known()),
            large_investment: bit_of(LargeInvestment::ALL, profile.large_investment.known()),
            purposes: profile.purposes.known().map(|set| {
                set.iter()
                    .filter_map(|p| bit_of(Purpose::ALL, Some(p)))
                    .fold(0, |a, b| a | b)
            }),
        }
    }

    fn number(&self, field: Field) -> Option<u64> {
        match field {
            Field::Employees => self.profile.employees.known().map(|&n| u64::from(n)),
            _ => self
                .profile
                .number(field)
                .and_then(Answer::known)
                .map(|y| y.get()),
        }
    }

    /// The value of one condition for this business.
    pub fn leaf(&self, leaf: &Leaf) -> State {
        let of = |v: Option<bool>| match v {
            Some(true) => State::TRUE,
            Some(false) => State::FALSE,
            None => State::MISSING,
        };
        match leaf {
            Leaf::Number { field, cmp, value } => {
                of(self.number(*field).map(|n| cmp.holds(n, *value)))
            }
            Leaf::Flag { field, expect } => of(self
                .profile
                .flag(*field)
                .and_then(Answer::known)
                .map(|b| b == expect)),
            Leaf::OrgForm { allowed } => of(self.org_form.map(|bit| allowed & bit != 0)),
            Leaf::LargeInvestment { allowed } => {
                of(self.large_investment.map(|bit| allowed & bit != 0))
            }
            Leaf::Purposes { any_of } => of(self.purposes.map(|set| set & any_of != 0)),
            Leaf::Within { areas } => {
                within_any(self.profile.municipality.known(), areas, place_within)
            }
            Leaf::Industry { codes } => {
                within_any(self.profile.industry.known(), codes, industry_within)
            }
            Leaf::Founded { cmp, date } => of(self.profile.founded.known().map(|f| match f {
                Founding::On(on) => cmp.holds(on, date),
                // Still to be founded: later than any date a rule names.
                Founding::Planned => cmp.holds(&Date::MAX, date),
            })),
            Leaf::Fact(fact) => State::from_tri(self.facts.truth(*fact)),
            Leaf::Years { cmp, years } => of(self
                .facts
                .years_since_founding
                .map(|y| cmp.holds(y, *years))),
            Leaf::Manual(_) => State::MANUAL,
        }
    }

    /// The answers a condition still waits for (empty when it is decided).
    pub fn blocking(&self, leaf: &Leaf) -> FieldSet {
        if self.leaf(leaf) != State::MISSING {
            return FieldSet::EMPTY;
        }
        match leaf {
            Leaf::Number { field, .. } | Leaf::Flag { field, .. } => FieldSet::of(&[*field]),
            Leaf::OrgForm { .. } => FieldSet::of(&[Field::OrgForm]),
            Leaf::LargeInvestment { .. } => FieldSet::of(&[Field::LargeInvestment]),
            Leaf::Purposes { .. } => FieldSet::of(&[Field::Purposes]),
            Leaf::Within { .. } => FieldSet::of(&[Field::Municipality]),
            Leaf::Industry { .. } => FieldSet::of(&[Field::Industry]),
            Leaf::Founded { .. } | Leaf::Years { .. } => FieldSet::of(&[Field::Founded]),
            Leaf::Fact(fact) => self.facts.blocking(*fact),
            Leaf::Manual(_) => FieldSet::EMPTY,
        }
    }
}

/// Whether an answer lies within any of a rule's targets (missing when unanswered).
fn within_any<T: Copy>(answer: Option<&T>, targets: &[T], within: fn(T, T) -> Tri) -> State {
    match answer {
        Some(&a) => State::from_tri(
            targets
                .iter()
                .fold(Tri::False, |acc, &t| acc.or(within(a, t))),
        ),
        None => State::MISSING,
    }
}

impl CompiledRule {
    /// Writes every node's state into `states` (one per node) and returns the verdict.
    ///
    /// `states` must have `self.len()` entries; a shorter slice evaluates nothing and gives
    /// 要確認 rather than panicking.
    pub fn evaluate_into(&self, ctx: &Context<'_>, states: &mut [State]) -> Verdict {
        self.evaluate_with(ctx, states, None)
    }

    /// As `evaluate_into`, with node `forced` taking the given state whatever the answers:
    /// how what-if hints ask 「if only this condition held」.
    pub(crate) fn evaluate_with(
        &self,
        ctx: &Context<'_>,
        states: &mut [State],
        forced: Option<(usize, State)>,
    ) -> Verdict {
        if states.len() < self.nodes.len() || self.nodes.is_empty() {
            return Verdict::NeedsInfo;
        }
        for i in (0..self.nodes.len()).rev() {
            let node = &self.nodes[i];
            let state = match &node.kind {
                NodeKind::Leaf(leaf) => ctx.leaf(leaf),
                NodeKind::Not => states.get(i + 1).map_or(State::MISSING, |s| s.negate()),
                NodeKind::All => self
                    .children(i)
                    .fold(State::ALL_IDENTITY, |acc, c| acc.and(states[c])),
                NodeKind::Any => self
                    .children(i)
                    .fold(State::ANY_IDENTITY, |acc, c| acc.or(states[c])),
            };
            states[i] = match forced {
                Some((k, s)) if k == i => s,
                _ => state,
            };
        }
        Verdict::of(states[0])
    }

    /// Evaluates into a fresh outcome.
    pub fn evaluate(&self, ctx: &Context<'_>) -> Outcome {
        let mut states = vec![State::MISSING; self.len()];
        let verdict = self.evaluate_into(ctx, &mut states);
        Outcome { verdict, states }
    }

    /// The answers that could still change a 要確認 verdict: those awaited by conditions that
    /// are open even with every manual check confirmed, below nodes that are open too.
    pub fn missing(&self, states: &[State], ctx: &Context<'_>) -> FieldSet {
        let mut set = FieldSet::EMPTY;
        self.walk_open(0, states, &mut |i| {
            if let NodeKind::Leaf(leaf) = &self.nodes[i].kind {
                set = set.union(ctx.blocking(leaf));
            }
        });
        set
    }

    fn walk_open(&self, i: usize, states: &[State], visit: &mut impl FnMut(usize)) {
        if states.get(i).is_none_or(|s| s.confirmed() != Tri::Unknown) {
            return;
        }
        visit(i);
        for c in self.children(i) {
            self.walk_open(c, states, visit);
        }
    }

    /// The nodes that make a 対象外 verdict: failed conditions (and failed `not`s) reached
    /// through failed nodes from the root.
    pub fn failed(&self, states: &[State]) -> Vec<usize> {
        let mut out = Vec::new();
        self.walk_failed(0, states, &mut out);
        out
    }

    fn walk_failed(&self, i: usize, states: &[State], out: &mut Vec<usize>) {
        if states.get(i).is_none_or(|s| s.open() != Tri::False) {
            return;
        }
        match self.nodes[i].kind {
            NodeKind::All | NodeKind::Any => {
                for c in self.children(i) {
                    self.walk_failed(c, states, out);
                }
            }
            NodeKind::Not | NodeKind::Leaf(_) => out.push(i),
        }
    }
}

/// A rule's result for one business: the verdict and every node's state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub verdict: Verdict,
    pub states: Vec<State>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::fixtures;
    use serde_json::json;
    use time::macros::date;

    const AS_OF: Date = date!(2026 - 04 - 01);

    fn verdict(rule: serde_json::Value, profile: serde_json::Value) -> (Verdict, Vec<Field>) {
        fixtures::evaluated(rule, profile, AS_OF, |rule, outcome, ctx| {
            let missing = rule.missing(&outcome.states, ctx).iter().collect();
            (outcome.verdict, missing)
        })
    }

    fn small_local_rule() -> serde_json::Value {
        json!({"all": [
            {"field": "municipality", "op": "within", "value": ["460001"]},
            {"fact": "sme"},
            {"field": "employees", "op": "le", "value": 20},
            {"manual": "市税を完納していること"}
        ]})
    }

    #[test]
    fn false_absorbs_in_all_even_with_answers_missing() {
        let (v, missing) = verdict(small_local_rule(), json!({"municipality": "310000"}));
        assert_eq!(v, Verdict::Ineligible);
        assert!(missing.is_empty());
    }

    #[test]
    fn true_absorbs_in_any_even_with_answers_missing() {
        let rule = json!({"any": [
            {"field": "employees", "op": "le", "value": 20},
            {"field": "capital", "op": "le", "value": "1000万円"}
        ]});
        let (v, _) = verdict(rule.clone(), json!({"employees": 5}));
        assert_eq!(v, Verdict::Eligible);
        let (v, missing) = verdict(rule, json!({"employees": 50}));
        assert_eq!((v, missing), (Verdict::NeedsInfo, vec![Field::Capital]));
    }

    #[test]
    fn missing_answers_are_named_and_manual_checks_make_it_conditional() {
        let (v, missing) = verdict(small_local_rule(), json!({"municipality": "462047"}));
        assert_eq!(v, Verdict::NeedsInfo);
        assert_eq!(
            missing,
            [
                Field::Industry,
                Field::OrgForm,
                Field::Employees,
                Field::Capital
            ]
        );
        let (v, missing) = verdict(
            small_local_rule(),
            json!({"municipality": "462047", "org_form": "llc", "employees": 8}),
        );
        assert_eq!((v, missing), (Verdict::Conditional, vec![]));
    }

    #[test]
    fn dont_know_is_evaluated_like_unanswered() {
        let (v, missing) = verdict(
            small_local_rule(),
            json!({"municipality": "わからない", "org_form": "llc", "employees": 8}),
        );
        assert_eq!(
            (v, missing),
            (Verdict::NeedsInfo, vec![Field::Municipality])
        );
    }

    #[test]
    fn a_rule_without_manual_checks_is_eligible_outright() {
        let rule = json!({"all": [
            {"not": {"fact": "deemed_large"}},
            {"fact": "years_since_founding", "op": "lt", "value": 5},
            {"field": "purposes", "op": "contains", "value": ["equipment_it", "new_business"]},
            {"field": "founded", "op": "ge", "value": "2020-04-01"}
        ]});
        let profile = json!({"org_form": "sole_proprietor", "founded": "2022-04-01",
                             "purposes": ["equipment_it"]});
        assert_eq!(verdict(rule.clone(), profile).0, Verdict::Eligible);
        let planned = json!({"org_form": "planning", "founded": "創業予定",
                             "large_investment": "none", "large_officers": false,
                             "purposes": ["new_business"]});
        assert_eq!(verdict(rule.clone(), planned).0, Verdict::Eligible);
        let old = json!({"org_form": "sole_proprietor", "founded": "2015-04-01",
                         "purposes": ["equipment_it"]});
        assert_eq!(verdict(rule, old).0, Verdict::Ineligible);
    }

    #[test]
    fn the_failed_conditions_of_an_ineligible_verdict_are_found() {
        let profile = json!({"municipality": "310000", "org_form": "llc", "employees": 30});
        fixtures::evaluated(small_local_rule(), profile, AS_OF, |rule, outcome, _| {
            assert_eq!(outcome.verdict, Verdict::Ineligible);
            assert_eq!(rule.failed(&outcome.states), [1, 3]);
        });
    }
}
