//! A draft program's rule as staff check it before publishing: how its conditions read to a
//! business, what is wrong with it, whether anyone can satisfy it, and how it judges an
//! example business typed in on the spot.
//!
//! The console calls these on every re-render of the editor, so each works on one program
//! and compiles its rule afresh; the published catalogue is never touched.

use serde::Serialize;
use time::Date;

use crate::eligibility::evaluate::context::Context;
use crate::eligibility::evaluate::explain::{
    ConditionView, conditions_before_answers, explain_conditions,
};
use crate::eligibility::evaluate::verdict::Verdict;
use crate::eligibility::rules::program_rule::{RuleOrigin, compile_program};
use crate::eligibility::rules::satisfiable::{SatisfiabilityReport, check_satisfiable};
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::profile::Profile;
use crate::program::Program;

/// What the editor shows about a draft's rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulePreview {
    /// Whether the conditions are the program's own, derived from its record, or (for a rule
    /// that does not compile) the derived stand-in the public site would use.
    pub origin: RuleOrigin,
    /// The conditions as a business reads them before answering.
    pub conditions: Vec<ConditionView>,
    /// The rule's problems, one per node, when it does not compile.
    pub errors: Vec<crate::eligibility::rules::rule_error::RuleError>,
    /// Parts no business can satisfy (checked for a rule that compiles).
    pub satisfiability: SatisfiabilityReport,
}

/// Previews a draft's rule as of `as_of` (for 創業からの年数 and the like).
pub fn preview_rule(program: &Program, as_of: Date) -> RulePreview {
    let (rule, origin, errors) = compile_program(program);
    let official = program.official_url.as_ref().map(|u| u.as_str());
    let satisfiability = if origin == RuleOrigin::Fallback {
        SatisfiabilityReport {
            complete: true,
            ..SatisfiabilityReport::default()
        }
    } else {
        check_satisfiable(&rule)
    };
    RulePreview {
        origin,
        conditions: conditions_before_answers(rule.view(), as_of, official),
        errors: errors.map(|e| e.errors).unwrap_or_default(),
        satisfiability,
    }
}

/// How a draft judges one example business.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trial {
    pub verdict: Verdict,
    pub origin: RuleOrigin,
    pub conditions: Vec<ConditionView>,
    /// The answers that could still change a 要確認 verdict.
    pub missing: Vec<Field>,
}

/// Judges `profile` by the draft's rule as of `as_of`.
pub fn try_profile(program: &Program, profile: &Profile, as_of: Date) -> Trial {
    let (rule, origin, _) = compile_program(program);
    let ctx = Context::new(profile, as_of);
    let outcome = rule.evaluate(&ctx);
    let view = rule.view();
    let official = program.official_url.as_ref().map(|u| u.as_str());
    Trial {
        verdict: outcome.verdict,
        origin,
        conditions: explain_conditions(view, &outcome.states, &ctx, official),
        missing: view.missing(&outcome.states, &ctx).iter().collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::Rule;
    use crate::eligibility::fixtures;
    use serde_json::json;
    use time::macros::date;

    fn draft(rule: serde_json::Value) -> Program {
        let mut p = fixtures::program("demo-draft", json!({}));
        p.rule = Some(Box::new(Rule::from_value(rule)));
        p
    }

    #[test]
    fn a_valid_rule_previews_in_japanese_with_no_problems() {
        let p = draft(json!({"all": [
            {"field": "employees", "op": "le", "value": 20},
            {"manual": "市税を完納していること"}
        ]}));
        let preview = preview_rule(&p, date!(2026 - 04 - 01));
        assert_eq!(preview.origin, RuleOrigin::Program);
        assert!(preview.errors.is_empty());
        let texts: Vec<&str> = preview.conditions.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            ["常時使用する従業員数が20人以下", "市税を完納していること"]
        );
        assert!(preview.satisfiability.contradictions.is_empty());
    }

    #[test]
    fn a_broken_rule_shows_its_problems_and_the_stand_in_the_site_would_use() {
        let p = draft(json!({"all": [{"field": "emploees", "op": "le", "value": 20}]}));
        let preview = preview_rule(&p, date!(2026 - 04 - 01));
        assert_eq!(preview.origin, RuleOrigin::Fallback);
        assert_eq!(preview.errors.len(), 1);
        assert_eq!(preview.errors[0].path, "all[0]");
        assert!(!preview.conditions.is_empty());
    }

    #[test]
    fn a_rule_nobody_satisfies_is_warned_in_the_preview() {
        let p = draft(json!({"all": [
            {"field": "employees", "op": "le", "value": 5},
            {"field": "employees", "op": "ge", "value": 10}
        ]}));
        let preview = preview_rule(&p, date!(2026 - 04 - 01));
        assert!(preview.satisfiability.never_holds);
    }

    #[test]
    fn an_example_business_gets_a_verdict_with_each_condition_explained() {
        let p = draft(json!({"all": [
            {"field": "employees", "op": "le", "value": 20},
            {"field": "tax_arrears", "op": "eq", "value": false}
        ]}));
        let mut profile = Profile::default();
        profile.set_text(Field::Employees, "12").unwrap();
        let trial = try_profile(&p, &profile, date!(2026 - 04 - 01));
        assert_eq!(trial.verdict, Verdict::NeedsInfo);
        assert_eq!(trial.missing, [Field::TaxArrears]);
        assert_eq!(trial.conditions[0].answer.as_deref(), Some("12人"));
        profile.set_text(Field::TaxArrears, "いいえ").unwrap();
        assert_eq!(
            try_profile(&p, &profile, date!(2026 - 04 - 01)).verdict,
            Verdict::Eligible
        );
    }
}
