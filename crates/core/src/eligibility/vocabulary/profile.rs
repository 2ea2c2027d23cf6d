//! A business as it has described itself so far: one answer (or none) per vocabulary field.
//!
//! Read from JSON such as `{"municipality":"462047","employees":12,"capital":"1000万円"}`
//! (see `docs/profile.md`). Every problem names the field in Japanese and says what to type,
//! and all problems are reported at once so that a form can mark every bad input.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use thiserror::Error;

use super::answer::{self, Answer, Founding, ValueProblem};
use super::field::Field;
use super::org_form::{LargeInvestment, OrgForm};
use crate::japanese_amount::format_japanese_yen;
use crate::program::{Purpose, Yen};
use crate::reference::{JsicCode, LocalGovCode, local_gov};

/// Everything a business has answered. Fields are public: each holds an already valid value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    pub municipality: Answer<LocalGovCode>,
    pub industry: Answer<JsicCode>,
    pub org_form: Answer<OrgForm>,
    pub employees: Answer<u32>,
    pub capital: Answer<Yen>,
    pub founded: Answer<Founding>,
    pub sales: Answer<Yen>,
    pub purposes: Answer<BTreeSet<Purpose>>,
    pub large_investment: Answer<LargeInvestment>,
    pub large_officers: Answer<bool>,
    pub tax_arrears: Answer<bool>,
    pub wage_increase_plan: Answer<bool>,
    pub minimum_wage: Answer<Yen>,
    pub employment_insurance: Answer<bool>,
    pub support_organization: Answer<bool>,
    pub innovation_plan: Answer<bool>,
    pub blue_return: Answer<bool>,
    pub certified_npo: Answer<bool>,
    pub nonprofit_type: Answer<bool>,
    pub large_corp_owned: Answer<bool>,
    pub wholly_owned_by_large: Answer<bool>,
    pub average_income_over_limit: Answer<bool>,
    pub workers_accident_insurance: Answer<bool>,
}

/// Where a field stands in a profile, whatever its type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnswerState {
    Unanswered,
    DontKnow,
    Known,
}

/// One problem in a profile, naming the field.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProfileError {
    #[error(
        "診断の回答は JSON のオブジェクト（{{\"employees\": 12, …}} の形）で指定してください。"
    )]
    NotAnObject,
    #[error("項目「{name}」はありません。{}", Field::did_you_mean(*.suggestion))]
    UnknownField {
        name: String,
        suggestion: Option<Field>,
    },
    #[error("{}（{}）：{problem}", .field.label(), .field.code())]
    InvalidAnswer { field: Field, problem: ValueProblem },
}

impl ProfileError {
    /// The field the problem is about, if it is a known field.
    pub fn field(&self) -> Option<Field> {
        match self {
            Self::InvalidAnswer { field, .. } => Some(*field),
            Self::NotAnObject | Self::UnknownField { .. } => None,
        }
    }
}

/// Every problem found in one profile.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub struct ProfileErrors(pub Vec<ProfileError>);

impl fmt::Display for ProfileErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let lines: Vec<String> = self.0.iter().map(ToString::to_string).collect();
        f.write_str(&lines.join("\n"))
    }
}

impl Profile {
    /// Reads a profile from JSON text.
    pub fn from_json(text: &str) -> Result<Self, ProfileErrors> {
        let value: Value = serde_json::from_str(text)
            .map_err(|_| ProfileErrors(vec![ProfileError::NotAnObject]))?;
        Self::from_value(&value)
    }

    /// Reads a profile from a JSON value; `null` means unanswered, 「わからない」 means don't know.
    pub fn from_value(value: &Value) -> Result<Self, ProfileErrors> {
        let Value::Object(map) = value else {
            return Err(ProfileErrors(vec![ProfileError::NotAnObject]));
        };
        Self::from_map(map)
    }

    pub fn from_map(map: &Map<String, Value>) -> Result<Self, ProfileErrors> {
        let mut profile = Self::default();
        let mut errors = Vec::new();
        for (name, value) in map {
            let Some(field) = Field::ALL.iter().copied().find(|f| f.code() == name) else {
                errors.push(ProfileError::UnknownField {
                    name: name.clone(),
                    suggestion: Field::closest(name),
                });
                continue;
            };
            if let Err(e) = profile.set(field, value) {
                errors.push(e);
            }
        }
        if errors.is_empty() {
            Ok(profile)
        } else {
            Err(ProfileErrors(errors))
        }
    }

    /// Sets one answer from JSON: `null` clears it, 「わからない」 marks it unknown.
    pub fn set(&mut self, field: Field, value: &Value) -> Result<(), ProfileError> {
        if value.is_null() {
            self.clear(field);
            return Ok(());
        }
        if answer::is_dont_know(value) {
            self.mark_dont_know(field);
            return Ok(());
        }
        self.set_known(field, value)
            .map_err(|problem| ProfileError::InvalidAnswer { field, problem })
    }

    /// Sets one answer from text typed into a form (an empty text clears it).
    pub fn set_text(&mut self, field: Field, text: &str) -> Result<(), ProfileError> {
        let text = text.trim();
        if text.is_empty() {
            self.clear(field);
            return Ok(());
        }
        self.set(field, &Value::String(text.to_owned()))
    }

    fn set_known(&mut self, field: Field, v: &Value) -> Result<(), ValueProblem> {
        use Answer::Known;
        match field {
            Field::Municipality => self.municipality = Known(answer::read_municipality(v)?),
            Field::Industry => self.industry = Known(answer::read_industry(v)?),
            Field::OrgForm => self.org_form = Known(answer::read_org_form(v)?),
            Field::Employees => self.employees = Known(answer::read_count(v)?),
            Field::Capital => self.capital = Known(answer::read_amount(v)?),
            Field::Founded => self.founded = Known(answer::read_founding(v)?),
            Field::Sales => self.sales = Known(answer::read_amount(v)?),
            Field::Purposes => self.purposes = Known(answer::read_purposes(v)?),
            Field::LargeInvestment => {
                self.large_investment = Known(answer::read_large_investment(v)?)
            }
            Field::MinimumWage => self.minimum_wage = Known(answer::read_amount(v)?),
            // Every other field is a yes/no question.
            _ => self.set_flag(field, answer::read_yes_no(v)?),
        }
        Ok(())
    }

    /// The answer to a yes/no field.
    pub fn flag(&self, field: Field) -> Option<&Answer<bool>> {
        Some(match field {
            Field::LargeOfficers => &self.large_officers,
            Field::TaxArrears => &self.tax_arrears,
            Field::WageIncreasePlan => &self.wage_increase_plan,
            Field::EmploymentInsurance => &self.employment_insurance,
            Field::SupportOrganization => &self.support_organization,
            Field::InnovationPlan => &self.innovation_plan,
            Field::BlueReturn => &self.blue_return,
            Field::CertifiedNpo => &self.certified_npo,
            Field::NonprofitType => &self.nonprofit_type,
            Field::LargeCorpOwned => &self.large_corp_owned,
            Field::WhollyOwnedByLarge => &self.wholly_owned_by_large,
            Field::AverageIncomeOverLimit => &self.average_income_over_limit,
            Field::WorkersAccidentInsurance => &self.workers_accident_insurance,
            _ => return None,
        })
    }

    /// Sets a yes/no answer (other fields are left alone).
    pub(crate) fn set_flag(&mut self, field: Field, value: bool) {
        if let Some(slot) = self.flag_mut(field) {
            *slot = Answer::Known(value);
        }
    }

    fn flag_mut(&mut self, field: Field) -> Option<&mut Answer<bool>> {
        Some(match field {
            Field::LargeOfficers => &mut self.large_officers,
            Field::TaxArrears => &mut self.tax_arrears,
            Field::WageIncreasePlan => &mut self.wage_increase_plan,
            Field::EmploymentInsurance => &mut self.employment_insurance,
            Field::SupportOrganization => &mut self.support_organization,
            Field::InnovationPlan => &mut self.innovation_plan,
            Field::BlueReturn => &mut self.blue_return,
            Field::CertifiedNpo => &mut self.certified_npo,
            Field::NonprofitType => &mut self.nonprofit_type,
            Field::LargeCorpOwned => &mut self.large_corp_owned,
            Field::WhollyOwnedByLarge => &mut self.wholly_owned_by_large,
            Field::AverageIncomeOverLimit => &mut self.average_income_over_limit,
            Field::WorkersAccidentInsurance => &mut self.workers_accident_insurance,
            _ => return None,
        })
    }

    /// The answer to an amount or count field, as a plain number.
    pub fn number(&self, field: Field) -> Option<&Answer<Yen>> {
        match field {
            Field::Capital => Some(&self.capital),
            Field::Sales => Some(&self.sales),
            Field::MinimumWage => Some(&self.minimum_wage),
            _ => None,
        }
    }

    /// Where one field stands.
    pub fn state(&self, field: Field) -> AnswerState {
        fn of<T>(a: &Answer<T>) -> AnswerState {
            match a {
                Answer::Unanswered => AnswerState::Unanswered,
                Answer::DontKnow => AnswerState::DontKnow,
                Answer::Known(_) => AnswerState::Known,
            }
        }
        match field {
            Field::Municipality => of(&self.municipality),
            Field::Industry => of(&self.industry),
            Field::OrgForm => of(&self.org_form),
            Field::Employees => of(&self.employees),
            Field::Capital => of(&self.capital),
            Field::Founded => of(&self.founded),
            Field::Sales => of(&self.sales),
            Field::Purposes => of(&self.purposes),
            Field::LargeInvestment => of(&self.large_investment),
            Field::MinimumWage => of(&self.minimum_wage),
            _ => self.flag(field).map_or(AnswerState::Unanswered, of),
        }
    }

    /// Forgets one answer.
    pub fn clear(&mut self, field: Field) {
        self.replace_state(field, false);
    }

    /// Records 「わからない」 for one field.
    pub fn mark_dont_know(&mut self, field: Field) {
        self.replace_state(field, true);
    }

    fn replace_state(&mut self, field: Field, dont_know: bool) {
        fn put<T>(a: &mut Answer<T>, dont_know: bool) {
            *a = if dont_know {
                Answer::DontKnow
            } else {
                Answer::Unanswered
            };
        }
        match field {
            Field::Municipality => put(&mut self.municipality, dont_know),
            Field::Industry => put(&mut self.industry, dont_know),
            Field::OrgForm => put(&mut self.org_form, dont_know),
            Field::Employees => put(&mut self.employees, dont_know),
            Field::Capital => put(&mut self.capital, dont_know),
            Field::Founded => put(&mut self.founded, dont_know),
            Field::Sales => put(&mut self.sales, dont_know),
            Field::Purposes => put(&mut self.purposes, dont_know),
            Field::LargeInvestment => put(&mut self.large_investment, dont_know),
            Field::MinimumWage => put(&mut self.minimum_wage, dont_know),
            _ => {
                if let Some(slot) = self.flag_mut(field) {
                    put(slot, dont_know);
                }
            }
        }
    }

    /// Copies one field's answer (whatever its state) from another profile.
    pub fn copy_field(&mut self, field: Field, from: &Profile) {
        match field {
            Field::Municipality => self.municipality = from.municipality,
            Field::Industry => self.industry = from.industry,
            Field::OrgForm => self.org_form = from.org_form,
            Field::Employees => self.employees = from.employees,
            Field::Capital => self.capital = from.capital,
            Field::Founded => self.founded = from.founded,
            Field::Sales => self.sales = from.sales,
            Field::Purposes => self.purposes = from.purposes.clone(),
            Field::LargeInvestment => self.large_investment = from.large_investment,
            Field::MinimumWage => self.minimum_wage = from.minimum_wage,
            _ => {
                if let (Some(to), Some(value)) = (self.flag_mut(field), from.flag(field)) {
                    *to = *value;
                }
            }
        }
    }

    /// False where the question makes no sense for this business: a 個人事業主 has no
    /// capital, no shareholders and no business years of a corporation, and only an NPO法人 can
    /// be 認定 (only a 一般社団・財団法人 非営利型), so those questions are not asked.
    pub fn applies(&self, field: Field) -> bool {
        let form = self.org_form.known().copied();
        match field {
            Field::Capital
            | Field::LargeInvestment
            | Field::LargeOfficers
            | Field::LargeCorpOwned
            | Field::WhollyOwnedByLarge
            | Field::AverageIncomeOverLimit => form != Some(OrgForm::SoleProprietor),
            Field::CertifiedNpo => form.is_none_or(|f| f == OrgForm::Npo),
            Field::NonprofitType => form.is_none_or(|f| f == OrgForm::GeneralAssociation),
            _ => true,
        }
    }

    /// The answer as a person reads it (「12人」, 「1,000万円」, 「わからない」), or `None`
    /// when unanswered.
    pub fn shown(&self, field: Field) -> Option<String> {
        match self.state(field) {
            AnswerState::Unanswered => return None,
            AnswerState::DontKnow => return Some("わからない".to_owned()),
            AnswerState::Known => {}
        }
        let yes_no = |b: bool| if b { "はい" } else { "いいえ" }.to_owned();
        Some(match field {
            Field::Municipality => self.municipality.known().map(|&c| place_name(c))?,
            Field::Industry => self.industry.known().map(|&c| industry_name(c))?,
            Field::OrgForm => self.org_form.known()?.label().to_owned(),
            Field::Employees => format!("{}人", self.employees.known()?),
            Field::Founded => match self.founded.known()? {
                Founding::On(d) => crate::calendar::wareki::format_date(*d),
                Founding::Planned => "創業予定".to_owned(),
            },
            Field::Purposes => {
                let labels: Vec<&str> = self.purposes.known()?.iter().map(|p| p.label()).collect();
                if labels.is_empty() {
                    "なし".to_owned()
                } else {
                    labels.join("、")
                }
            }
            Field::LargeInvestment => self.large_investment.known()?.label().to_owned(),
            Field::Capital | Field::Sales | Field::MinimumWage => {
                format_japanese_yen(*self.number(field)?.known()?)
            }
            _ => yes_no(*self.flag(field)?.known()?),
        })
    }

    /// The profile as JSON in the canonical form `from_value` reads back.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        for &field in Field::ALL {
            let value = match self.state(field) {
                AnswerState::Unanswered => continue,
                AnswerState::DontKnow => Value::String("unknown".to_owned()),
                AnswerState::Known => self.known_value(field),
            };
            map.insert(field.code().to_owned(), value);
        }
        Value::Object(map)
    }

    fn known_value(&self, field: Field) -> Value {
        let string = |s: String| Value::String(s);
        match field {
            Field::Municipality => self.municipality.known().map(|c| string(c.to_string())),
            Field::Industry => self.industry.known().map(|c| string(c.to_string())),
            Field::OrgForm => self.org_form.known().map(|f| string(f.code().to_owned())),
            Field::Employees => self.employees.known().map(|&n| Value::from(n)),
            Field::Founded => self.founded.known().map(|f| match f {
                Founding::On(d) => string(d.to_string()),
                Founding::Planned => string("planned".to_owned()),
            }),
            Field::Purposes => self
                .purposes
                .known()
                .map(|set| Value::Array(set.iter().map(|p| string(p.code().to_owned())).collect())),
            Field::LargeInvestment => self
                .large_investment
                .known()
                .map(|v| string(v.code().to_owned())),
            Field::Capital | Field::Sales | Field::MinimumWage => self
                .number(field)
                .and_then(Answer::known)
                .map(|y| Value::from(y.get())),
            _ => self
                .flag(field)
                .and_then(Answer::known)
                .map(|&b| Value::Bool(b)),
        }
        .unwrap_or(Value::Null)
    }
}

/// 「鳥取県八頭町」, or the bare code when the reference table does not know it.
pub(crate) fn place_name(code: LocalGovCode) -> String {
    local_gov(code).map_or_else(|| code.to_string(), |g| g.full_name())
}

/// 「製造業（E）」, 「ゴム製品製造業（19）」, or the bare code.
pub(crate) fn industry_name(code: JsicCode) -> String {
    match code.name() {
        "" => code.to_string(),
        name => format!("{name}（{code}）"),
    }
}

impl Serialize for Profile {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_value().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Profile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(d)?;
        Self::from_value(&value).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::date;

    fn errors(value: Value) -> Vec<String> {
        Profile::from_value(&value)
            .unwrap_err()
            .0
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn the_documented_example_profile_reads() {
        let p = Profile::from_json(
            r#"{"municipality":"462047","industry":"E","employees":12,
                "capital":"1000万円","founded":"2019-04-01","purposes":["equipment_it"],
                "tax_arrears":false,"sales":"unknown"}"#,
        )
        .unwrap();
        assert_eq!(p.municipality.known().unwrap().to_string(), "462047");
        assert_eq!(p.industry, Answer::Known(JsicCode::Major('E')));
        assert_eq!(p.employees, Answer::Known(12));
        assert_eq!(p.capital, Answer::Known(Yen::from_u64(10_000_000)));
        assert_eq!(
            p.founded,
            Answer::Known(Founding::On(date!(2019 - 04 - 01)))
        );
        assert_eq!(p.tax_arrears, Answer::Known(false));
        assert_eq!(p.sales, Answer::DontKnow);
        assert_eq!(p.state(Field::OrgForm), AnswerState::Unanswered);
        assert_eq!(p.shown(Field::Capital).unwrap(), "1,000万円");
    }

    #[test]
    fn an_unknown_field_is_named_with_the_field_probably_meant() {
        let errs = errors(json!({"emploees": 3}));
        assert_eq!(
            errs,
            [
                "項目「emploees」はありません。もしかして「employees」（常時使用する従業員数）ですか。"
            ]
        );
    }

    #[test]
    fn a_negative_headcount_is_refused_naming_the_field() {
        let errs = errors(json!({"employees": -3}));
        assert_eq!(
            errs,
            [
                "常時使用する従業員数（employees）：負の数（-3）は指定できません。0以上の整数で入力してください。"
            ]
        );
    }

    #[test]
    fn an_amount_that_is_not_an_amount_is_refused_naming_the_field() {
        let errs = errors(json!({"capital": "たくさん"}));
        assert_eq!(errs.len(), 1);
        assert!(
            errs[0].starts_with(
                "資本金又は出資の総額（capital）：「たくさん」を金額として読み取れません。"
            ),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn an_unknown_municipality_code_is_refused_naming_the_field() {
        // 314048 has a valid check digit, but no local government has that code.
        let errs = errors(json!({"municipality": "314048"}));
        assert_eq!(
            errs,
            [
                "所在地（municipality）：全国地方公共団体コード「314048」の団体は見つかりません。都道府県又は市区町村のコードを確認してください。"
            ]
        );
        let errs = errors(json!({"municipality": "314022"}));
        assert!(errs[0].contains("検査数字"), "{}", errs[0]);
    }

    #[test]
    fn every_problem_is_reported_at_once_and_nothing_panics() {
        let errs = errors(json!({"employees": "many", "capital": -5, "foo": 1, "founded": 3}));
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert_eq!(
            errors(json!([1, 2])),
            [ProfileError::NotAnObject.to_string()]
        );
        assert!(Profile::from_json("{not json").is_err());
    }

    #[test]
    fn dont_know_differs_from_unanswered_but_null_clears() {
        let p = Profile::from_value(&json!({"sales": "わからない", "capital": null})).unwrap();
        assert_eq!(p.state(Field::Sales), AnswerState::DontKnow);
        assert_eq!(p.state(Field::Capital), AnswerState::Unanswered);
        assert_eq!(p.shown(Field::Sales).unwrap(), "わからない");
    }

    #[test]
    fn a_profile_writes_itself_back_in_the_form_it_reads() {
        let p = Profile::from_value(&json!({
            "municipality": "011011", "industry": "09", "org_form": "株式会社（特例有限会社を含む）",
            "employees": "１２人", "capital": "5,000万円", "founded": "planned",
            "purposes": ["設備整備・IT導入をしたい", "employment"], "large_investment": "none",
            "tax_arrears": "いいえ", "minimum_wage": "1100円", "blue_return": "unknown"
        }))
        .unwrap();
        let back = Profile::from_value(&p.to_value()).unwrap();
        assert_eq!(back, p);
        assert_eq!(p.to_value()["capital"], json!(50_000_000));
        assert_eq!(p.to_value()["org_form"], json!("stock_company"));
    }

    #[test]
    fn a_code_of_the_first_vocabulary_that_named_several_forms_is_refused_with_its_replacements() {
        let e = errors(json!({"org_form": "other_corporation"}));
        assert_eq!(e.len(), 1);
        assert!(e[0].starts_with("組織形態（org_form）：組織形態「other_corporation」は細分化されたため使えなくなりました。"), "{e:?}");
        assert!(e[0].contains("医療法人（medical_corporation）"), "{e:?}");
        let e = errors(json!({"org_form": "cooperative"}));
        assert!(e[0].contains("企業組合（enterprise_union）"), "{e:?}");
        // Every other code of the first vocabulary still reads.
        for code in [
            "stock_company",
            "llc",
            "partnership_company",
            "sole_proprietor",
            "npo",
            "general_association",
            "planning",
        ] {
            assert!(
                Profile::from_value(&json!({"org_form": code})).is_ok(),
                "{code}"
            );
        }
    }

    #[test]
    fn only_an_npo_is_asked_whether_it_is_certified() {
        let npo = Profile::from_value(&json!({"org_form": "npo"})).unwrap();
        assert!(npo.applies(Field::CertifiedNpo));
        assert!(!npo.applies(Field::NonprofitType));
        let company = Profile::from_value(&json!({"org_form": "stock_company"})).unwrap();
        assert!(!company.applies(Field::CertifiedNpo));
        assert!(Profile::default().applies(Field::CertifiedNpo));
    }

    #[test]
    fn a_sole_proprietor_is_not_asked_about_capital_or_shareholders() {
        let p = Profile::from_value(&json!({"org_form": "sole_proprietor"})).unwrap();
        assert!(!p.applies(Field::Capital));
        assert!(!p.applies(Field::LargeInvestment));
        assert!(p.applies(Field::Employees));
    }
}
