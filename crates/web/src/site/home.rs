//! The top page and the two lists a visitor checks first: 締切が近い制度 and 新着.
//!
//! The top page offers the ways in a business owner needs — start the diagnosis, search, or
//! pick a purpose — and shows what is closing soon and what is new, so a regular visitor sees
//! at a glance what changed.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{Window, application_window};
use madoguchi_core::program::{Program, Purpose};
use time::Date;

use crate::http::clock;
use crate::site::view::{ProgramRow, date_label, days_left_label};
use crate::{AppError, AppState};

/// How many programs the top page lists in each box.
const TOP_COUNT: usize = 5;
/// How many the full lists show.
const LIST_COUNT: usize = 100;

/// A program with the date that put it on the list.
#[derive(Debug)]
pub struct DatedRow {
    pub row: ProgramRow,
    pub when: String,
}

#[derive(Debug)]
pub struct PurposeLink {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomeTemplate {
    total: usize,
    purposes: Vec<PurposeLink>,
    closing: Vec<DatedRow>,
    new: Vec<DatedRow>,
}

#[derive(Template)]
#[template(path = "programs/dated.html")]
struct DatedListTemplate {
    title: &'static str,
    lead: &'static str,
    rows: Vec<DatedRow>,
}

/// `GET /`.
pub async fn show_home(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let today = clock::today();
    let page = HomeTemplate {
        total: state.catalog().len(),
        purposes: Purpose::ALL
            .iter()
            .map(|p| PurposeLink {
                code: p.code(),
                label: p.label(),
            })
            .collect(),
        closing: closing_soon(&state.catalog(), today, TOP_COUNT),
        new: newest(&state, TOP_COUNT),
    };
    Ok(Html(page.render()?))
}

/// `GET /programs/closing-soon`.
pub async fn show_closing_soon(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let page = DatedListTemplate {
        title: "締切が近い制度",
        lead: "受付中の制度を、締切の早い順に並べています。",
        rows: closing_soon(&state.catalog(), clock::today(), LIST_COUNT),
    };
    Ok(Html(page.render()?))
}

/// `GET /programs/new`.
pub async fn show_new(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let page = DatedListTemplate {
        title: "新着の制度",
        lead: "新しく掲載した制度を、掲載日の新しい順に並べています。",
        rows: newest(&state, LIST_COUNT),
    };
    Ok(Html(page.render()?))
}

/// Open programs with a closing date, soonest first.
fn closing_soon(catalog: &Catalog, today: Date, count: usize) -> Vec<DatedRow> {
    let mut open: Vec<(Date, &Program)> = catalog
        .programs()
        .iter()
        .filter_map(|p| match application_window(p, today) {
            Window::Open {
                closes: Some(closes),
            } => Some((closes, p.as_ref())),
            _ => None,
        })
        .collect();
    open.sort_by_key(|&(closes, p)| (closes, p.id.clone()));
    open.into_iter()
        .take(count)
        .map(|(closes, p)| DatedRow {
            row: ProgramRow::of(p),
            when: match days_left_label(closes, today) {
                Some(days) => format!("{}まで（{days}）", date_label(closes)),
                None => format!("{}まで", date_label(closes)),
            },
        })
        .collect()
}

/// Programs by the day they were first published, newest first.
fn newest(state: &AppState, count: usize) -> Vec<DatedRow> {
    let catalog = state.catalog();
    state
        .program_dates()
        .iter()
        .filter_map(|d| {
            let program = catalog.get(&d.id)?;
            Some(DatedRow {
                row: ProgramRow::of(program),
                when: format!(
                    "{}掲載",
                    date_label(
                        d.first_saved_at
                            .to_offset(madoguchi_core::calendar::JST)
                            .date()
                    )
                ),
            })
        })
        .take(count)
        .collect()
}
