//! 中小企業者 and 小規模企業者, decided exactly as 中小企業基本法 第2条 decides them.
//!
//! A 会社 is a 中小企業者 when its capital **or** its headcount is within the limit of its
//! industry class; an individual (個人事業主) when its headcount is; other legal forms (NPO法人,
//! 組合, not yet founded) are outside the article. 小規模企業者 are those with at most 20
//! employees (5 in 商業・サービス業; 20 for 宿泊業・娯楽業 by cabinet order).
//!
//! Missing answers leave a fact unknown, except where the law already settles it: capital within
//! the lowest limit makes a company an SME whatever its headcount or industry, and a headcount
//! within every limit does the same. Each open reading (legal form, industry class) is worked
//! out, and the fact is decided when every reading agrees.

use serde::Serialize;

use super::answer::Answer;
use super::field::{Field, FieldSet, LegalKind, OrgForm};
use super::size_class::{ClassSet, IndustryClass, class_note, classes_of};
use super::tri::Tri;
use crate::japanese_amount::format_japanese_yen;
use crate::program::Yen;
use crate::reference::JsicCode;

/// What the size answers of one business settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeAssessment {
    pub sme: Tri,
    pub small_business: Tri,
    /// The industry classes the industry answer leaves open.
    pub classes: ClassSet,
    industry: Answer<JsicCode>,
    org_form: Answer<OrgForm>,
    capital: Answer<Yen>,
    employees: Answer<u32>,
}

/// The answer to `madoguchi classify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// 中小企業者: `None` when the answers given do not decide it.
    pub sme: Option<bool>,
    /// 小規模企業者.
    pub small_business: Option<bool>,
    /// The industry class in Japanese (「製造業その他」), or the classes still open.
    pub industry_class: String,
    /// How the law was applied, one step per line.
    pub reasons: Vec<String>,
}

/// Classifies a company (会社) by industry, capital and headcount.
///
/// The legal form is taken to be a company; a 個人事業主 is decided by headcount alone, which
/// `SizeAssessment::assess` handles when the form is known.
pub fn classify(
    industry: Option<JsicCode>,
    capital: Option<Yen>,
    employees: Option<u32>,
) -> Classification {
    let a = SizeAssessment::assess(
        Answer::from_option(industry),
        Answer::Known(OrgForm::StockCompany),
        Answer::from_option(capital),
        Answer::from_option(employees),
    );
    let mut reasons = a.sme_reasons();
    reasons.extend(a.small_business_reasons());
    Classification {
        sme: a.sme.to_option(),
        small_business: a.small_business.to_option(),
        industry_class: a.class_label(),
        reasons,
    }
}

fn within<T: PartialOrd>(answer: &Answer<T>, limit: T) -> Tri {
    answer
        .known()
        .map_or(Tri::Unknown, |v| Tri::from_bool(*v <= limit))
}

impl SizeAssessment {
    pub fn assess(
        industry: Answer<JsicCode>,
        org_form: Answer<OrgForm>,
        capital: Answer<Yen>,
        employees: Answer<u32>,
    ) -> Self {
        let classes = industry.known().map_or(ClassSet::ANY, |&c| classes_of(c));
        let mut a = Self {
            sme: Tri::Unknown,
            small_business: Tri::Unknown,
            classes,
            industry,
            org_form,
            capital,
            employees,
        };
        let readings = || {
            a.kinds()
                .into_iter()
                .flat_map(move |k| classes.iter().map(move |c| (k, c)))
        };
        let sme = Tri::agreed(readings().map(|(k, c)| a.sme_for(k, c)));
        let small = Tri::agreed(readings().map(|(k, c)| a.small_for(k, c)));
        a.sme = sme;
        a.small_business = small;
        a
    }

    /// The legal kinds the form answer leaves open.
    fn kinds(&self) -> Vec<LegalKind> {
        match self.org_form.known() {
            Some(form) => vec![form.legal_kind()],
            None => vec![
                LegalKind::Company,
                LegalKind::Individual,
                LegalKind::Outside,
            ],
        }
    }

    fn sme_for(&self, kind: LegalKind, class: IndustryClass) -> Tri {
        let limits = class.limits();
        let by_employees = within(&self.employees, limits.employees);
        match kind {
            LegalKind::Outside => Tri::False,
            LegalKind::Individual => by_employees,
            LegalKind::Company => {
                within(&self.capital, Yen::from_u64(limits.capital)).or(by_employees)
            }
        }
    }

    fn small_for(&self, kind: LegalKind, class: IndustryClass) -> Tri {
        match kind {
            LegalKind::Outside => Tri::False,
            LegalKind::Individual | LegalKind::Company => {
                within(&self.employees, class.limits().small_employees)
            }
        }
    }

    /// The answers that would have to be given (or given more precisely) to decide 中小企業者.
    pub fn sme_blocking(&self) -> FieldSet {
        if self.sme != Tri::Unknown {
            return FieldSet::EMPTY;
        }
        let mut set = self.common_blocking();
        if !self.capital.is_known() && self.kinds().contains(&LegalKind::Company) {
            set.insert(Field::Capital);
        }
        set
    }

    /// The answers that would have to be given to decide 小規模企業者.
    pub fn small_business_blocking(&self) -> FieldSet {
        if self.small_business != Tri::Unknown {
            return FieldSet::EMPTY;
        }
        self.common_blocking()
    }

    fn common_blocking(&self) -> FieldSet {
        let mut set = FieldSet::EMPTY;
        if !self.org_form.is_known() {
            set.insert(Field::OrgForm);
        }
        if self.classes.single().is_none() {
            set.insert(Field::Industry);
        }
        if !self.employees.is_known() {
            set.insert(Field::Employees);
        }
        set
    }

    /// 「製造業その他」, 「製造業その他又はゴム製品製造業」, or that the industry is unanswered.
    pub fn class_label(&self) -> String {
        if !self.industry.is_known() {
            return "未確定（業種が未回答です）".to_owned();
        }
        let labels: Vec<&str> = self.classes.iter().map(IndustryClass::label).collect();
        labels.join("又は")
    }

    fn industry_line(&self) -> Option<String> {
        let industry = *self.industry.known()?;
        let name = super::profile::industry_name(industry);
        Some(match self.classes.single() {
            Some(class) => format!(
                "業種：{name}は「{class}」の基準です（{}）。",
                class.legal_basis()
            ),
            None => format!(
                "業種：{name}は「{}」のいずれかの基準です。業種を中分類まで答えると確定します。",
                self.class_label()
            ),
        })
    }

    fn form_line(&self) -> Option<String> {
        let form = *self.org_form.known()?;
        match form.legal_kind() {
            LegalKind::Outside if form == OrgForm::Planning => Some(
                "創業予定のため、まだ中小企業基本法の中小企業者（会社又は個人）には当たりません。"
                    .to_owned(),
            ),
            LegalKind::Outside => Some(format!(
                "{}は、中小企業基本法第2条の中小企業者（会社又は個人）に当たりません。",
                form.label()
            )),
            LegalKind::Individual => Some(
                "個人事業主は常時使用する従業員数で判定します（資本金は問いません）。".to_owned(),
            ),
            LegalKind::Company => None,
        }
    }

    fn capital_text(&self) -> String {
        self.capital.known().map_or_else(
            || "資本金は未回答".to_owned(),
            |&c| format!("資本金{}", format_japanese_yen(c)),
        )
    }

    fn employees_text(&self) -> String {
        self.employees.known().map_or_else(
            || "従業員数は未回答".to_owned(),
            |n| format!("常時使用する従業員{n}人"),
        )
    }

    /// How 中小企業者 was decided, step by step, in Japanese.
    pub fn sme_reasons(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.industry_line().into_iter().collect();
        lines.extend(
            self.industry
                .known()
                .and_then(|&c| class_note(c))
                .map(str::to_owned),
        );
        lines.extend(self.form_line());
        let company_possible = self.kinds().contains(&LegalKind::Company);
        if self.kinds() != [LegalKind::Outside] {
            for class in self.classes.iter() {
                let l = class.limits();
                let rule = if company_possible {
                    format!(
                        "資本金{}以下又は常時使用する従業員{}人以下",
                        format_japanese_yen(Yen::from_u64(l.capital)),
                        l.employees
                    )
                } else {
                    format!("常時使用する従業員{}人以下", l.employees)
                };
                lines.push(format!("{}の基準：{rule}。", class.label()));
            }
            let answers = if company_possible {
                format!("{}、{}。", self.capital_text(), self.employees_text())
            } else {
                format!("{}。", self.employees_text())
            };
            lines.push(answers);
        }
        lines.push(
            match self.sme {
                Tri::True => "→ 中小企業者に当たります。",
                Tri::False => "→ 中小企業者に当たりません。",
                Tri::Unknown => "→ 今の回答では中小企業者かどうか決まりません。",
            }
            .to_owned(),
        );
        lines
    }

    /// How 小規模企業者 was decided, in Japanese.
    pub fn small_business_reasons(&self) -> Vec<String> {
        let mut lines = Vec::new();
        if self.kinds() != [LegalKind::Outside] {
            let limits: Vec<String> = self
                .classes
                .iter()
                .map(|c| format!("{}は{}人以下", c.label(), c.limits().small_employees))
                .collect();
            lines.push(format!(
                "小規模企業者の基準（中小企業基本法第2条第5項）：常時使用する従業員が{}。{}。",
                limits.join("、"),
                self.employees_text()
            ));
        }
        lines.push(
            match self.small_business {
                Tri::True => "→ 小規模企業者に当たります。",
                Tri::False => "→ 小規模企業者に当たりません。",
                Tri::Unknown => "→ 今の回答では小規模企業者かどうか決まりません。",
            }
            .to_owned(),
        );
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OKU: u64 = 100_000_000;
    const MAN: u64 = 10_000;

    fn company(industry: &str, capital: Option<u64>, employees: Option<u32>) -> Classification {
        classify(
            Some(JsicCode::parse(industry).unwrap()),
            capital.map(Yen::from_u64),
            employees,
        )
    }

    /// (industry, capital, employees, sme, small_business) at and just past each limit.
    #[test]
    fn each_class_is_decided_at_and_just_past_its_limits() {
        let cases: &[(&str, u64, u32, bool, bool)] = &[
            // 製造業その他: 3億円 / 300人 / 20人.
            ("24", 3 * OKU, 1000, true, false),
            ("24", 3 * OKU + 1, 300, true, false),
            ("24", 3 * OKU + 1, 301, false, false),
            ("24", 3 * OKU + 1, 20, true, true),
            ("24", 3 * OKU + 1, 21, true, false),
            // 卸売業: 1億円 / 100人 / 5人.
            ("52", OKU, 500, true, false),
            ("52", OKU + 1, 100, true, false),
            ("52", OKU + 1, 101, false, false),
            ("52", OKU + 1, 5, true, true),
            ("52", OKU + 1, 6, true, false),
            // サービス業: 5,000万円 / 100人 / 5人.
            ("83", 5_000 * MAN, 500, true, false),
            ("83", 5_000 * MAN + 1, 101, false, false),
            ("83", 5_000 * MAN + 1, 100, true, false),
            // 小売業 (飲食店 too): 5,000万円 / 50人 / 5人.
            ("76", 5_000 * MAN + 1, 50, true, false),
            ("76", 5_000 * MAN + 1, 51, false, false),
            ("58", 5_000 * MAN + 1, 5, true, true),
            // ゴム製品製造業: 3億円 / 900人.
            ("19", 3 * OKU + 1, 900, true, false),
            ("19", 3 * OKU + 1, 901, false, false),
            // ソフトウェア業・情報処理サービス業: 3億円 / 300人; 小規模 5人.
            ("39", 3 * OKU, 1000, true, false),
            ("39", 3 * OKU + 1, 300, true, false),
            ("39", 3 * OKU + 1, 301, false, false),
            ("39", 3 * OKU + 1, 6, true, false),
            // 旅館業: 5,000万円 / 200人; 宿泊業の小規模 20人.
            ("75", 5_000 * MAN + 1, 200, true, false),
            ("75", 5_000 * MAN + 1, 201, false, false),
            ("75", 5_000 * MAN + 1, 20, true, true),
            // 娯楽業: サービス業の 100人, 小規模 20人.
            ("80", 5_000 * MAN + 1, 100, true, false),
            ("80", 5_000 * MAN + 1, 101, false, false),
            ("80", 5_000 * MAN + 1, 20, true, true),
            ("80", 5_000 * MAN + 1, 21, true, false),
        ];
        for &(industry, capital, employees, sme, small) in cases {
            let c = company(industry, Some(capital), Some(employees));
            assert_eq!(
                (c.sme, c.small_business),
                (Some(sme), Some(small)),
                "{industry} {capital} {employees}: {:?}",
                c.reasons
            );
        }
    }

    #[test]
    fn capital_within_the_limit_settles_sme_whatever_the_headcount() {
        let c = company("24", Some(10_000_000), None);
        assert_eq!(c.sme, Some(true));
        assert_eq!(c.small_business, None);
        assert_eq!(c.industry_class, "製造業その他");
        assert!(
            c.reasons.iter().any(|r| r.contains("資本金1,000万円")),
            "{:?}",
            c.reasons
        );
    }

    #[test]
    fn capital_below_every_limit_settles_sme_even_without_an_industry() {
        let c = classify(None, Some(Yen::from_u64(30_000_000)), None);
        assert_eq!(c.sme, Some(true));
        assert!(c.industry_class.contains("未回答"));
        let c = classify(None, None, Some(50));
        assert_eq!(c.sme, Some(true));
        let c = classify(None, None, Some(5));
        assert_eq!(c.small_business, Some(true));
        let c = classify(None, Some(Yen::from_u64(2 * OKU)), Some(80));
        assert_eq!(
            c.sme, None,
            "a 小売業 of 80 people with 2億円 is not an SME"
        );
    }

    #[test]
    fn a_major_category_decides_only_when_every_class_in_it_agrees() {
        // E 製造業 is 製造業その他 (300人) or ゴム製品製造業 (900人).
        let c = company("E", Some(5 * OKU), Some(250));
        assert_eq!(c.sme, Some(true));
        let c = company("E", Some(5 * OKU), Some(500));
        assert_eq!(c.sme, None);
        assert!(c.industry_class.contains("又は"), "{}", c.industry_class);
        assert!(
            c.reasons.iter().any(|r| r.contains("中分類まで")),
            "{:?}",
            c.reasons
        );
        let c = company("E", Some(5 * OKU), Some(1000));
        assert_eq!(c.sme, Some(false));
    }

    #[test]
    fn a_sole_proprietor_is_decided_by_headcount_and_an_npo_is_outside_the_law() {
        let assess = |form, employees| {
            SizeAssessment::assess(
                Answer::Known(JsicCode::Middle(76)),
                Answer::Known(form),
                Answer::Unanswered,
                employees,
            )
        };
        let sole = assess(OrgForm::SoleProprietor, Answer::Known(3));
        assert_eq!((sole.sme, sole.small_business), (Tri::True, Tri::True));
        assert!(sole.sme_blocking().is_empty());
        let npo = assess(OrgForm::Npo, Answer::Unanswered);
        assert_eq!((npo.sme, npo.small_business), (Tri::False, Tri::False));
        assert!(npo.sme_reasons().iter().any(|r| r.contains("NPO法人")));
        let planned = assess(OrgForm::Planning, Answer::Known(0));
        assert_eq!(planned.sme, Tri::False);
    }

    #[test]
    fn an_unanswered_form_leaves_sme_open_and_says_which_answers_are_needed() {
        let a = SizeAssessment::assess(
            Answer::Known(JsicCode::Middle(24)),
            Answer::Unanswered,
            Answer::Known(Yen::from_u64(10_000_000)),
            Answer::Unanswered,
        );
        assert_eq!(a.sme, Tri::Unknown);
        assert_eq!(
            a.sme_blocking().iter().collect::<Vec<_>>(),
            [Field::OrgForm, Field::Employees]
        );
    }
}
