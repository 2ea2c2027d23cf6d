//! Notices in the console: the figures of every notice (what went out, waits, failed,
//! reached people who later unsubscribed, and was clicked), one notice's figures per
//! channel, link and day, and the dead letters that staff inspect and send again.
//!
//! 閲覧 and above read the figures; 職員 and above requeue dead letters, and write,
//! approve and schedule notices of their own to a segment of the subscribers (`compose`,
//! `segment`, `approval`; the notices job sends them); 管理者 decide whether the redirect
//! may record which subscriber clicked. The counting itself is the store's
//! (`notices/stats.rs`) and the redirect's (`crate::notices::redirect`).

mod approval;
mod compose;
mod dead;
mod list;
mod report;
mod segment;
mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

use crate::AppState;

/// Every route of the notice pages. Each is listed in the authorization matrix test.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/notices", get(list::list_notices))
        .route(
            "/console/notices/click-recording",
            post(list::set_click_recording),
        )
        .route(
            "/console/notices/dead",
            get(dead::list_dead_letters).post(dead::requeue_dead_letters),
        )
        .route(
            "/console/notices/new",
            get(compose::new_notice)
                .post(compose::post_new_notice)
                .layer(DefaultBodyLimit::max(compose::COMPOSE_FORM_BYTES)),
        )
        .route("/console/notices/{notice}", get(report::show_notice))
        .route(
            "/console/notices/{notice}/edit",
            get(compose::edit_notice)
                .post(compose::post_edit_notice)
                .layer(DefaultBodyLimit::max(compose::COMPOSE_FORM_BYTES)),
        )
        .route(
            "/console/notices/{notice}/approve",
            post(approval::approve_notice),
        )
        .route(
            "/console/notices/{notice}/return",
            post(approval::return_notice),
        )
        .route(
            "/console/notices/{notice}/discard",
            post(approval::discard_notice),
        )
}
