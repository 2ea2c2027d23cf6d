//! Which question to ask next: the one expected to settle the most 要確認 verdicts per unit
//! of cost.
//!
//! For each field still awaited by a 要確認 program, the desk tries a spread of possible
//! answers (`sample_answers`) and counts how many of those programs each answer would settle
//! (`trial`). The average over the answers, divided by the field's cost, is the field's score.
//! Every answer counts equally (industries weigh by how many JSIC middle categories behave
//! alike): the desk knows nothing about the business beyond what it said. Ties go to the field
//! awaited by more programs, then to the vocabulary order, so the same answers always lead to
//! the same question.
//!
//! On a large catalogue the work is bounded: at most `MAX_THRESHOLDS` thresholds or places per
//! field, and at most `MAX_PROGRAMS` of the programs awaiting a field (an even spread of them)
//! are tried, their count scaled up to all of them. What each 要確認 program awaits is
//! gathered in one pass over the verdicts (`OpenPrograms`).

use std::borrow::Cow;
use std::cell::OnceCell;

use super::best_question::best_question;
use super::open_programs::{Gathered, OpenPrograms};
use super::ruleset::{Evaluation, RuleSet};
use super::sample_answers::sample_answers;
use super::trial::AnswerTrial;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::tri::State;
use crate::eligibility::vocabulary::answer::Answer;
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::{Field, FieldSet};
use crate::eligibility::vocabulary::profile::{AnswerState, Profile};
use crate::reference::JsicCode;

/// At most this many of the programs awaiting a field are tried.
pub const MAX_PROGRAMS: usize = 400;

/// How a candidate question scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionScore {
    pub field: Field,
    /// Verdicts settled among the programs tried, summed over the weighted sample answers.
    pub settled: u64,
    /// The total weight of the sample answers tried.
    pub samples: u64,
    /// How many of the awaiting programs were tried.
    pub tried: u64,
    /// How many 要確認 programs await this field.
    pub awaited_by: u64,
}

impl QuestionScore {
    /// Verdicts expected to be settled across every awaiting program, as a fraction
    /// (numerator, denominator).
    fn expected(&self) -> (u128, u128) {
        (
            u128::from(self.settled) * u128::from(self.awaited_by),
            u128::from(self.samples.max(1)) * u128::from(self.tried.max(1)),
        )
    }

    /// Higher is better: expected settled verdicts per unit of cost, then awaited-by per
    /// cost, then earlier in the vocabulary. Compared with integers, so exactly; a strict
    /// order, so the best of any set of scores is one and the same whatever the order they
    /// are compared in.
    pub(super) fn beats(&self, other: &Self) -> bool {
        let (ca, cb) = (
            u128::from(self.field.cost()),
            u128::from(other.field.cost()),
        );
        let ((na, da), (nb, db)) = (self.expected(), other.expected());
        let (lhs, rhs) = (na * db * cb, nb * da * ca);
        if lhs != rhs {
            return lhs > rhs;
        }
        let lhs = u128::from(self.awaited_by) * cb;
        let rhs = u128::from(other.awaited_by) * ca;
        if lhs != rhs {
            return lhs > rhs;
        }
        self.field.index() < other.field.index()
    }
}

/// The next field to ask, or `None` when no 要確認 verdict can be settled by a question: the
/// best of `score_questions`, found without scoring every question to the end
/// (`best_question`).
pub fn next_question(evaluation: &Evaluation<'_>, ctx: &Context<'_>) -> Option<Field> {
    best_question(evaluation, ctx)
}

/// Every candidate question with its score, in vocabulary order.
pub fn score_questions(evaluation: &Evaluation<'_>, ctx: &Context<'_>) -> Vec<QuestionScore> {
    let mut trial = AnswerTrial::new(evaluation, ctx);
    score_questions_by(evaluation, ctx, |field, samples, tried| {
        trial.settled(field, samples, tried)
    })
}

/// `score_questions`, with `settled(field, samples, tried)` counting the verdicts among the
/// programs `tried` (indices in the catalogue) that each weighted sample answer to `field`
/// would settle, summed with the answers' weights.
pub(crate) fn score_questions_by(
    evaluation: &Evaluation<'_>,
    ctx: &Context<'_>,
    mut settled: impl FnMut(Field, &[(Profile, u64)], &[usize]) -> u64,
) -> Vec<QuestionScore> {
    let awaiting = Awaiting::of(evaluation, ctx);
    awaiting
        .askable
        .iter()
        .map(|field| {
            let samples = awaiting.samples(field, evaluation, ctx);
            let settled = settled(field, &samples, awaiting.tried(field));
            awaiting.score(field, &samples, settled)
        })
        .collect()
}

/// The 要確認 programs awaiting each question worth asking, from one pass over the verdicts.
pub(super) struct Awaiting<'g> {
    /// The fields awaited by some 要確認 program that are worth asking, in vocabulary order.
    pub(super) askable: FieldSet,
    /// Per field, how many 要確認 programs await it.
    counts: [u64; Field::COUNT],
    /// What the 要確認 programs await: the rule set's own with nothing answered.
    gathered: Cow<'g, Gathered>,
    /// Per askable field, an even spread of at most `MAX_PROGRAMS` of the programs awaiting
    /// it, in catalogue order: taken when first asked for, as the best question is found
    /// without trying most of them.
    tried: [OnceCell<Vec<usize>>; Field::COUNT],
}

impl<'g> Awaiting<'g> {
    /// Every how many of the programs awaiting `field` one is tried.
    fn step(&self, field: Field) -> usize {
        usize::try_from(self.counts[field.index()])
            .unwrap_or(usize::MAX)
            .div_ceil(MAX_PROGRAMS)
            .max(1)
    }

    /// The programs tried for `field`.
    pub(super) fn tried(&self, field: Field) -> &[usize] {
        self.tried[field.index()].get_or_init(|| match self.askable.contains(field) {
            true => {
                let Gathered { open, by_field } = &*self.gathered;
                open.every(self.step(field), &by_field.hits[field.index()])
            }
            false => Vec::new(),
        })
    }

    /// How many programs are tried for `field`: every `step`-th of those awaiting it, from
    /// the first (`tried(field).len()`, without taking them).
    fn tried_count(&self, field: Field) -> u64 {
        match self.askable.contains(field) {
            true => {
                let step = u64::try_from(self.step(field)).unwrap_or(u64::MAX);
                self.counts[field.index()].div_ceil(step)
            }
            false => 0,
        }
    }

    /// The answers tried for `field`, from the rules of the programs tried.
    pub(super) fn samples(
        &self,
        field: Field,
        evaluation: &Evaluation<'_>,
        ctx: &Context<'_>,
    ) -> Vec<(Profile, u64)> {
        let rules = evaluation.rules();
        let views = self.tried(field).iter().filter_map(|&i| rules.rule(i));
        sample_answers(field, ctx.profile, views, ctx.as_of)
    }

    /// The score of `field` with `samples` tried, `settled` of its verdicts settled.
    pub(super) fn score(
        &self,
        field: Field,
        samples: &[(Profile, u64)],
        settled: u64,
    ) -> QuestionScore {
        QuestionScore {
            field,
            settled,
            samples: samples.iter().map(|(_, w)| w).sum(),
            tried: self.tried_count(field),
            awaited_by: self.counts[field.index()],
        }
    }

    /// The most `field` can score: every answer settling every program tried.
    pub(super) fn ceiling(&self, field: Field) -> QuestionScore {
        let tried = self.tried_count(field);
        QuestionScore {
            field,
            settled: tried,
            samples: 1,
            tried,
            awaited_by: self.counts[field.index()],
        }
    }

    pub(super) fn of(evaluation: &Evaluation<'g>, ctx: &Context<'_>) -> Self {
        let awaited = awaited_by_condition(evaluation.rules(), evaluation.conditions(), ctx);
        let gather = || {
            let awaited_by = |id: usize| awaited.get(id).copied().unwrap_or(FieldSet::EMPTY);
            let mut open = OpenPrograms::default();
            for (i, missing) in evaluation.missing_of_open(awaited_by) {
                open.push(i, missing);
            }
            let by_field = open.by_field();
            Gathered { open, by_field }
        };
        // With nothing answered, what every program awaits was gathered once for the rule
        // set: the same states and the same table give the same sets.
        let gathered = match evaluation.blank() {
            Some(blank) if blank.awaits_as(&awaited) => Cow::Borrowed(blank.gathered(gather)),
            _ => Cow::Owned(gather()),
        };
        let askable = gathered
            .open
            .awaited
            .iter()
            .filter(|&field| askable(ctx.profile, field))
            .fold(FieldSet::EMPTY, FieldSet::with);
        Self {
            askable,
            counts: gathered.by_field.counts,
            gathered,
            tried: std::array::from_fn(|_| OnceCell::new()),
        }
    }
}

/// What each condition of the rule set, valued `conditions` for the business of `ctx`,
/// awaits: the answers that could settle it when it is missing, nothing otherwise. Worked
/// out once for all the programs that share a condition (a derived fact's answers are the
/// same in every rule), and only for the conditions valued per business: the others (manual
/// checks) are never missing.
pub(super) fn awaited_by_condition(
    rules: &RuleSet,
    conditions: &[State],
    ctx: &Context<'_>,
) -> Vec<FieldSet> {
    let fact_blocking: [FieldSet; Fact::ALL.len()] =
        std::array::from_fn(|k| ctx.fact_blocking(Fact::ALL[k]));
    let storage = rules.rule(0).map_or(&[][..], |r| r.leaves);
    let mut awaited = vec![FieldSet::EMPTY; storage.len().min(conditions.len())];
    for &id in rules.varying_conditions() {
        if let (Some(ins), Some(&State::MISSING), Some(set)) =
            (storage.get(id), conditions.get(id), awaited.get_mut(id))
        {
            *set = ctx.awaited(ins, |fact| {
                fact_blocking
                    .get(fact as usize)
                    .copied()
                    .unwrap_or(FieldSet::EMPTY)
            });
        }
    }
    awaited
}

/// True if asking the field could tell the desk something new: it is unanswered (not
/// 「わからない」), or answered only coarsely (a prefecture, a JSIC major category).
fn askable(profile: &Profile, field: Field) -> bool {
    if !profile.applies(field) {
        return false;
    }
    match profile.state(field) {
        AnswerState::Unanswered => true,
        AnswerState::DontKnow => false,
        AnswerState::Known => match field {
            Field::Municipality => profile
                .municipality
                .known()
                .is_some_and(|c| c.is_prefecture()),
            Field::Industry => matches!(profile.industry, Answer::Known(JsicCode::Major(_))),
            _ => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::eligibility::diagnose::ruleset::RuleSet;
    use crate::eligibility::evaluate::property_tests::{
        partial_profile, unsure_profile, valid_rule_tree,
    };
    use crate::eligibility::evaluate::verdict::Verdict;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(8))]

        /// The one pass gathers, for each question, what filtering the 要確認 programs by the
        /// answers they await and taking every `step`-th gives: the same programs, in order;
        /// with nothing answered too (what is gathered then is kept with the rule set, so
        /// each business is diagnosed twice), and with answers of 「わからない」, which
        /// leave the conditions as nothing answered does but not what they await.
        #[test]
        fn the_programs_tried_are_an_even_spread_of_those_awaiting_each_question(
            rules in prop::collection::vec(valid_rule_tree(), 300..1200),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
            dont_know in prop::collection::vec(any::<bool>(), Field::COUNT),
        ) {
            let programs = crate::eligibility::fixtures::catalogue(rules);
            let (rules, _) = RuleSet::build(&programs);
            let unsure = unsure_profile(&dont_know);
            for profile in [partial_profile(&choices), Profile::default(), unsure] {
                for _ in 0..2 {
                    let ctx = Context::new(&profile, date!(2026 - 05 - 01));
                    let evaluation = rules.evaluate(&ctx);
                    spread_as_defined(&rules, &evaluation, &ctx)?;
                }
            }
        }
    }

    /// Checks `Awaiting::of` against the 要確認 programs filtered field by field.
    fn spread_as_defined(
        rules: &RuleSet,
        evaluation: &Evaluation<'_>,
        ctx: &Context<'_>,
    ) -> Result<(), TestCaseError> {
        let awaiting = Awaiting::of(evaluation, ctx);
        let open: Vec<(usize, FieldSet)> = (0..rules.len())
            .filter(|&i| evaluation.verdict(i) == Some(Verdict::NeedsInfo))
            .map(|i| (i, rules.rule(i).unwrap().missing(evaluation.states(i), ctx)))
            .collect();
        for field in Field::ALL.iter().copied() {
            let concerned: Vec<usize> = open
                .iter()
                .filter(|(_, missing)| missing.contains(field))
                .map(|&(i, _)| i)
                .collect();
            prop_assert_eq!(awaiting.counts[field.index()], concerned.len() as u64);
            let worth_asking = !concerned.is_empty() && askable(ctx.profile, field);
            prop_assert_eq!(awaiting.askable.contains(field), worth_asking);
            if worth_asking {
                let step = concerned.len().div_ceil(MAX_PROGRAMS);
                let spread: Vec<usize> = concerned.into_iter().step_by(step).collect();
                prop_assert_eq!(awaiting.tried(field), &spread[..]);
                prop_assert_eq!(awaiting.tried_count(field), spread.len() as u64);
            }
        }
        Ok(())
    }

    #[test]
    fn questions_already_answered_or_not_known_are_not_asked_again() {
        let mut p = Profile::default();
        assert!(askable(&p, Field::Employees));
        p.mark_dont_know(Field::Employees);
        assert!(!askable(&p, Field::Employees));
        p.industry = Answer::Known(JsicCode::Major('E'));
        assert!(
            askable(&p, Field::Industry),
            "a major category may be refined"
        );
        p.industry = Answer::Known(JsicCode::Middle(24));
        assert!(!askable(&p, Field::Industry));
    }
}
