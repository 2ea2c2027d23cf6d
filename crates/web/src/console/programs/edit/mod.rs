//! The editor: `GET/POST /console/programs/new` and `GET/POST /console/programs/{id}/edit`.
//!
//! The page posts back to itself. Buttons that only change the page (add a condition, a
//! round, a test profile, check, try a business) need 閲覧; saving needs 職員. A save names
//! the published version and draft revision the page was opened on, and a save that would
//! overwrite someone else's is refused with a diff of the two. A post whose session ended, or whose
//! CSRF token is stale, is answered with the same page, everything typed kept.

mod save;
mod workflow_panel;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_store::Role;
use serde::Deserialize;
use time::Date;

use super::context::EditContext;
use super::edit_path;
use crate::console::editor::case_form::CaseAction;
use crate::console::editor::diff::FieldChange;
use crate::console::editor::page::{EditorInput, EditorPage};
use crate::console::editor::program_form::{DocumentAction, FieldErrors, ProgramForm, RoundAction};
use crate::console::editor::rule_form::{RuleAction, RuleRows};
use crate::console::settings::ConsoleSettings;
use crate::console::staff::{Staff, StaffRejection};
use crate::http::clock;
use crate::http::form::FormData;
use crate::{AppError, AppState};
use save::save;
use workflow_panel::workflow;

/// What a button of the editor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditAction {
    /// 「入力内容を確認する」, 「条件の表示を更新する」, or no button (Enter).
    Check,
    Try,
    Rule(RuleAction),
    Round(RoundAction),
    Document(DocumentAction),
    Case(CaseAction),
    Save,
    Review,
    Publish,
}

impl EditAction {
    /// Reads the button; anything unknown only re-renders.
    fn parse(raw: Option<&str>) -> Self {
        let raw = raw.unwrap_or_default();
        match raw {
            "save" => Self::Save,
            "review" => Self::Review,
            "publish" => Self::Publish,
            "try" => Self::Try,
            _ => RuleAction::parse(raw)
                .map(Self::Rule)
                .or_else(|| RoundAction::parse(raw).map(Self::Round))
                .or_else(|| DocumentAction::parse(raw).map(Self::Document))
                .or_else(|| CaseAction::parse(raw).map(Self::Case))
                .unwrap_or(Self::Check),
        }
    }

    fn saves(self) -> bool {
        matches!(self, Self::Save | Self::Review | Self::Publish)
    }

    fn least_role(self) -> Role {
        if self.saves() {
            Role::Staff
        } else {
            Role::Viewer
        }
    }
}

/// Everything typed into the editor, as posted.
#[derive(Debug, Clone)]
struct Typed {
    form: ProgramForm,
    rows: RuleRows,
    /// The published version the page was opened on.
    base_version: u32,
    /// The draft revision the page was opened on (0: none).
    revision: u32,
}

impl Typed {
    fn of(ctx: &EditContext) -> Self {
        let base = ctx.base();
        let mut form = ProgramForm::of(&base);
        if ctx.is_new() {
            form.id.clear();
            form.title.clear();
            form.issuer_name.clear();
        }
        Self {
            rows: RuleRows::from_rule(base.rule.as_deref()),
            form,
            base_version: ctx.base_version(),
            revision: ctx.revision(),
        }
    }

    fn read(posted: &FormData) -> Result<Self, AppError> {
        let number = |name: &str| {
            posted
                .get(name)
                .unwrap_or("0")
                .trim()
                .parse::<u32>()
                .map_err(|_| {
                    AppError::BadRequest(
                        "編集画面の情報を読み取れませんでした。お手数ですが、編集画面を開き直してください。"
                            .to_owned(),
                    )
                })
        };
        Ok(Self {
            form: ProgramForm::read(posted),
            rows: RuleRows::read(posted).map_err(|e| AppError::BadRequest(e.to_string()))?,
            base_version: number("base-version")?,
            revision: number("draft-revision")?,
        })
    }
}

/// How one rendering of the editor differs from a plain one.
#[derive(Debug, Default)]
struct Shown {
    status: Option<StatusCode>,
    notice: Option<String>,
    alert: Option<String>,
    errors: FieldErrors,
    changes: Vec<FieldChange>,
    run_trial: bool,
}

const CSRF_STALE: &str = "画面の有効期限が切れたか、別の画面から送信されたため、保存していません。入力した内容はこの画面に残っています。内容を確かめて、もう一度ボタンを押してください。";

const SESSION_ENDED: &str = "ログインの有効期限が切れたため、保存していません。入力した内容はこの画面に残っています。別のタブでログインし直してから、この画面の「下書きを保存」をもう一度押してください。";

#[derive(Debug, Deserialize)]
pub struct NewQuery {
    /// A title to start from: the analytics dashboard's catalogue-gap list sends the
    /// words of a search that found nothing.
    title: Option<String>,
}

/// The most of a suggested title taken from a link.
const NEW_TITLE_CHARS: usize = 100;

#[derive(Debug, Deserialize)]
pub struct EditQuery {
    done: Option<String>,
}

/// `GET /console/programs/new` (職員以上).
pub async fn new_program(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<NewQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let ctx = EditContext::new_program();
    let mut typed = Typed::of(&ctx);
    if let Ok(Query(NewQuery { title: Some(title) })) = query {
        typed.form.title = title.trim().chars().take(NEW_TITLE_CHARS).collect();
    }
    render(
        &state,
        Some(&staff),
        &ctx,
        &typed,
        &FormData::default(),
        Shown::default(),
    )
    .await
}

/// `GET /console/programs/{id}/edit` (every role; 閲覧 cannot save).
pub async fn edit_program(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    query: Result<Query<EditQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let ctx = EditContext::load(state.store(), &id).await?;
    let typed = Typed::of(&ctx);
    let done = query.ok().and_then(|Query(q)| q.done);
    let shown = Shown {
        notice: done.as_deref().and_then(done_notice).map(str::to_owned),
        ..Shown::default()
    };
    render(
        &state,
        Some(&staff),
        &ctx,
        &typed,
        &FormData::default(),
        shown,
    )
    .await
}

/// 「…しました」 after a redirect from an action.
fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "saved" => "下書きを保存しました。公開サイトにはまだ表示されません。",
        "review" => "下書きを保存し、確認を依頼しました。",
        "published" => "公開しました。公開サイトに反映されています。",
        "scheduled" => "公開を予約しました。",
        "returned" => "下書きに戻しました。",
        "discarded" => "下書きを破棄しました。",
        "closed" => "予算上限により受付終了にしました。公開サイトに反映されています。",
        "unpublished" => "公開を終了しました。",
        "unpublish_planned" => "公開を終了する日時を予約しました。",
        "unpublish_cancelled" => "公開終了の予約を取り消しました。",
        "restored" => "過去の版の内容を下書きにしました。確認して保存・公開してください。",
        _ => return None,
    })
}

/// `POST /console/programs/new`.
pub async fn post_new_program(
    State(state): State<AppState>,
    staff: Result<Staff, StaffRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    post_editor(&state, None, staff, body).await
}

/// `POST /console/programs/{id}/edit`.
pub async fn post_edit_program(
    State(state): State<AppState>,
    Path(id): Path<String>,
    staff: Result<Staff, StaffRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    post_editor(&state, Some(id), staff, body).await
}

async fn post_editor(
    state: &AppState,
    id: Option<String>,
    staff: Result<Staff, StaffRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let posted = FormData::read(body)?;
    let mut typed = Typed::read(&posted)?;
    let action = EditAction::parse(posted.get("action"));
    let staff = match staff {
        Ok(staff) => staff,
        Err(StaffRejection::SignIn { .. }) => {
            return session_ended(state, id, &typed, &posted).await;
        }
        Err(rejection @ StaffRejection::MustChangePassword) => {
            return Ok(rejection.into_response());
        }
        Err(StaffRejection::Failed(err)) => return Err(err),
    };
    staff.require(action.least_role())?;
    let ctx = match &id {
        Some(id) => EditContext::load(state.store(), id).await?,
        None => EditContext::new_program(),
    };
    if staff.check_csrf(&posted).is_err() {
        let shown = Shown {
            status: Some(StatusCode::FORBIDDEN),
            alert: Some(CSRF_STALE.to_owned()),
            ..Shown::default()
        };
        return render(state, Some(&staff), &ctx, &typed, &posted, shown).await;
    }
    let mut shown = Shown::default();
    match action {
        EditAction::Check => {}
        EditAction::Try => shown.run_trial = true,
        EditAction::Rule(change) => {
            if let Err(err) = typed.rows.apply(change) {
                shown.alert = Some(err.to_string());
            }
        }
        EditAction::Round(change) => typed.form.apply_round_action(change),
        EditAction::Document(change) => change.apply(&mut typed.form.documents),
        EditAction::Case(change) => {
            if let Err(message) = typed.form.apply_case_action(change) {
                shown.alert = Some(message);
            }
        }
        EditAction::Save | EditAction::Review | EditAction::Publish => {
            return save(state, &staff, ctx, typed, &posted, action).await;
        }
    }
    render(state, Some(&staff), &ctx, &typed, &posted, shown).await
}

/// The page again, for a post whose session ended: only what was posted, no draft and no
/// workflow (they are not for a signed-out browser), and how to go on.
async fn session_ended(
    state: &AppState,
    id: Option<String>,
    typed: &Typed,
    posted: &FormData,
) -> Result<Response, AppError> {
    let ctx = EditContext {
        id: id.and_then(|raw| madoguchi_core::program::ProgramId::parse(&raw).ok()),
        published: None,
        draft: None,
    };
    let shown = Shown {
        status: Some(StatusCode::UNAUTHORIZED),
        alert: Some(SESSION_ENDED.to_owned()),
        ..Shown::default()
    };
    render(state, None, &ctx, typed, posted, shown).await
}

/// Who saved a version, as the program's history records it.
pub(super) fn origin_of(staff: &Staff) -> String {
    format!("console:{}", staff.account.id)
}

/// 303 back to the editor with a notice.
pub(super) fn done(id: &str, what: &str) -> Result<Response, AppError> {
    Ok(Redirect::to(&format!("{}?done={what}", edit_path(id))).into_response())
}

/// The editor page for `typed`, with the workflow for `staff` (none when signed out).
async fn render(
    state: &AppState,
    staff: Option<&Staff>,
    ctx: &EditContext,
    typed: &Typed,
    posted: &FormData,
    shown: Shown,
) -> Result<Response, AppError> {
    let today = clock::today();
    let base = ctx.base();
    let mut page = EditorPage::build(&EditorInput {
        is_new: ctx.is_new(),
        form: &typed.form,
        errors: &shown.errors,
        rows: &typed.rows,
        base: &base,
        today,
        posted,
        run_trial: shown.run_trial && staff.is_some(),
        analyse: staff.is_some(),
    });
    let settings = ConsoleSettings::load(state.store()).await?;
    page.form_action = ctx.id.as_ref().map_or_else(
        || "/console/programs/new".to_owned(),
        |id| edit_path(id.as_str()),
    );
    page.hidden = vec![
        ("base-version".to_owned(), typed.base_version.to_string()),
        ("draft-revision".to_owned(), typed.revision.to_string()),
    ];
    if !ctx.is_new() && ctx.published.is_none() && ctx.draft.is_none() {
        // A page kept after the session ended knows the program only by what was posted.
        page.heading = format!("「{}」を編集する", typed.form.title.trim());
    }
    page.notice = shown.notice;
    page.alert = shown.alert;
    page.changes = shown.changes;
    match staff {
        None => {
            page.buttons = vec![("save", "下書きを保存", true)];
        }
        Some(staff) => {
            page.frame = Some(staff.frame("/console/programs"));
            page.csrf = staff.csrf.clone();
            let can_change = staff.account.role.allows(Role::Staff);
            page.read_only = !can_change;
            if can_change {
                page.buttons = vec![
                    ("save", "下書きを保存", true),
                    ("review", "保存して確認を依頼", false),
                ];
                if !settings.require_second_approval {
                    page.buttons.push(("publish", "保存して公開", false));
                }
            }
            if !ctx.is_new() {
                page.workflow = Some(workflow(state, staff, ctx, &settings, today).await?);
            }
        }
    }
    let status = shown.status.unwrap_or(StatusCode::OK);
    Ok((status, Html(page.render()?)).into_response())
}

/// The date a closure form names (「2026-07-10」), today when left blank.
pub(super) fn date_or_today(raw: Option<&str>) -> Result<Date, AppError> {
    let raw = raw.unwrap_or_default().trim();
    if raw.is_empty() {
        return Ok(clock::today());
    }
    Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .map_err(|_| {
        AppError::BadRequest(format!(
            "日付「{raw}」を読み取れません。「{}」のように入力してください。",
            clock::today()
        ))
    })
}
