//! What is wrong with a rule, in words staff can act on, with the path of the node at fault.
//!
//! Each problem carries its node's path and `ProgramRuleErrors` adds the program, so that staff
//! read 「制度 demo-x の条件 all[2].any[0]：項目「emploees」はありません。…」.

use std::fmt;

use thiserror::Error;

use super::compile::MAX_DEPTH;
use crate::eligibility::vocabulary::answer::ValueProblem;
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;
use crate::program::{Program, ProgramId};

/// One problem in a rule, at the node its path names.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct RuleError {
    /// `all[2].any[0]`; empty for the top node.
    pub path: String,
    pub problem: RuleProblem,
}

impl fmt::Display for RuleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "条件（最上位）：{}", self.problem)
        } else {
            write!(f, "条件 {}：{}", self.path, self.problem)
        }
    }
}

/// What is wrong with one node.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RuleProblem {
    #[error("{0}")]
    Malformed(String),
    #[error("項目「{name}」はありません。{}", Field::did_you_mean(*.suggestion))]
    UnknownField {
        name: String,
        suggestion: Option<Field>,
    },
    #[error(
        "比較「{0}」はありません。eq・ne・lt・le・gt・ge・in・not_in・contains・within・industry_in のいずれかで指定してください。"
    )]
    UnknownOp(String),
    #[error("{subject}には比較「{op}」は使えません。使えるのは {} です。", .allowed.join("・"))]
    OpNotAllowed {
        subject: String,
        op: String,
        allowed: Vec<&'static str>,
    },
    #[error("項目「{}」（{}）の値：{problem}", .field.code(), .field.label())]
    BadValue { field: Field, problem: ValueProblem },
    #[error("項目「{}」（{}）の値が空の一覧です。1つ以上指定してください。", .0.code(), .0.label())]
    EmptyList(Field),
    #[error(
        "判定項目「{0}」はありません。sme_basic_law・sme_cabinet_order・sme_employment・sme_credit_guarantee・sme_tax・small_business・deemed_large・years_since_founding のいずれかで指定してください（中小企業の定義は docs/profile.md）。"
    )]
    UnknownFact(String),
    #[error("判定項目「{}」（{}）は op や value を取りません。当たらないことを条件にするには not で囲んでください。", .0.code(), .0.label())]
    FactTakesNoComparison(Fact),
    #[error("判定項目「{}」（{}）には op（lt など）と value（年数）が必要です。", .0.code(), .0.label())]
    FactNeedsComparison(Fact),
    #[error("判定項目「{}」（{}）の値「{value}」を年数として読み取れません。0以上の整数で指定してください。", .fact.code(), .fact.label())]
    BadYears { fact: Fact, value: String },
    #[error("「{0}」の中に条件がありません。条件を1つ以上書くか、この「{0}」を削除してください。")]
    EmptyGroup(&'static str),
    #[error("manual の確認事項が空です。確認してもらう内容を書いてください。")]
    EmptyManual,
    #[error(
        "not の中に manual（手動確認）は置けません。満たすべき内容として書いてください（例：「暴力団等の反社会的勢力に該当しないこと」）。"
    )]
    ManualUnderNot,
    #[error("条件の入れ子が深すぎます。{MAX_DEPTH}段までにしてください。")]
    TooDeep,
}

/// Every problem in one program's rule, reported with the program's id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct ProgramRuleErrors {
    pub program: ProgramId,
    pub errors: Vec<RuleError>,
}

impl fmt::Display for ProgramRuleErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self
            .errors
            .iter()
            .map(|e| format!("制度 {} の{e}", self.program.as_str()))
            .collect();
        f.write_str(&lines.join("\n"))
    }
}

/// Checks a program's own rule, naming the program in every message. A program without a
/// rule is valid: it is judged by `derived_rule`.
pub fn validate_program_rule(program: &Program) -> Result<(), ProgramRuleErrors> {
    match &program.rule {
        None => Ok(()),
        Some(rule) => rule.validate().map_err(|errors| ProgramRuleErrors {
            program: program.id.clone(),
            errors,
        }),
    }
}
