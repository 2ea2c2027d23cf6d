//! `GET /programs/{id}/official`: the program page's link to the official site, counted.
//!
//! The link goes through here so that a click can be counted without JavaScript. It only
//! ever redirects to the URL stored with the program in the catalogue: the path names a
//! program, never a destination, so it cannot be used as an open redirect.

use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use madoguchi_core::analytics::Metric;
use madoguchi_core::program::ProgramId;

use crate::{AppError, AppState};

/// Counts the click and sends the browser on to the program's official page; 404 when
/// the program or its official URL does not exist.
pub async fn follow_official_link(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let id = ProgramId::parse(&id).map_err(|_| AppError::NotFound)?;
    let catalog = state.catalog();
    let program = catalog.get(&id).ok_or(AppError::NotFound)?;
    // A URL the catalogue validated when the program was saved (http or https only).
    let url = program
        .official_url
        .as_ref()
        .map(ToString::to_string)
        .ok_or(AppError::NotFound)?;
    state
        .analytics()
        .count(Metric::OfficialLinkClick, id.as_str());
    Ok(Redirect::to(&url).into_response())
}
