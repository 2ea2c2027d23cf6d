//! A program's required documents (必要書類) as a checklist: what each one is, who issues it,
//! how long it takes to get, how recent it must be, whether the program hands out the form
//! (様式), and for which businesses it is needed.
//!
//! Catalogues written before the checklist held each document as a plain name. Such an entry
//! still reads, as a document that every applicant needs and about which nothing else is
//! known; a document that says no more than its name is written back the same way, so old
//! exports and the CSV format stay as they were.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ModelError;
use crate::eligibility::Rule;
use crate::labeled_enum;

labeled_enum! {
    /// Where a business gets a document: the offices the 公募要領 name, plus 「その他」.
    pub enum DocumentIssuer: "書類の発行元", "self・program・tax_office・prefectural_tax_office・municipality・legal_affairs_bureau・chamber・support_organization・financial_institution・labour_office・pension_office・other のいずれかで指定してください。" {
        /// Drawn up by the business itself (事業計画書, 決算書の写し).
        OwnBusiness = ("self", "自社で作成"),
        /// The program's own office or 事務局 (申請書 and its attachments).
        ProgramOffice = ("program", "制度の窓口・事務局"),
        TaxOffice = ("tax_office", "税務署"),
        PrefecturalTaxOffice = ("prefectural_tax_office", "都道府県税事務所"),
        Municipality = ("municipality", "市区町村"),
        LegalAffairsBureau = ("legal_affairs_bureau", "法務局"),
        /// 商工会議所・商工会.
        Chamber = ("chamber", "商工会議所・商工会"),
        /// 認定経営革新等支援機関.
        SupportOrganization = ("support_organization", "認定支援機関"),
        FinancialInstitution = ("financial_institution", "金融機関"),
        /// 労働局・ハローワーク.
        LabourOffice = ("labour_office", "労働局・ハローワーク"),
        PensionOffice = ("pension_office", "年金事務所"),
        Other = ("other", "その他"),
    }
}

/// The longest a document may take to get, in days: a year.
pub const MAX_LEAD_DAYS: u16 = 366;
/// The longest freshness limit, in months: two years.
pub const MAX_VALID_MONTHS: u8 = 24;

/// One required document of a program.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequiredDocument {
    name: String,
    /// Who issues it; `None` for an entry carried over from a plain list of names.
    issuer: Option<DocumentIssuer>,
    /// Days it usually takes to get; 0 for the same day.
    lead_days: Option<u16>,
    /// How recent it must be when handed in: issued within this many months.
    valid_months: Option<u8>,
    /// The program provides the form (様式) to fill in.
    form_provided: bool,
    /// The businesses that need it, in the eligibility rule language; `None` for everyone.
    when: Option<Rule>,
}

impl RequiredDocument {
    /// A document known only by its name, needed by everyone.
    pub fn named(name: &str) -> Result<Self, ModelError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(ModelError::EmptyDocumentName);
        }
        let chars = name.chars().count();
        if chars > 200 {
            return Err(ModelError::DocumentNameTooLong(chars));
        }
        Ok(Self {
            name: name.to_owned(),
            issuer: None,
            lead_days: None,
            valid_months: None,
            form_provided: false,
            when: None,
        })
    }

    /// As `named`, with a lead time and a freshness limit checked against their bounds.
    pub fn new(
        name: &str,
        issuer: Option<DocumentIssuer>,
        lead_days: Option<u16>,
        valid_months: Option<u8>,
        form_provided: bool,
        when: Option<Rule>,
    ) -> Result<Self, ModelError> {
        if let Some(d) = lead_days.filter(|&d| d > MAX_LEAD_DAYS) {
            return Err(ModelError::DocumentLeadDays(d.into()));
        }
        if let Some(m) = valid_months.filter(|&m| m == 0 || m > MAX_VALID_MONTHS) {
            return Err(ModelError::DocumentValidMonths(m.into()));
        }
        Ok(Self {
            issuer,
            lead_days,
            valid_months,
            form_provided,
            when,
            ..Self::named(name)?
        })
    }

    /// 「履歴事項全部証明書」.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Who issues it, where known.
    pub fn issuer(&self) -> Option<DocumentIssuer> {
        self.issuer
    }

    /// Days it usually takes to get; 0 for the same day.
    pub fn lead_days(&self) -> Option<u16> {
        self.lead_days
    }

    /// Issued within this many months when handed in.
    pub fn valid_months(&self) -> Option<u8> {
        self.valid_months
    }

    /// The program provides the form (様式).
    pub fn form_provided(&self) -> bool {
        self.form_provided
    }

    /// The businesses that need it; `None` for everyone.
    pub fn when(&self) -> Option<&Rule> {
        self.when.as_ref()
    }

    /// True when nothing but the name is known: such a document is stored as its name alone.
    pub fn is_name_only(&self) -> bool {
        self.issuer.is_none()
            && self.lead_days.is_none()
            && self.valid_months.is_none()
            && !self.form_provided
            && self.when.is_none()
    }

    /// 「即日」「約7日」.
    pub fn lead_time_label(&self) -> Option<String> {
        self.lead_days.map(|d| match d {
            0 => "即日".to_owned(),
            d => format!("約{d}日"),
        })
    }

    /// 「発行後3か月以内」.
    pub fn freshness_label(&self) -> Option<String> {
        self.valid_months.map(|m| format!("発行後{m}か月以内"))
    }
}

/// The stored form of a document with more than its name.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Stored {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    issuer: Option<DocumentIssuer>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lead_days: Option<u16>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    valid_months: Option<u8>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    form_provided: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    when: Option<Rule>,
}

impl Serialize for RequiredDocument {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.is_name_only() {
            return s.serialize_str(&self.name);
        }
        Stored {
            name: self.name.clone(),
            issuer: self.issuer,
            lead_days: self.lead_days,
            valid_months: self.valid_months,
            form_provided: self.form_provided,
            when: self.when.clone(),
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for RequiredDocument {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        // A plain string is an entry from before the checklist: a name, needed by everyone.
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::String(name) => Self::named(&name).map_err(D::Error::custom),
            value @ serde_json::Value::Object(_) => {
                let s: Stored = serde_json::from_value(value).map_err(D::Error::custom)?;
                Self::new(
                    &s.name,
                    s.issuer,
                    s.lead_days,
                    s.valid_months,
                    s.form_provided,
                    s.when,
                )
                .map_err(D::Error::custom)
            }
            _ => Err(D::Error::custom(
                "必要書類は書類名の文字列か、name を持つオブジェクトで指定してください。",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_old_plain_name_reads_as_a_document_everyone_needs_and_writes_back_as_it_was() {
        let doc: RequiredDocument = serde_json::from_value(json!("納税証明書")).unwrap();
        assert_eq!(doc.name(), "納税証明書");
        assert!(doc.is_name_only());
        assert!(doc.when().is_none());
        assert_eq!(serde_json::to_value(&doc).unwrap(), json!("納税証明書"));
    }

    #[test]
    fn a_structured_document_round_trips() {
        let raw = json!({
            "name": "履歴事項全部証明書",
            "issuer": "legal_affairs_bureau",
            "lead_days": 0,
            "valid_months": 3,
            "when": {"field": "org_form", "op": "not_in", "value": ["sole_proprietor", "planning"]}
        });
        let doc: RequiredDocument = serde_json::from_value(raw.clone()).unwrap();
        assert_eq!(doc.issuer(), Some(DocumentIssuer::LegalAffairsBureau));
        assert_eq!(doc.freshness_label().as_deref(), Some("発行後3か月以内"));
        assert_eq!(doc.lead_time_label().as_deref(), Some("即日"));
        assert_eq!(serde_json::to_value(&doc).unwrap(), raw);
    }

    #[test]
    fn an_empty_name_an_unknown_issuer_and_an_absurd_limit_are_refused_in_japanese() {
        let err = |v| {
            serde_json::from_value::<RequiredDocument>(v)
                .unwrap_err()
                .to_string()
        };
        assert!(err(json!("  ")).contains("書類名を入力してください"));
        assert!(err(json!({"name": "x", "issuer": "警察"})).contains("書類の発行元"));
        assert!(err(json!({"name": "x", "valid_months": 0})).contains("1か月から24か月"));
        assert!(err(json!({"name": "x", "lead_days": 400})).contains("366日まで"));
        assert!(err(json!({"name": "x", "colour": "red"})).contains("colour"));
        assert!(err(json!(3)).contains("書類名の文字列"));
    }
}
