//! `GET /console/notices/{notice}` (閲覧以上): one notice's figures in all and per channel,
//! its links with their clicks, and its clicks per JST day.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::staff::Role;
use madoguchi_store::NoticeFigures;

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

#[derive(Template)]
#[template(path = "console/notices/report.html")]
struct ReportPage {
    frame: Option<Frame>,
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
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let report = state
        .store()
        .notice_report(&id)
        .await?
        .ok_or(AppError::NotFound)?;
    let figures: &NoticeFigures = &report.notice.figures;
    let view = ReportPage {
        frame: Some(staff.frame("/console/notices")),
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
