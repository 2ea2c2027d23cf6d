//! Which rule a program is judged by: the one staff wrote, the one derived from its record, or
//! a safe fallback when neither compiles, so a broken rule never makes a program 対象.
//!
//! Shared by the catalogue's rule set, the editor's preview and the stored test cases, so all
//! three judge a program by the same rule.

use serde::Serialize;

use super::code::RuleCode;
use super::compile::CompiledRule;
use super::derived::{IMPORTED_REQUIREMENTS, derived_rule};
use super::rule::Rule;
use super::rule_error::{ProgramRuleErrors, RuleError};
use crate::program::Program;

/// Where a program's compiled rule came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RuleOrigin {
    /// Written for the program.
    Program,
    /// Derived from the program's structured fields (`derived_rule`).
    Derived,
    /// The program's own rule is invalid: it is judged by its derived rule (or, if even that
    /// fails, by a manual check alone) until staff fix it, so it is never 対象 meanwhile.
    Fallback,
}

/// Compiles the rule a program is judged by, with the errors that forced a fallback.
pub fn compile_program(program: &Program) -> (CompiledRule, RuleOrigin, Option<ProgramRuleErrors>) {
    let report = |errors: Vec<RuleError>| ProgramRuleErrors {
        program: program.id.clone(),
        errors,
    };
    let derived = || CompiledRule::compile(&derived_rule(program));
    match &program.rule {
        Some(rule) => match CompiledRule::compile(rule) {
            Ok(compiled) => (compiled, RuleOrigin::Program, None),
            Err(errors) => (
                derived().unwrap_or_else(|_| manual_only()),
                RuleOrigin::Fallback,
                Some(report(errors)),
            ),
        },
        None => match derived() {
            Ok(compiled) => (compiled, RuleOrigin::Derived, None),
            Err(errors) => (manual_only(), RuleOrigin::Fallback, Some(report(errors))),
        },
    }
}

fn manual_only() -> CompiledRule {
    CompiledRule::compile(&Rule::manual(IMPORTED_REQUIREMENTS)).unwrap_or_else(|_| {
        // A one-node manual rule always compiles; an empty rule (要確認) is the safe stand-in.
        CompiledRule {
            code: RuleCode::default(),
        }
    })
}
