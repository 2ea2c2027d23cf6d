//! The required documents as repeated rows of the editor: one fieldset per document, with its
//! issuer, lead time, freshness, whether the program provides the form, and who needs it.
//!
//! Who needs a document is a rule in the eligibility language. The common cases (法人のみ,
//! 個人事業主のみ) are a choice in a list so that staff need not write JSON; anything else is
//! written as a rule in JSON and checked by the same compiler as eligibility rules.

use madoguchi_core::eligibility::{Rule, document_rule_errors};
use madoguchi_core::program::{DocumentIssuer, RequiredDocument};
use serde_json::json;

use super::FieldErrors;
use crate::http::form::FormData;

/// The most documents a form may hold.
pub const MAX_DOCUMENTS: usize = 50;

/// One document as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentRow {
    pub name: String,
    /// An issuer code, or empty for 未設定.
    pub issuer: String,
    pub lead_days: String,
    pub valid_months: String,
    /// `yes` when the program provides the form.
    pub form_provided: String,
    /// Empty (everyone), a preset's code, or `custom`.
    pub when: String,
    /// The rule in JSON when `when` is `custom`.
    pub rule: String,
}

/// Who needs a document, as the list offers it: (code, label).
pub const WHEN_CHOICES: [(&str, &str); 4] = [
    ("", "すべての申請者"),
    ("corporation", "法人のみ"),
    ("sole_proprietor", "個人事業主のみ"),
    ("custom", "条件を指定する（JSON）"),
];

/// The rule behind a preset of `WHEN_CHOICES`.
fn preset(code: &str) -> Option<Rule> {
    let value = match code {
        "corporation" => {
            json!({"field": "org_form", "op": "not_in", "value": ["sole_proprietor", "planning"]})
        }
        "sole_proprietor" => json!({"field": "org_form", "op": "eq", "value": "sole_proprietor"}),
        _ => return None,
    };
    serde_json::from_value(value).ok()
}

/// A change asked for by a documents button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentAction {
    Add,
    Remove(usize),
}

impl DocumentAction {
    /// `document-add` or `document-remove:2`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "document-add" {
            return Some(Self::Add);
        }
        raw.strip_prefix("document-remove:")?
            .parse()
            .ok()
            .map(Self::Remove)
    }

    /// Carries the change out on the rows.
    pub fn apply(self, rows: &mut Vec<DocumentRow>) {
        match self {
            Self::Add if rows.len() < MAX_DOCUMENTS => rows.push(DocumentRow::default()),
            Self::Add => {}
            Self::Remove(n) if n < rows.len() => {
                rows.remove(n);
            }
            Self::Remove(_) => {}
        }
    }
}

impl DocumentRow {
    /// The row filled in from a saved document.
    pub fn of(d: &RequiredDocument) -> Self {
        let (when, rule) = match d.when() {
            None => (String::new(), String::new()),
            Some(rule) => match ["corporation", "sole_proprietor"]
                .into_iter()
                .find(|code| preset(code).as_ref() == Some(rule))
            {
                Some(code) => (code.to_owned(), String::new()),
                None => (
                    "custom".to_owned(),
                    serde_json::to_string_pretty(rule).unwrap_or_default(),
                ),
            },
        };
        Self {
            name: d.name().to_owned(),
            issuer: d.issuer().map(|i| i.code().to_owned()).unwrap_or_default(),
            lead_days: d.lead_days().map(|n| n.to_string()).unwrap_or_default(),
            valid_months: d.valid_months().map(|n| n.to_string()).unwrap_or_default(),
            form_provided: if d.form_provided() { "yes" } else { "" }.to_owned(),
            when,
            rule,
        }
    }

    /// Every row as posted (`document-0-name`, …), in the page's order.
    pub fn read_all(form: &FormData) -> Vec<Self> {
        let text = |name: String| form.get(&name).unwrap_or_default().to_owned();
        form.pairs()
            .filter_map(|(key, _)| {
                key.strip_prefix("document-")?
                    .strip_suffix("-name")
                    .map(str::to_owned)
            })
            .take(MAX_DOCUMENTS)
            .map(|n| Self {
                name: text(format!("document-{n}-name")),
                issuer: text(format!("document-{n}-issuer")),
                lead_days: text(format!("document-{n}-lead-days")),
                valid_months: text(format!("document-{n}-valid-months")),
                form_provided: text(format!("document-{n}-form")),
                when: text(format!("document-{n}-when")),
                rule: text(format!("document-{n}-rule")),
            })
            .collect()
    }

    fn is_blank(&self) -> bool {
        self.name.trim().is_empty()
            && self.issuer.is_empty()
            && self.lead_days.trim().is_empty()
            && self.valid_months.trim().is_empty()
            && self.form_provided.is_empty()
            && self.when.is_empty()
            && self.rule.trim().is_empty()
    }
}

/// The documents the rows describe; each mistake is kept beside its control. Blank rows are
/// dropped.
pub fn read_documents(rows: &[DocumentRow], errors: &mut FieldErrors) -> Vec<RequiredDocument> {
    let mut out = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let name = |part: &str| format!("document-{n}-{part}");
        let mut ok = true;
        let issuer = match row.issuer.trim() {
            "" => None,
            code => DocumentIssuer::parse(code)
                .map_err(|e| {
                    errors.add(&name("issuer"), e.to_string());
                    ok = false;
                })
                .ok(),
        };
        let mut number = |part: &str, raw: &str, max: u32| -> Option<u32> {
            let raw = raw.trim();
            if raw.is_empty() {
                return None;
            }
            let normalised: String = raw
                .chars()
                .map(|c| match c {
                    '０'..='９' => {
                        char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c)
                    }
                    c => c,
                })
                .collect();
            match normalised.parse::<u32>() {
                Ok(v) if v <= max => Some(v),
                _ => {
                    errors.add(
                        &name(part),
                        format!("「{raw}」は0から{max}までの数字で入力してください。"),
                    );
                    ok = false;
                    None
                }
            }
        };
        let lead_days = number("lead-days", &row.lead_days, u32::from(u16::MAX));
        let valid_months = number("valid-months", &row.valid_months, u32::from(u8::MAX));
        let when = match row.when.as_str() {
            "" => None,
            "custom" => custom_rule(&row.rule, &name("rule"), errors, &mut ok),
            code => match preset(code) {
                Some(rule) => Some(rule),
                None => {
                    errors.add(&name("when"), "対象となる申請者を一覧から選んでください。");
                    ok = false;
                    None
                }
            },
        };
        let document = RequiredDocument::new(
            &row.name,
            issuer,
            lead_days.and_then(|d| u16::try_from(d).ok()),
            valid_months.and_then(|m| u8::try_from(m).ok()),
            row.form_provided == "yes",
            when,
        );
        match document {
            Ok(d) if ok => out.push(d),
            Ok(_) => {}
            Err(e) => {
                let part = match e {
                    madoguchi_core::program::ModelError::DocumentLeadDays(_) => "lead-days",
                    madoguchi_core::program::ModelError::DocumentValidMonths(_) => "valid-months",
                    _ => "name",
                };
                errors.add(&name(part), e.to_string());
            }
        }
    }
    out
}

/// A rule typed in JSON, checked by the eligibility compiler.
fn custom_rule(raw: &str, control: &str, errors: &mut FieldErrors, ok: &mut bool) -> Option<Rule> {
    let mut refuse = |message: String| {
        errors.add(control, message);
        *ok = false;
        None
    };
    if raw.trim().is_empty() {
        return refuse(
            "条件をJSONで入力するか、対象を「すべての申請者」などから選んでください。".to_owned(),
        );
    }
    let rule: Rule = match serde_json::from_str(raw) {
        Ok(rule) => rule,
        Err(e) => {
            return refuse(format!(
                "条件をJSONとして読み取れません（{}行目{}文字目）。例：{{\"field\": \"org_form\", \"op\": \"eq\", \"value\": \"sole_proprietor\"}}",
                e.line(),
                e.column()
            ));
        }
    };
    let problems = document_rule_errors(&rule);
    if problems.is_empty() {
        Some(rule)
    } else {
        refuse(
            problems
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" "),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str) -> DocumentRow {
        DocumentRow {
            name: name.to_owned(),
            ..DocumentRow::default()
        }
    }

    #[test]
    fn a_structured_document_survives_the_form_both_ways() {
        let rows = vec![
            DocumentRow {
                issuer: "legal_affairs_bureau".into(),
                lead_days: "０".into(),
                valid_months: "3".into(),
                when: "corporation".into(),
                ..row("履歴事項全部証明書")
            },
            row(""),
            DocumentRow {
                form_provided: "yes".into(),
                when: "custom".into(),
                rule: r#"{"manual": "災害で被害を受けたこと"}"#.into(),
                ..row("罹災証明書")
            },
        ];
        let mut errors = FieldErrors::default();
        let docs = read_documents(&rows, &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(docs.len(), 2);
        assert_eq!(
            docs[0].freshness_label().as_deref(),
            Some("発行後3か月以内")
        );
        let back: Vec<DocumentRow> = docs.iter().map(DocumentRow::of).collect();
        assert_eq!(back[0].when, "corporation");
        assert_eq!(back[0].lead_days, "0");
        assert_eq!(back[1].when, "custom");
        assert_eq!(read_documents(&back, &mut errors), docs);
    }

    #[test]
    fn each_mistake_is_said_in_japanese_beside_its_control() {
        let rows = vec![
            DocumentRow {
                issuer: "警察".into(),
                ..row("x")
            },
            DocumentRow {
                valid_months: "0".into(),
                ..row("y")
            },
            DocumentRow {
                lead_days: "すぐ".into(),
                ..row("z")
            },
            DocumentRow {
                when: "custom".into(),
                rule: r#"{"field": "emploees", "op": "le", "value": 5}"#.into(),
                ..row("w")
            },
            DocumentRow {
                when: "custom".into(),
                rule: "{".into(),
                ..row("v")
            },
            DocumentRow {
                issuer: "tax_office".into(),
                ..row("")
            },
        ];
        let mut errors = FieldErrors::default();
        assert!(read_documents(&rows, &mut errors).is_empty());
        errors.assert_each(&[
            ("document-0-issuer", "書類の発行元"),
            ("document-1-valid-months", "1か月から24か月"),
            ("document-2-lead-days", "数字で入力"),
            ("document-3-rule", "emploees"),
            ("document-4-rule", "JSONとして読み取れません"),
            ("document-5-name", "書類名を入力してください"),
        ]);
    }

    #[test]
    fn the_buttons_add_and_remove_rows() {
        let mut rows = vec![row("a"), row("b")];
        DocumentAction::parse("document-add")
            .unwrap()
            .apply(&mut rows);
        assert_eq!(rows.len(), 3);
        DocumentAction::parse("document-remove:0")
            .unwrap()
            .apply(&mut rows);
        assert_eq!(rows[0].name, "b");
        assert_eq!(DocumentAction::parse("document-remove:x"), None);
    }
}
