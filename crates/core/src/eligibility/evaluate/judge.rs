//! A compiled rule judged for one business: every node's state, and the verdict.
//!
//! Each rule is a single backward pass over its pre-order nodes: children come after their
//! parent, so walking from the last node to the first finds every child already done. Every
//! node gets its state, even where the verdict is already settled, so the explanation can show
//! every condition; words are only produced later, for the results a person actually sees.

use super::context::Context;
use super::verdict::Verdict;
use crate::eligibility::rules::code::{ALL, LEAF, NOT, NodeKind, PAYLOAD, RuleView, tag};
use crate::eligibility::rules::compile::CompiledRule;
use crate::eligibility::tri::{Kleene, State, Tri};
use crate::eligibility::vocabulary::field::FieldSet;

impl RuleView<'_> {
    /// Writes every node's state into `states` (one per node) and returns the verdict.
    ///
    /// `states` must have `self.len()` entries; a shorter slice evaluates nothing and gives
    /// 要確認 rather than panicking.
    #[inline]
    pub fn evaluate_into(&self, ctx: &Context<'_>, states: &mut [State]) -> Verdict {
        self.run(states, |id| {
            self.leaves
                .get(id)
                .map_or(State::MISSING, |ins| ctx.condition(ins, self))
        })
    }

    /// As `evaluate_into`, with node `forced` taking the given state whatever the answers:
    /// how what-if hints ask 「if only this condition held」.
    pub(crate) fn evaluate_with(
        &self,
        ctx: &Context<'_>,
        states: &mut [State],
        forced: (usize, State),
    ) -> Verdict {
        let verdict = self.evaluate_into(ctx, states);
        if forced.0 >= states.len() {
            return verdict;
        }
        // Re-fold the ancestors with the forced state: everything before the node in
        // pre-order that contains it.
        states[forced.0] = forced.1;
        for i in (0..forced.0).rev() {
            if self.end(i) > forced.0 && self.instr(i).is_none() {
                states[i] = self.fold(i, states);
            }
        }
        Verdict::of(states[0])
    }

    /// The state of group node `i` from its children's states.
    #[inline]
    fn fold<S: Kleene>(&self, i: usize, states: &[S]) -> S {
        fold(self.nodes, i, states)
    }

    /// The backward pass, with condition number `id` valued by `condition(id)`.
    #[inline]
    pub(crate) fn run(
        &self,
        states: &mut [State],
        condition: impl FnMut(usize) -> State,
    ) -> Verdict {
        run_nodes(self.nodes, states, condition)
    }

    /// Evaluates into a fresh outcome.
    pub fn evaluate(&self, ctx: &Context<'_>) -> Outcome {
        let mut states = vec![State::MISSING; self.len()];
        let verdict = self.evaluate_into(ctx, &mut states);
        Outcome { verdict, states }
    }

    /// The answers that could still change a 要確認 verdict: those awaited by conditions that
    /// are open even with every manual check confirmed, below nodes that are open too.
    /// `states` are this rule's, evaluated for `ctx`.
    pub fn missing(&self, states: &[State], ctx: &Context<'_>) -> FieldSet {
        self.missing_by(states, |id| {
            self.leaves.get(id).map_or(FieldSet::EMPTY, |ins| {
                ctx.awaited(ins, |fact| ctx.fact_blocking(fact))
            })
        })
    }

    /// `missing`, with the answers a missing condition awaits given by `awaited(number)`
    /// (its number in the rule's storage; see `missing_in`).
    pub(crate) fn missing_by(
        &self,
        states: &[State],
        awaited: impl FnMut(usize) -> FieldSet,
    ) -> FieldSet {
        missing_in(self.nodes, states, awaited)
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
        match self.kind(i) {
            Some(NodeKind::All | NodeKind::Any) => {
                for c in self.children(i) {
                    self.walk_failed(c, states, out);
                }
            }
            _ => out.push(i),
        }
    }
}

/// `RuleView::run` for the rule whose nodes are `nodes`, read straight from a catalogue's
/// storage: a diagnosis walks thousands of rules and needs no more of each than its nodes.
#[inline]
pub(crate) fn run_nodes(
    nodes: &[u32],
    states: &mut [State],
    condition: impl FnMut(usize) -> State,
) -> Verdict {
    run_root(nodes, states, condition).map_or(Verdict::NeedsInfo, Verdict::of)
}

/// The backward pass over the rule whose nodes are `nodes`, over any Kleene values,
/// returning the root's (`None` when `states` is too short or the rule empty).
#[inline]
fn run_root<S: Kleene>(
    nodes: &[u32],
    states: &mut [S],
    mut condition: impl FnMut(usize) -> S,
) -> Option<S> {
    if states.len() < nodes.len() || nodes.is_empty() {
        return None;
    }
    for i in (0..nodes.len()).rev() {
        let n = nodes[i];
        states[i] = if tag(n) == LEAF {
            condition((n & PAYLOAD) as usize)
        } else {
            fold(nodes, i, states)
        };
    }
    Some(states[0])
}

/// The state of group node `i` of the rule whose nodes are `nodes`, from its children's
/// states.
#[inline]
fn fold<S: Kleene>(nodes: &[u32], i: usize, states: &[S]) -> S {
    let n = nodes[i];
    if tag(n) == NOT {
        return states.get(i + 1).map_or(S::MISSING, |s| s.negate());
    }
    let all = tag(n) == ALL;
    let mut acc = if all {
        S::ALL_IDENTITY
    } else {
        S::ANY_IDENTITY
    };
    // Children follow their parent; a child group holds where it ends.
    let (mut c, end) = (i + 1, ((n & PAYLOAD) as usize).min(nodes.len()));
    while c < end {
        acc = if all {
            acc.and(states[c])
        } else {
            acc.or(states[c])
        };
        let child = nodes[c];
        c = if tag(child) == LEAF {
            c + 1
        } else {
            ((child & PAYLOAD) as usize).max(c + 1)
        };
    }
    acc
}

/// `RuleView::missing_by` for the rule whose nodes are `nodes` and states `states`, read
/// straight from a catalogue's arrays by a diagnosis, which asks it of every 要確認 program.
/// `awaited` is called for every node, its value kept for the missing conditions only, so it
/// must be cheap and accept any number.
#[inline]
pub(crate) fn missing_in(
    nodes: &[u32],
    states: &[State],
    mut awaited: impl FnMut(usize) -> FieldSet,
) -> FieldSet {
    let end = match nodes.first() {
        Some(&root) if tag(root) != LEAF => (root & PAYLOAD) as usize,
        _ => 1,
    };
    let mut set = FieldSet::EMPTY;
    // In pre-order, skipping each subtree whose top is settled once manual checks are
    // confirmed: what is left is every open node reached through open nodes. A node is
    // skipped when it lies before the end of a settled node seen earlier; a settled node that
    // is itself skipped ends within the one that skips it, so the farthest end of any settled
    // node seen so far tells. Kept that simple, and masked with `&` rather than tested with
    // `&&` (the states follow no pattern a processor could predict), each node costs a few
    // instructions: a diagnosis walks every 要確認 program this way.
    let mut reach = 0;
    for (i, (&n, &state)) in nodes.iter().zip(states).enumerate().take(end) {
        let leaf = tag(n) == LEAF;
        let live = i >= reach;
        let past = if leaf { i + 1 } else { (n & PAYLOAD) as usize };
        reach = reach.max(if state.settled_once_confirmed() {
            past
        } else {
            0
        });
        let found = awaited((n & PAYLOAD) as usize);
        set = set.union(found.kept_if(live & leaf & (state == State::MISSING)));
    }
    set
}

impl CompiledRule {
    /// Evaluates into a fresh outcome.
    pub fn evaluate(&self, ctx: &Context<'_>) -> Outcome {
        self.view().evaluate(ctx)
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
    use crate::eligibility::vocabulary::field::Field;
    use serde_json::json;
    use time::Date;
    use time::macros::date;

    const AS_OF: Date = date!(2026 - 04 - 01);

    fn verdict(rule: serde_json::Value, profile: serde_json::Value) -> (Verdict, Vec<Field>) {
        fixtures::evaluated(rule, profile, AS_OF, |rule, outcome, ctx| {
            let missing = rule.view().missing(&outcome.states, ctx).iter().collect();
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
    fn a_rule_may_name_a_group_of_legal_forms_including_the_first_vocabularys_cooperative() {
        let rule = json!({"field": "org_form", "op": "in", "value": ["cooperative", "company"]});
        for (form, expected) in [
            ("enterprise_union", Verdict::Eligible),
            ("cooperation_union", Verdict::Eligible),
            ("business_cooperative", Verdict::Eligible),
            ("llc", Verdict::Eligible),
            ("agricultural_corporation", Verdict::Ineligible),
            ("npo", Verdict::Ineligible),
            ("sole_proprietor", Verdict::Ineligible),
        ] {
            let (v, _) = verdict(rule.clone(), json!({"org_form": form}));
            assert_eq!(v, expected, "{form}");
        }
    }

    #[test]
    fn each_size_definition_is_a_fact_of_its_own() {
        // A 30-person 医療法人: 中小 for 雇用関係助成金, not under 中小企業基本法.
        let clinic = json!({"industry": "83", "org_form": "medical_corporation", "employees": 30});
        let (v, _) = verdict(json!({"fact": "sme_employment"}), clinic.clone());
        assert_eq!(v, Verdict::Eligible);
        let (v, _) = verdict(json!({"fact": "sme_basic_law"}), clinic.clone());
        assert_eq!(v, Verdict::Ineligible);
        let (v, _) = verdict(json!({"fact": "sme_credit_guarantee"}), clinic);
        assert_eq!(v, Verdict::Eligible);
        // The tax definition waits for the 大規模法人 answers.
        let company = json!({"industry": "24", "org_form": "stock_company", "capital": "5000万円"});
        let (v, missing) = verdict(json!({"fact": "sme_tax"}), company);
        assert_eq!(v, Verdict::NeedsInfo);
        assert_eq!(
            missing,
            [
                Field::LargeCorpOwned,
                Field::WhollyOwnedByLarge,
                Field::AverageIncomeOverLimit
            ]
        );
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
            assert_eq!(rule.view().failed(&outcome.states), [1, 3]);
        });
    }
}
