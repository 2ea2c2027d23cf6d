//! The program list and the program page.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use madoguchi_core::eligibility::{ConditionStatus, RuleOrigin};
use madoguchi_core::program::ProgramId;
use serde::Deserialize;

use crate::listing::ProgramFilter;
use crate::view::{FilterOption, ProgramPage, ProgramRow, level_options, purpose_options};
use crate::{AppError, AppState, clock};

const PAGE_SIZE: usize = 50;

#[derive(Debug, Deserialize)]
pub struct ListParams {
    page: Option<usize>,
}

#[derive(Template)]
#[template(path = "programs/index.html")]
struct ListTemplate {
    rows: Vec<ProgramRow>,
    total: usize,
    page: usize,
    pages: usize,
    q: String,
    purposes: Vec<FilterOption>,
    levels: Vec<FilterOption>,
    open_only: bool,
    filtered: bool,
    describe: String,
    /// The filter as URL parameters, for paging and feed links (empty when unfiltered).
    query: String,
}

/// `GET /programs?q=…&purpose=…&level=…&window=open&page=…`.
pub async fn list_programs(
    State(state): State<AppState>,
    filter: ProgramFilter,
    params: Result<Query<ListParams>, QueryRejection>,
) -> Result<Html<String>, AppError> {
    // A page number that does not read is the first page.
    let requested = params.ok().and_then(|Query(p)| p.page).unwrap_or(1);
    let catalog = state.catalog();
    let matching: Vec<_> = filter.select(catalog.programs(), clock::today()).collect();
    let total = matching.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = requested.clamp(1, pages);
    let rows = matching
        .into_iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(ProgramRow::of)
        .collect();
    let page = ListTemplate {
        rows,
        total,
        page,
        pages,
        q: filter.q.clone().unwrap_or_default(),
        purposes: purpose_options(filter.purpose),
        levels: level_options(filter.level),
        open_only: filter.open_only,
        filtered: filter != ProgramFilter::default(),
        describe: filter.describe(),
        query: filter.to_query(),
    };
    Ok(Html(page.render()?))
}

/// One condition of the program page, as plain Japanese.
#[derive(Debug)]
struct ConditionText {
    text: String,
    depth: usize,
    to_confirm: bool,
}

#[derive(Template)]
#[template(path = "programs/show.html")]
struct ShowTemplate {
    p: ProgramPage,
    conditions: Vec<ConditionText>,
    derived_rule: bool,
}

pub async fn show_program(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Html<String>, AppError> {
    let id = ProgramId::parse(&id).map_err(|_| AppError::NotFound)?;
    let catalog = state.catalog();
    let program = catalog.get(&id).ok_or(AppError::NotFound)?;
    let (conditions, origin) = catalog
        .conditions(&id, clock::today())
        .unwrap_or((Vec::new(), RuleOrigin::Derived));
    Ok(Html(
        ShowTemplate {
            p: ProgramPage::of(program),
            conditions: conditions
                .into_iter()
                .map(|c| ConditionText {
                    text: c.text,
                    depth: c.depth.min(4),
                    to_confirm: c.status == ConditionStatus::ToConfirm,
                })
                .collect(),
            derived_rule: origin != RuleOrigin::Program,
        }
        .render()?,
    ))
}
