//! 個人情報の取り扱い: one public page that states, for every kind of personal data the desk
//! holds, why it is held, how long, and how to have it erased (個人情報保護法 第61条・第62条
//! and a municipality's own privacy rules), with the figures read from the live settings so
//! that the page cannot drift from what the desk does.

use askama::Template;
use axum::extract::State;
use axum::response::Html;

use crate::desk::DeskSettings;
use crate::http::session::IDLE;
use crate::notices::redirect::SUBSCRIBER_CLICKS_NOTICE;
use crate::notices::site::{CONFIRM_WITHIN_DAYS, PURPOSE as NOTICES_PURPOSE};
use crate::site::consult::PURPOSE as CONSULT_PURPOSE;
use crate::{AppError, AppState};

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyTemplate {
    consult_purpose: &'static str,
    notices_purpose: &'static str,
    /// Set while which subscriber opened which link is recorded.
    clicks_notice: Option<&'static str>,
    confirm_days: i64,
    session_minutes: i64,
    closed_days: u32,
    withdrawn_days: u32,
}

/// `GET /privacy`.
pub async fn show_privacy(State(state): State<AppState>) -> Result<Html<String>, AppError> {
    let store = state.store();
    let desk = DeskSettings::load(store).await?;
    let page = PrivacyTemplate {
        consult_purpose: CONSULT_PURPOSE,
        notices_purpose: NOTICES_PURPOSE,
        clicks_notice: store
            .records_subscriber_clicks()
            .await?
            .then_some(SUBSCRIBER_CLICKS_NOTICE),
        confirm_days: CONFIRM_WITHIN_DAYS,
        session_minutes: IDLE.whole_minutes(),
        closed_days: desk.retention_closed_days,
        withdrawn_days: desk.retention_withdrawn_days,
    };
    Ok(Html(page.render()?))
}
