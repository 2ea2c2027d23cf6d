//! The experts proposed for a case, with the reasons a public body can show: the store's
//! registry and standings, the case's needs, and `desk::propose` — nothing else decides.
//!
//! An expert who declined this case is left out of the next proposal, and said so.

use madoguchi_core::calendar::{DayEdge, FiscalYear, JstDateTime};
use madoguchi_core::desk::{Candidate, CaseNeed, ExpertKind, Standing, propose};
use madoguchi_store::{Case, CaseEvent, ExpertEntry, StoreError};
use time::{Date, Month, OffsetDateTime};

use crate::AppState;
use crate::http::clock;

/// How many proposals the case page shows.
pub const SHOWN: usize = 3;

/// One proposed expert as staff read it.
#[derive(Debug, Clone)]
pub struct ProposalView {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub reasons: Vec<String>,
    pub this_month: u32,
    pub capacity: u32,
    pub this_fiscal_year: u32,
}

/// One expert left out, and why.
#[derive(Debug, Clone)]
pub struct ExcludedView {
    pub id: String,
    pub name: String,
    pub why: String,
}

/// The matching of one case against one kind of expert.
#[derive(Debug, Clone, Default)]
pub struct Proposals {
    pub proposals: Vec<ProposalView>,
    pub excluded: Vec<ExcludedView>,
}

impl Proposals {
    /// Matches `case` (opened, with its personal data for the place and the parties)
    /// against every registered expert of `kind`; up to `limit` proposals.
    pub async fn of(
        state: &AppState,
        registry: &[ExpertEntry],
        case: &Case,
        events: &[CaseEvent],
        kind: ExpertKind,
        limit: usize,
    ) -> Result<Self, StoreError> {
        let today = clock::today();
        let standings = state
            .store()
            .standings(&case.category, month_of(today), fiscal_year_of(today))
            .await?;
        // Who declined this case, or was taken off it, with why they are not proposed again.
        let left: Vec<(&str, &str)> = events
            .iter()
            .filter_map(|e| {
                let why = match e.step.as_str() {
                    "decline" => "この相談を辞退しています",
                    "reassign" => "この相談の担当から外れています",
                    _ => return None,
                };
                Some((e.expert_id.as_deref()?, why))
            })
            .collect();
        let why_left = |id: &str| left.iter().find(|(who, _)| *who == id).map(|(_, why)| *why);
        let (had_left, others): (Vec<&ExpertEntry>, Vec<&ExpertEntry>) = registry
            .iter()
            .filter(|e| e.expert.kind == kind)
            .partition(|e| why_left(&e.expert.id).is_some());
        let candidates: Vec<Candidate<'_>> = others
            .iter()
            .map(|e| Candidate {
                expert: &e.expert,
                standing: standings.get(&e.expert.id).copied().unwrap_or_default(),
            })
            .collect();
        let need = need_of(case, today);
        let matching = propose(&need, kind, &candidates, limit);
        let mut excluded: Vec<ExcludedView> = had_left
            .iter()
            .map(|e| ExcludedView {
                id: e.expert.id.clone(),
                name: e.expert.name.clone(),
                why: why_left(&e.expert.id).unwrap_or_default().to_owned(),
            })
            .collect();
        excluded.extend(matching.excluded.iter().map(|(expert, why)| ExcludedView {
            id: expert.id.clone(),
            name: expert.name.clone(),
            why: why.message(),
        }));
        Ok(Self {
            proposals: matching
                .proposals
                .iter()
                .map(|p| view(p.expert, p.score, &p.reasons, p.standing))
                .collect(),
            excluded,
        })
    }
}

fn view(
    expert: &madoguchi_core::desk::Expert,
    score: u32,
    reasons: &[String],
    standing: Standing,
) -> ProposalView {
    ProposalView {
        id: expert.id.clone(),
        name: expert.name.clone(),
        score,
        reasons: reasons.to_vec(),
        this_month: standing.this_month,
        capacity: expert.monthly_capacity,
        this_fiscal_year: standing.this_fiscal_year,
    }
}

/// What the case needs, from its category, requester, tags and, while it holds personal
/// data, the requester's place and organisation (for conflicts of interest).
fn need_of(case: &Case, today: Date) -> CaseNeed {
    let mut need = CaseNeed::new(case.category.clone(), case.requester, today)
        .with_tags(case.tags.iter().map(String::as_str));
    if let Some(personal) = &case.personal {
        need = need.with_parties(personal.parties());
        if let Some(place) = personal.place {
            need = need.in_place(place);
        }
    }
    need
}

fn start_of(day: Date) -> OffsetDateTime {
    JstDateTime::from_date(day, DayEdge::Start).as_offset()
}

/// This calendar month in JST, as `[from, to)`.
fn month_of(today: Date) -> (OffsetDateTime, OffsetDateTime) {
    let first = today.replace_day(1).unwrap_or(today);
    let next = match first.month() {
        Month::December => Date::from_calendar_date(first.year() + 1, Month::January, 1),
        month => Date::from_calendar_date(first.year(), month.next(), 1),
    }
    .unwrap_or(first);
    (start_of(first), start_of(next))
}

/// This fiscal year (April to March) in JST, as `[from, to)`.
fn fiscal_year_of(today: Date) -> (OffsetDateTime, OffsetDateTime) {
    let year = FiscalYear::containing(today);
    let after = year.last_day().next_day().unwrap_or(year.last_day());
    (start_of(year.first_day()), start_of(after))
}
