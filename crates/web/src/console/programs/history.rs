//! A program's history: `GET /console/programs/{id}/history` lists every version with
//! who saved it and when, and `GET /console/programs/{id}/diff?from=&to=` shows what
//! changed between any two of them, field by field.

use std::collections::HashMap;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::program::ProgramId;
use madoguchi_store::{Role, Store, VersionInfo};
use serde::Deserialize;

use super::{edit_path, moment_label};
use crate::console::editor::diff::{FieldChange, diff_programs};
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::http::clock;
use crate::{AppError, AppState};

/// One version in the list.
#[derive(Debug)]
pub struct VersionRow {
    pub version: u32,
    pub saved: String,
    pub by: String,
}

#[derive(Template)]
#[template(path = "console/programs/history.html")]
struct HistoryPage {
    frame: Option<Frame>,
    csrf: String,
    id: String,
    title: String,
    edit_href: String,
    versions: Vec<VersionRow>,
    can_restore: bool,
    draft_revision: u32,
}

#[derive(Template)]
#[template(path = "console/programs/diff.html")]
struct DiffPage {
    frame: Option<Frame>,
    id: String,
    title: String,
    from: u32,
    to: u32,
    changes: Vec<FieldChange>,
}

#[derive(Debug, Default, Deserialize)]
pub struct DiffQuery {
    from: Option<String>,
    to: Option<String>,
}

/// An account's name, looked up once per page.
async fn account_name(store: &Store, id: &str, names: &mut HashMap<String, String>) -> String {
    if let Some(name) = names.get(id) {
        return name.clone();
    }
    let name = store.account(id).await.ok().flatten().map_or_else(
        || "（不明な利用者）".to_owned(),
        |a| a.display_name.to_string(),
    );
    names.insert(id.to_owned(), name.clone());
    name
}

/// Who saved a version, as staff read it.
async fn saved_by(store: &Store, origin: &str, names: &mut HashMap<String, String>) -> String {
    let (kind, rest) = origin.split_once(':').unwrap_or((origin, ""));
    match kind {
        "console" => format!("{}さん", account_name(store, rest, names).await),
        "schedule" => format!(
            "公開予約（承認：{}さん）",
            account_name(store, rest, names).await
        ),
        "import" => format!("取り込み（{rest}）"),
        "cli" => "コマンド".to_owned(),
        "web" => "コンソール".to_owned(),
        other => other.to_owned(),
    }
}

async fn history_of(store: &Store, id: &str) -> Result<(ProgramId, Vec<VersionInfo>), AppError> {
    let id = ProgramId::parse(id).map_err(|_| AppError::NotFound)?;
    let versions = store.program_versions(&id).await?;
    if versions.is_empty() {
        return Err(AppError::NotFound);
    }
    Ok((id, versions))
}

/// `GET /console/programs/{id}/history` (every role).
pub async fn show_history(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let store = state.store();
    let (id, versions) = history_of(store, &id).await?;
    let current = store.program(&id).await?.ok_or(AppError::NotFound)?;
    let mut names = HashMap::new();
    let mut rows = Vec::new();
    for v in versions.iter().rev() {
        rows.push(VersionRow {
            version: v.version,
            saved: moment_label(v.created_at),
            by: saved_by(store, &v.origin, &mut names).await,
        });
    }
    let draft_revision = store.draft(&id).await?.map_or(0, |d| d.revision);
    let page = HistoryPage {
        frame: Some(staff.frame("/console/programs")),
        csrf: staff.csrf.clone(),
        edit_href: edit_path(id.as_str()),
        id: id.to_string(),
        title: current.title.to_string(),
        versions: rows,
        can_restore: staff.account.role.allows(Role::Staff),
        draft_revision,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /console/programs/{id}/diff?from=1&to=3` (every role): `from` defaults to the
/// version before `to`, `to` to the current one.
pub async fn show_diff(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    query: Result<Query<DiffQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let store = state.store();
    let (id, versions) = history_of(store, &id).await?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let latest = versions.last().map_or(1, |v| v.version);
    let read = |raw: Option<&String>, default: u32| -> Result<u32, AppError> {
        match raw.map(|r| r.trim()).filter(|r| !r.is_empty()) {
            None => Ok(default),
            Some(r) => r.parse().map_err(|_| {
                AppError::BadRequest(format!(
                    "版「{r}」を読み取れません。1から{latest}までの数で選んでください。"
                ))
            }),
        }
    };
    let to = read(query.to.as_ref(), latest)?;
    let from = read(query.from.as_ref(), to.saturating_sub(1).max(1))?;
    let missing = |v: u32| {
        AppError::BadRequest(format!(
            "第{v}版はありません。1から{latest}までの版を選んでください。"
        ))
    };
    let old = store
        .program_version(&id, from)
        .await?
        .ok_or_else(|| missing(from))?;
    let new = store
        .program_version(&id, to)
        .await?
        .ok_or_else(|| missing(to))?;
    let page = DiffPage {
        frame: Some(staff.frame("/console/programs")),
        id: id.to_string(),
        title: new.title.to_string(),
        from,
        to,
        changes: diff_programs(&old, &new, clock::today()),
    };
    Ok(Html(page.render()?).into_response())
}
