//! `madoguchi check-rules`: every rule valid, every test profile getting its expected verdict.

use anyhow::bail;
use madoguchi_core::eligibility::{TestCaseProblem, run_test_cases};

use crate::cli::CheckRulesArgs;
use crate::config::Config;
use crate::dates;

pub async fn run(config: &Config, args: &CheckRulesArgs) -> anyhow::Result<()> {
    let as_of = dates::as_of(args.as_of.as_deref())?;
    let store = config.open_migrated_store().await?;
    let programs = store.programs().await?;
    let mut failures = 0;
    let mut cases = 0;
    for program in &programs {
        cases += program.test_cases.len();
        for failure in run_test_cases(program, as_of) {
            failures += 1;
            let case = if failure.case.is_empty() {
                String::new()
            } else {
                format!("「{}」", failure.case)
            };
            eprintln!(
                "✗ {} {}{case}: {}",
                failure.program_id,
                program.title,
                describe(&failure.problem)
            );
        }
    }
    if failures > 0 {
        bail!(
            "{failures}件の問題が見つかりました（{}制度、テストケース{cases}件を確認）。",
            programs.len()
        );
    }
    println!(
        "すべてのルールは有効で、テストケース{cases}件がすべて期待どおりの判定になりました（{}制度）。",
        programs.len()
    );
    Ok(())
}

fn describe(problem: &TestCaseProblem) -> String {
    match problem {
        TestCaseProblem::InvalidRule { message } => format!("ルールが不正です：{message}"),
        TestCaseProblem::InvalidProfile { message } => {
            format!("テスト用プロフィールが不正です：{message}")
        }
        TestCaseProblem::WrongVerdict {
            expected,
            actual,
            missing,
        } => {
            let missing: Vec<_> = missing.iter().map(|f| f.label()).collect();
            let missing = if missing.is_empty() {
                String::new()
            } else {
                format!("（未回答: {}）", missing.join("、"))
            };
            format!(
                "期待「{}」に対して判定は「{}」でした{missing}",
                expected.label(),
                actual.label()
            )
        }
    }
}
