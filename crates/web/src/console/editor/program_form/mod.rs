//! Every catalogue field of a program as a labelled form control, and back.
//!
//! The form holds text exactly as typed, so a page re-rendered after a mistake (or after an
//! add-row button) shows what the person wrote, not what the server understood. `apply`
//! reads it into a `Program` with the model's own checks; each refusal is the model's
//! Japanese message, kept beside the field it belongs to. `ProgramForm::of` writes amounts
//! the Japanese way (「5,000万円」), dates as 「2026-04-01」 and windows without the clock
//! time where it is the day's edge, and reading them back gives the same program.

mod documents;
mod to_program;
mod typed;

#[cfg(test)]
mod tests;

use madoguchi_core::calendar::DayEdge;
use madoguchi_core::japanese_amount::format_japanese_yen;
use madoguchi_core::program::{Program, TargetAreas, TargetIndustries, VerifiedSource};
use madoguchi_core::reference::local_gov;

use super::case_form::{CaseAction, CaseRow};
use super::rule_form::list_items;
use crate::http::form::FormData;

pub use documents::{DocumentAction, DocumentRow, WHEN_CHOICES};
pub(crate) use typed::{date_text, optional, read_date};
use typed::{jsic_text, moment_text, place_code};

/// The most application rounds a form may hold.
pub const MAX_ROUNDS: usize = 50;

/// One application round as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundRow {
    pub label: String,
    pub opens: String,
    pub closes: String,
}

/// A program as the editor's form holds it: every value as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramForm {
    pub id: String,
    pub title: String,
    pub summary: String,
    pub detail: String,
    pub kind: String,
    pub issuer_level: String,
    pub issuer_code: String,
    pub issuer_name: String,
    pub issuer_institution: String,
    pub purposes: Vec<String>,
    /// `all` or `only`.
    pub industries_scope: String,
    pub industries: String,
    /// `nationwide` or `local`.
    pub areas_scope: String,
    pub areas: String,
    pub employees: String,
    pub amount_max: String,
    pub amount_min: String,
    pub rate: String,
    pub rate_text: String,
    pub amount_text: String,
    pub rounds: Vec<RoundRow>,
    pub fiscal_year: String,
    pub status: String,
    pub official_url: String,
    pub contact: String,
    /// The required documents, one row each.
    pub documents: Vec<DocumentRow>,
    pub note: String,
    pub last_verified: String,
    /// The documents checked against, one per line: a title, then optionally its address.
    pub verified_against: String,
    /// The test profiles.
    pub cases: Vec<CaseRow>,
}

/// The form's refusals, each beside the control it belongs to (by the control's name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(String, String)>);

impl FieldErrors {
    pub(crate) fn add(&mut self, name: &str, message: impl Into<String>) {
        self.0.push((name.to_owned(), message.into()));
    }

    /// The message for one control, if it was refused.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Asserts that each control named has a message containing its text, for tests.
    #[cfg(test)]
    pub fn assert_each(&self, expect: &[(&str, &str)]) {
        for (name, text) in expect {
            let message = self.get(name).unwrap_or_else(|| panic!("{name}: {self:?}"));
            assert!(message.contains(text), "{name}: {message}");
        }
    }
}

/// A change asked for by a rounds button.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RoundAction {
    Add,
    Remove(usize),
}

impl RoundAction {
    /// `round-add` or `round-remove:2`.
    pub fn parse(raw: &str) -> Option<Self> {
        if raw == "round-add" {
            return Some(Self::Add);
        }
        raw.strip_prefix("round-remove:")?
            .parse()
            .ok()
            .map(Self::Remove)
    }
}

impl ProgramForm {
    /// The form filled in from a program.
    pub fn of(p: &Program) -> Self {
        let codes = |items: Vec<String>| items.join("、");
        let (industries_scope, industries) = match &p.industries {
            TargetIndustries::All => ("all", String::new()),
            TargetIndustries::Only(set) => ("only", codes(set.iter().map(jsic_text).collect())),
        };
        let (areas_scope, areas) = match &p.areas {
            TargetAreas::Nationwide => ("nationwide", String::new()),
            TargetAreas::Local(set) => (
                "local",
                codes(set.iter().map(ToString::to_string).collect()),
            ),
        };
        let yen = |y: Option<madoguchi_core::program::Yen>| {
            y.map(format_japanese_yen).unwrap_or_default()
        };
        Self {
            id: p.id.to_string(),
            title: p.title.to_string(),
            summary: p.summary.clone(),
            detail: p.detail.clone(),
            kind: p.kind.code().to_owned(),
            issuer_level: p.issuer.level().code().to_owned(),
            issuer_code: p.issuer.code().map(|c| c.to_string()).unwrap_or_default(),
            issuer_name: p.issuer.name().to_owned(),
            issuer_institution: p.issuer.institution().unwrap_or_default().to_owned(),
            purposes: p.purposes.iter().map(|x| x.code().to_owned()).collect(),
            industries_scope: industries_scope.to_owned(),
            industries,
            areas_scope: areas_scope.to_owned(),
            areas,
            employees: p.employees.map(|b| b.code().to_owned()).unwrap_or_default(),
            amount_max: yen(p.amount.max),
            amount_min: yen(p.amount.min),
            rate: p.amount.rate.map(|r| r.to_string()).unwrap_or_default(),
            rate_text: p.amount.rate_text.clone().unwrap_or_default(),
            amount_text: p.amount.text.clone().unwrap_or_default(),
            rounds: p
                .rounds
                .iter()
                .map(|r| RoundRow {
                    label: r.label().unwrap_or_default().to_owned(),
                    opens: moment_text(r.opens(), DayEdge::Start),
                    closes: moment_text(r.closes(), DayEdge::End),
                })
                .collect(),
            fiscal_year: p
                .fiscal_year
                .map(|y| y.year().to_string())
                .unwrap_or_default(),
            status: p.status.code().to_owned(),
            official_url: p
                .official_url
                .as_ref()
                .map(|u| u.to_string())
                .unwrap_or_default(),
            contact: p.contact.clone().unwrap_or_default(),
            documents: p.documents.iter().map(DocumentRow::of).collect(),
            note: p.note.clone().unwrap_or_default(),
            last_verified: date_text(p.last_verified),
            verified_against: p
                .verified_against
                .iter()
                .map(VerifiedSource::to_line)
                .collect::<Vec<_>>()
                .join("\n"),
            cases: p.test_cases.iter().map(CaseRow::of).collect(),
        }
    }

    /// The form as posted; missing controls read as empty.
    pub fn read(form: &FormData) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        let mut rounds = Vec::new();
        for (key, _) in form.pairs() {
            let Some(n) = key
                .strip_prefix("round-")
                .and_then(|rest| rest.strip_suffix("-label"))
            else {
                continue;
            };
            if rounds.len() >= MAX_ROUNDS {
                break;
            }
            rounds.push(RoundRow {
                label: text(&format!("round-{n}-label")),
                opens: text(&format!("round-{n}-opens")),
                closes: text(&format!("round-{n}-closes")),
            });
        }
        Self {
            id: text("id"),
            title: text("title"),
            summary: text("summary"),
            detail: text("detail"),
            kind: text("kind"),
            issuer_level: text("issuer-level"),
            issuer_code: text("issuer-code"),
            issuer_name: text("issuer-name"),
            issuer_institution: text("issuer-institution"),
            purposes: form
                .all("purposes")
                .into_iter()
                .map(str::to_owned)
                .collect(),
            industries_scope: text("industries-scope"),
            industries: text("industries"),
            areas_scope: text("areas-scope"),
            areas: text("areas"),
            employees: text("employees"),
            amount_max: text("amount-max"),
            amount_min: text("amount-min"),
            rate: text("amount-rate"),
            rate_text: text("amount-rate-text"),
            amount_text: text("amount-text"),
            rounds,
            fiscal_year: text("fiscal-year"),
            status: text("status"),
            official_url: text("official-url"),
            contact: text("contact"),
            documents: DocumentRow::read_all(form),
            note: text("note"),
            last_verified: text("last-verified"),
            verified_against: text("verified-against"),
            cases: CaseRow::read_all(form),
        }
    }

    pub fn apply_round_action(&mut self, action: RoundAction) {
        match action {
            RoundAction::Add if self.rounds.len() < MAX_ROUNDS => {
                self.rounds.push(RoundRow::default())
            }
            RoundAction::Add => {}
            RoundAction::Remove(n) => {
                if n < self.rounds.len() {
                    self.rounds.remove(n);
                }
            }
        }
    }

    /// Carries out a test profiles button; `Err` says in Japanese why it was not done.
    pub fn apply_case_action(&mut self, action: CaseAction) -> Result<(), String> {
        CaseRow::apply(&mut self.cases, action)
    }

    /// The names of the places the areas list names, for a hint beside the control.
    pub fn area_names(&self) -> String {
        list_items(&self.areas)
            .filter_map(|raw| place_code(raw).ok())
            .filter_map(local_gov)
            .map(|g| g.full_name())
            .collect::<Vec<_>>()
            .join("、")
    }
}
