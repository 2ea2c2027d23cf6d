//! Every condition of a rule in plain Japanese, with the answer that decided it and its source.
//!
//! Only results a person will see are explained, so this is where strings are made; the
//! evaluator itself only writes states.

use serde::Serialize;

use super::code::{Cmp, Leaf, NodeKind, RuleView};
use super::evaluate::Context;
use super::facts::Fact;
use super::field::{Field, LargeInvestment, OrgForm};
use super::profile::{Profile, industry_name, place_name};
use super::tri::{State, Tri};
use crate::calendar::wareki::format_date;
use crate::japanese_amount::format_japanese_yen;
use crate::program::{Purpose, Yen};

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
}

impl ConditionStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Met => "満たしています",
            Self::NotMet => "満たしていません",
            Self::Unknown => "回答が必要です",
            Self::ToConfirm => "確認が必要です",
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

/// One condition as a person reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConditionView {
    /// The node's path in the rule (「all[2].any[0]」), empty for the top node.
    pub path: String,
    /// How deep the node sits below the rule's top, for indentation.
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
}

/// Every node of a rule explained, in order. A top-level `all` is the verdict itself and is
/// not repeated; a `not` around a single condition is shown as that condition negated.
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
    let mut visit = Visit {
        rule,
        states,
        ctx,
        out: &mut out,
    };
    if root_is_all {
        let source = rule.source(0).or(default_source);
        for (n, c) in rule.children(0).enumerate() {
            visit.node(c, format!("all[{n}]"), 0, source);
        }
    } else {
        visit.node(0, String::new(), 0, default_source);
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
    out: &'a mut Vec<ConditionView>,
}

impl Visit<'_, '_> {
    fn node(&mut self, i: usize, path: String, depth: usize, inherited: Option<&str>) {
        let Some(kind) = self.rule.kind(i) else {
            return;
        };
        let source = self.rule.source(i).or(inherited);
        let status = ConditionStatus::of(self.states[i]);
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
        self.out.push(ConditionView {
            path: path.clone(),
            depth,
            text,
            status,
            status_label: status.label(),
            answer,
            reasons,
            source: source.map(str::to_owned),
        });
        if descend {
            let name = match kind {
                NodeKind::All => "all",
                NodeKind::Any => "any",
                _ => "not",
            };
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
                self.node(c, child_path, depth + 1, source);
            }
        }
    }
}

/// The answer (and for facts, the reasoning) behind a condition's state.
fn evidence(leaf: &Leaf<'_>, ctx: &Context<'_>) -> (Option<String>, Vec<String>) {
    let field_answer = |f: Field| Some(ctx.profile.shown(f).unwrap_or_else(|| "未回答".to_owned()));
    match leaf {
        Leaf::Number { field, .. } | Leaf::Flag { field, .. } => (field_answer(*field), vec![]),
        Leaf::OrgForm { .. } => (field_answer(Field::OrgForm), vec![]),
        Leaf::LargeInvestment { .. } => (field_answer(Field::LargeInvestment), vec![]),
        Leaf::Purposes { .. } => (field_answer(Field::Purposes), vec![]),
        Leaf::Within { .. } => (field_answer(Field::Municipality), vec![]),
        Leaf::Industry { .. } => (field_answer(Field::Industry), vec![]),
        Leaf::Founded { .. } => (field_answer(Field::Founded), vec![]),
        Leaf::Years { .. } => (
            ctx.facts
                .years_since_founding
                .map(|y| format!("{y}年"))
                .or_else(|| field_answer(Field::Founded)),
            ctx.facts.reasons(Fact::YearsSinceFounding),
        ),
        Leaf::Fact(fact) => (None, ctx.facts.reasons(*fact)),
        Leaf::Manual(_) => (None, vec![]),
    }
}

fn cmp_suffix(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "",
        Cmp::Ne => "以外",
        Cmp::Lt => "未満",
        Cmp::Le => "以下",
        Cmp::Gt => "超",
        Cmp::Ge => "以上",
    }
}

fn date_suffix(cmp: Cmp) -> &'static str {
    match cmp {
        Cmp::Eq => "",
        Cmp::Ne => "以外",
        Cmp::Lt => "より前",
        Cmp::Le => "以前",
        Cmp::Gt => "より後",
        Cmp::Ge => "以降",
    }
}

/// The yes and no phrasing of a yes/no field.
fn flag_phrases(field: Field) -> (&'static str, &'static str) {
    match field {
        Field::LargeOfficers => (
            "役員の半数以上が大企業の役員又は職員を兼ねている",
            "役員の半数以上が大企業の役員又は職員を兼ねていない",
        ),
        Field::TaxArrears => ("税の滞納がある", "税の滞納がない"),
        Field::WageIncreasePlan => ("賃金引上げの予定がある", "賃金引上げの予定がない"),
        Field::EmploymentInsurance => {
            ("雇用保険の適用事業所である", "雇用保険の適用事業所ではない")
        }
        Field::SupportOrganization => (
            "認定経営革新等支援機関の支援を受けている（受ける予定である）",
            "認定経営革新等支援機関の支援を受けていない",
        ),
        Field::InnovationPlan => (
            "経営革新計画の承認を受けている",
            "経営革新計画の承認を受けていない",
        ),
        Field::BlueReturn => ("青色申告をしている", "青色申告をしていない"),
        _ => ("当てはまる", "当てはまらない"),
    }
}

fn fact_phrases(fact: Fact) -> (&'static str, &'static str) {
    match fact {
        Fact::Sme => (
            "中小企業基本法上の中小企業者である",
            "中小企業基本法上の中小企業者ではない",
        ),
        Fact::SmallBusiness => ("小規模企業者である", "小規模企業者ではない"),
        Fact::DeemedLarge => ("みなし大企業に当たる", "みなし大企業に当たらない"),
        Fact::YearsSinceFounding => ("創業からの年数が分かる", "創業からの年数が分からない"),
    }
}

/// Labels of the members of `all` whose bits are set in `bits`.
fn labels<T: Copy>(all: &[T], bits: u16, label: impl Fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter()
        .enumerate()
        .filter(|(i, _)| bits & 1 << i != 0)
        .map(|(_, &v)| label(v))
        .collect()
}

/// 「組織形態が株式会社・合同会社のいずれか」 or, when most options are allowed, 「…以外」.
fn choice_text<T: Copy>(
    subject: &str,
    all: &[T],
    allowed: u16,
    negate: bool,
    label: impl Fn(T) -> &'static str + Copy,
) -> String {
    let full = u16::try_from((1u32 << all.len()) - 1).unwrap_or(u16::MAX);
    let allowed = if negate { full & !allowed } else { allowed };
    let chosen = labels(all, allowed, label);
    let excluded = labels(all, full & !allowed, label);
    match (chosen.as_slice(), excluded.as_slice()) {
        ([one], _) => format!("{subject}が「{one}」"),
        (_, [one]) => format!("{subject}が「{one}」以外"),
        (_, _) if chosen.len() <= excluded.len() => {
            format!("{subject}が「{}」のいずれか", chosen.join("」「"))
        }
        _ => format!("{subject}が「{}」のいずれでもない", excluded.join("」「")),
    }
}

/// A condition phrase turned into 「…であれば」 / 「…なければ」 / 「…れば」 for a hint.
pub(crate) fn if_form(phrase: &str) -> String {
    if let Some(stem) = phrase.strip_suffix("ではない") {
        format!("{stem}でなければ")
    } else if let Some(stem) = phrase.strip_suffix("ない") {
        format!("{stem}なければ")
    } else if let Some(stem) = phrase.strip_suffix('る') {
        format!("{stem}れば")
    } else {
        format!("{phrase}であれば")
    }
}

/// A condition as a phrase (a noun phrase or a plain verb ending) that reads after
/// 「次を満たす：」 and turns into a condition with `if_form`.
pub fn describe(leaf: &Leaf<'_>, negate: bool) -> String {
    let pick = |(yes, no): (&'static str, &'static str), holds: bool| {
        if holds != negate { yes } else { no }.to_owned()
    };
    match leaf {
        Leaf::Number { field, cmp, value } => {
            let cmp = if negate { cmp.negated() } else { *cmp };
            let amount = match field {
                Field::Employees => format!("{value}人"),
                _ => format_japanese_yen(Yen::from_u64(*value)),
            };
            format!("{}が{amount}{}", field.label(), cmp_suffix(cmp))
        }
        Leaf::Flag { field, expect } => pick(flag_phrases(*field), *expect),
        Leaf::OrgForm { allowed } => {
            choice_text("組織形態", OrgForm::ALL, *allowed, negate, OrgForm::label)
        }
        Leaf::LargeInvestment { allowed } => choice_text(
            "大企業からの出資",
            LargeInvestment::ALL,
            *allowed,
            negate,
            LargeInvestment::label,
        ),
        Leaf::Purposes { any_of } => {
            let names = labels(Purpose::ALL, *any_of, Purpose::label);
            let which = if names.len() == 1 {
                ""
            } else {
                "のいずれか"
            };
            let verb = if negate {
                "が含まれない"
            } else {
                "が含まれる"
            };
            format!("利用目的に「{}」{which}{verb}", names.join("」「"))
        }
        Leaf::Within { areas } => {
            let names: Vec<String> = areas.iter().map(|a| place_name(a.code)).collect();
            let which = if names.len() == 1 {
                ""
            } else {
                "のいずれか"
            };
            let inside = if negate {
                "の区域外"
            } else {
                "の区域内"
            };
            format!("所在地が{}{which}{inside}", names.join("・"))
        }
        Leaf::Industry { codes } => {
            let names: Vec<String> = codes.iter().map(|c| industry_name(c.code)).collect();
            let which = if names.len() == 1 {
                ""
            } else {
                "のいずれか"
            };
            let verb = if negate {
                "に当たらない"
            } else {
                "に当たる"
            };
            format!("業種が{}{which}{verb}", names.join("・"))
        }
        Leaf::Founded { cmp, date } => {
            let cmp = if negate { cmp.negated() } else { *cmp };
            format!("創業・設立が{}{}", format_date(*date), date_suffix(cmp))
        }
        Leaf::Fact(fact) => pick(fact_phrases(*fact), true),
        Leaf::Years { cmp, years } => {
            let cmp = if negate { cmp.negated() } else { *cmp };
            format!("創業から{years}年{}", cmp_suffix(cmp))
        }
        Leaf::Manual(text) => text.to_string(),
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
        assert_eq!(v[0].text, "中小企業基本法上の中小企業者である");
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
        let lines: Vec<(String, usize, String)> = v
            .iter()
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

    #[test]
    fn negated_conditions_read_naturally() {
        let leaf = Leaf::Number {
            field: Field::Employees,
            cmp: Cmp::Le,
            value: 20,
        };
        assert_eq!(describe(&leaf, true), "常時使用する従業員数が20人超");
        assert_eq!(
            describe(&Leaf::Fact(Fact::DeemedLarge), true),
            "みなし大企業に当たらない"
        );
        assert_eq!(
            if_form("みなし大企業に当たらない"),
            "みなし大企業に当たらなければ"
        );
        assert_eq!(
            if_form("雇用保険の適用事業所ではない"),
            "雇用保険の適用事業所でなければ"
        );
        assert_eq!(
            if_form("中小企業基本法上の中小企業者である"),
            "中小企業基本法上の中小企業者であれば"
        );
        assert_eq!(
            if_form("業種が製造業（E）に当たる"),
            "業種が製造業（E）に当たれば"
        );
        assert_eq!(
            if_form("常時使用する従業員数が20人以下"),
            "常時使用する従業員数が20人以下であれば"
        );
        let most = Leaf::OrgForm {
            allowed: 0b1_1111_1110,
        };
        assert_eq!(
            describe(&most, false),
            "組織形態が「株式会社（特例有限会社を含む）」以外"
        );
    }
}
