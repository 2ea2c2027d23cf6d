//! A saved rule as rows: what the builder shows when the editor opens.

use madoguchi_core::eligibility::{Field, Rule};

use super::{RowKind, RowNode, RuleRow, RuleRows, value_text};

impl RuleRows {
    /// The rows of a rule (none for a program judged by its derived rule).
    pub fn from_rule(rule: Option<&Rule>) -> Self {
        let Some(rule) = rule else {
            return Self::default();
        };
        let node = node_of(rule, None);
        let root = if node.row.kind.is_group() {
            node
        } else {
            RowNode {
                row: RuleRow::new(RowKind::All),
                children: vec![node],
            }
        };
        Self { root: Some(root) }
    }
}

fn own_source(rule: &Rule) -> Option<&String> {
    match rule {
        Rule::All { source, .. } | Rule::Any { source, .. } | Rule::Not { source, .. } => {
            source.as_ref()
        }
        Rule::Condition(c) => c.source.as_ref(),
        Rule::Fact(f) => f.source.as_ref(),
        Rule::Manual(m) => m.source.as_ref(),
        Rule::Malformed(_) => None,
    }
}

/// The rows of one node; `negated` carries the `source` of a `not` around it.
fn node_of(rule: &Rule, negated: Option<Option<String>>) -> RowNode {
    let wrap = |source: Option<String>, child: RowNode| RowNode {
        row: RuleRow {
            negate: true,
            source: source.unwrap_or_default(),
            ..RuleRow::new(RowKind::All)
        },
        children: vec![child],
    };
    match (rule, negated) {
        (
            Rule::Not {
                rule: inner,
                source,
            },
            None,
        ) => node_of(inner, Some(source.clone())),
        (Rule::Not { .. }, Some(outer)) => wrap(outer, node_of(rule, None)),
        (_, Some(Some(outer))) if own_source(rule).is_some() => {
            wrap(Some(outer), node_of(rule, None))
        }
        (_, negated) => {
            let mut node = plain_node(rule);
            if let Some(source) = negated {
                node.row.negate = true;
                if let Some(source) = source {
                    node.row.source = source;
                }
            }
            node
        }
    }
}

fn plain_node(rule: &Rule) -> RowNode {
    let source = own_source(rule).cloned().unwrap_or_default();
    let row = |kind, subject: &str, op: &str, value: String| RuleRow {
        kind,
        negate: false,
        subject: subject.to_owned(),
        op: op.to_owned(),
        value,
        source: source.clone(),
    };
    match rule {
        Rule::All { rules, .. } | Rule::Any { rules, .. } => {
            let kind = if matches!(rule, Rule::All { .. }) {
                RowKind::All
            } else {
                RowKind::Any
            };
            RowNode {
                row: row(kind, "", "", String::new()),
                children: rules.iter().map(|r| node_of(r, None)).collect(),
            }
        }
        Rule::Condition(c) => RowNode::leaf(row(
            RowKind::Condition,
            &c.field,
            &c.op,
            value_text(Field::parse(&c.field).ok(), &c.value),
        )),
        Rule::Fact(f) => RowNode::leaf(row(
            RowKind::Fact,
            &f.fact,
            f.op.as_deref().unwrap_or_default(),
            f.value
                .as_ref()
                .map(|v| value_text(None, v))
                .unwrap_or_default(),
        )),
        Rule::Manual(m) => RowNode::leaf(row(RowKind::Manual, "", "", m.text.clone())),
        Rule::Malformed(v) => RowNode::leaf(RuleRow {
            source: String::new(),
            ..row(RowKind::Raw, "", "", v.to_string())
        }),
        // A `not` is always read through `node_of`.
        Rule::Not { rule, .. } => node_of(rule, Some(None)),
    }
}
