//! The one question to ask next, found without scoring every question to the end.
//!
//! `score_questions` scores every question exactly, which is what staff see when they look
//! at the scores; a diagnosis needs only the best. A question's score is bounded before it is
//! tried: it settles at most every program tried for every answer, so it expects at most as
//! many settled verdicts as programs await it. So questions are tried from the highest such
//! ceiling down; a question whose ceiling cannot beat the best found so far is not tried at
//! all, and one whose count, with everything still to judge taken as settled, can no longer
//! beat it is given up half-way. With nothing answered, that leaves two or three of fourteen
//! questions to try. `QuestionScore::beats` is a strict order and a score only grows with
//! what it settles, so the question kept is exactly the best of `score_questions` (the test
//! below holds the two equal).

use super::next_question::{Awaiting, QuestionScore};
use super::ruleset::Evaluation;
use super::trial::AnswerTrial;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::vocabulary::field::Field;

/// The best question for the business of `ctx`, evaluated in `evaluation`, if any can settle
/// a 要確認 verdict.
pub(super) fn best_question(evaluation: &Evaluation<'_>, ctx: &Context<'_>) -> Option<Field> {
    let awaiting = Awaiting::of(evaluation, ctx);
    let mut fields: Vec<Field> = awaiting.askable.iter().collect();
    // Highest ceiling first, so that a good question is found early and bounds the others.
    fields.sort_by(
        |&a, &b| match (a == b, awaiting.ceiling(a).beats(&awaiting.ceiling(b))) {
            (true, _) => std::cmp::Ordering::Equal,
            (false, true) => std::cmp::Ordering::Less,
            (false, false) => std::cmp::Ordering::Greater,
        },
    );
    let mut trial = AnswerTrial::new(evaluation, ctx);
    let mut best: Option<QuestionScore> = None;
    let cannot_beat = |score: QuestionScore, best: Option<QuestionScore>| {
        best.is_some_and(|best| !score.beats(&best))
    };
    for field in fields {
        if cannot_beat(awaiting.ceiling(field), best) {
            // Every question after this one has a lower ceiling still.
            break;
        }
        let samples = awaiting.samples(field, evaluation, ctx);
        let settled = trial.settled_unless(field, &samples, awaiting.tried(field), |at_most| {
            cannot_beat(awaiting.score(field, &samples, at_most), best)
        });
        if let Some(score) = settled.map(|settled| awaiting.score(field, &samples, settled))
            && !cannot_beat(score, best)
        {
            best = Some(score);
        }
    }
    best.filter(|s| s.awaited_by > 0).map(|s| s.field)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::eligibility::diagnose::next_question::score_questions;
    use crate::eligibility::diagnose::ruleset::RuleSet;
    use crate::eligibility::evaluate::property_tests::{partial_profile, valid_rule_tree};
    use crate::eligibility::vocabulary::profile::Profile;

    /// The straightforward choice: every question scored to the end, the best kept.
    fn best_of(scores: Vec<QuestionScore>) -> Option<Field> {
        scores
            .into_iter()
            .reduce(|best, s| if s.beats(&best) { s } else { best })
            .filter(|s| s.awaited_by > 0)
            .map(|s| s.field)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The question found with bounds is the best of every question scored to the end,
        /// on random catalogues large enough for questions to be given up half-way.
        #[test]
        fn the_question_found_with_bounds_is_the_best_of_every_score(
            rules in prop::collection::vec(valid_rule_tree(), 1..160),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
        ) {
            let programs = crate::eligibility::fixtures::catalogue(rules);
            let (rules, _) = RuleSet::build(&programs);
            for profile in [partial_profile(&choices), Profile::default()] {
                let ctx = Context::new(&profile, date!(2026 - 05 - 01));
                let evaluation = rules.evaluate(&ctx);
                prop_assert_eq!(
                    best_question(&evaluation, &ctx),
                    best_of(score_questions(&evaluation, &ctx)),
                    "profile {}", profile.to_value()
                );
            }
        }
    }
}
