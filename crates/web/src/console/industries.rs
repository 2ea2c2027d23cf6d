//! `/console/industries`: the industry finder for staff — the same finder as the diagnosis
//! step and `GET /api/v1/industries` — so that whoever writes a program's target industries
//! in the rule builder, or notes a caller's business at the consultation counter, can turn
//! 「民宿」 or 「放課後等デイサービス」 into its JSIC code without the classification's PDF.

use askama::Template;
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::staff::Role;

use super::frame::Frame;
use super::staff::Staff;
use crate::AppError;
use crate::api::industries::{IndustryAnswer, asked};

#[derive(Template)]
#[template(path = "console/industries.html")]
struct IndustriesPage {
    frame: Option<Frame>,
    q: String,
    answer: Option<IndustryAnswer>,
}

/// `GET /console/industries?q=…` (閲覧 and up).
pub async fn find_industries(staff: Staff, uri: Uri) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let q = asked(&uri);
    let answer = (!q.trim().is_empty()).then(|| IndustryAnswer::find(&q));
    let page = IndustriesPage {
        frame: Some(staff.frame("/console/industries")),
        q,
        answer,
    };
    Ok(Html(page.render()?).into_response())
}
