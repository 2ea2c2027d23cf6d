//! Every condition of a rule in plain Japanese, with the answer that decided it and its source.
//!
//! Only results a person will see are explained, so this is where strings are made; the
//! evaluator itself only writes states. This file walks the tree a person is shown; the words
//! of each condition are `wording`'s.

use serde::Serialize;

use super::context::Context;
use super::wording::{describe, evidence};
use crate::eligibility::rules::code::{NodeKind, RuleView};
use crate::eligibility::tri::{State, Tri};
use crate::eligibility::vocabulary::profile::Profile;

/// Where one condition stands for this business.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConditionStatus {
    Met,
    NotMet,
    /// An answer is missing.
    Unknown,
    /// Only a person can confirm it.
    ToConfirm,
    /// An alternative of a 「次のいずれかを満たす」 that holds through another alternative
    /// (and everything below such an alternative): whatever its own state, it changes nothing.
    NotNeeded,
}

impl ConditionStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "満たしています",
            Self::NotMet => "満たしていません",
            Self::Unknown => "回答が必要です",
            Self::ToConfirm => "確認が必要です",
            Self::NotNeeded => "他の条件を満たしているため不要です",
        }
    }

    fn of(state: State) -> Self {
        match (state.open(), state.confirmed()) {
            (Tri::True, _) => Self::Met,
            (Tri::False, _) => Self::NotMet,
            (Tri::Unknown, Tri::True) => Self::ToConfirm,
            (Tri::Unknown, _) => Self::Unknown,
        }
    }
}

/// One condition as a person reads it, with the conditions of a group nested under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionView {
    /// The node's path in the rule (`all[2].any[0]`), empty for the top node.
    pub path: String,
    /// How deep the node sits below the rule's top (its number of shown ancestors).
    pub depth: usize,
    /// 「常時使用する従業員数が20人以下」.
    pub text: String,
    pub status: ConditionStatus,
    pub status_label: &'static str,
    /// The answer that decided it (「12人」, 「未回答」).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// How a derived fact was worked out, step by step.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
    /// Where the requirement is written: the node's `source`, or the nearest one above it,
    /// or the program's official page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For a group (「次のいずれかを満たす」, 「次のすべてを満たす」, 「次に当たらない」): its
    /// conditions, in the rule's order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<ConditionView>,
}

impl ConditionView {
    /// Every condition of `conditions` and below, each before its children (the rule's order).
    pub fn flatten(conditions: &[ConditionView]) -> Vec<&ConditionView> {
        fn walk<'a>(list: &'a [ConditionView], out: &mut Vec<&'a ConditionView>) {
            for c in list {
                out.push(c);
                walk(&c.children, out);
            }
        }
        let mut out = Vec::new();
        walk(conditions, &mut out);
        out
    }
}

/// Every node of a rule explained, as a tree in the rule's order. A top-level `all` is the
/// verdict itself and is not repeated (its children are the top-level conditions); a `not`
/// around a single condition is shown as that condition negated.
///
/// When an `any` holds, its alternatives that do not hold themselves (and all below them) are
/// [`ConditionStatus::NotNeeded`]: they are read off the evaluated states, not re-evaluated.
/// Inside a `not` the states are shown as they are, since there an `any` holding is what fails.
pub fn explain_conditions(
    rule: RuleView<'_>,
    states: &[State],
    ctx: &Context<'_>,
    default_source: Option<&str>,
) -> Vec<ConditionView> {
    let mut out = Vec::new();
    if rule.is_empty() || states.len() < rule.len() {
        return out;
    }
    let root_is_all = matches!(rule.kind(0), Some(NodeKind::All));
    let visit = Visit { rule, states, ctx };
    let top = Place {
        depth: 0,
        negated: false,
        not_needed: false,
    };
    if root_is_all {
        let source = rule.source(0).or(default_source);
        for (n, c) in rule.children(0).enumerate() {
            out.extend(visit.node(c, format!("all[{n}]"), top, source));
        }
    } else {
        out.extend(visit.node(0, String::new(), top, default_source));
    }
    out
}

/// A rule's conditions as a business reads them before answering anything (a program page,
/// a draft's preview in the console).
pub fn conditions_before_answers(
    rule: RuleView<'_>,
    as_of: time::Date,
    default_source: Option<&str>,
) -> Vec<ConditionView> {
    let profile = Profile::default();
    let ctx = Context::new(&profile, as_of);
    let mut states = vec![State::MISSING; rule.len()];
    rule.evaluate_into(&ctx, &mut states);
    explain_conditions(rule, &states, &ctx, default_source)
}

struct Visit<'a, 'p> {
    rule: RuleView<'a>,
    states: &'a [State],
    ctx: &'a Context<'p>,
}

/// Where a node sits in the tree shown.
#[derive(Clone, Copy)]
struct Place {
    depth: usize,
    /// Below a `not`.
    negated: bool,
    /// Below (or at) an alternative made unnecessary by a sibling that holds.
    not_needed: bool,
}

impl Visit<'_, '_> {
    fn node(
        &self,
        i: usize,
        path: String,
        place: Place,
        inherited: Option<&str>,
    ) -> Option<ConditionView> {
        let kind = self.rule.kind(i)?;
        let source = self.rule.source(i).or(inherited);
        let status = if place.not_needed {
            ConditionStatus::NotNeeded
        } else {
            ConditionStatus::of(self.states[i])
        };
        let (text, answer, reasons, descend) = match kind {
            NodeKind::All => ("次のすべてを満たす".to_owned(), None, Vec::new(), true),
            NodeKind::Any => ("次のいずれかを満たす".to_owned(), None, Vec::new(), true),
            NodeKind::Not => match self.rule.leaf(i + 1) {
                Some(leaf) => {
                    let (answer, reasons) = evidence(&leaf, self.ctx);
                    (describe(&leaf, true), answer, reasons, false)
                }
                None => ("次に当たらない".to_owned(), None, Vec::new(), true),
            },
            NodeKind::Leaf(leaf) => {
                let (answer, reasons) = evidence(&leaf, self.ctx);
                (describe(&leaf, false), answer, reasons, false)
            }
        };
        let mut children = Vec::new();
        if descend {
            let name = match kind {
                NodeKind::All => "all",
                NodeKind::Any => "any",
                _ => "not",
            };
            // An `any` that holds: the alternatives that do not hold are not needed.
            let settled = matches!(kind, NodeKind::Any)
                && !place.negated
                && !place.not_needed
                && self.states[i].open() == Tri::True;
            for (n, c) in self.rule.children(i).enumerate() {
                let step = if name == "not" {
                    "not".to_owned()
                } else {
                    format!("{name}[{n}]")
                };
                let child_path = if path.is_empty() {
                    step
                } else {
                    format!("{path}.{step}")
                };
                let child = Place {
                    depth: place.depth + 1,
                    negated: place.negated || name == "not",
                    not_needed: place.not_needed
                        || (settled && self.states.get(c).is_some_and(|s| s.open() != Tri::True)),
                };
                children.extend(self.node(c, child_path, child, source));
            }
        }
        Some(ConditionView {
            path,
            depth: place.depth,
            text,
            status,
            status_label: status.label(),
            answer,
            reasons,
            source: source.map(str::to_owned),
            children,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::eligibility::fixtures;
    use serde_json::json;
    use time::macros::date;

    fn views(rule: serde_json::Value, profile: serde_json::Value) -> Vec<ConditionView> {
        fixtures::evaluated(
            rule,
            profile,
            date!(2026 - 04 - 01),
            |rule, outcome, ctx| {
                explain_conditions(
                    rule.view(),
                    &outcome.states,
                    ctx,
                    Some("https://example.jp/koubo"),
                )
            },
        )
    }

    #[test]
    fn each_condition_reads_as_plain_japanese_with_the_deciding_answer() {
        let v = views(
            json!({"all": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "capital", "op": "le", "value": "3億円", "source": "要領 2.(1)"},
                {"not": {"field": "tax_arrears", "op": "eq", "value": true}},
                {"fact": "years_since_founding", "op": "lt", "value": 5},
                {"manual": "市税を完納していること"}
            ]}),
            json!({"employees": 12, "founded": "2019-04-01"}),
        );
        let lines: Vec<(&str, &str, Option<&str>)> = v
            .iter()
            .map(|c| (c.text.as_str(), c.status_label, c.answer.as_deref()))
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "常時使用する従業員数が20人以下",
                    "満たしています",
                    Some("12人")
                ),
                (
                    "資本金又は出資の総額が3億円以下",
                    "回答が必要です",
                    Some("未回答")
                ),
                ("税の滞納がない", "回答が必要です", Some("未回答")),
                ("創業から5年未満", "満たしていません", Some("7年")),
                ("市税を完納していること", "確認が必要です", None),
            ]
        );
        assert_eq!(v[1].source.as_deref(), Some("要領 2.(1)"));
        assert_eq!(v[0].source.as_deref(), Some("https://example.jp/koubo"));
        assert_eq!(v[2].path, "all[2]");
    }

    #[test]
    fn facts_explain_how_the_law_was_applied() {
        let v = views(
            json!({"fact": "sme"}),
            json!({"industry": "24", "org_form": "stock_company", "capital": "1000万円"}),
        );
        assert_eq!(v[0].text, "中小企業者（政令の特例を含む）である");
        assert_eq!(v[0].status, ConditionStatus::Met);
        assert!(
            v[0].reasons.iter().any(|r| r.contains("資本金1,000万円")),
            "{:?}",
            v[0].reasons
        );
    }

    #[test]
    fn groups_are_shown_with_their_children_indented() {
        let v = views(
            json!({"any": [
                {"field": "org_form", "op": "in", "value": ["stock_company", "llc"]},
                {"not": {"any": [{"field": "industry", "op": "industry_in", "value": ["E", "76"]}]}}
            ]}),
            json!({"org_form": "npo"}),
        );
        assert_eq!(v.len(), 1, "one tree: the any at the top");
        assert_eq!(v[0].children.len(), 2);
        let lines: Vec<(String, usize, String)> = ConditionView::flatten(&v)
            .into_iter()
            .map(|c| (c.path.clone(), c.depth, c.text.clone()))
            .collect();
        assert_eq!(
            lines[0],
            (String::new(), 0, "次のいずれかを満たす".to_owned())
        );
        assert_eq!(lines[1].0, "any[0]");
        assert!(
            lines[1]
                .2
                .contains("「株式会社（特例有限会社を含む）」「合同会社」のいずれか"),
            "{}",
            lines[1].2
        );
        assert_eq!(
            lines[2],
            ("any[1]".to_owned(), 1, "次に当たらない".to_owned())
        );
        assert_eq!(lines[3].0, "any[1].not");
        assert_eq!(lines[4].0, "any[1].not.any[0]");
        assert!(lines[4].2.starts_with("業種が"), "{}", lines[4].2);
    }

    /// (path, status) of every condition shown, in order.
    fn statuses(v: &[ConditionView]) -> Vec<(&str, ConditionStatus)> {
        ConditionView::flatten(v)
            .into_iter()
            .map(|c| (c.path.as_str(), c.status))
            .collect()
    }

    #[test]
    fn alternatives_nest_under_their_any_and_a_met_one_makes_the_others_not_needed() {
        let rule = json!({"all": [
            {"field": "municipality", "op": "within", "value": ["462012"]},
            {"any": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "capital", "op": "le", "value": "3億円"},
                {"all": [
                    {"field": "sales", "op": "le", "value": "1億円"},
                    {"manual": "市税を完納していること"}
                ]}
            ]}
        ]});
        let v = views(
            rule.clone(),
            json!({"municipality": "462012", "employees": 12}),
        );
        // The tree: the any is a top-level condition and its alternatives are its children.
        assert_eq!(v.len(), 2);
        let any = &v[1];
        assert_eq!(any.text, "次のいずれかを満たす");
        assert_eq!(any.status, ConditionStatus::Met);
        assert_eq!(
            any.children.iter().map(|c| c.depth).collect::<Vec<_>>(),
            [1, 1, 1]
        );
        assert_eq!(any.children[2].children.len(), 2);
        assert_eq!(any.children[2].children[0].depth, 2);
        assert_eq!(
            statuses(&v),
            [
                ("all[0]", ConditionStatus::Met),
                ("all[1]", ConditionStatus::Met),
                ("all[1].any[0]", ConditionStatus::Met),
                ("all[1].any[1]", ConditionStatus::NotNeeded),
                ("all[1].any[2]", ConditionStatus::NotNeeded),
                ("all[1].any[2].all[0]", ConditionStatus::NotNeeded),
                ("all[1].any[2].all[1]", ConditionStatus::NotNeeded),
            ]
        );
        assert_eq!(
            any.children[1].status_label,
            "他の条件を満たしているため不要です"
        );
        // The answer that was given is still shown beside a condition not needed.
        assert_eq!(any.children[1].answer.as_deref(), Some("未回答"));

        // No alternative met: each shows its own state.
        let v = views(
            rule,
            json!({"municipality": "462012", "employees": 50, "sales": "5000万円"}),
        );
        assert_eq!(
            statuses(&v),
            [
                ("all[0]", ConditionStatus::Met),
                // It holds once the manual check of its third alternative is confirmed.
                ("all[1]", ConditionStatus::ToConfirm),
                ("all[1].any[0]", ConditionStatus::NotMet),
                ("all[1].any[1]", ConditionStatus::Unknown),
                ("all[1].any[2]", ConditionStatus::ToConfirm),
                ("all[1].any[2].all[0]", ConditionStatus::Met),
                ("all[1].any[2].all[1]", ConditionStatus::ToConfirm),
            ]
        );
    }

    #[test]
    fn two_met_alternatives_both_stay_met_and_a_negated_any_shows_plain_states() {
        let v = views(
            json!({"any": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "capital", "op": "le", "value": "3億円"},
                {"field": "sales", "op": "le", "value": "1億円"}
            ]}),
            json!({"employees": 12, "capital": "1000万円", "sales": "5億円"}),
        );
        assert_eq!(
            statuses(&v),
            [
                ("", ConditionStatus::Met),
                ("any[0]", ConditionStatus::Met),
                ("any[1]", ConditionStatus::Met),
                ("any[2]", ConditionStatus::NotNeeded),
            ]
        );
        // Under a `not`, the any holding is what fails: nothing is called not needed.
        let v = views(
            json!({"all": [{"not": {"any": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "capital", "op": "le", "value": "3億円"}
            ]}}]}),
            json!({"employees": 12, "capital": "5億円"}),
        );
        assert_eq!(
            statuses(&v),
            [
                ("all[0]", ConditionStatus::NotMet),
                ("all[0].not", ConditionStatus::Met),
                ("all[0].not.any[0]", ConditionStatus::Met),
                ("all[0].not.any[1]", ConditionStatus::NotMet),
            ]
        );
    }

    #[test]
    fn the_tree_is_serialised_with_children_and_the_not_needed_status() {
        let v = views(
            json!({"all": [{"any": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "capital", "op": "le", "value": "3億円"}
            ]}]}),
            json!({"employees": 12}),
        );
        let json = serde_json::to_value(&v).unwrap();
        let any = &json[0];
        for key in ["path", "depth", "text", "status", "status_label", "source"] {
            assert!(any.get(key).is_some(), "{key} missing in {any}");
        }
        assert_eq!(any["children"][0]["status"], "met");
        assert_eq!(any["children"][1]["status"], "not_needed");
        assert_eq!(any["children"][1]["path"], "all[0].any[1]");
        assert!(any["children"][1].get("children").is_none());
    }
}
