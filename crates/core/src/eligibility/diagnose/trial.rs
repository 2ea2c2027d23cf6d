//! How many 要確認 verdicts the sample answers to one question would settle.
//!
//! A sample answer changes one field of the business's profile, so only the conditions that
//! read that field, and the derived facts (which may read any), can change value; every other
//! condition keeps the value the diagnosis already gave it. So each program tried is judged
//! once for up to 64 sample answers at a time (`Lanes`, one bit per answer) rather than once
//! per answer, and each condition that can change is valued once per batch of answers however
//! many programs share it. The count is exactly what judging every program afresh for every
//! answer gives; the tests below hold the two equal.

use time::Date;

use super::ruleset::Evaluation;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::tri::{Kleene, Lanes, State};
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::profile::Profile;

/// No value yet for a condition in the current batch.
const UNVALUED: u32 = u32::MAX;
/// In `reads`: a condition on derived facts, which any answer may change.
const DERIVED: u8 = u8::MAX;
/// In `reads`: a condition no answer changes (a manual check).
const NO_ANSWER: u8 = u8::MAX - 1;

/// Buffers for trying sample answers against the programs of one evaluation, kept across
/// questions so that scoring them all allocates little.
pub(crate) struct AnswerTrial<'e, 'r> {
    evaluation: &'e Evaluation<'r>,
    as_of: Date,
    /// Per condition of the rule set, the field it reads (its index), `DERIVED` or
    /// `NO_ANSWER`: which conditions an answer to a field can change, looked up per node.
    reads: Vec<u8>,
    /// Per condition of the rule set, where its lanes are in `valued` for the current batch.
    slot: Vec<u32>,
    valued: Vec<Lanes>,
    /// The conditions given a slot in the current batch, to clear after it.
    touched: Vec<usize>,
    /// One value per node of the rule being judged.
    states: Vec<Lanes>,
}

impl<'e, 'r> AnswerTrial<'e, 'r> {
    pub(crate) fn new(evaluation: &'e Evaluation<'r>, as_of: Date) -> Self {
        let storage = evaluation.rules().rule(0).map_or(&[][..], |r| r.leaves);
        let reads = storage
            .iter()
            .map(|ins| match ins.answer() {
                _ if ins.reads_derived_facts() => DERIVED,
                Some(field) => field.index() as u8,
                None => NO_ANSWER,
            })
            .collect();
        Self {
            evaluation,
            as_of,
            reads,
            slot: vec![UNVALUED; evaluation.conditions().len()],
            valued: Vec::new(),
            touched: Vec::new(),
            states: Vec::new(),
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
        let rules = self.evaluation.rules();
        let base = self.evaluation.conditions();
        let mut settled = 0;
        for batch in samples.chunks(Lanes::WIDTH) {
            let contexts: Vec<Context<'_>> = batch
                .iter()
                .map(|(profile, _)| Context::new(profile, self.as_of))
                .collect();
            let in_use = u64::MAX >> (Lanes::WIDTH - batch.len());
            let field_read = field.index() as u8;
            let Self {
                reads,
                slot,
                valued,
                touched,
                states,
                ..
            } = self;
            for rule in tried.iter().filter_map(|&i| rules.rule(i)) {
                states.resize(rule.len(), Lanes::MISSING);
                let root = rule.run_root(states, |id| {
                    let (Some(ins), Some(&read)) = (rule.leaves.get(id), reads.get(id)) else {
                        return Lanes::MISSING;
                    };
                    if read != field_read && read != DERIVED {
                        return Lanes::splat(base.get(id).copied().unwrap_or(State::MISSING));
                    }
                    if let Some(&at) = slot.get(id).filter(|&&at| at != UNVALUED) {
                        return valued[at as usize];
                    }
                    let mut lanes = Lanes::MISSING;
                    for (k, ctx) in contexts.iter().enumerate() {
                        lanes.set(k, ctx.condition(ins, &rule));
                    }
                    if let Some(at) = slot.get_mut(id) {
                        *at = valued.len() as u32;
                        valued.push(lanes);
                        touched.push(id);
                    }
                    lanes
                });
                let mut lanes = root.map_or(0, Lanes::settled) & in_use;
                while lanes != 0 {
                    settled += batch[lanes.trailing_zeros() as usize].1;
                    lanes &= lanes - 1;
                }
            }
            for id in touched.drain(..) {
                slot[id] = UNVALUED;
            }
            valued.clear();
        }
        settled
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
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
            let by_lanes = AnswerTrial::new(&evaluation, AS_OF).settled(field, &samples, &tried);
            prop_assert_eq!(by_lanes, settled_one_by_one(&evaluation, &samples, &tried));
        }
    }
}
