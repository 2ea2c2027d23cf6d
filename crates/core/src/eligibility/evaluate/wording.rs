//! The words of one condition: how it reads (「常時使用する従業員数が20人以下」), in the
//! negative or the conditional, and the answer or reasoning behind its state.
//!
//! Shared by the explanation of a result, the what-if hints and the editor's preview, so a
//! condition reads the same wherever a person meets it.

use super::context::Context;
use crate::calendar::wareki::format_date;
use crate::eligibility::rules::code::{Cmp, Leaf};
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::org_form::{LargeInvestment, OrgForm};
use crate::eligibility::vocabulary::profile::{industry_name, place_name};
use crate::japanese_amount::format_japanese_yen;
use crate::program::{Purpose, Yen};

/// The answer (and for facts, the reasoning) behind a condition's state.
pub(crate) fn evidence(leaf: &Leaf<'_>, ctx: &Context<'_>) -> (Option<String>, Vec<String>) {
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
            ctx.fact_reasons(Fact::YearsSinceFounding),
        ),
        Leaf::Fact(fact) => (None, ctx.fact_reasons(*fact)),
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
