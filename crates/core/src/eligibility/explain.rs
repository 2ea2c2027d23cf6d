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
        Field::CertifiedNpo => ("認定NPO法人である", "認定NPO法人ではない"),
        Field::NonprofitType => ("非営利型法人である", "非営利型法人ではない"),
        Field::LargeCorpOwned => ("大規模法人に支配されている", "大規模法人に支配されていない"),
        Field::WhollyOwnedByLarge => (
            "資本金5億円以上の法人の100%子会社である",
            "資本金5億円以上の法人の100%子会社ではない",
        ),
        Field::AverageIncomeOverLimit => (
            "前3事業年度の平均所得が15億円を超えている",
            "前3事業年度の平均所得が15億円を超えていない",
        ),
        Field::WorkersAccidentInsurance => {
            ("労災保険の適用事業主である", "労災保険の適用事業主ではない")
        }
        _ => ("当てはまる", "当てはまらない"),
    }
}

fn fact_phrases(fact: Fact) -> (&'static str, &'static str) {
    match fact {
        Fact::Sme | Fact::SmeCabinetOrder => (
            "中小企業者（政令の特例を含む）である",
            "中小企業者（政令の特例を含む）ではない",
        ),
        Fact::SmeBasicLaw => (
            "中小企業基本法の中小企業者である",
            "中小企業基本法の中小企業者ではない",
        ),
        Fact::SmeEmployment => (
            "雇用関係助成金の中小企業事業主である",
            "雇用関係助成金の中小企業事業主ではない",
        ),
        Fact::SmeCreditGuarantee => (
            "信用保証の対象となる中小企業者である",
            "信用保証の対象となる中小企業者ではない",
        ),
        Fact::SmeTax => (
            "租税特別措置法の中小企業者等である",
            "租税特別措置法の中小企業者等ではない",
        ),
        Fact::SmallBusiness => ("小規模企業者である", "小規模企業者ではない"),
        Fact::DeemedLarge => ("みなし大企業に当たる", "みなし大企業に当たらない"),
        Fact::YearsSinceFounding => ("創業からの年数が分かる", "創業からの年数が分からない"),
    }
}

/// Labels of the members of `all` whose bits are set in `bits`.
fn labels<T: Copy>(all: &[T], bits: u32, label: impl Fn(T) -> &'static str) -> Vec<&'static str> {
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
    allowed: u32,
    negate: bool,
    label: impl Fn(T) -> &'static str + Copy,
) -> String {
    let full = u32::try_from((1u64 << all.len()) - 1).unwrap_or(u32::MAX);
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

    #[test]
    fn every_yes_no_question_reads_as_its_own_phrase() {
        for &field in Field::ALL {
            if field.input_kind() == crate::eligibility::InputKind::YesNo {
                let (yes, no) = flag_phrases(field);
                assert_ne!(yes, "当てはまる", "{field:?} has no phrase of its own");
                assert!(no.ends_with("ない"), "{field:?}: {no}");
            }
        }
    }
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
            allowed: (1 << OrgForm::ALL.len()) - 2,
        };
        assert_eq!(
            describe(&most, false),
            "組織形態が「株式会社（特例有限会社を含む）」以外"
        );
    }
}
