//! The staff console under `/console`: sign-in, accounts and roles, settings, the audit
//! log, the freshness of the catalogue, imports, and the program editor (`editor/`).
//!
//! Every handler takes a [`Staff`] (the extractor loads the signed-in account afresh, or
//! sends the browser to the login page) and checks the role on the server with
//! [`Staff::require`], and every form with [`Staff::authorize`] (role, then CSRF token).
//! Every change goes to the audit log through [`Staff::audit`], and every change to an
//! account through the use cases of madoguchi-staff (shared with the CLI), which record
//! their own entries; roles, actions and the password policy are
//! `madoguchi_core::staff`'s. Pages extend
//! `templates/console/base.html` and carry a [`Frame`].

mod account;
pub mod action;
mod analytics;
mod audit_csv;
mod audit_log;
mod desk;
pub(crate) mod editor;
pub mod frame;
mod freshness;
mod home;
mod imports;
mod industries;
mod login;
pub(crate) mod login_limit;
mod notices;
mod paging;
mod programs;
mod projects;
pub mod settings;
pub mod staff;
mod users;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware::map_response;
use axum::routing::{get, post};

pub use crate::http::client::Client;
pub use action::Actor;
pub use audit_csv::HEADER as AUDIT_CSV_HEADER;
pub use frame::Frame;
pub use imports::{ImportProgress, Tracker as ImportTracker, recovery as import_recovery};
pub use settings::ConsoleSettings;
pub use staff::{Staff, StaffRejection};

use crate::AppState;
use crate::http::form::MAX_FORM_BYTES;

/// Every console route. Each one is listed in the authorization matrix test
/// (`crates/web/tests/console_authz.rs`) with the answer each role must get.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console", get(home::show_home))
        .route("/console/login", get(login::show_login).post(login::log_in))
        .route("/console/logout", post(login::log_out))
        .route(
            "/console/logout-everywhere",
            post(login::log_out_everywhere),
        )
        .route("/console/programs/{id}/verify", post(home::verify_program))
        .route("/console/programs", get(programs::list_programs))
        .route("/console/industries", get(industries::find_industries))
        .route(
            "/console/programs/new",
            get(programs::new_program)
                .post(programs::post_new_program)
                .layer(DefaultBodyLimit::max(programs::EDITOR_FORM_BYTES)),
        )
        .route(
            "/console/programs/{id}/edit",
            get(programs::edit_program)
                .post(programs::post_edit_program)
                .layer(DefaultBodyLimit::max(programs::EDITOR_FORM_BYTES)),
        )
        .route(
            "/console/programs/{id}/publish",
            post(programs::publish_program),
        )
        .route(
            "/console/programs/{id}/return",
            post(programs::return_draft),
        )
        .route(
            "/console/programs/{id}/discard",
            post(programs::discard_draft),
        )
        .route(
            "/console/programs/{id}/close-budget",
            post(programs::close_for_budget),
        )
        .route(
            "/console/programs/{id}/unpublish",
            post(programs::unpublish_program),
        )
        .route(
            "/console/programs/{id}/history",
            get(programs::show_history),
        )
        .route("/console/programs/{id}/diff", get(programs::show_diff))
        .route(
            "/console/programs/{id}/restore",
            post(programs::restore_version),
        )
        .route(
            "/console/users",
            get(users::list_users).post(users::add_user),
        )
        .route("/console/users/{id}/role", post(users::change_role))
        .route("/console/users/{id}/disable", post(users::disable_user))
        .route("/console/users/{id}/enable", post(users::enable_user))
        .route("/console/users/{id}/password", post(users::reset_password))
        .route(
            "/console/settings",
            get(settings::show_settings).post(settings::save_settings),
        )
        .route(
            "/console/imports",
            get(imports::list_imports)
                .post(imports::upload_import)
                .layer(DefaultBodyLimit::max(imports::UPLOAD_BYTES)),
        )
        .route("/console/imports/{id}", get(imports::show_import))
        .route(
            "/console/imports/{id}/confirm",
            post(imports::confirm_import),
        )
        .route("/console/audit", get(audit_log::list_entries))
        .route("/console/audit.csv", get(audit_log::export_csv))
        .route("/console/analytics", get(analytics::show_dashboard))
        .route("/console/analytics.csv", get(analytics::export_csv))
        .route(
            "/console/account/password",
            get(account::show_password_form).post(account::change_password),
        )
        .merge(desk::routes())
        .merge(projects::routes())
        .merge(notices::routes())
        .layer(DefaultBodyLimit::max(MAX_FORM_BYTES))
        .layer(map_response(crate::http::security::never_cached))
        .layer(axum::middleware::from_fn(
            crate::http::origin::refuse_cross_site_forms,
        ))
}
