//! Facts the desk derives from answers, so that rules can speak the law's language.
//!
//! A rule says 「中小企業者であること」 or 「創業5年未満」, not 「資本金が3億円以下又は…」: the
//! definitions live here once, are computed once per profile and date, and explain themselves.
//! みなし大企業 follows the definition 中小企業庁's subsidies share (ものづくり補助金 and others):
//! one large enterprise owns at least half, large enterprises together own at least two thirds,
//! or at least half of the officers are officers or employees of a large enterprise.

use time::{Date, Duration, Month};

use super::answer::{Answer, Founding};
use super::field::{Field, FieldSet};
use super::org_form::{LargeInvestment, OrgForm};
use super::profile::Profile;
use super::sme::{SizeAnswers, SizeAssessment, SizeDefinition};
use crate::calendar::wareki::format_date;
use crate::eligibility::tri::Tri;
use crate::labeled_enum;

labeled_enum! {
    /// A fact derived from several answers.
    pub enum Fact: "判定項目", "sme_basic_law・sme_cabinet_order・sme_employment・sme_credit_guarantee・sme_tax・small_business・deemed_large・years_since_founding のいずれかで指定してください。" {
        /// The name earlier versions used for `SmeCabinetOrder`, kept so old rules keep working.
        Sme = ("sme", "中小企業者"),
        SmeBasicLaw = ("sme_basic_law", "中小企業基本法の中小企業者"),
        SmeCabinetOrder = ("sme_cabinet_order", "中小企業者（政令の特例を含む）"),
        SmeEmployment = ("sme_employment", "雇用関係助成金の中小企業事業主"),
        SmeCreditGuarantee = ("sme_credit_guarantee", "信用保証の対象となる中小企業者"),
        SmeTax = ("sme_tax", "租税特別措置法の中小企業者等"),
        SmallBusiness = ("small_business", "小規模企業者"),
        DeemedLarge = ("deemed_large", "みなし大企業"),
        YearsSinceFounding = ("years_since_founding", "創業からの年数"),
    }
}

impl Fact {
    /// True for facts that are yes or no (the others are compared with a number).
    pub fn is_boolean(self) -> bool {
        !matches!(self, Self::YearsSinceFounding)
    }

    /// The 中小企業 definition a size fact names.
    pub fn size_definition(self) -> Option<SizeDefinition> {
        match self.derived() {
            Derived::Size(definition) => Some(definition),
            Derived::SmallBusiness | Derived::DeemedLarge | Derived::YearsSinceFounding => None,
        }
    }

    /// How the fact is worked out: every size fact is one definition of the same assessment.
    fn derived(self) -> Derived {
        match self {
            Self::Sme | Self::SmeCabinetOrder => Derived::Size(SizeDefinition::CabinetOrder),
            Self::SmeBasicLaw => Derived::Size(SizeDefinition::BasicLaw),
            Self::SmeEmployment => Derived::Size(SizeDefinition::Employment),
            Self::SmeCreditGuarantee => Derived::Size(SizeDefinition::CreditGuarantee),
            Self::SmeTax => Derived::Size(SizeDefinition::Tax),
            Self::SmallBusiness => Derived::SmallBusiness,
            Self::DeemedLarge => Derived::DeemedLarge,
            Self::YearsSinceFounding => Derived::YearsSinceFounding,
        }
    }
}

/// The distinct ways facts are derived, so that each use matches them all with no catch-all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Derived {
    Size(SizeDefinition),
    SmallBusiness,
    DeemedLarge,
    YearsSinceFounding,
}

/// Every derived fact of one profile as of one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub size: SizeAssessment,
    pub deemed_large: Tri,
    /// Full years since founding; 0 for a business still to be founded.
    pub years_since_founding: Option<u32>,
    pub as_of: Date,
    founding: Answer<Founding>,
    org_form: Answer<OrgForm>,
    large_investment: Answer<LargeInvestment>,
    large_officers: Answer<bool>,
}

impl Facts {
    pub fn of(profile: &Profile, as_of: Date) -> Self {
        Self::with_size(
            SizeAssessment::assess(size_answers(profile)),
            profile,
            as_of,
        )
    }

    /// The facts of `profile` as of the same day as `like`, the facts of a business answered
    /// much the same: `like`'s size assessment, the dearest part, is kept when the answers it
    /// reads are the same. Equal to `Facts::of(profile, like.as_of)`.
    pub(crate) fn like(like: &Self, profile: &Profile) -> Self {
        let answers = size_answers(profile);
        let size = if like.size.answers() == &answers {
            like.size.clone()
        } else {
            SizeAssessment::assess(answers)
        };
        Self::with_size(size, profile, like.as_of)
    }

    /// The facts of `profile`, whose size answers `size` assesses.
    fn with_size(size: SizeAssessment, profile: &Profile, as_of: Date) -> Self {
        let years_since_founding = match profile.founded {
            Answer::Known(Founding::On(date)) => Some(full_years(date, as_of)),
            Answer::Known(Founding::Planned) => Some(0),
            Answer::Unanswered | Answer::DontKnow => None,
        };
        let mut facts = Self {
            size,
            deemed_large: Tri::Unknown,
            years_since_founding,
            as_of,
            founding: profile.founded,
            org_form: profile.org_form,
            large_investment: profile.large_investment,
            large_officers: profile.large_officers,
        };
        facts.deemed_large = facts.assess_deemed_large();
        facts
    }

    /// Decided for each legal form still possible (a 個人事業主 has neither shareholders nor
    /// officers), and known when every possibility agrees, so that a later answer can only
    /// settle it, never reverse it.
    fn assess_deemed_large(&self) -> Tri {
        let owned = self.large_investment.known().map(|i| {
            matches!(
                i,
                LargeInvestment::SingleHalf | LargeInvestment::CombinedTwoThirds
            )
        });
        let as_company =
            Tri::from_option(owned).or(Tri::from_option(self.large_officers.known().copied()));
        let sole = match self.org_form.known() {
            Some(form) => vec![*form == OrgForm::SoleProprietor],
            None => vec![false, true],
        };
        Tri::agreed(
            sole.into_iter()
                .map(|sole| if sole { Tri::False } else { as_company }),
        )
    }

    /// The value of a yes/no fact.
    pub fn truth(&self, fact: Fact) -> Tri {
        match fact.derived() {
            Derived::Size(definition) => self.size.sme(definition),
            Derived::SmallBusiness => self.size.small_business,
            Derived::DeemedLarge => self.deemed_large,
            Derived::YearsSinceFounding => {
                Tri::from_option(self.years_since_founding.map(|_| true))
            }
        }
    }

    /// The answers that would have to be given to decide a fact still unknown.
    pub fn blocking(&self, fact: Fact) -> FieldSet {
        match fact.derived() {
            Derived::Size(definition) => self.size.blocking(definition),
            Derived::SmallBusiness => self.size.small_business_blocking(),
            Derived::DeemedLarge if self.deemed_large == Tri::Unknown => {
                let mut set = FieldSet::EMPTY;
                for (known, field) in [
                    (self.org_form.is_known(), Field::OrgForm),
                    (self.large_investment.is_known(), Field::LargeInvestment),
                    (self.large_officers.is_known(), Field::LargeOfficers),
                ] {
                    if !known {
                        set.insert(field);
                    }
                }
                set
            }
            Derived::YearsSinceFounding if self.years_since_founding.is_none() => {
                FieldSet::of(&[Field::Founded])
            }
            Derived::DeemedLarge | Derived::YearsSinceFounding => FieldSet::EMPTY,
        }
    }

    /// The founding date, when one was given.
    pub fn founded_on(&self) -> Option<Date> {
        match self.founding {
            Answer::Known(Founding::On(date)) => Some(date),
            _ => None,
        }
    }

    /// How a fact was decided, in Japanese, one step per line.
    pub fn reasons(&self, fact: Fact) -> Vec<String> {
        match fact.derived() {
            Derived::Size(definition) => self.size.reasons(definition),
            Derived::SmallBusiness => self.size.small_business_reasons(),
            Derived::DeemedLarge => self.deemed_large_reasons(),
            Derived::YearsSinceFounding => vec![match (self.founding, self.years_since_founding) {
                (Answer::Known(Founding::Planned), _) => {
                    "創業予定のため、創業からの年数は0年として判定します。".to_owned()
                }
                (Answer::Known(Founding::On(d)), Some(y)) => format!(
                    "創業・設立年月日は{}で、{}時点で{y}年です。",
                    format_date(d),
                    format_date(self.as_of)
                ),
                _ => "創業・設立年月日が未回答です。".to_owned(),
            }],
        }
    }

    fn deemed_large_reasons(&self) -> Vec<String> {
        if self.org_form == Answer::Known(OrgForm::SoleProprietor) {
            return vec!["個人事業主はみなし大企業に当たりません。".to_owned()];
        }
        let investment = self
            .large_investment
            .known()
            .map_or("未回答", |i| i.label());
        let officers = match self.large_officers {
            Answer::Known(true) => "兼ねている",
            Answer::Known(false) => "兼ねていない",
            Answer::Unanswered | Answer::DontKnow => "未回答",
        };
        vec![
            "みなし大企業の基準：1社の大企業が発行済株式等の2分の1以上を所有、複数の大企業が3分の2以上を所有、又は役員の半数以上が大企業の役員・職員を兼務。".to_owned(),
            format!("大企業からの出資：{investment}。役員の半数以上が大企業の役員・職員を：{officers}。"),
            match self.deemed_large {
                Tri::True => "→ みなし大企業に当たります。",
                Tri::False => "→ みなし大企業に当たりません。",
                Tri::Unknown => "→ 今の回答ではみなし大企業かどうか決まりません。",
            }
            .to_owned(),
        ]
    }
}

/// Full years from `from` to `on`, counted like an age; 0 before `from`.
pub fn full_years(from: Date, on: Date) -> u32 {
    let mut years = on.year() - from.year();
    if (u8::from(on.month()), on.day()) < (u8::from(from.month()), from.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// The first day on which `years` full years have passed since `from` (29 February counts
/// from 1 March in common years).
pub fn anniversary(from: Date, years: u32) -> Option<Date> {
    let year = from.year().checked_add(i32::try_from(years).ok()?)?;
    Date::from_calendar_date(year, from.month(), from.day())
        .or_else(|_| Date::from_calendar_date(year, Month::March, 1))
        .ok()
}

/// The last day before `anniversary`.
pub fn day_before(date: Date) -> Option<Date> {
    date.checked_sub(Duration::days(1))
}

/// The answers of `profile` the size definitions read.
fn size_answers(profile: &Profile) -> SizeAnswers {
    SizeAnswers {
        industry: profile.industry,
        org_form: profile.org_form,
        capital: profile.capital,
        employees: profile.employees,
        large_corp_owned: profile.large_corp_owned,
        wholly_owned_by_large: profile.wholly_owned_by_large,
        average_income_over_limit: profile.average_income_over_limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn facts(profile: serde_json::Value, as_of: Date) -> Facts {
        Facts::of(&Profile::from_value(&profile).unwrap(), as_of)
    }

    #[test]
    fn years_since_founding_count_like_an_age() {
        let founded = date!(2022 - 04 - 01);
        assert_eq!(full_years(founded, date!(2027 - 03 - 31)), 4);
        assert_eq!(full_years(founded, date!(2027 - 04 - 01)), 5);
        assert_eq!(full_years(founded, date!(2021 - 01 - 01)), 0);
        let leap = date!(2020 - 02 - 29);
        assert_eq!(full_years(leap, date!(2021 - 02 - 28)), 0);
        assert_eq!(full_years(leap, date!(2021 - 03 - 01)), 1);
        assert_eq!(anniversary(leap, 1), Some(date!(2021 - 03 - 01)));
        assert_eq!(anniversary(founded, 5), Some(date!(2027 - 04 - 01)));
    }

    #[test]
    fn a_business_to_be_founded_has_zero_years() {
        let f = facts(json!({"founded": "創業予定"}), date!(2026 - 04 - 01));
        assert_eq!(f.years_since_founding, Some(0));
        let f = facts(json!({}), date!(2026 - 04 - 01));
        assert_eq!(f.years_since_founding, None);
        assert!(
            f.blocking(Fact::YearsSinceFounding)
                .contains(Field::Founded)
        );
    }

    #[test]
    fn deemed_large_follows_the_three_tests_of_the_sme_agency() {
        let as_of = date!(2026 - 04 - 01);
        let company = |mut answers: serde_json::Value| {
            answers["org_form"] = json!("stock_company");
            facts(answers, as_of).deemed_large
        };
        assert_eq!(
            company(json!({"large_investment": "single_half"})),
            Tri::True
        );
        let combined = json!({"large_investment": "combined_two_thirds"});
        assert_eq!(company(combined), Tri::True);
        let officers = json!({"large_investment": "minor", "large_officers": true});
        assert_eq!(company(officers), Tri::True);
        let neither = json!({"large_investment": "minor", "large_officers": false});
        assert_eq!(company(neither.clone()), Tri::False);
        assert_eq!(facts(neither, as_of).deemed_large, Tri::False);
        // Owned by a large enterprise, but the form is unknown: a 個人事業主 has no owners.
        let f = facts(json!({"large_investment": "single_half"}), as_of);
        assert_eq!(f.deemed_large, Tri::Unknown);
        let f = facts(json!({"large_investment": "none"}), as_of);
        assert_eq!(f.deemed_large, Tri::Unknown);
        assert_eq!(
            f.blocking(Fact::DeemedLarge).iter().collect::<Vec<_>>(),
            [Field::OrgForm, Field::LargeOfficers]
        );
        let f = facts(json!({"org_form": "sole_proprietor"}), as_of);
        assert_eq!(f.deemed_large, Tri::False);
    }
}
