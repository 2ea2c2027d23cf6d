//! Feeds for people who follow the catalogue from elsewhere: new and updated programs as
//! Atom, and closing dates as an iCalendar file a calendar app can subscribe to.
//!
//! Both take the list page's filter, so 「IT導入・受付中」 can be followed as a feed or a
//! calendar. The renderers are plain functions of their data so that other pages (a
//! diagnosis result's deadlines) can reuse them.

pub mod atom;
pub mod ical;

use std::collections::HashMap;

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE, HOST};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use madoguchi_core::calendar::{DayEdge, JST, JstDateTime};
use madoguchi_core::eligibility::application_window;
use madoguchi_core::program::{Program, ProgramId};
use time::{Date, OffsetDateTime};

use crate::listing::ProgramFilter;
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
    let (now, today) = now_and_today();
    let dates = entry_dates(&state, now).await?;
    let mut entries: Vec<(&Program, OffsetDateTime, OffsetDateTime)> = filter
        .select(state.catalog().programs(), today)
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
    let (now, today) = now_and_today();
    let mut items: Vec<(&Program, Date)> = filter
        .select(state.catalog().programs(), today)
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

/// The instant of the request and its date in Japan, which decides what is open.
fn now_and_today() -> (OffsetDateTime, Date) {
    let now = OffsetDateTime::now_utc();
    (now, now.to_offset(JST).date())
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

/// The site's absolute base URL (`https://madoguchi.example.jp`, no trailing slash), for
/// links that leave the site inside a feed or a calendar.
///
/// Taken from the request's `Host` (and `X-Forwarded-Proto` behind a TLS proxy); a host that
/// is not a plain host name is ignored so that a forged header cannot put markup in a feed.
/// A configured public URL, when there is one, belongs here.
pub fn site_base(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_plain_host(h))
        .unwrap_or("localhost");
    let scheme = match headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
    {
        Some(proto) if proto.trim().eq_ignore_ascii_case("https") => "https",
        _ => "http",
    };
    format!("{scheme}://{host}")
}

fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

/// When a program first appeared in the catalogue and when it last changed.
#[derive(Debug, Clone, Copy)]
struct EntryDates {
    updated: OffsetDateTime,
    published: OffsetDateTime,
}

/// STAND-IN — the one place to switch to `Store::program_dates()` (branch `sessions`):
/// replace the body with the store's `ProgramDates { id, first_saved_at, updated_at }`
/// mapped to `EntryDates { updated: updated_at, published: first_saved_at }`.
///
/// Until then the record's own dates stand in: the later of its last verification and its
/// source fetch as `updated`, the fetch as `published`, and `now` where the record has neither.
async fn entry_dates(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<HashMap<ProgramId, EntryDates>, AppError> {
    let stand_in = |p: &Program| {
        let fetched = p.source.fetched_at.map(JstDateTime::as_offset);
        let verified = p
            .last_verified
            .map(|d| JstDateTime::from_date(d, DayEdge::Start).as_offset());
        let updated = fetched.max(verified).unwrap_or(now);
        EntryDates {
            updated,
            published: fetched.unwrap_or(updated),
        }
    };
    Ok(state
        .catalog()
        .programs()
        .iter()
        .map(|p| (p.id.clone(), stand_in(p)))
        .collect())
}
