//! 中小企業 as each family of law defines it: one named definition per family.
//!
//! A 「中小企業」 in a 公募要領 is never just 「中小企業」: 中小企業庁's subsidies cite 中小企業
//! 基本法 with the cabinet orders of 中小企業等経営強化法 and 中小企業信用保険法, 厚生労働省's
//! 雇用関係助成金 have four classes of their own and count 医療法人 or NPO法人 by headcount, 信用
//! 保証 adds NPO法人 and 医業の法人, and 租税特別措置法 speaks of 資本金1億円 and 大規模法人.
//! Each `SizeDefinition` (size_definition.rs) says, for each legal form and industry class, which
//! test applies; the assessment, the answers still needed and the explanation here are all read
//! from that one table.
//!
//! Missing answers leave a definition unknown, except where the law already settles it: every
//! reading still open (legal form, industry class) is worked out, and the fact is decided when
//! all readings agree, so a later answer can only settle it, never reverse it.

use serde::Serialize;

use super::answer::Answer;
use super::field::{Field, FieldSet};
use super::org_form::{LegalKind, OrgForm};
use super::size_class::{ClassSet, IndustryClass, class_note, classes_of};
pub use super::size_definition::SizeDefinition;
use super::size_definition::Test;
use crate::eligibility::tri::Tri;
use crate::japanese_amount::format_japanese_yen;
use crate::program::Yen;
use crate::reference::JsicCode;

/// The answers the size definitions read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SizeAnswers {
    pub industry: Answer<JsicCode>,
    pub org_form: Answer<OrgForm>,
    pub capital: Answer<Yen>,
    pub employees: Answer<u32>,
    pub large_corp_owned: Answer<bool>,
    pub wholly_owned_by_large: Answer<bool>,
    pub average_income_over_limit: Answer<bool>,
}

/// What the size answers of one business settle, under every definition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeAssessment {
    pub small_business: Tri,
    /// The industry classes the industry answer leaves open.
    pub classes: ClassSet,
    sme: [Tri; SizeDefinition::ALL.len()],
    answers: SizeAnswers,
}

/// The answer to `madoguchi classify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Classification {
    /// 中小企業者 (with the cabinet-order special cases): `None` when the answers given do not
    /// decide it.
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
    let a = SizeAssessment::assess(SizeAnswers {
        industry: Answer::from_option(industry),
        org_form: Answer::Known(OrgForm::StockCompany),
        capital: Answer::from_option(capital),
        employees: Answer::from_option(employees),
        ..SizeAnswers::default()
    });
    let definition = SizeDefinition::CabinetOrder;
    let mut reasons = a.reasons(definition);
    reasons.extend(a.small_business_reasons());
    Classification {
        sme: a.sme(definition).to_option(),
        small_business: a.small_business.to_option(),
        industry_class: a.class_label(),
        reasons,
    }
}

/// A number within a limit, or unknown (noting the field as still needed).
fn within<T: PartialOrd + Copy>(
    answer: &Answer<T>,
    limit: T,
    field: Field,
    needed: &mut FieldSet,
) -> Tri {
    match answer.known() {
        Some(v) => Tri::from_bool(*v <= limit),
        None => {
            needed.insert(field);
            Tri::Unknown
        }
    }
}

/// A yes/no answer that must be 「いいえ」, or unknown (noting the field as still needed).
fn absent(answer: &Answer<bool>, field: Field, needed: &mut FieldSet) -> Tri {
    match answer.known() {
        Some(yes) => Tri::from_bool(!yes),
        None => {
            needed.insert(field);
            Tri::Unknown
        }
    }
}

impl SizeAssessment {
    pub fn assess(answers: SizeAnswers) -> Self {
        let classes = answers
            .industry
            .known()
            .map_or(ClassSet::ANY, |&c| classes_of(c));
        let mut a = Self {
            small_business: Tri::Unknown,
            classes,
            sme: [Tri::Unknown; SizeDefinition::ALL.len()],
            answers,
        };
        for (i, definition) in SizeDefinition::ALL.into_iter().enumerate() {
            a.sme[i] = a.judge(definition).0;
        }
        let mut needed = FieldSet::EMPTY;
        a.small_business = Tri::agreed(a.readings().map(|(form, class)| match form.legal_kind() {
            LegalKind::Company | LegalKind::Individual => within(
                &a.answers.employees,
                class.limits().small_employees,
                Field::Employees,
                &mut needed,
            ),
            _ => Tri::False,
        }));
        a
    }

    /// The answers assessed.
    pub(crate) fn answers(&self) -> &SizeAnswers {
        &self.answers
    }

    /// Every (legal form, industry class) the answers leave open.
    fn readings(&self) -> impl Iterator<Item = (OrgForm, IndustryClass)> + '_ {
        let forms: &[OrgForm] = match self.answers.org_form.known() {
            Some(form) => std::slice::from_ref(form),
            None => OrgForm::ALL,
        };
        let classes = self.classes;
        forms
            .iter()
            .flat_map(move |&form| classes.iter().map(move |class| (form, class)))
    }

    /// One test applied to the answers, noting the answers it still needs.
    fn apply(&self, test: Test, needed: &mut FieldSet) -> Tri {
        let a = &self.answers;
        let headcount =
            |limit, needed: &mut FieldSet| within(&a.employees, limit, Field::Employees, needed);
        match test {
            Test::CapitalOrHeadcount { capital, employees } => {
                within(&a.capital, Yen::from_u64(capital), Field::Capital, needed)
                    .or(headcount(employees, needed))
            }
            Test::Headcount { employees, income } => {
                let size = headcount(employees, needed);
                if income {
                    size.and(absent(
                        &a.average_income_over_limit,
                        Field::AverageIncomeOverLimit,
                        needed,
                    ))
                } else {
                    size
                }
            }
            Test::TaxCapital { capital } => {
                within(&a.capital, Yen::from_u64(capital), Field::Capital, needed)
                    .and(absent(&a.large_corp_owned, Field::LargeCorpOwned, needed))
                    .and(absent(
                        &a.wholly_owned_by_large,
                        Field::WhollyOwnedByLarge,
                        needed,
                    ))
                    .and(absent(
                        &a.average_income_over_limit,
                        Field::AverageIncomeOverLimit,
                        needed,
                    ))
            }
            Test::Admitted => Tri::True,
            Test::Excluded => Tri::False,
        }
    }

    /// The verdict of one definition, and the answers that would decide it if it is open.
    fn judge(&self, definition: SizeDefinition) -> (Tri, FieldSet) {
        let mut needed = FieldSet::EMPTY;
        let verdict = Tri::agreed(self.readings().map(|(form, class)| {
            let mut this = FieldSet::EMPTY;
            let tri = self.apply(definition.test(form, class), &mut this);
            if tri == Tri::Unknown {
                needed = needed.union(this);
            }
            tri
        }));
        if verdict != Tri::Unknown {
            return (verdict, FieldSet::EMPTY);
        }
        if !self.answers.org_form.is_known() {
            needed.insert(Field::OrgForm);
        }
        if self.classes.single().is_none() {
            needed.insert(Field::Industry);
        }
        (verdict, needed)
    }

    /// Whether the business meets a definition.
    pub fn sme(&self, definition: SizeDefinition) -> Tri {
        self.sme[definition as usize]
    }

    /// The answers that would have to be given (or given more precisely) to decide a definition.
    pub fn blocking(&self, definition: SizeDefinition) -> FieldSet {
        self.judge(definition).1
    }

    /// The answers that would have to be given to decide 小規模企業者.
    pub fn small_business_blocking(&self) -> FieldSet {
        if self.small_business != Tri::Unknown {
            return FieldSet::EMPTY;
        }
        let mut set = FieldSet::EMPTY;
        if !self.answers.org_form.is_known() {
            set.insert(Field::OrgForm);
        }
        if self.classes.single().is_none() {
            set.insert(Field::Industry);
        }
        if !self.answers.employees.is_known() {
            set.insert(Field::Employees);
        }
        set
    }

    /// 「製造業その他」, 「製造業その他又はゴム製品製造業」, or that the industry is unanswered.
    pub fn class_label(&self) -> String {
        self.class_label_under(None)
    }

    fn classes_under(&self, definition: Option<SizeDefinition>) -> Vec<IndustryClass> {
        let mut classes: Vec<IndustryClass> = self
            .classes
            .iter()
            .map(|c| definition.map_or(c, |d| d.class(c)))
            .collect();
        classes.sort();
        classes.dedup();
        classes
    }

    fn class_label_under(&self, definition: Option<SizeDefinition>) -> String {
        if !self.answers.industry.is_known() {
            return "未確定（業種が未回答です）".to_owned();
        }
        let labels: Vec<&str> = self
            .classes_under(definition)
            .into_iter()
            .map(IndustryClass::label)
            .collect();
        labels.join("又は")
    }

    fn industry_line(&self, definition: SizeDefinition) -> Option<String> {
        let industry = *self.answers.industry.known()?;
        let name = super::profile::industry_name(industry);
        let classes = self.classes_under(Some(definition));
        Some(match classes.as_slice() {
            [class] => format!("業種：{name}は「{class}」の基準です。"),
            _ => format!(
                "業種：{name}は「{}」のいずれかの基準です。業種を中分類まで答えると確定します。",
                self.class_label_under(Some(definition))
            ),
        })
    }

    /// How each open legal form is judged, one line per form and class.
    fn form_lines(&self, definition: SizeDefinition) -> Vec<String> {
        let classes = self.classes_under(Some(definition));
        let forms: Vec<OrgForm> = match self.answers.org_form.known() {
            Some(&form) => vec![form],
            None => vec![OrgForm::StockCompany, OrgForm::SoleProprietor],
        };
        let mut lines = Vec::new();
        if !self.answers.org_form.is_known() {
            lines.push(
                "組織形態が未回答のため、会社・個人事業主・その他の法人のそれぞれで判定しています。"
                    .to_owned(),
            );
        }
        for form in forms {
            let subject = match form {
                OrgForm::StockCompany if !self.answers.org_form.is_known() => "会社",
                OrgForm::Planning => {
                    lines.push(format!(
                        "創業予定のため、まだ{}に当たりません。",
                        definition.label()
                    ));
                    continue;
                }
                form => form.label(),
            };
            let mut tests: Vec<(IndustryClass, Test)> = classes
                .iter()
                .map(|&class| (class, definition.test(form, class)))
                .collect();
            tests.dedup_by_key(|(_, test)| *test);
            for (class, test) in &tests {
                let prefix = if tests.len() > 1 {
                    format!("{}の", class.label())
                } else {
                    String::new()
                };
                lines.push(format!("{prefix}{subject}の基準：{}。", test.text()));
            }
        }
        lines
    }

    fn answers_line(&self, definition: SizeDefinition) -> String {
        let a = &self.answers;
        let mut parts = Vec::new();
        let capital_matters = a
            .org_form
            .known()
            .is_none_or(|f| f.legal_kind() != LegalKind::Individual);
        if capital_matters {
            parts.push(a.capital.known().map_or_else(
                || "資本金は未回答".to_owned(),
                |&c| format!("資本金{}", format_japanese_yen(c)),
            ));
        }
        parts.push(a.employees.known().map_or_else(
            || "従業員数は未回答".to_owned(),
            |n| format!("常時使用する従業員{n}人"),
        ));
        if definition == SizeDefinition::Tax {
            let flag = |answer: &Answer<bool>, yes: &str, no: &str| match answer.known() {
                Some(true) => yes.to_owned(),
                Some(false) => no.to_owned(),
                None => format!("{no}かどうかは未回答"),
            };
            parts.push(flag(
                &a.large_corp_owned,
                "大規模法人に支配されている",
                "大規模法人に支配されていない",
            ));
            parts.push(flag(
                &a.wholly_owned_by_large,
                "資本金5億円以上の法人の100%子会社である",
                "資本金5億円以上の法人の100%子会社ではない",
            ));
            parts.push(flag(
                &a.average_income_over_limit,
                "平均所得が15億円を超えている",
                "平均所得が15億円以下",
            ));
        }
        format!("回答：{}。", parts.join("、"))
    }

    /// How a definition was applied, step by step, in Japanese; the first line is its basis.
    pub fn reasons(&self, definition: SizeDefinition) -> Vec<String> {
        let mut lines = vec![format!("{}。", definition.basis())];
        lines.extend(self.industry_line(definition));
        let multiple_classes = self.classes.single().is_none();
        if definition.uses_cabinet_order_classes() || multiple_classes {
            lines.extend(
                self.answers
                    .industry
                    .known()
                    .and_then(|&c| class_note(c))
                    .map(str::to_owned),
            );
        }
        lines.extend(self.form_lines(definition));
        lines.push(self.answers_line(definition));
        let label = definition.label();
        lines.push(match self.sme(definition) {
            Tri::True => format!("→ {label}に当たります。"),
            Tri::False => format!("→ {label}に当たりません。"),
            Tri::Unknown => format!("→ 今の回答では{label}かどうか決まりません。"),
        });
        lines
    }

    /// How 小規模企業者 was decided, in Japanese.
    pub fn small_business_reasons(&self) -> Vec<String> {
        let mut lines = Vec::new();
        let possible = self.readings().any(|(form, _)| {
            matches!(
                form.legal_kind(),
                LegalKind::Company | LegalKind::Individual
            )
        });
        if possible {
            let limits: Vec<String> = self
                .classes
                .iter()
                .map(|c| format!("{}は{}人以下", c.label(), c.limits().small_employees))
                .collect();
            let employees = self.answers.employees.known().map_or_else(
                || "従業員数は未回答".to_owned(),
                |n| format!("常時使用する従業員{n}人"),
            );
            lines.push(format!(
                "小規模企業者の基準（中小企業基本法第2条第5項、宿泊業・娯楽業は政令の特例）：会社又は個人で、常時使用する従業員が{}。{employees}。",
                limits.join("、"),
            ));
        } else if let Some(form) = self.answers.org_form.known() {
            lines.push(format!(
                "{}は、小規模企業者（会社又は個人）に当たりません。",
                form.label()
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

    fn assess(
        industry: &str,
        form: OrgForm,
        capital: Option<u64>,
        employees: u32,
    ) -> SizeAssessment {
        SizeAssessment::assess(SizeAnswers {
            industry: Answer::Known(JsicCode::parse(industry).unwrap()),
            org_form: Answer::Known(form),
            capital: Answer::from_option(capital.map(Yen::from_u64)),
            employees: Answer::Known(employees),
            large_corp_owned: Answer::Known(false),
            wholly_owned_by_large: Answer::Known(false),
            average_income_over_limit: Answer::Known(false),
        })
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
    fn the_basic_law_as_written_has_no_special_industries() {
        use SizeDefinition::{BasicLaw, CabinetOrder};
        // A ゴム製品 maker with 500人 and 4億円: 中小 by cabinet order (900人), not by the law.
        let rubber = assess("19", OrgForm::StockCompany, Some(4 * OKU), 500);
        assert_eq!(rubber.sme(CabinetOrder), Tri::True);
        assert_eq!(rubber.sme(BasicLaw), Tri::False);
        // Software with 200人 and 1億円: サービス業 under the law (5,000万円・100人).
        let software = assess("39", OrgForm::StockCompany, Some(OKU), 200);
        assert_eq!(software.sme(CabinetOrder), Tri::True);
        assert_eq!(software.sme(BasicLaw), Tri::False);
        assert!(software.reasons(BasicLaw)[0].starts_with("中小企業基本法の中小企業者の基準"));
        assert!(
            software.reasons(BasicLaw)[1].contains("「サービス業」"),
            "{:?}",
            software.reasons(BasicLaw)
        );
    }

    #[test]
    fn employment_subsidies_use_four_classes_and_judge_bodies_without_capital_by_headcount() {
        use SizeDefinition::{CabinetOrder, Employment};
        // A 旅館 with 150人 and 1億円: 中小 under the cabinet order, not for 雇用関係助成金.
        let inn = assess("75", OrgForm::StockCompany, Some(OKU), 150);
        assert_eq!(inn.sme(CabinetOrder), Tri::True);
        assert_eq!(inn.sme(Employment), Tri::False);
        // A 30-person 医療法人 and a 介護の NPO法人 are 中小企業事業主.
        let clinic = assess("83", OrgForm::MedicalCorporation, None, 30);
        assert_eq!(clinic.sme(Employment), Tri::True);
        assert_eq!(clinic.sme(CabinetOrder), Tri::False);
        let care = assess("85", OrgForm::Npo, None, 60);
        assert_eq!(care.sme(Employment), Tri::True);
        let big_care = assess("85", OrgForm::SocialWelfareCorporation, None, 101);
        assert_eq!(big_care.sme(Employment), Tri::False);
        assert!(clinic.reasons(Employment)[0].starts_with("雇用関係助成金の中小企業事業主の基準"));
        // A 医療法人 is not asked its capital.
        assert!(!clinic.blocking(Employment).contains(Field::Capital));
    }

    #[test]
    fn credit_guarantees_admit_npo_and_medical_corporations_within_their_limits() {
        use SizeDefinition::CreditGuarantee;
        assert_eq!(
            assess("85", OrgForm::Npo, None, 100).sme(CreditGuarantee),
            Tri::True
        );
        assert_eq!(
            assess("85", OrgForm::Npo, None, 101).sme(CreditGuarantee),
            Tri::False
        );
        assert_eq!(
            assess("58", OrgForm::Npo, None, 51).sme(CreditGuarantee),
            Tri::False
        );
        assert_eq!(
            assess("24", OrgForm::Npo, None, 300).sme(CreditGuarantee),
            Tri::True
        );
        let hospital = assess("83", OrgForm::MedicalCorporation, None, 300);
        assert_eq!(hospital.sme(CreditGuarantee), Tri::True);
        let hospital = assess("83", OrgForm::MedicalCorporation, None, 301);
        assert_eq!(hospital.sme(CreditGuarantee), Tri::False);
        let union = assess("24", OrgForm::EnterpriseUnion, None, 500);
        assert_eq!(union.sme(CreditGuarantee), Tri::True);
        let welfare = assess("85", OrgForm::SocialWelfareCorporation, None, 10);
        assert_eq!(welfare.sme(CreditGuarantee), Tri::False);
    }

    #[test]
    fn tax_measures_use_one_hundred_million_yen_and_large_corporation_control() {
        use SizeDefinition::Tax;
        let small = assess("24", OrgForm::StockCompany, Some(OKU), 500);
        assert_eq!(small.sme(Tax), Tri::True);
        let over = assess("24", OrgForm::StockCompany, Some(OKU + 1), 10);
        assert_eq!(
            over.sme(Tax),
            Tri::False,
            "headcount does not save a company over 1億円"
        );
        let mut owned = small.answers;
        owned.large_corp_owned = Answer::Known(true);
        assert_eq!(SizeAssessment::assess(owned).sme(Tax), Tri::False);
        let mut rich = small.answers;
        rich.average_income_over_limit = Answer::Known(true);
        assert_eq!(SizeAssessment::assess(rich).sme(Tax), Tri::False);
        let mut unknown = small.answers;
        unknown.wholly_owned_by_large = Answer::Unanswered;
        let unknown = SizeAssessment::assess(unknown);
        assert_eq!(unknown.sme(Tax), Tri::Unknown);
        assert_eq!(
            unknown.blocking(Tax).iter().collect::<Vec<_>>(),
            [Field::WhollyOwnedByLarge]
        );
        let sole = assess("76", OrgForm::SoleProprietor, None, 1000);
        assert_eq!(sole.sme(Tax), Tri::True);
        let npo = assess("85", OrgForm::Npo, None, 1001);
        assert_eq!(npo.sme(Tax), Tri::False);
        let coop = assess("52", OrgForm::BusinessCooperative, None, 5000);
        assert_eq!(coop.sme(Tax), Tri::True);
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
    fn a_sole_proprietor_is_decided_by_headcount_and_an_npo_is_outside_the_basic_law() {
        use SizeDefinition::{BasicLaw, CabinetOrder};
        let sole = assess("76", OrgForm::SoleProprietor, None, 3);
        assert_eq!(
            (sole.sme(CabinetOrder), sole.small_business),
            (Tri::True, Tri::True)
        );
        assert!(sole.blocking(CabinetOrder).is_empty());
        let npo = assess("76", OrgForm::Npo, None, 3);
        assert_eq!(
            (npo.sme(BasicLaw), npo.small_business),
            (Tri::False, Tri::False)
        );
        assert!(
            npo.reasons(BasicLaw).iter().any(|r| r.contains("NPO法人")),
            "{:?}",
            npo.reasons(BasicLaw)
        );
        let planned = assess("76", OrgForm::Planning, None, 0);
        assert_eq!(planned.sme(CabinetOrder), Tri::False);
        // 組合 count under 中小企業等経営強化法, whatever their size.
        let union = assess("24", OrgForm::CooperationUnion, None, 2000);
        assert_eq!(union.sme(CabinetOrder), Tri::True);
        assert_eq!(union.sme(BasicLaw), Tri::False);
    }

    #[test]
    fn an_unanswered_form_leaves_sme_open_and_says_which_answers_are_needed() {
        let a = SizeAssessment::assess(SizeAnswers {
            industry: Answer::Known(JsicCode::Middle(24)),
            capital: Answer::Known(Yen::from_u64(10_000_000)),
            ..SizeAnswers::default()
        });
        let definition = SizeDefinition::CabinetOrder;
        assert_eq!(a.sme(definition), Tri::Unknown);
        assert_eq!(
            a.blocking(definition).iter().collect::<Vec<_>>(),
            [Field::OrgForm, Field::Employees]
        );
    }
}
