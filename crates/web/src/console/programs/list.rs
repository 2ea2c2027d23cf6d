//! `GET /console/programs`: every program and every draft of a new program, searchable by
//! name or id and filterable by where it stands in the workflow.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::program::ProgramStatus;
use madoguchi_store::{DraftState, ProgramEntry, Role};
use serde::Deserialize;

use super::{edit_path, moment_label};
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::editor::rule_view::Choice;
use crate::{AppError, AppState};

const PAGE_SIZE: usize = 50;

/// The filters of the list, by code.
const FILTERS: [(&str, &str); 6] = [
    ("", "すべて"),
    ("draft", "下書きがある"),
    ("review", "確認依頼中"),
    ("scheduled", "公開予約済み"),
    ("unpublished", "公開終了"),
    ("unpublished_never", "未公開（新規の下書き）"),
];

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    show: String,
    page: Option<usize>,
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
    total: usize,
    page: usize,
    pages: usize,
    can_create: bool,
    notice: Option<&'static str>,
    /// The query string of the other pages, without `page`.
    base_query: String,
}

fn matches(entry: &ProgramEntry, q: &str, show: &str) -> bool {
    let found = q.is_empty()
        || entry.title.to_lowercase().contains(q)
        || entry.id.as_str().to_lowercase().contains(q);
    let shown = match show {
        "draft" => entry.draft_state.is_some(),
        "review" => entry.draft_state == Some(DraftState::Review),
        "scheduled" => entry.draft_state == Some(DraftState::Scheduled),
        "unpublished" => entry.unpublished_at.is_some(),
        "unpublished_never" => entry.version == 0,
        _ => true,
    };
    found && shown
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
    let q: String = query
        .q
        .trim()
        .chars()
        .take(200)
        .collect::<String>()
        .to_lowercase();
    let show = if FILTERS.iter().any(|(code, _)| *code == query.show) {
        query.show.as_str()
    } else {
        ""
    };
    let found: Vec<ProgramEntry> = state
        .store()
        .program_entries()
        .await?
        .into_iter()
        .filter(|e| matches(e, &q, show))
        .collect();
    let pages = found.len().div_ceil(PAGE_SIZE).max(1);
    let page = query.page.unwrap_or(1).clamp(1, pages);
    let rows = found
        .iter()
        .skip((page - 1) * PAGE_SIZE)
        .take(PAGE_SIZE)
        .map(row)
        .collect();
    let base_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", query.q.trim())
        .append_pair("show", show)
        .finish();
    let view = ListPage {
        frame: Some(staff.frame("/console/programs")),
        q: query.q.trim().to_owned(),
        filters: FILTERS
            .iter()
            .map(|(code, label)| Choice {
                value: (*code).to_owned(),
                label: (*label).to_owned(),
                selected: *code == show,
            })
            .collect(),
        total: found.len(),
        rows,
        page,
        pages,
        can_create: staff.account.role.allows(Role::Staff),
        notice: (query.done.as_deref() == Some("discarded")).then_some("下書きを破棄しました。"),
        base_query,
    };
    Ok(Html(view.render()?).into_response())
}
