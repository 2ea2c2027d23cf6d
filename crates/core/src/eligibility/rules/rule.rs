//! A program's eligibility rule as staff write it and the store keeps it: a JSON tree.
//!
//! ```json
//! {"all": [
//!   {"field": "municipality", "op": "within", "value": ["310000"]},
//!   {"fact": "sme"},
//!   {"not": {"fact": "deemed_large"}},
//!   {"fact": "years_since_founding", "op": "lt", "value": 5},
//!   {"any": [{"field": "employees", "op": "le", "value": 20},
//!            {"field": "capital", "op": "le", "value": "1000万円"}]},
//!   {"manual": "市税を完納していること", "source": "募集要項 3.(2)"}
//! ]}
//! ```
//!
//! Reading JSON never fails on content: a node that is not a rule is kept as `Malformed`, and
//! names and values stay as written, so that `validate` (or `CompiledRule::compile`) can report
//! every problem with the path of its node (「all[2].any[0]」) and the program it belongs to.
//! A `Rule` that validates compiles to a `CompiledRule`, the typed form the evaluator runs.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::compile::CompiledRule;
use super::rule_error::RuleError;
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;
use crate::labeled_enum;

labeled_enum! {
    /// How a condition compares a field with its value.
    pub enum Op: "比較の種類", "eq・ne・lt・le・gt・ge・in・not_in・contains・within・industry_in のいずれかで指定してください。" {
        Eq = ("eq", "等しい"),
        Ne = ("ne", "等しくない"),
        Lt = ("lt", "未満"),
        Le = ("le", "以下"),
        Gt = ("gt", "超"),
        Ge = ("ge", "以上"),
        In = ("in", "いずれか"),
        NotIn = ("not_in", "いずれでもない"),
        Contains = ("contains", "含む"),
        Within = ("within", "区域内"),
        IndustryIn = ("industry_in", "業種に含まれる"),
    }
}

/// One node of a rule tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// Every child must hold.
    All {
        rules: Vec<Rule>,
        source: Option<String>,
    },
    /// At least one child must hold.
    Any {
        rules: Vec<Rule>,
        source: Option<String>,
    },
    /// The child must not hold.
    Not {
        rule: Box<Rule>,
        source: Option<String>,
    },
    /// `field op value`, on one answer of the profile.
    Condition(Condition),
    /// A derived fact: `sme`, or `years_since_founding lt 5`.
    Fact(FactCheck),
    /// Something only a person can confirm (「市税を完納していること」).
    Manual(ManualCheck),
    /// JSON that is none of the above, kept as written so that validation can point at it.
    Malformed(Value),
}

/// `field op value` as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Condition {
    pub field: String,
    pub op: String,
    pub value: Value,
    /// Where the requirement is written (「公募要領 2.(1)」).
    pub source: Option<String>,
}

/// A derived fact, with a comparison for the numeric ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactCheck {
    pub fact: String,
    pub op: Option<String>,
    pub value: Option<Value>,
    pub source: Option<String>,
}

/// A requirement a person must confirm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManualCheck {
    pub text: String,
    pub source: Option<String>,
}

impl Rule {
    pub fn all(rules: Vec<Rule>) -> Self {
        Self::All {
            rules,
            source: None,
        }
    }

    pub fn any(rules: Vec<Rule>) -> Self {
        Self::Any {
            rules,
            source: None,
        }
    }

    #[allow(clippy::should_implement_trait)]
    pub fn not(rule: Rule) -> Self {
        Self::Not {
            rule: Box::new(rule),
            source: None,
        }
    }

    /// `field op value`; the value is JSON as staff would type it (`20`, `"1000万円"`, `["E"]`).
    pub fn condition(field: Field, op: Op, value: Value) -> Self {
        Self::Condition(Condition {
            field: field.code().to_owned(),
            op: op.code().to_owned(),
            value,
            source: None,
        })
    }

    /// A yes/no fact that must hold (`sme`, `small_business`, `deemed_large`).
    pub fn fact(fact: Fact) -> Self {
        Self::Fact(FactCheck {
            fact: fact.code().to_owned(),
            op: None,
            value: None,
            source: None,
        })
    }

    /// A numeric fact compared with a number (`years_since_founding lt 5`).
    pub fn fact_compared(fact: Fact, op: Op, value: u32) -> Self {
        Self::Fact(FactCheck {
            fact: fact.code().to_owned(),
            op: Some(op.code().to_owned()),
            value: Some(Value::from(value)),
            source: None,
        })
    }

    pub fn manual(text: impl Into<String>) -> Self {
        Self::Manual(ManualCheck {
            text: text.into(),
            source: None,
        })
    }

    /// The same node with the place its requirement is written.
    pub fn with_source(mut self, text: impl Into<String>) -> Self {
        let text = Some(text.into());
        match &mut self {
            Self::All { source, .. } | Self::Any { source, .. } | Self::Not { source, .. } => {
                *source = text
            }
            Self::Condition(c) => c.source = text,
            Self::Fact(f) => f.source = text,
            Self::Manual(m) => m.source = text,
            Self::Malformed(_) => {}
        }
        self
    }

    /// Checks every node; each error names the node by its path.
    pub fn validate(&self) -> Result<(), Vec<RuleError>> {
        CompiledRule::compile(self).map(|_| ())
    }

    /// Reads a rule from JSON, keeping anything that is not a rule as `Malformed`.
    pub fn from_value(value: Value) -> Self {
        let Value::Object(map) = value else {
            return Self::Malformed(value);
        };
        read_node(map)
    }

    /// The rule as JSON, exactly as `from_value` reads it.
    pub fn to_value(&self) -> Value {
        let with_source = |mut v: Value, source: &Option<String>| {
            if let (Some(s), Value::Object(map)) = (source, &mut v) {
                map.insert("source".to_owned(), Value::String(s.clone()));
            }
            v
        };
        let list = |rules: &[Rule]| Value::Array(rules.iter().map(Rule::to_value).collect());
        match self {
            Self::All { rules, source } => with_source(json!({ "all": list(rules) }), source),
            Self::Any { rules, source } => with_source(json!({ "any": list(rules) }), source),
            Self::Not { rule, source } => with_source(json!({ "not": rule.to_value() }), source),
            Self::Condition(c) => with_source(
                json!({ "field": c.field, "op": c.op, "value": c.value }),
                &c.source,
            ),
            Self::Fact(f) => {
                let mut v = json!({ "fact": f.fact });
                if let Value::Object(map) = &mut v {
                    if let Some(op) = &f.op {
                        map.insert("op".to_owned(), Value::String(op.clone()));
                    }
                    if let Some(value) = &f.value {
                        map.insert("value".to_owned(), value.clone());
                    }
                }
                with_source(v, &f.source)
            }
            Self::Manual(m) => with_source(json!({ "manual": m.text }), &m.source),
            Self::Malformed(v) => v.clone(),
        }
    }
}

/// The shapes a node may take, by the key that names it, with the keys each shape allows.
const SHAPES: &[(&str, &[&str])] = &[
    ("all", &["all", "source"]),
    ("any", &["any", "source"]),
    ("not", &["not", "source"]),
    ("field", &["field", "op", "value", "source"]),
    ("fact", &["fact", "op", "value", "source"]),
    ("manual", &["manual", "source"]),
];

/// The key that names the node's shape, if exactly one does and no other key is foreign to it.
pub(crate) fn shape_of(map: &Map<String, Value>) -> Result<&'static str, ShapeProblem> {
    let named: Vec<&str> = SHAPES
        .iter()
        .map(|(k, _)| *k)
        .filter(|k| map.contains_key(*k))
        .collect();
    let shape = match named.as_slice() {
        [one] => *one,
        [] => return Err(ShapeProblem::NoShape),
        several => {
            return Err(ShapeProblem::SeveralShapes(
                several.iter().map(|s| (*s).to_owned()).collect(),
            ));
        }
    };
    let allowed = SHAPES
        .iter()
        .find(|(k, _)| *k == shape)
        .map_or(&[][..], |(_, keys)| *keys);
    if let Some(foreign) = map.keys().find(|k| !allowed.contains(&k.as_str())) {
        return Err(ShapeProblem::ForeignKey {
            shape,
            key: foreign.clone(),
        });
    }
    Ok(shape)
}

/// Why a JSON object is not a rule node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShapeProblem {
    NoShape,
    SeveralShapes(Vec<String>),
    ForeignKey { shape: &'static str, key: String },
}

fn read_node(map: Map<String, Value>) -> Rule {
    let Ok(shape) = shape_of(&map) else {
        return Rule::Malformed(Value::Object(map));
    };
    let source = match map.get("source") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Rule::Malformed(Value::Object(map)),
    };
    let text = |key: &str| match map.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    let node = match shape {
        "all" | "any" => match map.get(shape) {
            Some(Value::Array(items)) => {
                let rules = items.iter().cloned().map(Rule::from_value).collect();
                Some(if shape == "all" {
                    Rule::All { rules, source }
                } else {
                    Rule::Any { rules, source }
                })
            }
            _ => None,
        },
        "not" => map.get("not").map(|child| Rule::Not {
            rule: Box::new(Rule::from_value(child.clone())),
            source,
        }),
        "field" => match (text("field"), text("op"), map.get("value")) {
            (Some(field), Some(op), Some(value)) => Some(Rule::Condition(Condition {
                field,
                op,
                value: value.clone(),
                source,
            })),
            _ => None,
        },
        "fact" => text("fact").and_then(|fact| {
            let op = match map.get("op") {
                None => None,
                Some(Value::String(s)) => Some(s.clone()),
                Some(_) => return None,
            };
            Some(Rule::Fact(FactCheck {
                fact,
                op,
                value: map.get("value").cloned(),
                source,
            }))
        }),
        _ => text("manual").map(|text| Rule::Manual(ManualCheck { text, source })),
    };
    node.unwrap_or(Rule::Malformed(Value::Object(map)))
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Value::deserialize(d).map(Self::from_value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_reads_and_writes_the_same_json() {
        let json = json!({"all": [
            {"field": "municipality", "op": "within", "value": ["310000"]},
            {"fact": "sme"},
            {"not": {"fact": "deemed_large"}},
            {"fact": "years_since_founding", "op": "lt", "value": 5},
            {"any": [{"field": "employees", "op": "le", "value": 20}], "source": "要領 2"},
            {"manual": "市税を完納していること", "source": "募集要項 3.(2)"}
        ]});
        let rule: Rule = serde_json::from_value(json.clone()).unwrap();
        assert!(matches!(&rule, Rule::All { rules, .. } if rules.len() == 6));
        assert_eq!(serde_json::to_value(&rule).unwrap(), json);
    }

    #[test]
    fn json_that_is_not_a_rule_is_kept_for_validation_to_point_at() {
        for bad in [
            json!(3),
            json!({"al": []}),
            json!({"all": [], "any": []}),
            json!({"field": "employees", "op": "le"}),
            json!({"all": {}}),
            json!({"manual": "x", "extra": 1}),
        ] {
            let rule = Rule::from_value(bad.clone());
            assert_eq!(rule, Rule::Malformed(bad.clone()));
            assert_eq!(rule.to_value(), bad);
        }
    }

    #[test]
    fn rules_built_in_code_serialise_like_hand_written_ones() {
        let rule = Rule::all(vec![
            Rule::condition(Field::Employees, Op::Le, json!(20)),
            Rule::fact_compared(Fact::YearsSinceFounding, Op::Lt, 5),
            Rule::manual("確認").with_source("要領"),
        ]);
        assert_eq!(
            rule.to_value(),
            json!({"all": [
                {"field": "employees", "op": "le", "value": 20},
                {"fact": "years_since_founding", "op": "lt", "value": 5},
                {"manual": "確認", "source": "要領"}
            ]})
        );
    }
}
