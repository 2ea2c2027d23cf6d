//! The eligibility engine: which support programs fit a business, why, and what to ask next.
//!
//! A business describes itself in a closed vocabulary of fields (`Field`, `Profile`), any of
//! which may be unanswered or answered 「わからない」. Each program carries a rule tree
//! (`Rule`) over those fields and over facts derived exactly as the law defines them
//! (中小企業者, 小規模企業者, みなし大企業, years since founding). Rules are validated and compiled
//! once (`CompiledRule`, `RuleSet`), evaluated with three-valued logic into compact per-node
//! states, and only the results a person sees are explained in Japanese (`diagnose`).
//!
//! Typical use by a shell:
//! ```text
//! let (rules, problems) = RuleSet::build(catalog.programs());   // once per snapshot
//! let profile = Profile::from_json(body)?;                        // per request
//! let diagnosis = diagnose(catalog.programs(), &rules, &profile, today, Some(20));
//! ```

mod answer;
mod area;
#[cfg(test)]
mod catalogue_tests;
mod code;
mod compile;
mod derived;
mod diagnosis;
mod evaluate;
mod explain;
mod facts;
mod field;
#[cfg(test)]
mod fixtures;
mod hints;
/// Kept at its earlier path: the dates are the calendar's.
pub use crate::calendar::iso_date;
mod next_question;
mod profile;
#[cfg(test)]
mod property_tests;
mod ranking;
mod review;
mod rule;
mod ruleset;
mod satisfiable;
mod size_class;
mod size_definition;
mod sme;
mod test_case;
mod tri;
mod verdict;
mod window;

pub use answer::{Answer, Founding, ValueProblem};
pub use area::{Industry, Place, industry_within, place_within};
pub use code::{Cmp, Leaf, NodeKind, RuleView};
pub use compile::{
    CompiledRule, MAX_DEPTH, ProgramRuleErrors, RuleError, RuleProblem, ops_for,
    validate_program_rule,
};
pub use derived::{IMPORTED_REQUIREMENTS, STATED_REQUIREMENTS, derived_rule};
pub use diagnosis::{Diagnosis, ProgramResult, diagnose, explain_result};
pub use evaluate::{Context, Outcome};
pub use explain::{
    ConditionStatus, ConditionView, conditions_before_answers, describe, explain_conditions,
};
pub use facts::{Fact, Facts, anniversary, full_years};
pub use field::{
    AnswerOption, Field, FieldSet, InputKind, LargeInvestment, LegalKind, ORG_FORM_GROUPS, OrgForm,
    Question, RETIRED_ORG_FORMS, questionnaire,
};
pub use hints::{MAX_HINTS, hints};
pub use next_question::{QuestionScore, next_question, score_questions};
pub use profile::{AnswerState, Profile, ProfileError, ProfileErrors};
pub use ranking::{purpose_fit, rank};
pub use review::{RulePreview, Trial, preview_rule, try_profile};
pub use rule::{Condition, FactCheck, ManualCheck, Op, Rule};
pub use ruleset::{Evaluation, RuleOrigin, RuleSet, compile_program};
pub use satisfiable::{Contradiction, SatisfiabilityReport, check_satisfiable};
pub use size_class::{ClassSet, IndustryClass, SizeLimits, class_note, classes_of};
pub use sme::{Classification, SizeAnswers, SizeAssessment, SizeDefinition, classify};
pub use test_case::{
    CaseOutcome, CaseResult, RuleTestCase, TestCaseFailure, TestCaseProblem, TestRun,
    check_program, run_every_case, run_test_cases,
};
pub use tri::{State, Tri};
pub use verdict::Verdict;
pub use window::{ClosedReason, Schedule, Window, application_window};
