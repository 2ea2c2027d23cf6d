//! `GET /console/desk/figures` (職員以上): the service figures of this fiscal year — per
//! category and per expert, open cases, business days to first contact and days to
//! close — the overdue count, and the partner companies' shares of introductions, so that
//! the supervisor can see the rotation is fair.

use askama::Template;
use axum::extract::State;
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::calendar::{BusinessCalendar, DayEdge, FiscalYear, JstDateTime};
use madoguchi_core::desk::{ExpertKind, Figures, figures_by};
use madoguchi_core::staff::Role;
use madoguchi_store::CaseQuery;

use super::list::{expert_name, overdue_cut_off};
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::desk::DeskSettings;
use crate::http::clock;
use crate::{AppError, AppState};

/// One line of a figures table.
#[derive(Debug)]
pub struct FigureRow {
    pub label: String,
    pub cases: u32,
    pub open: u32,
    pub to_contact: String,
    pub to_close: String,
    /// The share of the fiscal year's introductions, for partner companies.
    pub share: String,
}

#[derive(Template)]
#[template(path = "console/desk/figures.html")]
struct FiguresPage {
    frame: Option<Frame>,
    fiscal_year: String,
    overdue: u64,
    first_contact_days: u32,
    by_category: Vec<FigureRow>,
    by_expert: Vec<FigureRow>,
    partners: Vec<FigureRow>,
}

fn row(label: String, f: &Figures, share: String) -> FigureRow {
    let days = |d: Option<f64>| d.map_or_else(|| "－".to_owned(), |d| format!("{d:.1}日"));
    FigureRow {
        label,
        cases: f.cases,
        open: f.open,
        to_contact: days(f.days_to_contact),
        to_close: days(f.days_to_close),
        share,
    }
}

/// `GET /console/desk/figures`.
pub async fn show_figures(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let settings = DeskSettings::load(state.store()).await?;
    let year = FiscalYear::containing(clock::today());
    let since = JstDateTime::from_date(year.first_day(), DayEdge::Start).as_offset();
    let cases = state.store().case_times(since).await?;
    let experts = state.store().experts().await?;
    let calendar = BusinessCalendar::bundled();
    let by_category = figures_by(&cases, calendar, |c| Some(c.category.clone()))
        .into_iter()
        .map(|(c, f)| row(settings.label_of(&c).to_owned(), &f, String::new()))
        .collect();
    let per_expert = figures_by(&cases, calendar, |c| c.expert_id.clone());
    let is_partner = |id: &str| {
        experts
            .iter()
            .any(|e| e.expert.id == id && e.expert.kind == ExpertKind::Partner)
    };
    let partner_total: u32 = per_expert
        .iter()
        .filter(|(id, _)| is_partner(id))
        .map(|(_, f)| f.cases)
        .sum();
    let by_expert = per_expert
        .iter()
        .filter(|(id, _)| !is_partner(id))
        .map(|(id, f)| row(expert_name(&experts, id), f, String::new()))
        .collect();
    // Every partner is listed, those without an introduction too: a share of 0 is what
    // the rotation is there to see.
    let partners = experts
        .iter()
        .filter(|e| e.expert.kind == ExpertKind::Partner)
        .map(|e| {
            let f = per_expert
                .iter()
                .find(|(id, _)| *id == e.expert.id)
                .map(|(_, f)| f.clone())
                .unwrap_or_default();
            let share = if partner_total == 0 {
                "－".to_owned()
            } else {
                format!(
                    "{:.0}%",
                    f64::from(f.cases) * 100.0 / f64::from(partner_total)
                )
            };
            row(e.expert.name.clone(), &f, share)
        })
        .collect();
    let overdue = state
        .store()
        .count_cases(&CaseQuery {
            uncontacted_before: Some(overdue_cut_off(&settings)),
            ..CaseQuery::default()
        })
        .await?;
    let page = FiguresPage {
        frame: Some(staff.frame("/console/desk")),
        fiscal_year: year.label(),
        overdue,
        first_contact_days: settings.first_contact_days,
        by_category,
        by_expert,
        partners,
    };
    Ok(Html(page.render()?).into_response())
}
