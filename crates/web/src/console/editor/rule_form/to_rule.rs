//! The rule the rows make, with each row's place in it, so that validation and the rule's
//! tests can point at the row a problem is in.

use madoguchi_core::eligibility::{Condition, Fact, FactCheck, ManualCheck, Rule};
use serde_json::Value;

use super::values::{number_or_text, value_json};
use super::{BuiltRule, RowKind, RowNode, RuleRow, RuleRows};

impl RuleRows {
    /// The rule the rows make, with each node's path mapped to its row.
    pub fn to_rule(&self) -> BuiltRule {
        let mut built = BuiltRule {
            rule: None,
            paths: Vec::new(),
            incomplete: Vec::new(),
        };
        if let Some(root) = &self.root {
            let mut next = 0;
            built.rule = Some(rule_of(root, String::new(), &mut next, &mut built));
        }
        built
    }
}

/// Builds row `node` (numbered `*next` in page order) at `path`.
fn rule_of(node: &RowNode, path: String, next: &mut usize, built: &mut BuiltRule) -> Rule {
    let number = *next;
    *next += 1;
    let row = &node.row;
    built.paths.push((path.clone(), number));
    let inner_path = if row.negate {
        let inner = join(&path, "not");
        built.paths.push((inner.clone(), number));
        inner
    } else {
        path
    };
    let source = (!row.source.is_empty()).then(|| row.source.clone());
    // A negated row's source sits on its `not`, where explanations read it.
    let (own, not_source) = if row.negate {
        (None, source)
    } else {
        (source, None)
    };
    if let Some(missing) = incomplete(row) {
        built.incomplete.push((number, missing.to_owned()));
    }
    let node_rule = match row.kind {
        RowKind::All | RowKind::Any => {
            let name = if row.kind == RowKind::All {
                "all"
            } else {
                "any"
            };
            let rules = node
                .children
                .iter()
                .enumerate()
                .map(|(i, c)| rule_of(c, join(&inner_path, &format!("{name}[{i}]")), next, built))
                .collect();
            if row.kind == RowKind::All {
                Rule::All { rules, source: own }
            } else {
                Rule::Any { rules, source: own }
            }
        }
        RowKind::Condition => Rule::Condition(Condition {
            field: row.subject.clone(),
            op: row.op.clone(),
            value: value_json(row.field(), &row.op, &row.value),
            source: own,
        }),
        RowKind::Fact => {
            let compared = Fact::parse(&row.subject).is_ok_and(|f| !f.is_boolean());
            let text = |s: &str| (compared && !s.is_empty()).then(|| s.to_owned());
            Rule::Fact(FactCheck {
                fact: row.subject.clone(),
                op: text(&row.op),
                value: text(&row.value).map(|v| number_or_text(&v)),
                source: own,
            })
        }
        RowKind::Manual => Rule::Manual(ManualCheck {
            text: row.value.clone(),
            source: own,
        }),
        RowKind::Raw => Rule::from_value(
            serde_json::from_str(&row.value).unwrap_or(Value::String(row.value.clone())),
        ),
    };
    if row.negate {
        Rule::Not {
            rule: Box::new(node_rule),
            source: not_source,
        }
    } else {
        node_rule
    }
}

fn join(path: &str, step: &str) -> String {
    if path.is_empty() {
        step.to_owned()
    } else {
        format!("{path}.{step}")
    }
}

/// What a row still lacks before it can be checked, in the words of the form.
fn incomplete(row: &RuleRow) -> Option<&'static str> {
    match row.kind {
        RowKind::Condition if row.subject.is_empty() => Some("項目を選んでください。"),
        RowKind::Condition if row.op.is_empty() => Some("比べ方を選んでください。"),
        RowKind::Condition if row.value.is_empty() => Some("値を入力してください。"),
        RowKind::Fact if row.subject.is_empty() => Some("判定項目を選んでください。"),
        RowKind::Fact
            if Fact::parse(&row.subject).is_ok_and(|f| !f.is_boolean())
                && (row.op.is_empty() || row.value.is_empty()) =>
        {
            Some("比べ方と年数を入力してください。")
        }
        _ => None,
    }
}
