//! The consultation desk in the console: the case list with its filters and the bell,
//! a case's page with the experts proposed for it, one form per step of the workflow,
//! and the supervisor's service figures.
//!
//! Who may see what is `access`'s: staff see every case, a 専門家 only theirs. Every
//! page that shows a requester's data opens the case through `Store::open_case`, which
//! writes the audit entry first.

mod access;
mod bell;
mod case_page;
mod figures;
mod list;
mod proposals;
mod steps;

use axum::Router;
use axum::routing::{get, post};

use crate::AppState;

/// Every route of the desk pages. Each is listed in the authorization matrix test.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/desk", get(list::list_cases))
        .route("/console/desk/figures", get(figures::show_figures))
        .route("/console/desk/{id}", get(case_page::show_case))
        .route("/console/desk/{id}/{step}", post(steps::take_step))
}
