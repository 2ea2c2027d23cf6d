//! A program's document checklist as the pages show it: the program page, the results page,
//! the application sheet and the comparison all list documents the same way.

use madoguchi_core::eligibility::{ChecklistItem, DocumentNeed, Profile, checklist};
use madoguchi_core::program::Program;
use time::Date;

/// One document as a line of a checklist.
#[derive(Debug, Clone)]
pub struct DocumentLine {
    pub name: String,
    /// 「法務局」; `None` where the catalogue does not say.
    pub issuer: Option<&'static str>,
    /// 「約7日」「即日」.
    pub lead_time: Option<String>,
    /// 「発行後3か月以内」.
    pub freshness: Option<String>,
    pub form_provided: bool,
    /// 「必要」「該当する場合」.
    pub need: &'static str,
    /// For CSS: `needed`, `if-applicable` or `not-needed`.
    pub need_class: &'static str,
    /// Who needs it, in words; empty for everyone.
    pub condition: String,
}

impl DocumentLine {
    pub fn of(item: &ChecklistItem<'_>) -> Self {
        let d = item.document;
        Self {
            name: d.name().to_owned(),
            issuer: d.issuer().map(|i| i.label()),
            lead_time: d.lead_time_label(),
            freshness: d.freshness_label(),
            form_provided: d.form_provided(),
            need: item.need.label(),
            need_class: match item.need {
                DocumentNeed::Needed => "needed",
                DocumentNeed::IfApplicable => "if-applicable",
                DocumentNeed::NotNeeded => "not-needed",
            },
            condition: item.condition.clone(),
        }
    }

    /// 「取得先：法務局・取得まで：即日・発行後3か月以内・様式は制度が用意」; empty when the
    /// catalogue knows only the name.
    pub fn details(&self) -> String {
        let mut parts = Vec::new();
        if let Some(issuer) = self.issuer {
            parts.push(format!("取得先：{issuer}"));
        }
        if let Some(lead) = &self.lead_time {
            parts.push(format!("取得まで：{lead}"));
        }
        if let Some(fresh) = &self.freshness {
            parts.push(fresh.clone());
        }
        if self.form_provided {
            parts.push("様式は制度が用意".to_owned());
        }
        parts.join("・")
    }

    /// The whole line as one text (the comparison's cells, the PDF, the history's diff).
    pub fn one_line(&self) -> String {
        let mut line = self.name.clone();
        let details = self.details();
        if !details.is_empty() {
            line.push_str(&format!("（{details}）"));
        }
        if self.need_class != "needed" {
            line.push_str(&format!("【{}", self.need));
            if !self.condition.is_empty() {
                line.push_str(&format!("：{}", self.condition));
            }
            line.push('】');
        }
        line
    }
}

/// The documents a business needs for a program, split into what it needs (or may need) and
/// what its answers rule out.
#[derive(Debug, Clone, Default)]
pub struct Checklist {
    /// 必要 and 該当する場合, in the program's order.
    pub lines: Vec<DocumentLine>,
    /// The names of the documents its answers show it does not need.
    pub not_needed: Vec<String>,
}

impl Checklist {
    /// The checklist for `profile` (an empty profile for a reader who has not answered: then
    /// every conditional document is 「該当する場合」 with its condition).
    pub fn of(program: &Program, profile: &Profile, as_of: Date) -> Self {
        let mut out = Self::default();
        for item in checklist(program, profile, as_of) {
            if item.need == DocumentNeed::NotNeeded {
                out.not_needed.push(item.document.name().to_owned());
            } else {
                out.lines.push(DocumentLine::of(&item));
            }
        }
        out
    }

    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.not_needed.is_empty()
    }
}
