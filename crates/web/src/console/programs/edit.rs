//! The editor: `GET/POST /console/programs/new` and `GET/POST /console/programs/{id}/edit`.
//!
//! The page posts back to itself. Buttons that only change the page (add a condition, a
//! round, a test profile, check, try a business) need 閲覧; saving needs 職員. A save names
//! the published version and draft revision the page was opened on, and a save that would
//! overwrite someone else's is refused with a diff of the two. A post whose session ended, or whose
//! CSRF token is stale, is answered with the same page, everything typed kept.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::eligibility::{run_test_cases, validate_program_rule};
use madoguchi_core::program::Program;
use madoguchi_core::staff::Action;
use madoguchi_store::{Draft, DraftState, DraftStep, Role, StoreError};
use serde::Deserialize;
use time::Date;

use super::context::EditContext;
use super::{edit_path, moment_label};
use crate::console::editor::case_form::CaseAction;
use crate::console::editor::diff::{FieldChange, diff_programs};
use crate::console::editor::page::{EditorInput, EditorPage, WorkflowView};
use crate::console::editor::program_form::{FieldErrors, ProgramForm, RoundAction};
use crate::console::editor::rule_form::{RuleAction, RuleRows};
use crate::console::settings::ConsoleSettings;
use crate::console::staff::{Staff, StaffRejection};
use crate::http::clock;
use crate::http::form::FormData;
use crate::{AppError, AppState};

/// What a button of the editor asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EditAction {
    /// 「入力内容を確認する」, 「条件の表示を更新する」, or no button (Enter).
    Check,
    Try,
    Rule(RuleAction),
    Round(RoundAction),
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
            rows: RuleRows::from_rule(base.rule.as_ref()),
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
pub struct EditQuery {
    done: Option<String>,
}

/// `GET /console/programs/new` (職員以上).
pub async fn new_program(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let ctx = EditContext::new_program();
    let typed = Typed::of(&ctx);
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

async fn save(
    state: &AppState,
    staff: &Staff,
    ctx: EditContext,
    mut typed: Typed,
    posted: &FormData,
    action: EditAction,
) -> Result<Response, AppError> {
    let store = state.store();
    let today = clock::today();
    let settings = ConsoleSettings::load(store).await?;
    let again = |status, alert: String, errors| Shown {
        status: Some(status),
        alert: Some(alert),
        errors,
        ..Shown::default()
    };
    if action == EditAction::Publish && settings.require_second_approval {
        let shown = again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "公開には、確認を依頼した人とは別の人の承認が必要です。「保存して確認を依頼」を押してください。".to_owned(),
            FieldErrors::default(),
        );
        return render(state, Some(staff), &ctx, &typed, posted, shown).await;
    }
    let base = ctx.base();
    let read = if ctx.is_new() {
        typed.form.apply_as_new(&base)
    } else {
        typed.form.apply(&base)
    };
    let mut program = match read {
        Ok(program) => program,
        Err(errors) => {
            let alert = format!(
                "入力内容に{}件の誤りがあるため、保存していません。各項目の説明を確かめてください。",
                errors.0.len()
            );
            let shown = again(StatusCode::UNPROCESSABLE_ENTITY, alert, errors);
            return render(state, Some(staff), &ctx, &typed, posted, shown).await;
        }
    };
    program.rule = typed.rows.to_rule().rule;
    if ctx.is_new() && id_taken(state, &program).await? {
        let mut errors = FieldErrors::default();
        errors.0.push((
            "id".to_owned(),
            format!(
                "制度ID「{}」は既に使われています。別のIDにしてください。",
                program.id
            ),
        ));
        let shown = again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "入力内容に1件の誤りがあるため、保存していません。".to_owned(),
            errors,
        );
        return render(state, Some(staff), &ctx, &typed, posted, shown).await;
    }
    let saved = store
        .save_draft(
            &program,
            typed.base_version,
            typed.revision,
            &staff.account.id,
        )
        .await;
    let draft = match saved {
        Ok(draft) => draft,
        Err(
            err @ (StoreError::StaleDraft { .. }
            | StoreError::Stale { .. }
            | StoreError::NoDraft(_)),
        ) => return refused_as_stale(state, staff, &program, typed, posted, err).await,
        Err(StoreError::InvalidProgram { source, .. }) => {
            let shown = again(
                StatusCode::UNPROCESSABLE_ENTITY,
                source.to_string(),
                FieldErrors::default(),
            );
            return render(state, Some(staff), &ctx, &typed, posted, shown).await;
        }
        Err(err) => return Err(err.into()),
    };
    let id = draft.program.id.clone();
    staff
        .audit(
            state,
            Action::ProgramDraftSave,
            Some(id.as_str()),
            save_detail(ctx.published.as_ref(), &draft, today),
        )
        .await?;
    if action == EditAction::Save {
        return done(id.as_str(), "saved");
    }
    if let Some(problem) = not_ready(&draft.program, today) {
        let ctx = EditContext::load(store, id.as_str()).await?;
        typed.base_version = ctx.base_version();
        typed.revision = ctx.revision();
        let step = if action == EditAction::Review {
            "確認を依頼"
        } else {
            "公開"
        };
        let shown = again(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("下書きは保存しました。ただし、{problem}ため、{step}できません。"),
            FieldErrors::default(),
        );
        return render(state, Some(staff), &ctx, &typed, posted, shown).await;
    }
    if action == EditAction::Review {
        store
            .change_draft(&id, draft.revision, DraftStep::RequestReview)
            .await?;
        staff
            .audit(
                state,
                Action::ProgramReviewRequest,
                Some(id.as_str()),
                "確認を依頼しました",
            )
            .await?;
        return done(id.as_str(), "review");
    }
    let outcome = store
        .publish_draft(&id, draft.revision, &origin_of(staff))
        .await?;
    staff
        .audit(
            state,
            Action::ProgramPublish,
            Some(id.as_str()),
            format!("第{}版として公開しました", outcome.version()),
        )
        .await?;
    state.catalog_changed().await?;
    done(id.as_str(), "published")
}

/// Who saved a version, as the program's history records it.
pub(super) fn origin_of(staff: &Staff) -> String {
    format!("console:{}", staff.account.id)
}

/// 303 back to the editor with a notice.
pub(super) fn done(id: &str, what: &str) -> Result<Response, AppError> {
    Ok(Redirect::to(&format!("{}?done={what}", edit_path(id))).into_response())
}

async fn id_taken(state: &AppState, program: &Program) -> Result<bool, AppError> {
    let store = state.store();
    Ok(store.program(&program.id).await?.is_some() || store.draft(&program.id).await?.is_some())
}

/// Why a saved draft may not go on to review or publication, if it may not.
fn not_ready(program: &Program, today: Date) -> Option<String> {
    if validate_program_rule(program).is_err() {
        return Some("対象となる条件に誤りがある".to_owned());
    }
    let failures = run_test_cases(program, today).len();
    (failures > 0).then(|| format!("テスト用の事業者{failures}件が期待どおりに判定されない"))
}

/// The audit entry of a save: which fields changed against the published version.
fn save_detail(published: Option<&Program>, draft: &Draft, today: Date) -> String {
    let Some(published) = published else {
        return format!("新しい制度の下書きを保存しました（改訂{}）", draft.revision);
    };
    let labels: Vec<String> = diff_programs(published, &draft.program, today)
        .into_iter()
        .map(|c| c.label)
        .collect();
    let changed = if labels.is_empty() {
        "公開中の内容と同じ".to_owned()
    } else {
        format!("公開中の内容から変えた項目：{}", labels.join("、"))
    };
    format!("下書きを保存しました（改訂{}）。{changed}", draft.revision)
}

/// A save refused because someone else saved or published first: the page again with the
/// other version's differences, and the page's version and revision moved to the current
/// ones, so that saving again (after looking) is a deliberate choice.
async fn refused_as_stale(
    state: &AppState,
    staff: &Staff,
    program: &Program,
    mut typed: Typed,
    posted: &FormData,
    err: StoreError,
) -> Result<Response, AppError> {
    let store = state.store();
    let ctx = EditContext {
        id: Some(program.id.clone()),
        published: store.program(&program.id).await?,
        draft: store.draft(&program.id).await?,
    };
    let theirs = ctx.base();
    typed.base_version = ctx.base_version();
    typed.revision = ctx.revision();
    let shown = Shown {
        status: Some(StatusCode::CONFLICT),
        alert: Some(format!(
            "{err} 下に違いを示します。必要な変更をこの画面に取り込んでから「下書きを保存」を押すと、この画面の内容で保存します。"
        )),
        changes: diff_programs(&theirs, program, clock::today()),
        ..Shown::default()
    };
    // A new program whose id someone else took meanwhile is edited as theirs from now on.
    render(state, Some(staff), &ctx, &typed, posted, shown).await
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
        run_trial: shown.run_trial,
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

/// Where the program and its draft stand, and what this person may do about it.
async fn workflow(
    state: &AppState,
    staff: &Staff,
    ctx: &EditContext,
    settings: &ConsoleSettings,
    today: Date,
) -> Result<WorkflowView, AppError> {
    let store = state.store();
    let name_of = |id: String| async move {
        store
            .account(&id)
            .await
            .ok()
            .flatten()
            .map_or(id, |a| a.display_name.to_string())
    };
    let can_change = staff.account.role.allows(Role::Staff);
    let entry = match &ctx.id {
        Some(id) => store.program_entry(id).await?,
        None => None,
    };
    let unpublished_at = entry.as_ref().and_then(|e| e.unpublished_at);
    let unpublish_at = entry.as_ref().and_then(|e| e.unpublish_at);
    let published_version = ctx.published.as_ref().map_or(0, |p| p.version);
    let published = match (&ctx.published, unpublished_at) {
        (None, _) => "未公開".to_owned(),
        (Some(p), Some(at)) => format!("公開終了（{}、第{}版）", moment_label(at), p.version),
        (Some(p), None) => format!("公開中（第{}版、{}）", p.version, p.status.label()),
    };
    let mut view = WorkflowView {
        program_id: ctx.id.as_ref().map(ToString::to_string).unwrap_or_default(),
        published,
        published_version,
        unpublish_plan: unpublish_at
            .filter(|_| unpublished_at.is_none())
            .map(|at| format!("{}に公開を終了します", moment_label(at))),
        is_unpublished: unpublished_at.is_some(),
        can_change,
        can_close_budget: can_change
            && unpublished_at.is_none()
            && ctx
                .published
                .as_ref()
                .is_some_and(|p| p.status != madoguchi_core::program::ProgramStatus::ClosedBudget),
        today: today.to_string(),
        ..WorkflowView::default()
    };
    if let Some(draft) = &ctx.draft {
        let author = name_of(draft.author.clone()).await;
        view.draft = Some(format!(
            "{}：{}さんが{}に保存（改訂{}）",
            draft.state.label(),
            author,
            moment_label(draft.updated_at),
            draft.revision
        ));
        view.draft_revision = draft.revision;
        if let (Some(at), Some(reviewer)) = (draft.publish_at, draft.reviewer.clone()) {
            view.schedule = Some(format!(
                "{}に公開（承認：{}さん）",
                moment_label(at),
                name_of(reviewer).await
            ));
        }
        let own = draft.author == staff.account.id;
        let awaiting = draft.state == DraftState::Review;
        let second = settings.require_second_approval;
        view.can_approve = can_change
            && (if second {
                awaiting && !own
            } else {
                draft.state != DraftState::Scheduled
            });
        view.approve_note = (can_change && second && awaiting && own)
            .then(|| "この下書きはあなたが保存したため、承認は別の職員が行います。".to_owned());
        view.can_return = can_change && draft.state != DraftState::Draft;
        view.can_discard = can_change;
    }
    Ok(view)
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
