//! Turns a rule as written into the typed, flat form the evaluator runs, or says what is wrong.
//!
//! Compiling is validation: every name is resolved, every value parsed (「1000万円」 is read
//! once, here), every list checked. Each problem carries the path of its node, and
//! `ProgramRuleErrors` adds the program, so that staff read
//! 「制度 demo-x の条件 all[2].any[0]：項目「emploees」はありません。…」.
//! The compiled rule is the compact code of `code.rs`: a pre-order array of small nodes over a
//! table of conditions, so a catalogue of rules evaluates without chasing pointers. Catalogue
//! snapshots compile once (`RuleSet::build`).

use std::sync::Arc;

use serde_json::Value;
use time::Date;

use super::code::{
    ALL, ANY, Cmp, Instr, LEAF, NOT, OpCode, RuleCode, RuleView, node, pack_range, tag,
};
use super::rule::{Op, Rule, ShapeProblem, shape_of};
use super::rule_error::{RuleError, RuleProblem};
use crate::eligibility::vocabulary::answer::{self, ValueProblem};
use crate::eligibility::vocabulary::area::{Industry, Place};
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::org_form::{LargeInvestment, OrgForm};
use crate::eligibility::vocabulary::question::InputKind;
use crate::program::Purpose;

/// How deep `all`/`any`/`not` may nest: deeper trees are mistakes, and the bound keeps
/// evaluation's recursion small.
pub const MAX_DEPTH: usize = 16;

/// A validated rule in the compact form the evaluator runs (see `code`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompiledRule {
    pub(crate) code: RuleCode,
}

/// A condition as validation reads it, before it is packed into an instruction.
enum Spec {
    Number { field: Field, cmp: Cmp, value: u64 },
    Flag { field: Field, expect: bool },
    OrgForm(u32),
    LargeInvestment(u32),
    Purposes(u32),
    Within(Vec<Place>),
    Industry(Vec<Industry>),
    Founded { cmp: Cmp, date: Date },
    Fact(Fact),
    Years { cmp: Cmp, years: u32 },
    Manual(String),
}

impl CompiledRule {
    /// Validates and compiles; on failure returns every problem found.
    pub fn compile(rule: &Rule) -> Result<Self, Vec<RuleError>> {
        let mut c = Compiler::default();
        c.node(rule, &mut Vec::new(), false);
        if c.errors.is_empty() {
            Ok(Self { code: c.code })
        } else {
            Err(c.errors)
        }
    }

    /// The rule, for evaluation and explanation.
    pub fn view(&self) -> RuleView<'_> {
        self.code.view(0, self.code.nodes.len())
    }

    /// How many nodes the rule has.
    pub fn len(&self) -> usize {
        self.code.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.code.nodes.is_empty()
    }
}

#[derive(Default)]
struct Compiler {
    code: RuleCode,
    errors: Vec<RuleError>,
}

const NUMBER_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::Lt, Op::Le, Op::Gt, Op::Ge];
const DATE_OPS: &[Op] = &[Op::Lt, Op::Le, Op::Gt, Op::Ge];
const CHOICE_OPS: &[Op] = &[Op::Eq, Op::Ne, Op::In, Op::NotIn];
const FLAG_OPS: &[Op] = &[Op::Eq, Op::Ne];

/// The comparisons each field allows, by how it is answered.
pub fn ops_for(field: Field) -> &'static [Op] {
    match field.input_kind() {
        InputKind::Municipality => &[Op::Within],
        InputKind::Industry => &[Op::IndustryIn],
        InputKind::MultipleChoice => &[Op::Contains],
        InputKind::SingleChoice => CHOICE_OPS,
        InputKind::Count | InputKind::Amount => NUMBER_OPS,
        InputKind::Date => DATE_OPS,
        InputKind::YesNo => FLAG_OPS,
    }
}

fn render_path(path: &[String]) -> String {
    path.join(".")
}

impl Compiler {
    fn fail(&mut self, path: &[String], problem: RuleProblem) {
        self.errors.push(RuleError {
            path: render_path(path),
            problem,
        });
    }

    /// Appends a group node; its end is set by `close`.
    fn group(&mut self, tag: u32, source: &Option<String>) -> usize {
        self.code.nodes.push(node(tag, 0));
        let number = self.code.source_number(source.as_deref().map(Arc::from));
        self.code.sources.push(number);
        self.code.nodes.len() - 1
    }

    fn close(&mut self, index: usize) {
        let end = self.code.nodes.len();
        if let Some(n) = self.code.nodes.get_mut(index) {
            *n = node(tag(*n), end);
        }
    }

    /// Packs a condition into one instruction (and its lists into the side tables).
    fn leaf(&mut self, spec: Spec, source: &Option<String>) {
        let field_index = |f: Field| u8::try_from(f.index()).unwrap_or(u8::MAX);
        let (op, a, cmp, value) = match spec {
            Spec::Number { field, cmp, value } => (OpCode::Number, field_index(field), cmp, value),
            Spec::Flag { field, expect } => {
                (OpCode::Flag, field_index(field), Cmp::Eq, u64::from(expect))
            }
            Spec::OrgForm(mask) => (OpCode::OrgForm, 0, Cmp::Eq, u64::from(mask)),
            Spec::LargeInvestment(mask) => (OpCode::LargeInvestment, 0, Cmp::Eq, u64::from(mask)),
            Spec::Purposes(mask) => (OpCode::Purposes, 0, Cmp::Eq, u64::from(mask)),
            Spec::Within(places) => {
                let range = pack_range(self.code.places.len(), places.len());
                self.code.places.extend(places);
                (OpCode::Within, 0, Cmp::Eq, range)
            }
            Spec::Industry(codes) => {
                let range = pack_range(self.code.industries.len(), codes.len());
                self.code.industries.extend(codes);
                (OpCode::Industry, 0, Cmp::Eq, range)
            }
            Spec::Founded { cmp, date } => {
                let day = i64::from(date.to_julian_day());
                (OpCode::Founded, 0, cmp, day as u64)
            }
            Spec::Fact(fact) => {
                let index = Fact::ALL.iter().position(|f| *f == fact).unwrap_or(0);
                (OpCode::Fact, u8::try_from(index).unwrap_or(0), Cmp::Eq, 0)
            }
            Spec::Years { cmp, years } => (OpCode::Years, 0, cmp, u64::from(years)),
            Spec::Manual(text) => {
                self.code.texts.push(Arc::from(text));
                (
                    OpCode::Manual,
                    0,
                    Cmp::Eq,
                    (self.code.texts.len() - 1) as u64,
                )
            }
        };
        self.code.leaves.push(Instr { value, op, a, cmp });
        self.code.nodes.push(node(LEAF, self.code.leaves.len() - 1));
        let number = self.code.source_number(source.as_deref().map(Arc::from));
        self.code.sources.push(number);
    }

    fn node(&mut self, rule: &Rule, path: &mut Vec<String>, under_not: bool) {
        if path.len() > MAX_DEPTH {
            self.fail(path, RuleProblem::TooDeep);
            return;
        }
        match rule {
            Rule::All { rules, source } | Rule::Any { rules, source } => {
                let (name, op) = match rule {
                    Rule::All { .. } => ("all", ALL),
                    _ => ("any", ANY),
                };
                if rules.is_empty() {
                    self.fail(path, RuleProblem::EmptyGroup(name));
                }
                let index = self.group(op, source);
                for (i, child) in rules.iter().enumerate() {
                    path.push(format!("{name}[{i}]"));
                    self.node(child, path, under_not);
                    path.pop();
                }
                self.close(index);
            }
            Rule::Not { rule, source } => {
                let index = self.group(NOT, source);
                path.push("not".to_owned());
                self.node(rule, path, true);
                path.pop();
                self.close(index);
            }
            Rule::Manual(m) => {
                if m.text.trim().is_empty() {
                    self.fail(path, RuleProblem::EmptyManual);
                }
                if under_not {
                    self.fail(path, RuleProblem::ManualUnderNot);
                }
                self.leaf(Spec::Manual(m.text.trim().to_owned()), &m.source);
            }
            Rule::Condition(c) => {
                if let Some(spec) = self.condition(&c.field, &c.op, &c.value, path) {
                    self.leaf(spec, &c.source);
                }
            }
            Rule::Fact(f) => {
                if let Some(spec) = self.fact(&f.fact, f.op.as_deref(), f.value.as_ref(), path) {
                    self.leaf(spec, &f.source);
                }
            }
            Rule::Malformed(value) => self.fail(path, RuleProblem::Malformed(malformed(value))),
        }
    }

    fn condition(&mut self, field: &str, op: &str, value: &Value, path: &[String]) -> Option<Spec> {
        let Some(field) = Field::ALL.iter().copied().find(|f| f.code() == field) else {
            self.fail(
                path,
                RuleProblem::UnknownField {
                    name: field.to_owned(),
                    suggestion: Field::closest(field),
                },
            );
            return None;
        };
        let Ok(op_value) = Op::parse(op) else {
            self.fail(path, RuleProblem::UnknownOp(op.to_owned()));
            return None;
        };
        let allowed = ops_for(field);
        if !allowed.contains(&op_value) {
            let subject = format!("項目「{}」（{}）", field.code(), field.label());
            self.fail(path, op_not_allowed(subject, op, allowed));
            return None;
        }
        match leaf_for(field, op_value, value) {
            Ok(leaf) => Some(leaf),
            Err(problem) => {
                self.fail(path, problem);
                None
            }
        }
    }

    fn fact(
        &mut self,
        name: &str,
        op: Option<&str>,
        value: Option<&Value>,
        path: &[String],
    ) -> Option<Spec> {
        let Some(fact) = Fact::ALL.iter().copied().find(|f| f.code() == name) else {
            self.fail(path, RuleProblem::UnknownFact(name.to_owned()));
            return None;
        };
        if fact.is_boolean() {
            if op.is_some() || value.is_some() {
                self.fail(path, RuleProblem::FactTakesNoComparison(fact));
                return None;
            }
            return Some(Spec::Fact(fact));
        }
        let (Some(op), Some(value)) = (op, value) else {
            self.fail(path, RuleProblem::FactNeedsComparison(fact));
            return None;
        };
        let Some(cmp) = Op::parse(op).ok().and_then(cmp_of) else {
            let subject = format!("判定項目「{}」（{}）", fact.code(), fact.label());
            self.fail(path, op_not_allowed(subject, op, NUMBER_OPS));
            return None;
        };
        let years = match value {
            Value::String(s) => {
                answer::read_count(&Value::String(s.trim_end_matches('年').to_owned()))
            }
            other => answer::read_count(other),
        };
        match years {
            Ok(years) => Some(Spec::Years { cmp, years }),
            Err(_) => {
                self.fail(
                    path,
                    RuleProblem::BadYears {
                        fact,
                        value: answer::shown(value),
                    },
                );
                None
            }
        }
    }
}

/// The comparison an operator names, for the operators that compare.
fn cmp_of(op: Op) -> Option<Cmp> {
    Some(match op {
        Op::Eq => Cmp::Eq,
        Op::Ne => Cmp::Ne,
        Op::Lt => Cmp::Lt,
        Op::Le => Cmp::Le,
        Op::Gt => Cmp::Gt,
        Op::Ge => Cmp::Ge,
        _ => return None,
    })
}

fn op_not_allowed(subject: String, op: &str, allowed: &[Op]) -> RuleProblem {
    RuleProblem::OpNotAllowed {
        subject,
        op: op.to_owned(),
        allowed: allowed.iter().map(|o| o.code()).collect(),
    }
}

/// The values of a list operator: a JSON list, or one value standing for a list of one.
fn items(value: &Value) -> Vec<&Value> {
    match value {
        Value::Array(items) => items.iter().collect(),
        single => vec![single],
    }
}

/// Bits of the members of `all` that `read` finds in `values`.
fn mask<T: PartialEq + Copy>(
    all: &[T],
    values: &[&Value],
    read: impl Fn(&Value) -> Result<T, ValueProblem>,
) -> Result<u32, ValueProblem> {
    let mut bits = 0u32;
    for v in values {
        let member = read(v)?;
        if let Some(i) = all.iter().position(|m| *m == member) {
            bits |= 1 << i;
        }
    }
    Ok(bits)
}

/// The forms a rule's `org_form` values name: forms, or the groups `company` and
/// `cooperative` (the latter also keeps rules written with the first vocabulary working).
fn org_form_mask(values: &[&Value]) -> Result<u32, ValueProblem> {
    let mut bits = 0u32;
    for v in values {
        let group = v.as_str().and_then(OrgForm::parse_group);
        let members = match group {
            Some(members) => members.to_vec(),
            None => vec![answer::read_org_form(v)?],
        };
        for member in members {
            if let Some(i) = OrgForm::ALL.iter().position(|m| *m == member) {
                bits |= 1 << i;
            }
        }
    }
    Ok(bits)
}

fn leaf_for(field: Field, op: Op, value: &Value) -> Result<Spec, RuleProblem> {
    let bad = |problem| RuleProblem::BadValue { field, problem };
    let list = items(value);
    let is_list_op = matches!(
        op,
        Op::In | Op::NotIn | Op::Within | Op::IndustryIn | Op::Contains
    );
    if is_list_op && list.is_empty() {
        return Err(RuleProblem::EmptyList(field));
    }
    if !is_list_op && value.is_array() {
        return Err(bad(ValueProblem::WrongShape(value.to_string())));
    }
    let choice = |bits: u32, width: usize| {
        let full = u32::try_from((1u64 << width) - 1).unwrap_or(u32::MAX);
        match op {
            Op::Eq | Op::In => bits,
            _ => full & !bits,
        }
    };
    Ok(match field {
        Field::Municipality => Spec::Within(
            list.into_iter()
                .map(|v| answer::read_municipality(v).map(Place::of))
                .collect::<Result<_, _>>()
                .map_err(bad)?,
        ),
        Field::Industry => Spec::Industry(
            list.into_iter()
                .map(|v| answer::read_industry(v).map(Industry::of))
                .collect::<Result<_, _>>()
                .map_err(bad)?,
        ),
        Field::Purposes => {
            Spec::Purposes(mask(Purpose::ALL, &list, answer::read_purpose).map_err(bad)?)
        }
        Field::OrgForm => Spec::OrgForm(choice(
            org_form_mask(&list).map_err(bad)?,
            OrgForm::ALL.len(),
        )),
        Field::LargeInvestment => Spec::LargeInvestment(choice(
            mask(LargeInvestment::ALL, &list, answer::read_large_investment).map_err(bad)?,
            LargeInvestment::ALL.len(),
        )),
        Field::Employees => Spec::Number {
            field,
            cmp: cmp_of(op).unwrap_or(Cmp::Eq),
            value: u64::from(answer::read_count(value).map_err(bad)?),
        },
        Field::Capital | Field::Sales | Field::MinimumWage => Spec::Number {
            field,
            cmp: cmp_of(op).unwrap_or(Cmp::Eq),
            value: answer::read_amount(value).map_err(bad)?.get(),
        },
        Field::Founded => {
            let text = match value {
                Value::String(s) => s.as_str(),
                other => return Err(bad(ValueProblem::NotADate(other.to_string()))),
            };
            Spec::Founded {
                cmp: cmp_of(op).unwrap_or(Cmp::Eq),
                date: answer::read_date(text).map_err(bad)?,
            }
        }
        // Every other field is a yes/no question.
        _ => {
            let yes = answer::read_yes_no(value).map_err(bad)?;
            Spec::Flag {
                field,
                expect: if op == Op::Ne { !yes } else { yes },
            }
        }
    })
}

/// Why a node is not a rule, in words that say how to write it.
fn malformed(value: &Value) -> String {
    let Value::Object(map) = value else {
        return format!(
            "「{value}」は条件として読めません。{{\"all\": […]}} や {{\"field\": …, \"op\": …, \"value\": …}} のような JSON オブジェクトで書いてください。"
        );
    };
    match shape_of(map) {
        Err(ShapeProblem::NoShape) => {
            "all・any・not・field・fact・manual のいずれかのキーで条件の種類を書いてください。".to_owned()
        }
        Err(ShapeProblem::SeveralShapes(keys)) => format!(
            "「{}」を1つの条件に同時には書けません。条件を分けて書いてください。",
            keys.join("」と「")
        ),
        Err(ShapeProblem::ForeignKey { shape, key }) => format!(
            "「{shape}」の条件にキー「{key}」は使えません。"
        ),
        Ok(_) if map.get("source").is_some_and(|s| !s.is_string()) => {
            "source は文字列（例：「公募要領 2.(1)」）にしてください。".to_owned()
        }
        Ok("all" | "any") => "all・any の値は条件の一覧（[…]）にしてください。".to_owned(),
        Ok("field") => {
            "field の条件には field（項目名）・op（比較）・value（値）の3つが必要です。field と op は文字列で書いてください。".to_owned()
        }
        Ok("fact") => "fact の値（判定項目名）と op は文字列で書いてください。".to_owned(),
        Ok(_) => "manual の値は確認事項の文章にしてください。".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::rules::code::Leaf;
    use crate::eligibility::rules::rule_error::validate_program_rule;
    use serde_json::json;

    fn errors(json: Value) -> Vec<String> {
        Rule::from_value(json)
            .validate()
            .unwrap_err()
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_misspelt_field_is_named_with_its_path() {
        let errs = errors(json!({"all": [
            {"fact": "sme"}, {"fact": "sme"},
            {"any": [{"field": "emploees", "op": "le", "value": 20}]}
        ]}));
        assert_eq!(
            errs,
            [
                "条件 all[2].any[0]：項目「emploees」はありません。もしかして「employees」（常時使用する従業員数）ですか。"
            ]
        );
    }

    #[test]
    fn the_program_is_named_in_every_message() {
        let mut program = crate::eligibility::fixtures::program("demo-x", json!({}));
        assert!(validate_program_rule(&program).is_ok());
        program.rule = Some(Box::new(Rule::from_value(json!({"all": [
            {"fact": "sme"}, {"fact": "sme"},
            {"any": [{"field": "emploees", "op": "le", "value": 20}]}
        ]}))));
        let err = validate_program_rule(&program).unwrap_err().to_string();
        assert!(
            err.starts_with("制度 demo-x の条件 all[2].any[0]：項目「emploees」はありません"),
            "{err}"
        );
    }

    #[test]
    fn every_kind_of_mistake_gets_its_own_message() {
        let cases = [
            (
                json!({"field": "employees", "op": "lte", "value": 3}),
                "比較「lte」はありません",
            ),
            (
                json!({"field": "employees", "op": "within", "value": 3}),
                "比較「within」は使えません。使えるのは eq・ne・lt・le・gt・ge です",
            ),
            (
                json!({"field": "capital", "op": "le", "value": "たくさん"}),
                "項目「capital」（資本金又は出資の総額）の値：「たくさん」を金額として読み取れません",
            ),
            (
                json!({"field": "employees", "op": "le", "value": -1}),
                "負の数（-1）",
            ),
            (
                json!({"field": "municipality", "op": "within", "value": []}),
                "空の一覧",
            ),
            (
                json!({"field": "municipality", "op": "within", "value": ["314048"]}),
                "「314048」の団体は見つかりません",
            ),
            (
                json!({"field": "industry", "op": "industry_in", "value": ["Z"]}),
                "日本標準産業分類のコード",
            ),
            (
                json!({"field": "org_form", "op": "in", "value": ["有限責任事業組合"]}),
                "組織形態",
            ),
            (
                json!({"field": "org_form", "op": "eq", "value": "other_corporation"}),
                "組織形態「other_corporation」は細分化されたため使えなくなりました。医療法人（medical_corporation）",
            ),
            (json!({"fact": "smee"}), "判定項目「smee」はありません"),
            (
                json!({"fact": "sme", "op": "eq", "value": true}),
                "op や value を取りません",
            ),
            (
                json!({"fact": "years_since_founding"}),
                "op（lt など）と value（年数）が必要です",
            ),
            (
                json!({"fact": "years_since_founding", "op": "lt", "value": "五年くらい"}),
                "年数として読み取れません",
            ),
            (
                json!({"fact": "years_since_founding", "op": "within", "value": 5}),
                "比較「within」は使えません",
            ),
            (json!({"all": []}), "「all」の中に条件がありません"),
            (json!({"manual": " "}), "確認事項が空です"),
            (
                json!({"not": {"manual": "反社会的勢力でないこと"}}),
                "not の中に manual",
            ),
            (json!(["all"]), "条件として読めません"),
            (
                json!({"al": []}),
                "いずれかのキーで条件の種類を書いてください",
            ),
            (
                json!({"all": [], "any": []}),
                "「all」と「any」を1つの条件に同時には書けません",
            ),
            (
                json!({"field": "employees", "op": "le", "vaule": 3}),
                "キー「vaule」は使えません",
            ),
            (
                json!({"field": "employees", "op": "le"}),
                "value（値）の3つが必要です",
            ),
            (json!({"all": {"fact": "sme"}}), "条件の一覧（[…]）"),
            (json!({"manual": "x", "source": 3}), "source は文字列"),
        ];
        for (json, expected) in cases {
            let errs = errors(json.clone());
            assert!(
                errs.iter().any(|e| e.contains(expected)),
                "{json}: {errs:?} lacks {expected}"
            );
        }
    }

    #[test]
    fn every_problem_in_a_rule_is_reported_at_once() {
        let errs = errors(json!({"any": [
            {"field": "emploees", "op": "le", "value": 3},
            {"not": {"all": [{"fact": "big"}]}}
        ]}));
        assert_eq!(errs.len(), 2, "{errs:?}");
        assert!(
            errs[1].starts_with("条件 any[1].not.all[0]："),
            "{}",
            errs[1]
        );
    }

    #[test]
    fn a_nest_deeper_than_the_limit_is_refused_without_overflowing() {
        let mut rule = json!({"fact": "sme"});
        for _ in 0..200 {
            rule = json!({"not": rule});
        }
        let errs = errors(rule);
        assert!(
            errs.iter().any(|e| e.contains("入れ子が深すぎます")),
            "{errs:?}"
        );
    }

    #[test]
    fn values_are_read_the_way_people_write_them() {
        let rule = Rule::from_value(json!({"all": [
            {"field": "capital", "op": "le", "value": "3億円"},
            {"field": "org_form", "op": "not_in", "value": ["npo", "個人事業主"]},
            {"field": "tax_arrears", "op": "ne", "value": "はい"},
            {"field": "founded", "op": "ge", "value": "令和2年4月1日"},
            {"fact": "years_since_founding", "op": "lt", "value": "5年"}
        ]}));
        let compiled = CompiledRule::compile(&rule).unwrap();
        let view = compiled.view();
        let leaves: Vec<Leaf<'_>> = view.leaves().collect();
        assert_eq!(
            leaves[0],
            Leaf::Number {
                field: Field::Capital,
                cmp: Cmp::Le,
                value: 300_000_000
            }
        );
        let Leaf::OrgForm { allowed } = leaves[1] else {
            panic!("{:?}", leaves[1])
        };
        assert_eq!(allowed.count_ones() as usize, OrgForm::ALL.len() - 2);
        assert_eq!(
            leaves[2],
            Leaf::Flag {
                field: Field::TaxArrears,
                expect: false
            }
        );
        let Leaf::Founded { date, .. } = leaves[3] else {
            panic!("{:?}", leaves[3])
        };
        assert_eq!(date.to_string(), "2020-04-01");
        assert_eq!(
            leaves[4],
            Leaf::Years {
                cmp: Cmp::Lt,
                years: 5
            }
        );
        assert_eq!(view.children(0).count(), 5);
    }
}
