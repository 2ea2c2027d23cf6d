//! `GET /console/programs`: every program and every draft of a new program, searchable by
//! name or id and filterable by where it stands in the workflow, 50 to a page. The store
//! searches, filters, counts and pages in the database (`Store::program_entry_page`), so
//! a catalogue of 100,000 programs costs one page's rows, not all of them.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::program::ProgramStatus;
use madoguchi_store::{EntryQuery, EntryShow, ProgramEntry, Role};
use serde::Deserialize;

use super::{edit_path, moment_label};
use crate::console::editor::rule_view::Choice;
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::{AppError, AppState};

const PAGE_SIZE: u32 = 50;

/// The filters of the list, in the order shown.
const FILTERS: [(EntryShow, &str); 6] = [
    (EntryShow::All, "すべて"),
    (EntryShow::WithDraft, "下書きがある"),
    (EntryShow::InReview, "確認依頼中"),
    (EntryShow::Scheduled, "公開予約済み"),
    (EntryShow::Unpublished, "公開終了"),
    (EntryShow::NeverPublished, "未公開（新規の下書き）"),
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    show: String,
    page: Option<u64>,
    done: Option<String>,
}

/// One row of the list.
#[derive(Debug)]
pub struct EntryRow {
    pub title: String,
    pub id: String,
    pub href: String,
    pub status: String,
    pub version: String,
    pub draft: String,
    pub publication: String,
}

#[derive(Template)]
#[template(path = "console/programs/list.html")]
struct ListPage {
    frame: Option<Frame>,
    q: String,
    filters: Vec<Choice>,
    rows: Vec<EntryRow>,
    total: u64,
    /// The search finds more than `total`, and was not counted further.
    more: bool,
    page: u64,
    /// How many pages the total makes (the pages counted, with `more`).
    pages: u64,
    /// A page after this one has entries.
    next: bool,
    can_create: bool,
    notice: Option<&'static str>,
    /// The query string of the other pages, without `page`.
    base_query: String,
}

fn row(entry: &ProgramEntry) -> EntryRow {
    let publication = match (entry.version, entry.unpublished_at, entry.unpublish_at) {
        (0, _, _) => "未公開".to_owned(),
        (_, Some(at), _) => format!("公開終了（{}）", moment_label(at)),
        (_, None, Some(at)) => format!("公開中（{}に終了予定）", moment_label(at)),
        _ => "公開中".to_owned(),
    };
    EntryRow {
        title: entry.title.clone(),
        id: entry.id.to_string(),
        href: edit_path(entry.id.as_str()),
        status: ProgramStatus::parse(&entry.status)
            .map(|s| s.label().to_owned())
            .unwrap_or_default(),
        version: if entry.version == 0 {
            "—".to_owned()
        } else {
            format!("第{}版", entry.version)
        },
        draft: entry
            .draft_state
            .map(|s| s.label().to_owned())
            .unwrap_or_default(),
        publication,
    }
}

/// `GET /console/programs` (every role).
pub async fn list_programs(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let wanted = EntryQuery {
        text: query.q.trim().chars().take(200).collect(),
        show: EntryShow::parse(&query.show).unwrap_or_default(),
    };
    let show = wanted.show.code();
    // The search, the filter and the paging run in the database: only one page is read.
    let found = state
        .store()
        .program_entry_page(&wanted, PAGE_SIZE, query.page.unwrap_or(1))
        .await?;
    let pages = found.total.div_ceil(u64::from(PAGE_SIZE)).max(1);
    // Past what was counted, a full page may have another after it.
    let full = found.entries.len() == PAGE_SIZE as usize;
    let next = found.page < pages || (found.more && full);
    let base_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", query.q.trim())
        .append_pair("show", show)
        .finish();
    let view = ListPage {
        frame: Some(staff.frame("/console/programs")),
        q: query.q.trim().to_owned(),
        filters: FILTERS
            .iter()
            .map(|(filter, label)| Choice {
                value: filter.code().to_owned(),
                label: (*label).to_owned(),
                selected: *filter == wanted.show,
            })
            .collect(),
        total: found.total,
        more: found.more,
        rows: found.entries.iter().map(row).collect(),
        page: found.page,
        pages,
        next,
        can_create: staff.account.role.allows(Role::Staff),
        notice: (query.done.as_deref() == Some("discarded")).then_some("下書きを破棄しました。"),
        base_query,
    };
    Ok(Html(view.render()?).into_response())
}
