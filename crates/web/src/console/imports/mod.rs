//! Imports from the staff console: upload a jGrants, J-Net21 or madoguchi file
//! (`GET`/`POST /console/imports`), see what it would change (`GET /console/imports/{id}`),
//! confirm (`POST /console/imports/{id}/confirm`) and follow the background job on the
//! same page. Nothing changes before the confirmation; the parsed programs wait in the
//! store, so the preview, the confirmation and the job may each run on another process.

mod job;
mod preview;
mod progress;
mod reading;
pub mod recovery;
mod spool;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{FromRequest, Multipart, Path, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::calendar::JstDateTime;
use madoguchi_core::import::RecordIssue;
use madoguchi_core::program::SourceKind;
use madoguchi_core::staff::Action;
use madoguchi_store::{ImportJobState, NewPendingImport, PendingImport, Role};

pub use preview::{LIST_LIMIT, Preview};
pub use progress::{ImportProgress, Tracker};

use super::frame::Frame;
use super::programs::moment_label;
use super::settings::ConsoleSettings;
use super::staff::Staff;
use crate::http::clock;
use crate::http::form::{FormData, MAX_FORM_BYTES};
use crate::{AppError, AppState};

/// The largest file staff may upload (a whole jGrants export is a few MB).
pub const UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Uploads listed on the imports page.
const RECENT: usize = 50;

/// The kinds of file staff choose from: (form value, label).
const KINDS: [(&str, &str); 3] = [
    ("jgrants", "Jグランツ（APIの応答 JSON）"),
    ("jnet21", "J-Net21（JSON）"),
    ("madoguchi", "madoguchi形式（JSON または CSV）"),
];

/// One upload in the list.
pub struct ImportRow {
    pub id: i64,
    pub created_at: String,
    pub file_name: String,
    pub source: &'static str,
    pub state: &'static str,
}

#[derive(Template)]
#[template(path = "console/imports.html")]
struct ImportsPage {
    frame: Option<Frame>,
    can_upload: bool,
    kinds: [(&'static str, &'static str); 3],
    max_mb: usize,
    imports: Vec<ImportRow>,
}

#[derive(Template)]
#[template(path = "console/import.html")]
struct ImportPage {
    frame: Option<Frame>,
    id: i64,
    file_name: String,
    state_code: &'static str,
    state_label: &'static str,
    active: bool,
    can_confirm: bool,
    done: u64,
    total: u64,
    message: String,
    preview: Preview,
    limit: usize,
}

/// `GET /console/imports` (閲覧以上): the upload form and the recent uploads.
pub async fn list_imports(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let imports = state
        .store()
        .pending_imports(RECENT)
        .await?
        .into_iter()
        .map(|p| ImportRow {
            id: p.id,
            created_at: moment_label(p.created_at),
            file_name: p.file_name,
            source: p.source_kind.label(),
            state: p.state.label(),
        })
        .collect();
    let page = ImportsPage {
        frame: Some(staff.frame("/console/imports")),
        can_upload: staff.account.role.allows(Role::Staff),
        kinds: KINDS,
        max_mb: UPLOAD_BYTES / 1024 / 1024,
        imports,
    };
    Ok(Html(page.render()?).into_response())
}

/// What the upload form sent; the file itself waits on disk.
struct Upload {
    form: FormData,
    kind: String,
    file_name: String,
    file: Option<spool::Spooled>,
}

/// `POST /console/imports` (職員以上, multipart): reads the file, compares it with the
/// catalogue and keeps it for confirmation; nothing in the catalogue changes.
pub async fn upload_import(
    State(state): State<AppState>,
    staff: Staff,
    request: Request,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let upload = read_upload(&state, request).await?;
    staff.check_csrf(&upload.form)?;
    let (label, source_kind) = KINDS
        .iter()
        .zip([SourceKind::Jgrants, SourceKind::Jnet21, SourceKind::Csv])
        .find(|((value, _), _)| *value == upload.kind)
        .map(|((_, label), kind)| (*label, kind))
        .ok_or_else(|| AppError::BadRequest("ファイルの種類を選んでください。".to_owned()))?;
    let file = match upload.file {
        Some(file) if !(file.is_empty() && upload.file_name.is_empty()) => file,
        _ => {
            return Err(AppError::BadRequest(
                "取り込むファイルを選んでください。".to_owned(),
            ));
        }
    };
    let catalog = state.catalog();
    let file_name = upload.file_name;
    // Reading and comparing is CPU work for seconds on a large file: off the async threads.
    let read = tokio::task::spawn_blocking(move || {
        let with = reading::Comparison {
            catalog: &catalog,
            today: clock::today(),
            received_at: JstDateTime::from_offset(clock::now()),
            label,
        };
        reading::read(source_kind, file.path(), with)
    })
    .await
    .map_err(|err| AppError::Internal(err.to_string()))?
    .map_err(|err| {
        AppError::BadRequest(format!(
            "{file_name}：{err}（種類として「{label}」を選んでいます。ファイルの種類が合っているか確認してください。）"
        ))
    })?;
    refuse_wrong_kind(read.total, &read.report.invalid, &file_name, label)?;
    let summary =
        serde_json::to_string(&read.preview).map_err(|err| AppError::Internal(err.to_string()))?;
    let kept = state
        .store()
        .create_pending_import(&NewPendingImport {
            created_by: staff.account.id.clone(),
            source_kind,
            file_name,
            body: read.body,
            summary,
            total: read.total,
        })
        .await?;
    Ok(Redirect::to(&format!("/console/imports/{}", kept.id)).into_response())
}

/// A file that yields no program at all but refused records was most likely chosen under
/// the wrong kind: say so instead of showing a preview of nothing but errors.
fn refuse_wrong_kind(
    programs: u64,
    invalid: &[RecordIssue],
    file_name: &str,
    label: &str,
) -> Result<(), AppError> {
    let Some(first) = invalid.first().filter(|_| programs == 0) else {
        return Ok(());
    };
    Err(AppError::BadRequest(format!(
        "{file_name}：取り込める制度が1件もありませんでした（{first}）。種類として「{label}」を選んでいます。ファイルの種類が合っているか確認してください。"
    )))
}

/// Reads the multipart form; a plain form (no file) still has its CSRF token checked
/// first, so a forged post is refused like every other console form.
async fn read_upload(state: &AppState, request: Request) -> Result<Upload, AppError> {
    let multipart = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::to_bytes(request.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| AppError::PayloadTooLarge)?;
        let form = FormData::from_pairs(form_urlencoded::parse(&bytes).into_owned().collect());
        return Ok(Upload {
            form,
            kind: String::new(),
            file_name: String::new(),
            file: None,
        });
    }
    let mut multipart = Multipart::from_request(request, state)
        .await
        .map_err(|_| unreadable())?;
    let (mut csrf, mut kind, mut file_name, mut file) =
        (String::new(), String::new(), String::new(), None);
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "_csrf" => csrf = field.text().await.map_err(multipart_error)?,
            "kind" => kind = field.text().await.map_err(multipart_error)?,
            "file" => {
                file_name = field.file_name().unwrap_or_default().to_owned();
                file = Some(spool::spool(field, UPLOAD_BYTES, multipart_error).await?);
            }
            _ => {}
        }
    }
    Ok(Upload {
        form: FormData::from_pairs(vec![("_csrf".to_owned(), csrf)]),
        kind,
        file_name,
        file,
    })
}

fn multipart_error(err: axum::extract::multipart::MultipartError) -> AppError {
    if err.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        AppError::PayloadTooLarge
    } else {
        unreadable()
    }
}

fn unreadable() -> AppError {
    AppError::BadRequest(
        "送信されたファイルを読み取れませんでした。もう一度選んで送信してください。".to_owned(),
    )
}

/// `GET /console/imports/{id}` (閲覧以上): the preview while waiting for confirmation,
/// then the job's state (refreshing itself while it runs).
pub async fn show_import(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let pending = find(&state, id).await?;
    let preview = read_preview(&pending);
    // The process running the job knows more than the row: the count since the last
    // heartbeat, and that the job is still reloading the catalogue after saving.
    let here = state.import_progress().done(pending.id);
    let shown = match here {
        Some(_) => ImportJobState::Running,
        None => pending.state,
    };
    let page = ImportPage {
        frame: Some(staff.frame("/console/imports")),
        id: pending.id,
        file_name: pending.file_name,
        state_code: shown.code(),
        state_label: shown.label(),
        active: shown.is_active(),
        can_confirm: shown == ImportJobState::Pending && staff.account.role.allows(Role::Staff),
        done: here.map_or(pending.done, |done| done.max(pending.done)),
        total: pending.total,
        message: if here.is_some() {
            String::new()
        } else {
            pending.message
        },
        preview,
        limit: LIST_LIMIT,
    };
    Ok(Html(page.render()?).into_response())
}

/// `POST /console/imports/{id}/confirm` (職員以上): starts the job. Refused while the file
/// has invalid records, unless staff chose to leave them out.
pub async fn confirm_import(
    State(state): State<AppState>,
    staff: Staff,
    id: Result<Path<i64>, PathRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let pending = find(&state, id).await?;
    let preview = read_preview(&pending);
    let settings = ConsoleSettings::load(state.store()).await?;
    if settings.require_second_approval && pending.created_by == staff.account.id {
        return Err(AppError::Forbidden(
            "取り込みの確定には、アップロードした人とは別の人の確認が必要です（設定「別の人の承認」）。他の職員に、この画面で内容を確かめて確定するよう依頼してください。"
                .to_owned(),
        ));
    }
    let moved = preview.moved_since(&state.catalog());
    if !moved.is_empty() {
        return Err(AppError::Conflict(moved_message(&moved)));
    }
    if preview.counts.invalid > 0 && form.get("skip_invalid") != Some("true") {
        return Err(AppError::BadRequest(format!(
            "不正なレコードが{}件あるため、取り込みを始めていません。ファイルを直して送り直すか、「不正なレコードを除いて取り込む」にチェックを入れてください。",
            preview.counts.invalid
        )));
    }
    let (from, to) = (ImportJobState::Pending, ImportJobState::Queued);
    if !state
        .store()
        .advance_import(pending.id, from, to, 0, "")
        .await?
    {
        return Err(AppError::Conflict(
            "この取り込みはすでに確定されています。".to_owned(),
        ));
    }
    staff
        .audit(
            &state,
            Action::ImportConfirm,
            Some(&pending.id.to_string()),
            format!(
                "{}（{}件）の取り込みを確定しました",
                pending.file_name, pending.total
            ),
        )
        .await?;
    let target = format!("/console/imports/{}", pending.id);
    job::start(state, staff, pending, preview);
    Ok(Redirect::to(&target).into_response())
}

/// Why a confirmation is refused when programs changed after the preview, naming them.
fn moved_message(moved: &[String]) -> String {
    const NAMED: usize = 10;
    let mut names = moved
        .iter()
        .take(NAMED)
        .cloned()
        .collect::<Vec<_>>()
        .join("、");
    if moved.len() > NAMED {
        names.push_str(&format!("ほか{}件", moved.len() - NAMED));
    }
    format!(
        "アップロードの後に、次の制度が公開・変更・公開終了されました：{names}。このまま取り込むとその変更を上書きするため、取り込みを始めていません。ファイルをもう一度アップロードして、新しい比較を確かめてから確定してください。"
    )
}

async fn find(
    state: &AppState,
    id: Result<Path<i64>, PathRejection>,
) -> Result<PendingImport, AppError> {
    let Ok(Path(id)) = id else {
        return Err(AppError::NotFound);
    };
    state
        .store()
        .pending_import(id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The kept preview; one this build cannot read shows as empty rather than failing.
fn read_preview(pending: &PendingImport) -> Preview {
    serde_json::from_str(&pending.summary).unwrap_or_default()
}
