//! `GET /console/notices/{notice}` (閲覧以上): one notice's figures in all and per channel,
//! its links with their clicks, and its clicks per JST day; for a notice staff wrote, also
//! what it says, who it goes to and the workflow's forms (`approval`).

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::staff::Role;
use madoguchi_store::NoticeFigures;

use super::approval::{StaffPanel, done_notice, panel};
use super::view::{FigureRow, NoticeRow, channel_label};
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::site::view::date_label;
use crate::{AppError, AppState};

/// A link of the notice and its clicks.
#[derive(Debug)]
pub struct LinkRow {
    pub url: String,
    pub clicks: u64,
    pub unique_clicks: u64,
}

/// A day's clicks through one channel.
#[derive(Debug)]
pub struct DayRow {
    pub day: String,
    pub channel: &'static str,
    pub clicks: u64,
    pub unique_clicks: u64,
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct ReportQuery {
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "console/notices/report.html")]
struct ReportPage {
    frame: Option<Frame>,
    csrf: String,
    done: Option<&'static str>,
    /// What a notice staff wrote says, and its workflow.
    staff: Option<StaffPanel>,
    /// Figures are shown once something was sent (always for a program's notice).
    show_figures: bool,
    notice: NoticeRow,
    channels: Vec<FigureRow>,
    total: FigureRow,
    links: Vec<LinkRow>,
    days: Vec<DayRow>,
}

/// `GET /console/notices/{notice}`.
pub async fn show_notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    query: Result<Query<ReportQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let report = state
        .store()
        .notice_report(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let figures: &NoticeFigures = &report.notice.figures;
    let staff_panel = panel(&state, &staff, &id).await?;
    let done = query
        .ok()
        .and_then(|Query(q)| q.done)
        .and_then(|d| done_notice(&d));
    let view = ReportPage {
        frame: Some(staff.frame("/console/notices")),
        csrf: staff.csrf.clone(),
        done,
        show_figures: staff_panel.as_ref().is_none_or(|p| p.is_sent),
        staff: staff_panel,
        total: FigureRow::new("合計".to_owned(), None, figures),
        notice: NoticeRow::of(&report.notice),
        channels: report
            .channels
            .iter()
            .map(|c| FigureRow::new(channel_label(&c.channel).to_owned(), None, &c.figures))
            .collect(),
        links: report
            .links
            .iter()
            .map(|l| LinkRow {
                url: l.url.clone(),
                clicks: l.clicks,
                unique_clicks: l.unique_clicks,
            })
            .collect(),
        days: report
            .days
            .iter()
            .map(|d| DayRow {
                day: date_label(d.day),
                channel: channel_label(&d.channel),
                clicks: d.clicks,
                unique_clicks: d.unique_clicks,
            })
            .collect(),
    };
    Ok(Html(view.render()?).into_response())
}
