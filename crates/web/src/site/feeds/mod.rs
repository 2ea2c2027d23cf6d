//! Feeds for people who follow the catalogue from elsewhere: new and updated programs as
//! Atom, and closing dates as an iCalendar file a calendar app can subscribe to.
//!
//! Both take the list page's filter, so 「IT導入・受付中」 can be followed as a feed or a
//! calendar. The renderers are plain functions of their data so that other pages (a
//! diagnosis result's deadlines) can reuse them.

pub mod atom;
pub mod ical;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use madoguchi_core::eligibility::application_window;
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::ProgramDates;
use time::{Date, OffsetDateTime};

use crate::http::clock;
use crate::http::origin::site_base;
use crate::site::listing::ProgramFilter;
use crate::{AppError, AppState};

/// A feed reader needs the recent changes, not the whole catalogue.
pub const MAX_ATOM_ENTRIES: usize = 100;

pub const ATOM_CONTENT_TYPE: &str = "application/atom+xml; charset=utf-8";
pub const ICAL_CONTENT_TYPE: &str = "text/calendar; charset=utf-8";

/// `GET /feeds/programs.atom`: programs matching the filter, most recently changed first.
pub async fn programs_atom(
    State(state): State<AppState>,
    headers: HeaderMap,
    filter: ProgramFilter,
) -> Result<Response, AppError> {
    let (now, today) = (clock::now(), clock::today());
    let (catalog, program_dates) = (state.catalog(), state.program_dates());
    let dates = entry_dates(&program_dates);
    let mut entries: Vec<(&Program, OffsetDateTime, OffsetDateTime)> = filter
        .select(&catalog, &state.search_index(), today)?
        .into_iter()
        .filter_map(|p| dates.get(&p.id).map(|d| (p, d.updated, d.published)))
        .collect();
    entries.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.id.cmp(&b.0.id)));
    entries.truncate(MAX_ATOM_ENTRIES);
    let title = format!("新着・更新された支援制度（{}）", filter.describe());
    let body = atom::programs_feed(
        &title,
        &site_base(&headers),
        &filter.to_query(),
        &entries,
        now,
    );
    Ok(([(CONTENT_TYPE, ATOM_CONTENT_TYPE)], body).into_response())
}

/// `GET /feeds/deadlines.ics`: the coming closing date of every program matching the filter.
pub async fn deadlines_ics(
    State(state): State<AppState>,
    headers: HeaderMap,
    filter: ProgramFilter,
) -> Result<Response, AppError> {
    let (now, today) = (clock::now(), clock::today());
    let catalog = state.catalog();
    let mut items: Vec<(&Program, Date)> = filter
        .select(&catalog, &state.search_index(), today)?
        .into_iter()
        .filter_map(|p| {
            application_window(p, today)
                .closing_date()
                .filter(|&closes| closes >= today)
                .map(|closes| (p, closes))
        })
        .collect();
    items.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.title.cmp(&b.0.title)));
    let name = format!("支援制度の締切（{}）", filter.describe());
    let body = ical::deadlines_calendar(&name, &site_base(&headers), &items, now);
    Ok(calendar_response(body, "madoguchi-deadlines.ics"))
}

/// An iCalendar body as a download a calendar app opens (`filename` must be plain ASCII).
pub fn calendar_response(body: String, filename: &'static str) -> Response {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{filename}\""))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
    (
        [
            (CONTENT_TYPE, HeaderValue::from_static(ICAL_CONTENT_TYPE)),
            (CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response()
}

/// When a program first appeared in the catalogue and when it last changed.
#[derive(Debug, Clone, Copy)]
struct EntryDates {
    updated: OffsetDateTime,
    published: OffsetDateTime,
}

/// Each program's dates as the store recorded its versions.
fn entry_dates(dates: &[Arc<ProgramDates>]) -> HashMap<&ProgramId, EntryDates> {
    dates
        .iter()
        .map(|d| {
            (
                &d.id,
                EntryDates {
                    updated: d.updated_at,
                    published: d.first_saved_at,
                },
            )
        })
        .collect()
}
