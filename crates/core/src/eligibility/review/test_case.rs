//! Rule test cases: example businesses stored with a program, each with the verdict staff
//! expect, so a rule is checked as data whenever it is saved or `madoguchi check-rules` runs.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::Date;

use crate::calendar::iso_date;
use crate::eligibility::evaluate::context::Context;
use crate::eligibility::evaluate::verdict::Verdict;
use crate::eligibility::rules::program_rule::{RuleOrigin, compile_program};
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::profile::Profile;
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

/// How one test case came out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CaseResult {
    pub name: String,
    pub expect: Verdict,
    /// The day it was judged on.
    #[serde(with = "iso_date")]
    pub as_of: Date,
    pub outcome: CaseOutcome,
}

/// A case's verdict against the one it expects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseOutcome {
    Passed,
    WrongVerdict {
        actual: Verdict,
        missing: Vec<Field>,
    },
    InvalidProfile {
        message: String,
    },
}

/// Every test case of a program run, passed or not, for a page that lists them all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestRun {
    /// The rule's problems, when it does not compile (then no case is run).
    pub invalid_rule: Option<String>,
    pub cases: Vec<CaseResult>,
}

impl TestRun {
    pub fn passed(&self) -> usize {
        self.cases
            .iter()
            .filter(|c| c.outcome == CaseOutcome::Passed)
            .count()
    }
}

/// Runs every test case of a program; cases without `as_of` are judged on `default_as_of`.
pub fn run_every_case(program: &Program, default_as_of: Date) -> TestRun {
    let (rule, origin, errors) = compile_program(program);
    let invalid_rule = errors.map(|e| e.to_string());
    if origin == RuleOrigin::Fallback {
        return TestRun {
            invalid_rule,
            cases: Vec::new(),
        };
    }
    let cases = program
        .test_cases
        .iter()
        .map(|case| {
            let as_of = case.as_of.unwrap_or(default_as_of);
            let outcome = match Profile::from_map(&case.profile) {
                Err(e) => CaseOutcome::InvalidProfile {
                    message: e.to_string(),
                },
                Ok(profile) => {
                    let ctx = Context::new(&profile, as_of);
                    let outcome = rule.evaluate(&ctx);
                    if outcome.verdict == case.expect {
                        CaseOutcome::Passed
                    } else {
                        CaseOutcome::WrongVerdict {
                            actual: outcome.verdict,
                            missing: rule.view().missing(&outcome.states, &ctx).iter().collect(),
                        }
                    }
                }
            };
            CaseResult {
                name: case.name.clone(),
                expect: case.expect,
                as_of,
                outcome,
            }
        })
        .collect();
    TestRun {
        invalid_rule,
        cases,
    }
}

/// Runs a program's test cases; an empty result means every case passed.
///
/// Cases without `as_of` are judged on `default_as_of`.
pub fn run_test_cases(program: &Program, default_as_of: Date) -> Vec<TestCaseFailure> {
    let run = run_every_case(program, default_as_of);
    let failure = |case: &str, problem| TestCaseFailure {
        program_id: program.id.clone(),
        case: case.to_owned(),
        problem,
    };
    let rule_failure = run
        .invalid_rule
        .map(|message| failure("", TestCaseProblem::InvalidRule { message }));
    let case_failures = run.cases.into_iter().filter_map(|case| {
        let problem = match case.outcome {
            CaseOutcome::Passed => return None,
            CaseOutcome::InvalidProfile { message } => TestCaseProblem::InvalidProfile { message },
            CaseOutcome::WrongVerdict { actual, missing } => TestCaseProblem::WrongVerdict {
                expected: case.expect,
                actual,
                missing,
            },
        };
        Some(failure(&case.name, problem))
    });
    rule_failure.into_iter().chain(case_failures).collect()
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
    fn a_test_profile_with_a_retired_legal_form_names_the_program_the_case_and_the_field() {
        let p = program(
            json!({"fact": "sme_cabinet_order"}),
            json!([{"name": "組合", "profile": {"org_form": "cooperative"}, "expect": "eligible"}]),
        );
        let failures = run_test_cases(&p, date!(2026 - 04 - 01));
        let lines: Vec<String> = failures.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 1, "{lines:?}");
        assert!(
            lines[0].starts_with("制度 demo-sogyo のテスト「組合」：回答に誤りがあります。組織形態（org_form）：組織形態「cooperative」は細分化されたため使えなくなりました。"),
            "{}",
            lines[0]
        );
    }

    #[test]
    fn a_rule_naming_an_unknown_definition_is_refused_with_the_definitions_listed() {
        let p = program(
            json!({"fact": "sme_labour"}),
            json!([{"name": "a", "profile": {}, "expect": "eligible"}]),
        );
        let failures = run_test_cases(&p, date!(2026 - 04 - 01));
        let line = failures[0].to_string();
        assert!(
            line.starts_with(
                "制度 demo-sogyo の条件（最上位）：判定項目「sme_labour」はありません"
            ),
            "{line}"
        );
        assert!(line.contains("sme_employment"), "{line}");
    }

    #[test]
    fn every_case_is_listed_with_its_outcome_passed_or_not() {
        let p = program(
            json!({"all": [{"fact": "years_since_founding", "op": "lt", "value": 5}]}),
            json!([
                {"name": "創業3年", "profile": {"founded": "2023-04-01"}, "expect": "eligible"},
                {"name": "未回答", "profile": {}, "expect": "ineligible"}
            ]),
        );
        let run = run_every_case(&p, date!(2026 - 04 - 01));
        assert_eq!(run.invalid_rule, None);
        assert_eq!(run.passed(), 1);
        assert_eq!(run.cases[0].outcome, CaseOutcome::Passed);
        assert_eq!(run.cases[0].as_of, date!(2026 - 04 - 01));
        assert_eq!(
            run.cases[1].outcome,
            CaseOutcome::WrongVerdict {
                actual: Verdict::NeedsInfo,
                missing: vec![Field::Founded]
            }
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
