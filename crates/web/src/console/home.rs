//! The console's home page (`GET /console`): what needs staff's attention now — programs
//! not checked for too long and programs still 受付中 after their closing date — each with
//! a one-click 「確認した」 (`POST /console/programs/{id}/verify`) that records who checked
//! and when — and, for 職員 and above, the desk's bell (new, unreferred and overdue cases).

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_core::staff::Action;
use madoguchi_store::{Role, SaveOutcome, StoreError};
use serde::Deserialize;
use time::Date;

use super::desk::bell::{Bell, DeskUser};
use super::frame::Frame;
use super::freshness;
use super::settings::ConsoleSettings;
use super::staff::Staff;
use crate::desk::DeskSettings;
use crate::http::clock;
use crate::http::form::FormData;
use crate::site::view::{ProgramRow, date_label};
use crate::{AppError, AppState};

/// Rows per list per page.
const PAGE_SIZE: usize = 50;

/// One program needing attention.
#[derive(Debug)]
pub struct AttentionRow {
    pub row: ProgramRow,
    pub version: u32,
    /// 「2026年5月1日（令和8年）」 or 「未確認」.
    pub last_verified: String,
    /// The closing date that has passed, for the 受付中 list.
    pub closed: Option<String>,
}

impl AttentionRow {
    fn of(program: &Program, closed: Option<Date>) -> Self {
        Self {
            row: ProgramRow::of(program),
            version: program.version,
            last_verified: program
                .last_verified
                .map_or_else(|| "未確認".to_owned(), date_label),
            closed: closed.map(date_label),
        }
    }
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    frame: Option<Frame>,
    csrf: String,
    can_verify: bool,
    stale_after_days: u32,
    stale: Vec<AttentionRow>,
    stale_total: usize,
    overdue: Vec<AttentionRow>,
    overdue_total: usize,
    page: usize,
    pages: usize,
    /// The title of the program just marked as checked.
    verified: Option<String>,
    /// What waits on the consultation desk, for 職員 and above (閲覧 never sees cases).
    bell: Option<Bell>,
}

#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    page: Option<usize>,
    verified: Option<String>,
}

/// `GET /console` (every role).
pub async fn show_home(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<HomeQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    // A 専門家's console is their cases.
    if staff.account.role == Role::Expert {
        return Ok(Redirect::to("/console/desk").into_response());
    }
    staff.require(Role::Viewer)?;
    let query = query.ok().map(|Query(q)| q);
    let settings = ConsoleSettings::load(state.store()).await?;
    let catalog = state.catalog();
    let today = clock::today();
    let stale = freshness::stale(catalog.programs(), today, settings.stale_after_days);
    let overdue = freshness::overdue(catalog.programs(), today);
    let pages = stale.len().max(overdue.len()).div_ceil(PAGE_SIZE).max(1);
    let page = query
        .as_ref()
        .and_then(|q| q.page)
        .unwrap_or(1)
        .clamp(1, pages);
    let window = |total: usize| (page - 1) * PAGE_SIZE..(page * PAGE_SIZE).min(total);
    let verified = query
        .and_then(|q| q.verified)
        .and_then(|id| ProgramId::parse(&id).ok())
        .and_then(|id| catalog.get(&id).map(|p| p.title.to_string()));
    let bell = if staff.account.role.allows(Role::Staff) {
        let desk = DeskSettings::load(state.store()).await?;
        Some(Bell::of(&state, &DeskUser::Staff, &desk).await?)
    } else {
        None
    };
    let view = HomePage {
        bell,
        frame: Some(staff.frame("/console")),
        csrf: staff.csrf.clone(),
        can_verify: staff.account.role.allows(Role::Staff),
        stale_after_days: settings.stale_after_days,
        stale: stale
            .get(window(stale.len()))
            .unwrap_or_default()
            .iter()
            .map(|p| AttentionRow::of(p, None))
            .collect(),
        stale_total: stale.len(),
        overdue: overdue
            .get(window(overdue.len()))
            .unwrap_or_default()
            .iter()
            .map(|(p, closed)| AttentionRow::of(p, Some(*closed)))
            .collect(),
        overdue_total: overdue.len(),
        page,
        pages,
        verified,
    };
    Ok(Html(view.render()?).into_response())
}

/// `POST /console/programs/{id}/verify` (職員以上): 「確認した」 — the program's
/// `last_verified` becomes today, as a new version of the version the form showed.
pub async fn verify_program(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let id = ProgramId::parse(&id).map_err(|_| AppError::NotFound)?;
    let version = form
        .get("version")
        .and_then(|v| v.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(
                "どの版を確認したのかがわかりませんでした。ホームを開き直して、もう一度押してください。"
                    .to_owned(),
            )
        })?;
    let today = clock::today();
    let outcome = match state
        .store()
        .mark_verified(&id, version, today, "web")
        .await
    {
        Err(StoreError::UnknownProgram(_)) => return Err(AppError::NotFound),
        other => other?,
    };
    let detail = match outcome {
        SaveOutcome::Unchanged { version } => {
            format!("公式ページと照らして確認しました（本日確認済み、版{version}）")
        }
        SaveOutcome::Created { version } | SaveOutcome::Updated { version } => format!(
            "公式ページと照らして確認し、最終確認日を{}にしました（版{version}）",
            date_label(today)
        ),
    };
    staff
        .audit(&state, Action::ProgramVerify, Some(id.as_str()), detail)
        .await?;
    if !matches!(outcome, SaveOutcome::Unchanged { .. }) {
        state.catalog_changed().await?;
    }
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("verified", id.as_str())
        .finish();
    Ok(Redirect::to(&format!("/console?{query}")).into_response())
}
