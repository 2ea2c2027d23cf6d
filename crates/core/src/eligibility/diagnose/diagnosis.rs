//! A whole diagnosis: every program's verdict for one business, ranked and explained, with the
//! question to ask next. Its JSON is what `madoguchi diagnose` prints and the API returns.
//!
//! The evaluation of the catalogue is compact and fast; explanations are rendered only for the
//! results that are returned (`limit`), so a page showing twenty programs out of ten thousand
//! renders twenty.

use std::borrow::Borrow;

use serde::Serialize;
use time::Date;

use super::next_question::next_question;
use super::ruleset::{Evaluation, RuleSet};
use crate::calendar::iso_date;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::evaluate::explain::{ConditionView, explain_conditions};
use crate::eligibility::evaluate::hints::hints;
use crate::eligibility::evaluate::verdict::Verdict;
use crate::eligibility::evaluate::wording::describe;
use crate::eligibility::rules::code::NodeKind;
use crate::eligibility::rules::program_rule::RuleOrigin;
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::profile::Profile;
use crate::eligibility::vocabulary::question::Question;
use crate::program::{Program, ProgramId};
use crate::program::{Window, application_window};

/// Every result of one diagnosis.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnosis {
    #[serde(with = "iso_date")]
    pub as_of: Date,
    /// Ranked best first.
    pub results: Vec<ProgramResult>,
    /// The question that would settle the most 要確認 verdicts, if any can be settled.
    pub next_question: Option<Question>,
}

/// One program's verdict, explained.
#[derive(Debug, Clone, Serialize)]
pub struct ProgramResult {
    pub program_id: ProgramId,
    pub title: String,
    /// The program version the verdict was made with.
    pub version: u32,
    pub verdict: Verdict,
    /// 対象, 条件付きで対象, 要確認 or 対象外.
    pub verdict_label: &'static str,
    /// The window as a sentence (「受付中（2026年3月31日（令和8年）まで）」).
    #[serde(serialize_with = "window_label")]
    pub window: Window,
    /// The window as data: state code and dates.
    pub window_detail: Window,
    /// For 要確認: the answers that could settle it.
    pub missing: Vec<Field>,
    /// For 対象外: the conditions not met.
    pub failed: Vec<String>,
    pub conditions: Vec<ConditionView>,
    pub hints: Vec<String>,
    /// Whether the rule was written for the program or derived from its record.
    pub rule_origin: RuleOrigin,
}

/// Diagnoses one business against a catalogue: `rules` must be built from `programs`.
///
/// Returns the `limit` best results (all when `None`), ranked.
pub fn diagnose<P: Borrow<Program>>(
    programs: &[P],
    rules: &RuleSet,
    profile: &Profile,
    as_of: Date,
    limit: Option<usize>,
) -> Diagnosis {
    let ctx = Context::new(profile, as_of);
    // Only the programs shown and the 要確認 ones need their states: the others that fail
    // outright are not walked.
    let mut evaluation = Evaluation::new(rules);
    rules.evaluate_lean_into(&ctx, &mut evaluation);
    let order = rules.rank_top(&evaluation, profile, as_of, limit);
    evaluation.walk_skipped(&order);
    let results = order
        .into_iter()
        .filter_map(|i| explain_result(programs.get(i)?.borrow(), &evaluation, i, &ctx))
        .collect();
    Diagnosis {
        as_of,
        results,
        next_question: next_question(&evaluation, &ctx).map(Field::to_question),
    }
}

/// Explains the `i`-th program of an evaluation.
pub fn explain_result(
    program: &Program,
    evaluation: &Evaluation<'_>,
    i: usize,
    ctx: &Context<'_>,
) -> Option<ProgramResult> {
    let rules = evaluation.rules();
    let rule = rules.rule(i)?;
    let states = evaluation.states(i);
    let verdict = evaluation.verdict(i)?;
    let missing = match verdict {
        Verdict::NeedsInfo => rule.missing(states, ctx).iter().collect(),
        _ => Vec::new(),
    };
    let failed = match verdict {
        Verdict::Ineligible => rule
            .failed(states)
            .into_iter()
            .filter_map(|n| match rule.kind(n)? {
                NodeKind::Leaf(leaf) => Some(describe(&leaf, false)),
                NodeKind::Not => Some(match rule.leaf(n + 1) {
                    Some(leaf) => describe(&leaf, true),
                    None => "「次に当たらない」の条件".to_owned(),
                }),
                NodeKind::All | NodeKind::Any => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let official = program.official_url.as_ref().map(|u| u.as_str());
    let window = application_window(program, ctx.as_of);
    Some(ProgramResult {
        program_id: program.id.clone(),
        title: program.title.as_str().to_owned(),
        version: program.version,
        verdict,
        verdict_label: verdict.label(),
        window,
        window_detail: window,
        missing,
        failed,
        conditions: explain_conditions(rule, states, ctx, official),
        hints: hints(rule, states, ctx),
        rule_origin: rules.origin(i).unwrap_or(RuleOrigin::Derived),
    })
}

fn window_label<S: serde::Serializer>(window: &Window, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&window.label())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::eligibility::diagnose::next_question::{QuestionScore, score_questions};
    use crate::eligibility::evaluate::property_tests::{
        partial_profile, unsure_profile, valid_rule_tree,
    };

    const AS_OF: Date = date!(2026 - 05 - 01);
    /// Fewer than most catalogues drawn hold: some 対象外 programs shown, some not.
    const LIMIT: usize = 12;

    /// The diagnosis as it reads: every program evaluated in full, ranked, the best
    /// explained, and the best of every question scored to the end.
    fn diagnosed_plainly(rules: &RuleSet, programs: &[Program], profile: &Profile) -> Diagnosis {
        let (as_of, limit) = (AS_OF, Some(LIMIT));
        let ctx = Context::new(profile, as_of);
        let evaluation = rules.evaluate(&ctx);
        let order = rules.rank_top(&evaluation, profile, as_of, limit);
        let results = order
            .into_iter()
            .filter_map(|i| explain_result(&programs[i], &evaluation, i, &ctx))
            .collect();
        let best = score_questions(&evaluation, &ctx)
            .into_iter()
            .reduce(|best: QuestionScore, s| if s.beats(&best) { s } else { best })
            .filter(|s| s.awaited_by > 0);
        Diagnosis {
            as_of,
            results,
            next_question: best.map(|s| s.field.to_question()),
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        /// `diagnose`, which walks only the rules it needs the states of, keeps the
        /// evaluation with nothing answered and scores questions only as far as needed,
        /// says word for word what the plain diagnosis says.
        #[test]
        fn a_diagnosis_is_the_plain_diagnosis_word_for_word(
            rules in prop::collection::vec(valid_rule_tree(), 1..120),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
            dont_know in prop::collection::vec(any::<bool>(), Field::COUNT),
        ) {
            let programs = crate::eligibility::fixtures::catalogue(rules);
            let (rules, _) = RuleSet::build(&programs);
            for profile in [partial_profile(&choices), Profile::default(), unsure_profile(&dont_know)] {
                let diagnosis = diagnose(&programs, &rules, &profile, AS_OF, Some(LIMIT));
                let plain = diagnosed_plainly(&rules, &programs, &profile);
                prop_assert_eq!(
                    serde_json::to_value(&diagnosis).unwrap(),
                    serde_json::to_value(&plain).unwrap(),
                    "profile {}", profile.to_value()
                );
            }
        }
    }
}
