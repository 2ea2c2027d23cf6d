//! Rule test cases: example businesses stored with a program, each with the verdict staff
//! expect, so a rule is checked as data whenever it is saved or `madoguchi check-rules` runs.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

use super::evaluate::Context;
use super::field::Field;
use super::iso_date;
use super::profile::Profile;
use super::ruleset::{RuleOrigin, compile_program};
use super::verdict::Verdict;
use crate::program::{Program, ProgramId};

/// One example business and the verdict it must get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleTestCase {
    /// 「従業員12人の製造業」.
    pub name: String,
    /// The profile as JSON, kept as written so that a bad one is reported, not refused on load.
    pub profile: Map<String, Value>,
    /// The day to judge on (for 創業からの年数); the caller's date when absent.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "iso_date::option"
    )]
    pub as_of: Option<Date>,
    pub expect: Verdict,
}

/// A test case that did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestCaseFailure {
    pub program_id: ProgramId,
    /// The case's name; empty when the failure is the rule itself.
    pub case: String,
    pub problem: TestCaseProblem,
}

/// Why a test case did not pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum TestCaseProblem {
    /// The program's rule does not compile (reported once, not per case).
    InvalidRule {
        message: String,
    },
    InvalidProfile {
        message: String,
    },
    WrongVerdict {
        expected: Verdict,
        actual: Verdict,
        missing: Vec<Field>,
    },
}

impl fmt::Display for TestCaseFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let program = self.program_id.as_str();
        match &self.problem {
            TestCaseProblem::InvalidRule { message } => f.write_str(message),
            TestCaseProblem::InvalidProfile { message } => write!(
                f,
                "制度 {program} のテスト「{}」：回答に誤りがあります。{message}",
                self.case
            ),
            TestCaseProblem::WrongVerdict {
                expected,
                actual,
                missing,
            } => {
                write!(
                    f,
                    "制度 {program} のテスト「{}」：「{expected}」のはずが「{actual}」になりました。",
                    self.case
                )?;
                if !missing.is_empty() {
                    let labels: Vec<&str> = missing.iter().map(|m| m.label()).collect();
                    write!(f, "（足りない回答：{}）", labels.join("、"))?;
                }
                Ok(())
            }
        }
    }
}

/// Runs a program's test cases; an empty result means every case passed.
///
/// Cases without `as_of` are judged on `default_as_of`.
pub fn run_test_cases(program: &Program, default_as_of: Date) -> Vec<TestCaseFailure> {
    let failure = |case: &str, problem| TestCaseFailure {
        program_id: program.id.clone(),
        case: case.to_owned(),
        problem,
    };
    let (rule, origin, errors) = compile_program(program);
    let mut failures = Vec::new();
    if let Some(errors) = errors {
        failures.push(failure(
            "",
            TestCaseProblem::InvalidRule {
                message: errors.to_string(),
            },
        ));
    }
    if origin == RuleOrigin::Fallback {
        return failures;
    }
    for case in &program.test_cases {
        let profile = match Profile::from_map(&case.profile) {
            Ok(p) => p,
            Err(e) => {
                failures.push(failure(
                    &case.name,
                    TestCaseProblem::InvalidProfile {
                        message: e.to_string(),
                    },
                ));
                continue;
            }
        };
        let ctx = Context::new(&profile, case.as_of.unwrap_or(default_as_of));
        let outcome = rule.evaluate(&ctx);
        if outcome.verdict != case.expect {
            failures.push(failure(
                &case.name,
                TestCaseProblem::WrongVerdict {
                    expected: case.expect,
                    actual: outcome.verdict,
                    missing: rule.view().missing(&outcome.states, &ctx).iter().collect(),
                },
            ));
        }
    }
    failures
}

/// Checks a program's rule and its test cases together, as saving a program should.
pub fn check_program(program: &Program, default_as_of: Date) -> Result<(), Vec<TestCaseFailure>> {
    let failures = run_test_cases(program, default_as_of);
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn program(rule: Value, cases: Value) -> Program {
        crate::eligibility::fixtures::program(
            "demo-sogyo",
            json!({"rule": rule, "test_cases": cases}),
        )
    }

    #[test]
    fn passing_cases_report_nothing_and_failing_ones_say_what_happened() {
        let p = program(
            json!({"all": [{"fact": "years_since_founding", "op": "lt", "value": 5}]}),
            json!([
                {"name": "創業3年", "profile": {"founded": "2023-04-01"}, "as_of": "2026-04-01", "expect": "eligible"},
                {"name": "創業予定", "profile": {"founded": "planned"}, "expect": "eligible"},
                {"name": "未回答", "profile": {}, "expect": "ineligible"},
                {"name": "誤記", "profile": {"foundd": "2020-01-01"}, "expect": "eligible"}
            ]),
        );
        let failures = run_test_cases(&p, date!(2026 - 04 - 01));
        let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert_eq!(
            lines[0],
            "制度 demo-sogyo のテスト「未回答」：「対象外」のはずが「要確認」になりました。（足りない回答：創業・設立年月日）"
        );
        assert!(
            lines[1].contains("テスト「誤記」：回答に誤りがあります。項目「foundd」はありません"),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn a_broken_rule_is_reported_once_with_the_program_named() {
        let p = program(
            json!({"all": [{"fact": "smee"}]}),
            json!([{"name": "a", "profile": {}, "expect": "eligible"}]),
        );
        let failures = run_test_cases(&p, date!(2026 - 04 - 01));
        assert_eq!(failures.len(), 1);
        assert!(
            failures[0]
                .to_string()
                .starts_with("制度 demo-sogyo の条件 all[0]：判定項目「smee」はありません")
        );
    }

    #[test]
    fn test_cases_travel_with_the_program_as_json() {
        let p = program(
            json!({"fact": "sme"}),
            json!([{"name": "a", "profile": {"employees": 3}, "as_of": "2026-04-01", "expect": "needs_info"}]),
        );
        let back: Program = serde_json::from_value(serde_json::to_value(&p).unwrap()).unwrap();
        assert_eq!(back, p);
        assert_eq!(back.test_cases[0].as_of, Some(date!(2026 - 04 - 01)));
    }
}
