//! The consultation desk in the console: the case list with its filters and the bell,
//! a case's page with the experts proposed for it, one form per step of the workflow,
//! the supervisor's service figures, and the registry of experts.
//!
//! Who may see what is `access`'s: staff see every case, a 専門家 only theirs. Every
//! page that shows a requester's data opens the case through `Store::open_case`, which
//! writes the audit entry first.

mod access;
pub(crate) mod bell;
mod case_page;
mod figures;
mod list;
mod proposals;
mod registry;
mod registry_form;
mod sheet;
mod steps;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;

/// Every route of the desk pages. Each is listed in the authorization matrix test.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/desk", get(list::list_cases))
        .route("/console/desk/figures", get(figures::show_figures))
        .route(
            "/console/desk/experts",
            get(registry::list_experts)
                .post(registry::add_expert)
                .layer(DefaultBodyLimit::max(registry::REGISTRY_FORM_BYTES)),
        )
        .route("/console/desk/experts/new", get(registry::new_expert))
        .route(
            "/console/desk/experts/{expert}",
            get(registry::edit_expert)
                .post(registry::update_expert)
                .layer(DefaultBodyLimit::max(registry::REGISTRY_FORM_BYTES)),
        )
        .route("/console/desk/{id}", get(case_page::show_case))
        .route("/console/desk/{id}/sheet", get(sheet::show_case_sheet))
        .route("/console/desk/{id}/sheet.pdf", get(sheet::case_sheet_pdf))
        .route("/console/desk/{id}/{step}", post(steps::take_step))
}
