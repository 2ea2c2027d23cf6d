//! How many 要確認 verdicts the sample answers to one question would settle.
//!
//! A sample answer changes one field of the business's profile, so only the conditions that
//! read that field, and those on derived facts the answer moves, can change value; every
//! other condition keeps the value the diagnosis already gave it. So each program tried is
//! judged once for up to 64 sample answers at a time (`Lanes`, one bit per answer) rather than
//! once per answer; a subtree none of whose conditions can change (`RuleView::reads`) keeps
//! the diagnosis's state and is not walked; and each condition that can change is valued once
//! per batch of answers however many programs share it. The count is exactly what judging
//! every program afresh for every answer gives; the tests below hold the two equal.

use super::category_lanes::CategoryLanes;
use super::ruleset::Evaluation;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::rules::code::{ALL, LEAF, NOT, OpCode, PAYLOAD, RuleView, tag};
use crate::eligibility::rules::reads::Reads;
use crate::eligibility::tri::{Kleene, Lanes, State};
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::profile::Profile;

/// No value yet for a condition in the current batch.
const UNVALUED: u32 = u32::MAX;

/// How many programs are judged between two questions whether to give up.
const GIVE_UP_EVERY: usize = 16;

/// Buffers for trying sample answers against the programs of one evaluation, kept across
/// questions so that scoring them all allocates little.
pub(crate) struct AnswerTrial<'e, 'r> {
    evaluation: &'e Evaluation<'r>,
    /// The business the evaluation was made for.
    base: &'e Context<'e>,
    /// Per condition of the rule set, where its lanes are in `valued` for the current batch.
    slot: Vec<u32>,
    valued: Vec<Lanes>,
    /// The conditions given a slot in the current batch, to clear after it.
    touched: Vec<usize>,
}

/// A node's value for a batch of answers.
#[derive(Clone, Copy)]
enum Judged {
    /// The diagnosis's own state, in every lane: nothing under the node can change.
    Kept(State),
    /// Worked out lane by lane.
    Moved(Lanes),
}

/// One batch of sample answers being judged.
struct Batch<'t, 'c> {
    contexts: &'t [Context<'c>],
    /// The field answered and the derived facts some answer of the batch changes.
    moved: Reads,
    slot: &'t mut [u32],
    valued: &'t mut Vec<Lanes>,
    touched: &'t mut Vec<usize>,
    /// The industry categories valued in this batch, once an industry condition is.
    categories: Option<CategoryLanes>,
}

impl<'e, 'r> AnswerTrial<'e, 'r> {
    /// `base` is the context `evaluation` was made with.
    pub(crate) fn new(evaluation: &'e Evaluation<'r>, base: &'e Context<'e>) -> Self {
        Self {
            evaluation,
            base,
            slot: vec![UNVALUED; evaluation.conditions().len()],
            valued: Vec::new(),
            touched: Vec::new(),
        }
    }

    /// The verdicts among the programs `tried` (catalogue indices) that each sample answer
    /// would settle, summed with the answers' weights. Each sample must be the evaluated
    /// business's profile with only `field` answered differently.
    pub(crate) fn settled(
        &mut self,
        field: Field,
        samples: &[(Profile, u64)],
        tried: &[usize],
    ) -> u64 {
        self.settled_unless(field, samples, tried, |_| false)
            .unwrap_or(0)
    }

    /// `settled`, given up (`None`) as soon as `hopeless(at_most)` is true of the most the
    /// count can still reach: what it has counted so far, with every (answer, program) pair
    /// not yet judged taken as settled. The next question needs no exact count for a
    /// question that cannot beat the best one found so far.
    pub(crate) fn settled_unless(
        &mut self,
        field: Field,
        samples: &[(Profile, u64)],
        tried: &[usize],
        mut hopeless: impl FnMut(u64) -> bool,
    ) -> Option<u64> {
        let evaluation = self.evaluation;
        let rules = evaluation.rules();
        let weight_of = |batch: &[(Profile, u64)]| batch.iter().map(|(_, w)| w).sum::<u64>();
        let programs = tried.len() as u64;
        // The most that the answers not yet judged could add, batch by batch.
        let mut unjudged = weight_of(samples).saturating_mul(programs);
        let mut settled = 0;
        for batch in samples.chunks(Lanes::WIDTH) {
            let batch_weight = weight_of(batch);
            unjudged = unjudged.saturating_sub(batch_weight.saturating_mul(programs));
            let contexts: Vec<Context<'_>> = batch
                .iter()
                .map(|(profile, _)| Context::like(self.base, profile))
                .collect();
            let moved = contexts
                .iter()
                .map(|ctx| ctx.facts_apart(self.base))
                .fold(Reads::field(field), Reads::union);
            let mut judge = Batch {
                contexts: &contexts,
                moved,
                slot: &mut self.slot,
                valued: &mut self.valued,
                touched: &mut self.touched,
                categories: None,
            };
            let in_use = u64::MAX >> (Lanes::WIDTH - batch.len());
            let mut given_up = false;
            for (n, &i) in tried.iter().enumerate() {
                // Asked now and then rather than for every program: the question costs a few
                // multiplications, a program a few dozen nanoseconds.
                if n % GIVE_UP_EVERY == 0 {
                    let left = (programs - n as u64).saturating_mul(batch_weight);
                    if hopeless(settled + left + unjudged) {
                        given_up = true;
                        break;
                    }
                }
                let (Some(rule), kept) = (rules.rule(i), evaluation.states(i)) else {
                    continue;
                };
                if rule.is_empty() || kept.len() < rule.len() {
                    continue;
                }
                let root = match judge.node(&rule, kept, 0) {
                    Judged::Kept(state) => Lanes::splat(state),
                    Judged::Moved(lanes) => lanes,
                };
                let mut lanes = root.settled() & in_use;
                while lanes != 0 {
                    settled += batch[lanes.trailing_zeros() as usize].1;
                    lanes &= lanes - 1;
                }
            }
            for id in self.touched.drain(..) {
                self.slot[id] = UNVALUED;
            }
            self.valued.clear();
            if given_up {
                return None;
            }
        }
        Some(settled)
    }
}

impl Batch<'_, '_> {
    /// The value of node `i` of `rule`, whose states in the diagnosis are `kept` (one per
    /// node).
    fn node(&mut self, rule: &RuleView<'_>, kept: &[State], i: usize) -> Judged {
        if !rule.reads(i).meets(self.moved) {
            return Judged::Kept(kept[i]);
        }
        let n = rule.nodes[i];
        match tag(n) {
            LEAF => Judged::Moved(self.condition(rule, (n & PAYLOAD) as usize)),
            NOT if i + 1 < rule.len() => match self.node(rule, kept, i + 1) {
                Judged::Kept(state) => Judged::Kept(state.negate()),
                Judged::Moved(lanes) => Judged::Moved(lanes.negate()),
            },
            NOT => Judged::Kept(State::MISSING),
            group => Judged::Moved(self.group(rule, kept, i, group == ALL)),
        }
    }

    /// An `all` (or `any`) node some answer of the batch may move.
    fn group(&mut self, rule: &RuleView<'_>, kept: &[State], i: usize, all: bool) -> Lanes {
        // The children that keep their state are combined as one state, then with the moved
        // ones lane by lane: `and`/`or` are bitwise, so the order does not matter. Children
        // that keep their state, and conditions, are taken here rather than through `node`:
        // most children are one or the other.
        let (mut kept_acc, mut moved_acc) = if all {
            (State::ALL_IDENTITY, <Lanes as Kleene>::ALL_IDENTITY)
        } else {
            (State::ANY_IDENTITY, <Lanes as Kleene>::ANY_IDENTITY)
        };
        for c in rule.children(i) {
            let child = match rule.nodes[c] {
                _ if !rule.reads(c).meets(self.moved) => Judged::Kept(kept[c]),
                n if tag(n) == LEAF => Judged::Moved(self.condition(rule, (n & PAYLOAD) as usize)),
                _ => self.node(rule, kept, c),
            };
            match (child, all) {
                (Judged::Kept(s), true) => kept_acc = kept_acc.and(s),
                (Judged::Kept(s), false) => kept_acc = kept_acc.or(s),
                (Judged::Moved(l), true) => moved_acc = moved_acc.and(l),
                (Judged::Moved(l), false) => moved_acc = moved_acc.or(l),
            }
        }
        let kept_lanes = Lanes::splat(kept_acc);
        if all {
            moved_acc.and(kept_lanes)
        } else {
            moved_acc.or(kept_lanes)
        }
    }

    /// Condition number `id` valued for every answer of the batch, once per batch.
    fn condition(&mut self, rule: &RuleView<'_>, id: usize) -> Lanes {
        let Some(ins) = rule.leaves.get(id) else {
            return Lanes::MISSING;
        };
        if let Some(&at) = self.slot.get(id).filter(|&&at| at != UNVALUED) {
            return self.valued[at as usize];
        }
        let by_category = match ins.op {
            OpCode::Industry => self
                .categories
                .get_or_insert_with(|| CategoryLanes::new(self.contexts))
                .any_of(self.contexts, rule.industries(ins.value)),
            _ => None,
        };
        let lanes = by_category.unwrap_or_else(|| {
            let mut lanes = Lanes::MISSING;
            for (k, ctx) in self.contexts.iter().enumerate() {
                lanes.set(k, ctx.condition(ins, rule));
            }
            lanes
        });
        if let Some(at) = self.slot.get_mut(id) {
            *at = self.valued.len() as u32;
            self.valued.push(lanes);
            self.touched.push(id);
        }
        lanes
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::Date;
    use time::macros::date;

    use super::*;
    use crate::eligibility::diagnose::next_question::score_questions_by;
    use crate::eligibility::evaluate::property_tests::{answers, partial_profile, valid_rule_tree};
    use crate::eligibility::*;

    const AS_OF: Date = date!(2026 - 05 - 01);

    /// The straightforward count the lanes must equal: every program tried, judged afresh
    /// for every sample answer.
    fn settled_one_by_one(
        evaluation: &Evaluation<'_>,
        samples: &[(Profile, u64)],
        tried: &[usize],
    ) -> u64 {
        let mut states = Vec::new();
        let mut settled = 0;
        for (profile, weight) in samples {
            let ctx = Context::new(profile, AS_OF);
            for rule in tried.iter().filter_map(|&i| evaluation.rules().rule(i)) {
                states.resize(rule.len(), State::MISSING);
                if rule.evaluate_into(&ctx, &mut states).is_settled() {
                    settled += weight;
                }
            }
        }
        settled
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Every question scored by the lanes scores as judging each program for each answer
        /// does, on random catalogues and partly answered businesses.
        #[test]
        fn questions_score_the_same_as_judging_every_answer_one_by_one(
            rules in prop::collection::vec(valid_rule_tree(), 1..40),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
        ) {
            let programs = crate::eligibility::fixtures::catalogue(rules);
            let (rules, _) = RuleSet::build(&programs);
            let profile = partial_profile(&choices);
            let ctx = Context::new(&profile, AS_OF);
            let evaluation = rules.evaluate(&ctx);
            let by_lanes = score_questions(&evaluation, &ctx);
            let one_by_one = score_questions_by(&evaluation, &ctx, |_, samples, tried| {
                settled_one_by_one(&evaluation, samples, tried)
            });
            prop_assert_eq!(by_lanes, one_by_one, "profile {}", profile.to_value());
        }

        /// More answers than one batch of lanes holds, on any field.
        #[test]
        fn many_answers_count_the_same_across_batches_of_lanes(
            rules in prop::collection::vec(valid_rule_tree(), 1..12),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
            field in 0..Field::COUNT,
            picks in prop::collection::vec((0usize..64, 1u64..4), 1..150),
        ) {
            let programs = crate::eligibility::fixtures::catalogue(rules);
            let (rules, _) = RuleSet::build(&programs);
            let profile = partial_profile(&choices);
            let field = Field::ALL[field];
            let options = answers(field);
            let samples: Vec<(Profile, u64)> = picks
                .iter()
                .map(|&(pick, weight)| {
                    let mut p = profile.clone();
                    p.set(field, &options[pick % options.len()]).unwrap();
                    (p, weight)
                })
                .collect();
            let ctx = Context::new(&profile, AS_OF);
            let evaluation = rules.evaluate(&ctx);
            let tried: Vec<usize> = (0..rules.len()).collect();
            let by_lanes = AnswerTrial::new(&evaluation, &ctx).settled(field, &samples, &tried);
            prop_assert_eq!(by_lanes, settled_one_by_one(&evaluation, &samples, &tried));
        }
    }
}
