//! Two to four programs side by side for one business: amount, rate, window, how its
//! conditions stand for this business, documents, and whether they can be combined.
//!
//! The catalogue has no field that says whether two programs may be used together, so the
//! comparison never guesses: it says 「制度の案内をご確認ください」 and points at each
//! program's official page.

use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{ConditionStatus, ConditionView, Profile, diagnose};
use madoguchi_core::program::ProgramId;
use time::Date;

use crate::site::checklist::Checklist;
use crate::site::view::{amount_label, date_label, issuer_label, rate_label};

/// The fewest and most programs compared at once.
pub const MIN_COMPARED: usize = 2;
pub const MAX_COMPARED: usize = 4;

/// What the catalogue says about using programs together: nothing yet.
pub const COMBINATION_UNKNOWN: &str = "制度の案内をご確認ください";

/// One program's column.
#[derive(Debug, Clone)]
pub struct ComparedProgram {
    pub id: String,
    pub title: String,
    pub issuer: String,
    pub verdict: &'static str,
    pub amount: String,
    pub rate: String,
    pub window: String,
    /// Conditions met, not met and still open, counted: 「満たす3・満たさない0・確認が必要1」.
    pub tally: String,
    /// Each condition with its mark (✓ ✗ ？).
    pub conditions: Vec<(&'static str, &'static str, String)>,
    pub documents: Checklist,
    pub combination: &'static str,
    pub official_url: Option<String>,
}

/// The comparison page.
#[derive(Debug, Clone)]
pub struct CompareView {
    pub as_of: String,
    pub programs: Vec<ComparedProgram>,
    /// The ids, for the sheet link.
    pub query: String,
}

/// Why a choice cannot be compared, in Japanese.
pub fn check_count(ids: &[String]) -> Result<(), String> {
    match ids.len() {
        0 | 1 => Err(format!(
            "比べる制度を{MIN_COMPARED}つ以上選んでください（いま{}つ選ばれています）。結果のページで制度のチェックボックスを選んでから「選んだ制度を比べる」を押してください。",
            ids.len()
        )),
        n if n > MAX_COMPARED => Err(format!(
            "一度に比べられるのは{MAX_COMPARED}つまでです（いま{n}つ選ばれています）。チェックを外してから、もう一度お試しください。"
        )),
        _ => Ok(()),
    }
}

impl CompareView {
    /// The comparison of `ids` for `profile`; `Err` says in Japanese what to change.
    pub fn build(
        catalog: &Catalog,
        profile: &Profile,
        ids: &[String],
        as_of: Date,
    ) -> Result<Self, String> {
        check_count(ids)?;
        let diagnosis = diagnose(catalog.programs(), catalog.rules(), profile, as_of, None);
        let mut programs = Vec::new();
        for raw in ids {
            let found = ProgramId::parse(raw).ok().and_then(|id| {
                let program = catalog.get(&id)?;
                let result = diagnosis.results.iter().find(|r| r.program_id == id)?;
                Some((program, result))
            });
            let Some((p, r)) = found else {
                return Err(
                    "選ばれた制度の一部が見つかりませんでした。掲載が終わった可能性があります。結果のページから選び直してください。".to_owned(),
                );
            };
            let leaves: Vec<&ConditionView> = ConditionView::flatten(&r.conditions)
                .into_iter()
                .filter(|c| c.children.is_empty())
                .collect();
            let count = |wanted: &[ConditionStatus]| {
                leaves.iter().filter(|c| wanted.contains(&c.status)).count()
            };
            let tally = format!(
                "満たす{}・満たさない{}・確認が必要{}",
                count(&[ConditionStatus::Met]),
                count(&[ConditionStatus::NotMet]),
                count(&[ConditionStatus::Unknown, ConditionStatus::ToConfirm]),
            );
            programs.push(ComparedProgram {
                id: p.id.to_string(),
                title: p.title.to_string(),
                issuer: issuer_label(p),
                verdict: r.verdict_label,
                amount: amount_label(p)
                    .or_else(|| p.amount.text.clone())
                    .unwrap_or_else(|| "記載なし".to_owned()),
                rate: rate_label(p).unwrap_or_else(|| "記載なし".to_owned()),
                window: r.window_detail.label(),
                tally,
                conditions: leaves
                    .iter()
                    .filter(|c| c.status != ConditionStatus::NotNeeded)
                    .map(|c| {
                        let mark = match c.status {
                            ConditionStatus::Met => "✓",
                            ConditionStatus::NotMet => "✗",
                            _ => "？",
                        };
                        (mark, c.status_label, c.text.clone())
                    })
                    .collect(),
                documents: Checklist::of(p, profile, as_of),
                combination: COMBINATION_UNKNOWN,
                official_url: p.official_url.as_ref().map(ToString::to_string),
            });
        }
        let query = programs
            .iter()
            .map(|p| format!("p={}", p.id))
            .collect::<Vec<_>>()
            .join("&");
        Ok(Self {
            as_of: date_label(as_of),
            programs,
            query,
        })
    }
}
