//! The catalogue's unit: a support program (支援制度) and every value it is made of.
//!
//! Each part is a parsed value: an invalid municipality code, a window that closes before it
//! opens or a negative amount cannot be represented, and the error says in Japanese what to
//! fix. A `Program` read from JSON is checked the same way as one built in code.

mod amount;
mod code_set;
mod document;
mod id;
mod issuer;
mod kind;
mod labels;
mod link;
mod purpose;
mod round;
mod source;
mod target;
mod verification;
mod window;

use serde::{Deserialize, Serialize};
use time::Date;

/// Kept at its earlier path: calendar and reference values are refused with it too.
pub use crate::error::ModelError;
pub use amount::{Amount, SubsidyRate, Yen};
pub use code_set::CodeSet;
pub use document::{DocumentIssuer, MAX_LEAD_DAYS, MAX_VALID_MONTHS, RequiredDocument};
pub use id::{ProgramId, Title};
pub use issuer::Issuer;
pub use kind::{GovLevel, ProgramKind};
pub use link::OfficialUrl;
pub use purpose::Purpose;
pub use round::{ApplicationRound, ProgramStatus};
pub use source::{Source, SourceKind};
pub use target::{EmployeeBand, TargetAreas, TargetIndustries};
pub use verification::VerifiedSource;
pub use window::{ClosedReason, Schedule, Window, application_window};

use crate::calendar::FiscalYear;
use crate::eligibility::{Rule, RuleTestCase};

/// One support program as the catalogue holds it; the store keeps every saved version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Program {
    pub id: ProgramId,
    pub title: Title,
    /// A few plain sentences: what the program is for.
    #[serde(default)]
    pub summary: String,
    /// The full outline as sanitised HTML (only structural tags, no attributes but `href`).
    #[serde(default)]
    pub detail: String,
    pub kind: ProgramKind,
    pub issuer: Issuer,
    #[serde(default)]
    pub purposes: CodeSet<Purpose>,
    pub industries: TargetIndustries,
    pub areas: TargetAreas,
    /// The employee band the source states, where it states one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employees: Option<EmployeeBand>,
    #[serde(default)]
    pub amount: Amount,
    #[serde(default)]
    pub rounds: Vec<ApplicationRound>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscal_year: Option<FiscalYear>,
    pub status: ProgramStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_url: Option<OfficialUrl>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// 必要書類, each with who issues it and which businesses need it.
    #[serde(default)]
    pub documents: Vec<RequiredDocument>,
    pub source: Source,
    /// The last day staff confirmed the record against the official page (`2026-12-04`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::calendar::iso_date::stored_option"
    )]
    pub last_verified: Option<Date>,
    /// The public documents the record was checked against on `last_verified`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verified_against: Vec<VerifiedSource>,
    /// A note shown with the program (e.g. that demo data must be checked with the official page).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who may apply, as a rule tree; without one the program is judged by
    /// `eligibility::derived_rule`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<Box<Rule>>,
    /// Example businesses with the verdict the rule must give them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub test_cases: Vec<RuleTestCase>,
    /// The version this value was read at; 0 for a program never saved. Set by the store.
    #[serde(default)]
    pub version: u32,
}

impl Program {
    /// Checks the rules that span several fields.
    pub fn validate(&self) -> Result<(), ModelError> {
        self.amount.validate()
    }

    /// Gives back what its lists hold in reserve. A list read from JSON grows as it is read,
    /// so one round is stored with room for four; a catalogue of a million programs held in
    /// memory would keep 200 MB of such room.
    pub fn shrink_to_fit(&mut self) {
        self.rounds.shrink_to_fit();
        self.documents.shrink_to_fit();
        self.verified_against.shrink_to_fit();
        self.test_cases.shrink_to_fit();
    }

    /// True if the two differ in nothing a person would call a change: the version and
    /// the time the source was fetched are bookkeeping, not content.
    pub fn same_content_as(&self, other: &Program) -> bool {
        let strip = |p: &Program| {
            let mut p = p.clone();
            p.version = 0;
            p.source.fetched_at = None;
            p
        };
        strip(self) == strip(other)
    }

    /// The program as staff close it when its budget runs out on `on` (a JST date): the
    /// status 「予算上限により受付終了」, every round still open that day closing at its
    /// end, and a note saying so ahead of any note it had.
    pub fn closed_for_budget(&self, on: Date) -> Program {
        let end = crate::calendar::JstDateTime::from_date(on, crate::calendar::DayEdge::End);
        let rounds = self
            .rounds
            .iter()
            .map(|round| {
                let open_that_day = round.opens().is_none_or(|o| o <= end)
                    && round.closes().is_none_or(|c| c > end);
                if open_that_day {
                    ApplicationRound::new(
                        round.label().map(str::to_owned),
                        round.opens(),
                        Some(end),
                    )
                    .unwrap_or_else(|_| round.clone())
                } else {
                    round.clone()
                }
            })
            .collect();
        let notice = format!(
            "予算の上限に達したため、{}に受付を終了しました。",
            crate::calendar::wareki::format_date(on)
        );
        let note = match self.note.as_deref() {
            Some(old) if old.starts_with(&notice) => old.to_owned(),
            Some(old) => format!("{notice}\n{old}"),
            None => notice,
        };
        Program {
            status: ProgramStatus::ClosedBudget,
            rounds,
            note: Some(note),
            ..self.clone()
        }
    }

    /// The latest closing time over all rounds, if every round has one.
    pub fn final_deadline(&self) -> Option<crate::calendar::JstDateTime> {
        self.rounds
            .iter()
            .map(ApplicationRound::closes)
            .collect::<Option<Vec<_>>>()?
            .into_iter()
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::{DayEdge, JstDateTime};
    use time::macros::date;

    fn at(raw: &str) -> JstDateTime {
        JstDateTime::parse(raw, DayEdge::Start).unwrap()
    }

    #[test]
    fn a_budget_closure_closes_the_open_round_that_day_and_says_so_first() {
        let demo = crate::import::own::parse(crate::demo::CATALOGUE[2].1).unwrap();
        let mut program = demo.programs[0].clone();
        program.note = Some("デモ用データです。".to_owned());
        program.rounds = vec![
            ApplicationRound::new(
                Some("第1回".into()),
                Some(at("2026-04-01")),
                Some(at("2026-05-01T17:00:00")),
            )
            .unwrap(),
            ApplicationRound::new(Some("第2回".into()), Some(at("2026-06-01")), None).unwrap(),
            ApplicationRound::new(
                Some("第3回".into()),
                Some(at("2026-10-01")),
                Some(at("2026-11-30")),
            )
            .unwrap(),
        ];
        let closed = program.closed_for_budget(date!(2026 - 07 - 10));
        assert_eq!(closed.status, ProgramStatus::ClosedBudget);
        assert_eq!(closed.rounds[0], program.rounds[0]);
        assert_eq!(
            closed.rounds[1].closes().map(|c| c.to_rfc3339()).as_deref(),
            Some("2026-07-10T23:59:59+09:00")
        );
        assert_eq!(closed.rounds[2], program.rounds[2]);
        assert_eq!(
            closed.note.as_deref(),
            Some(
                "予算の上限に達したため、2026年7月10日（令和8年）に受付を終了しました。\nデモ用データです。"
            )
        );
        // Closing twice on the same day does not repeat the note.
        assert_eq!(
            closed.closed_for_budget(date!(2026 - 07 - 10)).note,
            closed.note
        );
    }
}
