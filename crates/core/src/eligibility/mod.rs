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

// The engine's pipeline, in the order a diagnosis runs through it. Each stage may use the
// stages above it and `tri`, never one below it.

/// What a business can say about itself, and the facts the law derives from its answers.
mod vocabulary;

/// Rules as staff write them, compiled into the flat form the evaluator runs.
mod rules;

/// One compiled rule judged for one business: the verdict, and why in Japanese.
mod evaluate;

/// The whole catalogue for one business: every verdict, ranked, and the next question.
mod diagnose;

/// A rule as staff check it before it is saved: preview, trial profile, stored test cases.
mod review;

/// Which of a program's documents one business needs, by the same engine.
mod checklist;

/// One program for many subscribers: who gets a notice, and why in one line.
pub mod fanout;

/// Three-valued logic, spoken by every stage.
mod tri;

#[cfg(test)]
pub(crate) mod fixtures;

/// Kept at its earlier path: the dates are the calendar's.
pub use crate::calendar::iso_date;
/// Kept at their earlier path: the 受付 window is the program's.
pub use crate::program::{ClosedReason, Schedule, Window, application_window};

pub use tri::{State, Tri};

pub use vocabulary::answer::{Answer, Founding, ValueProblem};
pub use vocabulary::area::{Industry, Place, industry_within, place_within};
pub use vocabulary::facts::{Fact, Facts, anniversary, full_years};
pub use vocabulary::field::{Field, FieldSet};
pub use vocabulary::org_form::{
    LargeInvestment, LegalKind, ORG_FORM_GROUPS, OrgForm, RETIRED_ORG_FORMS,
};
pub use vocabulary::profile::{AnswerState, Profile, ProfileError, ProfileErrors};
pub use vocabulary::question::{AnswerOption, InputKind, Question, questionnaire};
pub use vocabulary::size_class::{ClassSet, IndustryClass, SizeLimits, class_note, classes_of};
pub use vocabulary::sme::{Classification, SizeAnswers, SizeAssessment, SizeDefinition, classify};

pub use rules::code::{Cmp, Leaf, NodeKind, RuleView};
pub use rules::compile::{CompiledRule, MAX_DEPTH, ops_for};
pub use rules::derived::{IMPORTED_REQUIREMENTS, STATED_REQUIREMENTS, derived_rule};
pub use rules::program_rule::{RuleOrigin, compile_program};
pub use rules::rule::{Condition, FactCheck, ManualCheck, Op, Rule};
pub use rules::rule_error::{ProgramRuleErrors, RuleError, RuleProblem, validate_program_rule};
pub use rules::satisfiable::{Contradiction, SatisfiabilityReport, check_satisfiable};

pub use evaluate::context::Context;
pub use evaluate::explain::{
    ConditionStatus, ConditionView, conditions_before_answers, explain_conditions,
};
pub use evaluate::hints::{MAX_HINTS, hints};
pub use evaluate::judge::Outcome;
pub use evaluate::verdict::Verdict;
pub use evaluate::wording::describe;

pub use diagnose::diagnosis::{Diagnosis, ProgramResult, diagnose, explain_result};
pub use diagnose::next_question::{QuestionScore, next_question, score_questions};
pub use diagnose::ranking::{purpose_fit, rank};
pub use diagnose::ruleset::{Evaluation, RuleSet};

pub use checklist::{
    ChecklistItem, DocumentNeed, checklist, condition_text, document_need, document_rule_errors,
};
pub use fanout::{Audience, MAX_REASON_CHARS, Reached, reach, reason_line};

pub use review::preview::{RulePreview, Trial, preview_rule, try_profile};
pub use review::test_case::{
    CaseOutcome, CaseResult, RuleTestCase, TestCaseFailure, TestCaseProblem, TestRun,
    check_program, run_every_case, run_test_cases,
};
