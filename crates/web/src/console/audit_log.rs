//! The audit log for 管理者: `GET /console/audit` lists entries newest first, filtered by
//! who, what, when and free text, a page at a time; `GET /console/audit.csv` exports the
//! same selection for Excel (see `audit_csv`), and the export itself is audited.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::calendar::JST;
use madoguchi_core::staff::Action;
use madoguchi_store::{AuditEntry, AuditFilter, Role};
use serde::Deserialize;
use time::macros::format_description;
use time::{Date, Duration, OffsetDateTime, Time};

use super::audit_csv::{audit_csv, csv_download, jst_time};
use super::frame::Frame;
use super::staff::Staff;
use crate::console::paging::PageWindow;
use crate::http::clock;
use crate::{AppError, AppState};

const PAGE_SIZE: u32 = 50;

/// The filter as the form sends it; every field may be absent or blank.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    q: String,
    page: Option<String>,
}

/// A filter read from a query, with a message for each date that did not read.
struct ReadFilter {
    filter: AuditFilter,
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
}

const DATE_ERROR: &str = "日付は「2026-08-21」の形で入力してください。";

impl AuditQuery {
    fn read(&self) -> ReadFilter {
        let from = read_date(&self.from);
        let to = read_date(&self.to);
        let nonblank = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        ReadFilter {
            filter: AuditFilter {
                actor: nonblank(&self.actor),
                action: nonblank(&self.action),
                from: from.ok().flatten().map(start_of),
                // The end date is included: entries before the next day begins.
                to: to.ok().flatten().map(|d| start_of(d + Duration::days(1))),
                text: nonblank(&self.q),
                limit: None,
                offset: 0,
            },
            from_error: from.err(),
            to_error: to.err(),
        }
    }

    /// The filter as a query string, without the page, for links that keep it.
    fn without_page(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("actor", &self.actor)
            .append_pair("action", &self.action)
            .append_pair("from", &self.from)
            .append_pair("to", &self.to)
            .append_pair("q", &self.q)
            .finish()
    }
}

/// A blank date is no date; anything else must read as one.
pub(crate) fn read_date(raw: &str) -> Result<Option<Date>, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    let formats = [
        format_description!("[year]-[month padding:none]-[day padding:none]"),
        format_description!("[year]/[month padding:none]/[day padding:none]"),
    ];
    formats
        .iter()
        .find_map(|f| Date::parse(raw, f).ok())
        .map(Some)
        .ok_or(DATE_ERROR)
}

/// The first instant of a Japanese calendar day.
fn start_of(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_offset(JST)
}

/// One entry as the table shows it.
#[derive(Debug)]
pub struct EntryRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub client: String,
}

impl EntryRow {
    fn of(entry: &AuditEntry) -> Self {
        Self {
            at: jst_time(entry.at),
            actor: entry.actor_name.clone(),
            action: Action::label_of(&entry.action),
            target: entry.target.clone().unwrap_or_default(),
            detail: entry.detail.clone(),
            client: entry.client.clone().unwrap_or_default(),
        }
    }
}

/// One choice of a filter `<select>`.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    frame: Option<Frame>,
    actors: Vec<Choice>,
    actions: Vec<Choice>,
    from: String,
    to: String,
    q: String,
    from_error: Option<&'static str>,
    to_error: Option<&'static str>,
    rows: Vec<EntryRow>,
    total: u64,
    page: u64,
    pages: u64,
    filter_query: String,
}

/// `GET /console/audit` (管理者).
pub async fn list_entries(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let read = query.read();
    let total = state.store().count_audit_entries(&read.filter).await?;
    let PageWindow {
        page,
        pages,
        offset,
    } = PageWindow::of(total, PAGE_SIZE, query.page.as_deref());
    let filter = AuditFilter {
        limit: Some(PAGE_SIZE),
        offset,
        ..read.filter
    };
    let entries = state.store().audit_entries(&filter).await?;
    let accounts = state.store().accounts().await?;
    let actors = accounts
        .iter()
        .map(|a| Choice {
            value: a.id.clone(),
            label: format!("{}（{}）", a.display_name, a.login),
            selected: query.actor == a.id,
        })
        .collect();
    let actions = state
        .store()
        .audit_actions()
        .await?
        .into_iter()
        .map(|code| Choice {
            label: Action::label_of(&code),
            selected: query.action == code,
            value: code,
        })
        .collect();
    let invalid = read.from_error.is_some() || read.to_error.is_some();
    let page = AuditPage {
        frame: Some(staff.frame("/console/audit")),
        actors,
        actions,
        from: query.from.clone(),
        to: query.to.clone(),
        q: query.q.clone(),
        from_error: read.from_error,
        to_error: read.to_error,
        rows: entries.iter().map(EntryRow::of).collect(),
        total,
        page,
        pages,
        filter_query: query.without_page(),
    };
    let status = if invalid {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// `GET /console/audit.csv` (管理者): every entry the filter selects.
pub async fn export_csv(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<AuditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let read = query.read();
    if let Some(error) = read.from_error.or(read.to_error) {
        return Err(AppError::BadRequest(error.to_owned()));
    }
    let entries = state.store().audit_entries(&read.filter).await?;
    let body = audit_csv(&entries).map_err(|e| AppError::Internal(e.to_string()))?;
    staff
        .audit(
            &state,
            Action::AuditExport,
            None,
            format!("監査ログ{}件をCSVで書き出しました", entries.len()),
        )
        .await?;
    let stamp = clock::now()
        .to_offset(JST)
        .format(format_description!("[year][month][day]-[hour][minute]"))
        .unwrap_or_default();
    Ok(csv_download(&format!("madoguchi-audit-{stamp}.csv"), body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_date_is_included_in_japan_time() {
        let query = AuditQuery {
            from: "2026-08-21".to_owned(),
            to: "2026/8/21".to_owned(),
            ..AuditQuery::default()
        };
        let read = query.read();
        assert_eq!(
            read.filter.from,
            Some(time::macros::datetime!(2026-08-20 15:00 UTC))
        );
        assert_eq!(
            read.filter.to,
            Some(time::macros::datetime!(2026-08-21 15:00 UTC))
        );
        assert!(read.from_error.is_none() && read.to_error.is_none());
    }

    #[test]
    fn a_date_that_does_not_read_is_reported_not_guessed() {
        let query = AuditQuery {
            from: "8月21日".to_owned(),
            ..AuditQuery::default()
        };
        let read = query.read();
        assert_eq!(read.from_error, Some(DATE_ERROR));
        assert_eq!(read.filter.from, None);
    }
}
