//! Which of a program's documents one business will need, judged from its answers by the same
//! rules engine as eligibility.
//!
//! A document's `when` is a rule over the profile: 対象 means the business needs it, 対象外
//! that it does not; anything still open (an unanswered question, a check only a person can
//! make, a rule that does not compile) is shown as 「該当する場合」 rather than guessed, and
//! carries the words of its condition so that the business can tell for itself.

use time::Date;

use super::evaluate::context::Context;
use super::evaluate::explain::conditions_before_answers;
use super::evaluate::verdict::Verdict;
use super::rules::compile::CompiledRule;
use super::rules::rule::Rule;
use super::rules::rule_error::RuleError;
use super::vocabulary::profile::Profile;
use crate::program::{Program, RequiredDocument};

/// Whether one business needs one document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentNeed {
    /// Needed: the document applies to everyone, or its rule holds for this business.
    Needed,
    /// Needed only if its condition holds, which the answers do not settle.
    IfApplicable,
    /// Its rule does not hold for this business.
    NotNeeded,
}

impl DocumentNeed {
    /// 「必要」「該当する場合」「不要」.
    pub fn label(self) -> &'static str {
        match self {
            Self::Needed => "必要",
            Self::IfApplicable => "該当する場合",
            Self::NotNeeded => "不要",
        }
    }
}

/// One line of a business's checklist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChecklistItem<'a> {
    pub document: &'a RequiredDocument,
    pub need: DocumentNeed,
    /// The document's condition in words (「組織形態が個人事業主でない」); empty for a
    /// document everyone needs.
    pub condition: String,
}

/// Judges one document for `profile` as of `as_of`.
pub fn document_need(document: &RequiredDocument, profile: &Profile, as_of: Date) -> DocumentNeed {
    let Some(rule) = document.when() else {
        return DocumentNeed::Needed;
    };
    let Ok(compiled) = CompiledRule::compile(rule) else {
        return DocumentNeed::IfApplicable;
    };
    match compiled.evaluate(&Context::new(profile, as_of)).verdict {
        Verdict::Eligible => DocumentNeed::Needed,
        Verdict::Ineligible => DocumentNeed::NotNeeded,
        Verdict::Conditional | Verdict::NeedsInfo => DocumentNeed::IfApplicable,
    }
}

/// Every document of `program` with whether this business needs it, in the program's order.
/// Documents it does not need are kept (marked 不要) so that a page can say so.
pub fn checklist<'a>(
    program: &'a Program,
    profile: &Profile,
    as_of: Date,
) -> Vec<ChecklistItem<'a>> {
    program
        .documents
        .iter()
        .map(|document| ChecklistItem {
            document,
            need: document_need(document, profile, as_of),
            condition: condition_text(document.when(), as_of),
        })
        .collect()
}

/// A document's condition as one line a business reads before answering; empty for none.
pub fn condition_text(rule: Option<&Rule>, as_of: Date) -> String {
    let Some(rule) = rule else {
        return String::new();
    };
    let Ok(compiled) = CompiledRule::compile(rule) else {
        return "条件は制度の窓口にご確認ください".to_owned();
    };
    conditions_before_answers(compiled.view(), as_of, None)
        .iter()
        .map(|c| {
            if c.children.is_empty() {
                c.text.clone()
            } else {
                let inner: Vec<&str> = c.children.iter().map(|k| k.text.as_str()).collect();
                format!("{}（{}）", c.text, inner.join("・"))
            }
        })
        .collect::<Vec<_>>()
        .join("、")
}

/// The problems of a document's rule, in the words the rule editor uses; empty when it compiles.
pub fn document_rule_errors(rule: &Rule) -> Vec<RuleError> {
    CompiledRule::compile(rule).err().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    const AS_OF: Date = date!(2026 - 04 - 01);

    fn doc(raw: serde_json::Value) -> RequiredDocument {
        serde_json::from_value(raw).unwrap()
    }

    fn profile(raw: serde_json::Value) -> Profile {
        Profile::from_value(&raw).unwrap()
    }

    fn registry_certificate() -> RequiredDocument {
        doc(json!({
            "name": "履歴事項全部証明書",
            "issuer": "legal_affairs_bureau",
            "valid_months": 3,
            "when": {"field": "org_form", "op": "not_in", "value": ["sole_proprietor", "planning"]}
        }))
    }

    #[test]
    fn a_document_without_a_rule_is_needed_by_everyone_even_with_no_answers() {
        let plain = doc(json!("事業計画書"));
        assert_eq!(
            document_need(&plain, &Profile::default(), AS_OF),
            DocumentNeed::Needed
        );
    }

    #[test]
    fn a_company_needs_the_registry_certificate_and_a_sole_proprietor_does_not() {
        let d = registry_certificate();
        let company = profile(json!({"org_form": "stock_company"}));
        let sole = profile(json!({"org_form": "sole_proprietor"}));
        assert_eq!(document_need(&d, &company, AS_OF), DocumentNeed::Needed);
        assert_eq!(document_need(&d, &sole, AS_OF), DocumentNeed::NotNeeded);
    }

    #[test]
    fn an_unknown_answer_gives_if_applicable_never_a_guess() {
        let d = registry_certificate();
        assert_eq!(
            document_need(&d, &Profile::default(), AS_OF),
            DocumentNeed::IfApplicable
        );
        let mut dont_know = Profile::default();
        dont_know.mark_dont_know(crate::eligibility::Field::OrgForm);
        assert_eq!(
            document_need(&d, &dont_know, AS_OF),
            DocumentNeed::IfApplicable
        );
        assert_eq!(DocumentNeed::IfApplicable.label(), "該当する場合");
    }

    #[test]
    fn a_manual_condition_is_left_to_the_business() {
        let d = doc(json!({"name": "罹災証明書", "issuer": "municipality",
            "when": {"manual": "災害で被害を受けたこと"}}));
        let company = profile(json!({"org_form": "stock_company"}));
        assert_eq!(
            document_need(&d, &company, AS_OF),
            DocumentNeed::IfApplicable
        );
        assert!(condition_text(d.when(), AS_OF).contains("災害で被害を受けたこと"));
    }

    #[test]
    fn a_rule_that_does_not_compile_is_reported_and_judged_if_applicable() {
        let d = doc(json!({"name": "x", "when": {"field": "emploees", "op": "le", "value": 5}}));
        let errors = document_rule_errors(d.when().unwrap());
        assert!(errors[0].to_string().contains("emploees"), "{errors:?}");
        assert_eq!(
            document_need(&d, &Profile::default(), AS_OF),
            DocumentNeed::IfApplicable
        );
    }

    #[test]
    fn the_checklist_keeps_the_programs_order_and_says_the_condition() {
        let mut program = crate::import::own::parse(crate::demo::CATALOGUE[0].1)
            .unwrap()
            .programs
            .remove(0);
        program.documents = vec![doc(json!("事業計画書")), registry_certificate()];
        let sole = profile(json!({"org_form": "sole_proprietor"}));
        let items = checklist(&program, &sole, AS_OF);
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].need, DocumentNeed::Needed);
        assert!(items[0].condition.is_empty());
        assert_eq!(items[1].need, DocumentNeed::NotNeeded);
        assert!(
            items[1].condition.contains("組織形態"),
            "{}",
            items[1].condition
        );
    }
}
