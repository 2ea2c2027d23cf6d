//! The compiled rules of a whole catalogue snapshot, evaluated for one business at a time.
//!
//! Built once when a snapshot is built, in the snapshot's program order. All rules share one
//! storage in which equal conditions are kept once; evaluating values each distinct condition
//! once, then writes every node's state of every program into one buffer that can be reused,
//! so a diagnosis over 10,000 programs allocates nothing per program.

use std::borrow::Borrow;
use std::sync::OnceLock;

use time::Date;

use super::blank::Blank;
use super::condition_values::ConditionValues;
use super::ranking::{RankFacts, order};
use crate::catalog::Step;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::evaluate::judge::{missing_in, run_nodes};
use crate::eligibility::evaluate::verdict::Verdict;
use crate::eligibility::rules::code::{Interner, RuleCode, RuleView};
use crate::eligibility::rules::program_rule::{RuleOrigin, compile_program};
use crate::eligibility::rules::rule_error::ProgramRuleErrors;
use crate::eligibility::tri::State;
use crate::eligibility::vocabulary::field::FieldSet;
use crate::eligibility::vocabulary::profile::Profile;
use crate::program::Program;

/// Every program's compiled rule, in catalogue order, stored in one array.
#[derive(Debug, Clone, Default)]
pub struct RuleSet {
    code: RuleCode,
    /// What `code` holds already, so that rules added later share its conditions.
    interner: Interner,
    /// Each program's instructions: (first, count) in `code`, as `u32`s (see `Span`).
    ranges: Vec<Span>,
    origins: Vec<RuleOrigin>,
    rank_facts: Vec<RankFacts>,
    /// Which conditions of `code` are valued per business.
    values: ConditionValues,
    /// Each program's decisive condition (`RuleView::decisive_condition`), if any.
    decisive: Vec<Option<u32>>,
    /// The evaluation with nothing answered, made on the first evaluation.
    blank: OnceLock<Blank>,
}

impl RuleSet {
    /// Compiles every program's rule. Programs whose rule does not compile are judged by their
    /// derived rule (never 対象), and their errors are returned for staff.
    pub fn build<P: Borrow<Program>>(programs: &[P]) -> (Self, Vec<ProgramRuleErrors>) {
        let mut set = Self::default();
        let mut errors = Vec::new();
        for program in programs {
            errors.extend(set.push(program.borrow()));
        }
        (set, errors)
    }

    /// Compiles one more program's rule at the end.
    pub(crate) fn push(&mut self, program: &Program) -> Option<ProgramRuleErrors> {
        let (rule, origin, problem) = compile_program(program);
        let range = self.code.append(&rule.code, &mut self.interner);
        self.values.extend(&self.code.leaves);
        self.ranges.push(Span::of(range));
        let decisive = self.code.view(range.0, range.1).decisive_condition();
        self.decisive
            .push(decisive.and_then(|id| u32::try_from(id).ok()));
        self.origins.push(origin);
        self.rank_facts.push(RankFacts::of(program));
        problem
    }

    /// The rule set of the next catalogue snapshot, position by position: a kept program's
    /// rule is this set's, a new or changed one is compiled and appended to a copy of the
    /// storage. The storage is rebuilt from the programs instead when more than half of it
    /// would be rules no program uses any more, so that it never grows without bound.
    pub(crate) fn with_steps<P: Borrow<Program>>(
        &self,
        steps: &[Step<'_>],
        programs: &[P],
    ) -> Self {
        let kept_nodes: usize = steps
            .iter()
            .filter_map(|s| match *s {
                Step::Keep(i) => self.ranges.get(i).map(|r| r.get().1),
                Step::Compile(_) => None,
            })
            .sum();
        if self.code.nodes.len() > 2 * kept_nodes.max(1) {
            return Self::build(programs).0;
        }
        let mut set = Self {
            code: self.code.clone(),
            interner: self.interner.clone(),
            values: self.values.clone(),
            ranges: Vec::with_capacity(steps.len()),
            origins: Vec::with_capacity(steps.len()),
            rank_facts: Vec::with_capacity(steps.len()),
            decisive: Vec::with_capacity(steps.len()),
            blank: OnceLock::new(),
        };
        for step in steps {
            match *step {
                Step::Keep(i) => {
                    set.ranges.push(self.ranges[i]);
                    set.decisive.push(self.decisive[i]);
                    set.origins.push(self.origins[i]);
                    set.rank_facts.push(self.rank_facts[i].clone());
                }
                Step::Compile(program) => {
                    set.push(program);
                }
            }
        }
        set
    }

    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The compiled rule of the `i`-th program.
    pub fn rule(&self, i: usize) -> Option<RuleView<'_>> {
        let (start, len) = self.ranges.get(i)?.get();
        Some(self.code.view(start, len))
    }

    pub fn origin(&self, i: usize) -> Option<RuleOrigin> {
        self.origins.get(i).copied()
    }

    /// Indices of the programs in ranked order for an evaluation of this rule set: verdict,
    /// fit with the chosen purposes, amount, closing date (see `ranking`).
    pub fn rank(&self, evaluation: &Evaluation<'_>, profile: &Profile, as_of: Date) -> Vec<usize> {
        self.rank_top(evaluation, profile, as_of, None)
    }

    /// The `limit` best programs in ranked order (all when `None`), without sorting the rest.
    pub fn rank_top(
        &self,
        evaluation: &Evaluation<'_>,
        profile: &Profile,
        as_of: Date,
        limit: Option<usize>,
    ) -> Vec<usize> {
        order(
            evaluation.verdicts(),
            &self.rank_facts,
            profile,
            as_of,
            limit,
        )
    }

    /// Evaluates every program for one business.
    pub fn evaluate<'r>(&'r self, ctx: &Context<'_>) -> Evaluation<'r> {
        let mut evaluation = Evaluation::new(self);
        self.evaluate_into(ctx, &mut evaluation);
        evaluation
    }

    /// Evaluates into a buffer kept from an earlier evaluation of this rule set.
    ///
    /// Each distinct condition of the catalogue is valued once; each program's rule is then
    /// a walk over its nodes. When the conditions come out as they do with nothing answered,
    /// the states and verdicts worked out for that once are copied instead (`Blank`).
    pub fn evaluate_into<'r>(&'r self, ctx: &Context<'_>, evaluation: &mut Evaluation<'r>) {
        self.evaluate_some_into(ctx, evaluation, false);
    }

    /// As `evaluate_into`, but a program whose decisive condition fails (see
    /// `decisive_condition`) is only given its verdict, 対象外, and no states until
    /// `Evaluation::walk_skipped` is asked for them: for a diagnosis, which reads the states
    /// of the programs it shows and of the 要確認 ones only.
    pub(crate) fn evaluate_lean_into<'r>(
        &'r self,
        ctx: &Context<'_>,
        evaluation: &mut Evaluation<'r>,
    ) {
        self.evaluate_some_into(ctx, evaluation, true);
    }

    fn evaluate_some_into<'r>(
        &'r self,
        ctx: &Context<'_>,
        evaluation: &mut Evaluation<'r>,
        lean: bool,
    ) {
        evaluation.rules = self;
        self.value_conditions(ctx, &mut evaluation.conditions);
        evaluation.skipped.clear();
        let blank = self.blank.get_or_init(|| Blank::of(self, ctx.as_of));
        if evaluation.conditions == blank.conditions {
            evaluation.states.clone_from(&blank.states);
            evaluation.verdicts.clone_from(&blank.verdicts);
            evaluation.blank = Some(blank);
        } else {
            let skipped = lean.then_some(&mut evaluation.skipped);
            self.walk(
                &evaluation.conditions,
                &mut evaluation.states,
                &mut evaluation.verdicts,
                skipped,
            );
            evaluation.blank = None;
        }
    }

    /// The value of each distinct condition of the catalogue for the business of `ctx`.
    pub(super) fn value_conditions(&self, ctx: &Context<'_>, conditions: &mut Vec<State>) {
        self.values
            .value_into(&self.code.view(0, 0), ctx, conditions);
    }

    /// The numbers of the conditions valued per business (`ConditionValues::varying`).
    pub(super) fn varying_conditions(&self) -> &[usize] {
        self.values.varying()
    }

    /// Every program's node states and verdict, with the conditions valued `conditions`;
    /// with `skipped`, those whose decisive condition fails are marked there and not walked.
    pub(super) fn walk(
        &self,
        conditions: &[State],
        states: &mut Vec<State>,
        verdicts: &mut Vec<Verdict>,
        mut skipped: Option<&mut Vec<bool>>,
    ) {
        states.resize(self.code.nodes.len(), State::MISSING);
        verdicts.clear();
        if let Some(skipped) = skipped.as_deref_mut() {
            skipped.resize(self.len(), false);
        }
        for (i, span) in self.ranges.iter().enumerate() {
            let (start, len) = span.get();
            if let Some(skipped) = skipped.as_deref_mut()
                && self.fails_outright(i, conditions)
            {
                skipped[i] = true;
                verdicts.push(Verdict::Ineligible);
                continue;
            }
            verdicts.push(self.walk_one(start, len, conditions, states));
        }
    }

    /// Whether program `i`'s decisive condition fails, so that its rule does.
    fn fails_outright(&self, i: usize, conditions: &[State]) -> bool {
        let decisive = self.decisive.get(i).copied().flatten();
        decisive.and_then(|id| conditions.get(id as usize)) == Some(&State::FALSE)
    }

    /// The rule whose nodes are `start..start + len`, walked into `states` (the catalogue's).
    fn walk_one(
        &self,
        start: usize,
        len: usize,
        conditions: &[State],
        states: &mut [State],
    ) -> Verdict {
        let nodes = self.code.nodes.get(start..start + len).unwrap_or(&[]);
        let states = states.get_mut(start..start + len).unwrap_or(&mut []);
        run_nodes(nodes, states, |id| {
            conditions.get(id).copied().unwrap_or(State::MISSING)
        })
    }
}

/// The verdict and node states of every program of a rule set, for one business.
#[derive(Debug, Clone)]
pub struct Evaluation<'r> {
    rules: &'r RuleSet,
    verdicts: Vec<Verdict>,
    states: Vec<State>,
    /// The value of each distinct condition of the rule set.
    conditions: Vec<State>,
    /// The rule set's evaluation with nothing answered, when this one is a copy of it.
    blank: Option<&'r Blank>,
    /// Per program, whether its states were left unwritten (`evaluate_lean_into`); empty
    /// when none were.
    skipped: Vec<bool>,
}

impl<'r> Evaluation<'r> {
    /// An empty buffer for `rules`, to pass to `RuleSet::evaluate_into`.
    pub fn new(rules: &'r RuleSet) -> Self {
        Self {
            rules,
            verdicts: Vec::with_capacity(rules.len()),
            states: vec![State::MISSING; rules.code.nodes.len()],
            conditions: Vec::with_capacity(rules.code.leaves.len()),
            blank: None,
            skipped: Vec::new(),
        }
    }

    pub fn verdicts(&self) -> &[Verdict] {
        &self.verdicts
    }

    pub fn verdict(&self, i: usize) -> Option<Verdict> {
        self.verdicts.get(i).copied()
    }

    /// The node states of the `i`-th program's rule (none for a program a diagnosis did
    /// not need them of).
    pub fn states(&self, i: usize) -> &[State] {
        if self.skipped.get(i) == Some(&true) {
            return &[];
        }
        match self.rules.ranges.get(i) {
            Some(span) => self.states.get(span.range()).unwrap_or(&[]),
            None => &[],
        }
    }

    pub fn rules(&self) -> &'r RuleSet {
        self.rules
    }

    /// Walks the rules of `programs` whose states `RuleSet::evaluate_lean_into` left
    /// unwritten.
    pub(crate) fn walk_skipped(&mut self, programs: &[usize]) {
        for &i in programs {
            let (Some(skipped), Some(span)) = (self.skipped.get_mut(i), self.rules.ranges.get(i))
            else {
                continue;
            };
            if *skipped {
                *skipped = false;
                let (start, len) = span.get();
                self.rules
                    .walk_one(start, len, &self.conditions, &mut self.states);
            }
        }
    }

    /// Every 要確認 program's catalogue index and the answers that could settle it
    /// (`RuleView::missing_by` with `awaited`), in catalogue order.
    pub(crate) fn missing_of_open(
        &self,
        awaited: impl Fn(usize) -> FieldSet + Copy,
    ) -> impl Iterator<Item = (usize, FieldSet)> {
        let (nodes, states) = (&self.rules.code.nodes, &self.states);
        self.rules
            .ranges
            .iter()
            .zip(&self.verdicts)
            .enumerate()
            .filter(|(_, (_, verdict))| **verdict == Verdict::NeedsInfo)
            .map(move |(i, (span, _))| {
                let range = span.range();
                let nodes = nodes.get(range.clone()).unwrap_or(&[]);
                let states = states.get(range).unwrap_or(&[]);
                (i, missing_in(nodes, states, awaited))
            })
    }

    /// The value of each distinct condition of the rule set (numbered as in its storage).
    pub(crate) fn conditions(&self) -> &[State] {
        &self.conditions
    }

    /// The rule set's evaluation with nothing answered, when this one is a copy of it.
    pub(super) fn blank(&self) -> Option<&'r Blank> {
        self.blank
    }
}

/// One program's nodes in the storage: first and count. Kept as `u32`s, half of a pair of
/// `usize`s, since a catalogue of a million programs keeps one per program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: u32,
    len: u32,
}

impl Span {
    fn of((start, len): (usize, usize)) -> Self {
        let narrow = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        Self {
            start: narrow(start),
            len: narrow(len),
        }
    }

    fn get(self) -> (usize, usize) {
        (self.start as usize, self.len as usize)
    }

    fn range(self) -> std::ops::Range<usize> {
        let (start, len) = self.get();
        start..start + len
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::eligibility::evaluate::property_tests::{
        partial_profile, unsure_profile, valid_rule_tree,
    };
    use crate::eligibility::rules::rule::Rule;
    use crate::eligibility::vocabulary::field::Field;
    use crate::eligibility::vocabulary::profile::Profile;
    use serde_json::json;
    use std::sync::Arc;
    use time::macros::date;

    fn program(id: &str, rule: Option<serde_json::Value>) -> Program {
        let mut p = crate::eligibility::fixtures::program(id, json!({}));
        p.rule = rule.map(Rule::from_value).map(Box::new);
        p
    }

    #[test]
    fn a_catalogue_evaluates_program_by_program_in_its_order() {
        let programs = [
            program(
                "a",
                Some(json!({"field": "employees", "op": "le", "value": 20})),
            ),
            program("b", None),
            program(
                "c",
                Some(json!({"all": [{"field": "employees", "op": "gt", "value": 20}]})),
            ),
        ];
        let (rules, errors) = RuleSet::build(&programs);
        assert!(errors.is_empty());
        assert_eq!(rules.origin(1), Some(RuleOrigin::Derived));
        let profile = Profile::from_value(&json!({"employees": 5})).unwrap();
        let ctx = Context::new(&profile, date!(2026 - 04 - 01));
        let evaluation = rules.evaluate(&ctx);
        assert_eq!(
            evaluation.verdicts(),
            [Verdict::Eligible, Verdict::Conditional, Verdict::Ineligible]
        );
        assert_eq!(evaluation.states(2).len(), 2);
    }

    /// A rule set made from the previous one program by program holds what one built
    /// afresh holds for each program: the same conditions, and what each node reads (which
    /// the next question relies on).
    #[test]
    fn a_rule_set_updated_with_steps_reads_as_one_built_afresh() {
        let rule = |n: u64| {
            json!({"all": [
                {"field": "employees", "op": "le", "value": n},
                {"any": [{"fact": "sme"}, {"field": "tax_arrears", "op": "eq", "value": false}]},
                {"not": {"fact": "deemed_large"}}
            ]})
        };
        let before: Vec<Arc<Program>> = (0..4)
            .map(|i| Arc::new(program(&format!("p{i}"), Some(rule(i)))))
            .collect();
        let (rules, _) = RuleSet::build(&before);
        let changed = Arc::new(program(
            "p9",
            Some(
                json!({"any": [{"field": "municipality", "op": "within", "value": ["460001"]},
                                {"fact": "years_since_founding", "op": "lt", "value": 5}]}),
            ),
        ));
        let after = vec![before[2].clone(), changed.clone(), before[0].clone()];
        let steps = [Step::Keep(2), Step::Compile(&changed), Step::Keep(0)];
        let updated = rules.with_steps(&steps, &after);
        let (afresh, _) = RuleSet::build(&after);
        for i in 0..after.len() {
            let (a, b) = (updated.rule(i).unwrap(), afresh.rule(i).unwrap());
            assert_eq!(a.len(), b.len(), "program {i}");
            for node in 0..a.len() {
                assert_eq!(a.kind(node), b.kind(node), "program {i}, node {node}");
                assert_eq!(a.reads(node), b.reads(node), "program {i}, node {node}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Every program's states and verdict in the catalogue's evaluation are those its
        /// rule gives alone, whether the evaluation is walked or copied from the one with
        /// nothing answered (a business that answered nothing, or only 「わからない」).
        #[test]
        fn the_catalogue_evaluates_each_rule_as_the_rule_alone_does(
            rules in prop::collection::vec(valid_rule_tree(), 1..60),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
            dont_know in prop::collection::vec(any::<bool>(), Field::COUNT),
        ) {
            let (rules, _) = RuleSet::build(&crate::eligibility::fixtures::catalogue(rules));
            let unsure = unsure_profile(&dont_know);
            let mut evaluation = Evaluation::new(&rules);
            for profile in [partial_profile(&choices), Profile::default(), unsure] {
                for as_of in [date!(2026 - 04 - 01), date!(2031 - 02 - 28)] {
                    let ctx = Context::new(&profile, as_of);
                    rules.evaluate_into(&ctx, &mut evaluation);
                    for i in 0..rules.len() {
                        let alone = rules.rule(i).unwrap().evaluate(&ctx);
                        prop_assert_eq!(evaluation.verdict(i), Some(alone.verdict));
                        prop_assert_eq!(evaluation.states(i), &alone.states[..]);
                    }
                }
            }
            let nothing = Profile::default();
            let ctx = Context::new(&nothing, date!(2026 - 04 - 01));
            prop_assert!(rules.evaluate(&ctx).blank().is_some());
        }
    }

    #[test]
    fn a_program_with_a_broken_rule_falls_back_to_its_derived_rule_and_is_reported() {
        let programs = [program(
            "demo-x",
            Some(json!({"all": [{"field": "emploees", "op": "le", "value": 20}]})),
        )];
        let (rules, errors) = RuleSet::build(&programs);
        assert_eq!(rules.origin(0), Some(RuleOrigin::Fallback));
        assert!(
            errors[0]
                .to_string()
                .starts_with("制度 demo-x の条件 all[0]：")
        );
        let profile = Profile::default();
        let ctx = Context::new(&profile, date!(2026 - 04 - 01));
        assert_eq!(rules.evaluate(&ctx).verdicts(), [Verdict::Conditional]);
    }
}
