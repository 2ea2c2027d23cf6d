//! The program list and the program page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use madoguchi_core::eligibility::{ConditionStatus, RuleOrigin};
use madoguchi_core::program::ProgramId;
use serde::Deserialize;

use crate::view::{ProgramPage, ProgramRow};
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
}

pub async fn list_programs(
    State(state): State<AppState>,
    Query(params): Query<ListParams>,
) -> Result<Html<String>, AppError> {
    let catalog = state.catalog();
    let total = catalog.len();
    let pages = total.div_ceil(PAGE_SIZE).max(1);
    let page = params.page.unwrap_or(1).clamp(1, pages);
    let rows = catalog
        .programs()
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(ProgramRow::of)
        .collect();
    Ok(Html(
        ListTemplate {
            rows,
            total,
            page,
            pages,
        }
        .render()?,
    ))
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
