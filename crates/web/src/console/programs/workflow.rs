//! The publishing workflow's own forms on the editor page: approve and publish (now or at
//! a set time), send a draft back, discard it, close a program for budget at once, take a
//! program off the site (now or later), and restore an old version as a draft.
//!
//! Each is 職員以上, checks its CSRF token, names the version or draft revision the page
//! showed (so a stale page changes nothing), and writes the audit log.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::program::ProgramId;
use madoguchi_core::staff::Action;
use madoguchi_store::{
    DraftState, DraftStep, Publication, Role, SaveOutcome, StoreError, TakeDown,
};
use time::OffsetDateTime;

use super::context::EditContext;
use super::edit::{date_or_today, done, origin_of};
use super::moment_label;
use crate::console::settings::ConsoleSettings;
use crate::console::staff::Staff;
use crate::http::clock;
use crate::http::form::FormData;
use crate::site::view::date_label;
use crate::{AppError, AppState};

/// A number the form must carry (a version, a draft revision).
fn number(form: &FormData, name: &str) -> Result<u32, AppError> {
    form.get(name)
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| {
            AppError::BadRequest(
                "どの版に対する操作かがわかりませんでした。編集画面を開き直して、もう一度操作してください。"
                    .to_owned(),
            )
        })
}

/// A moment typed as 「2026-04-01」 or 「2026-04-01T09:00」 (JST); blank is none.
fn moment(form: &FormData, name: &str, edge: DayEdge) -> Result<Option<OffsetDateTime>, AppError> {
    let raw = form.get(name).unwrap_or_default().trim();
    if raw.is_empty() {
        return Ok(None);
    }
    JstDateTime::parse(raw, edge)
        .map(|at| Some(at.as_offset()))
        .map_err(|e| AppError::BadRequest(e.to_string()))
}

/// What every form here starts with: the form read, 職員 and the CSRF token checked, and
/// the program's id from the path.
fn staff_form(
    staff: &Staff,
    id: &str,
    body: Result<Bytes, BytesRejection>,
) -> Result<(FormData, ProgramId), AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let id = ProgramId::parse(id).map_err(|_| AppError::NotFound)?;
    Ok((form, id))
}

/// What every change here ends with: the audit entry, the snapshot reloaded when the
/// public catalogue changed, and back to the editor with `what` done.
async fn finish(
    state: &AppState,
    staff: &Staff,
    (action, id, detail): (Action, &ProgramId, String),
    reload: bool,
    what: &str,
) -> Result<Response, AppError> {
    staff
        .audit(state, action, Some(id.as_str()), detail)
        .await?;
    if reload {
        state.catalog_changed().await?;
    }
    done(id.as_str(), what)
}

/// `POST /console/programs/{id}/publish`: approve the draft and publish it now, or at
/// `publish-at`. With the second-approval setting on, only a draft sent for review, and
/// only by someone other than its author.
pub async fn publish_program(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, id) = staff_form(&staff, &id, body)?;
    let ctx = EditContext::load(state.store(), id.as_str()).await?;
    let revision = number(&form, "draft-revision")?;
    let draft = ctx.draft.ok_or_else(|| StoreError::NoDraft(id.clone()))?;
    let settings = ConsoleSettings::load(state.store()).await?;
    if settings.require_second_approval {
        if draft.state != DraftState::Review {
            return Err(AppError::Conflict(
                "確認を依頼された下書きだけを承認できます。先に「保存して確認を依頼」を押してください。"
                    .to_owned(),
            ));
        }
        if draft.author == staff.account.id {
            return Err(AppError::Forbidden(
                "公開には、確認を依頼した人とは別の人の承認が必要です。他の職員に承認を依頼してください。"
                    .to_owned(),
            ));
        }
    }
    let publish_at = moment(&form, "publish-at", DayEdge::Start)?;
    let unpublish_at = moment(&form, "unpublish-at", DayEdge::End)?;
    let store = state.store();
    if let Some(at) = publish_at.filter(|at| *at > clock::now()) {
        let revision = if draft.state == DraftState::Draft {
            store
                .change_draft(&id, revision, DraftStep::RequestReview)
                .await?
                .revision
        } else {
            revision
        };
        let step = DraftStep::Schedule {
            reviewer: &staff.account.id,
            publish_at: at,
            unpublish_at,
        };
        let detail = format!("{}に公開するよう承認・予約しました", moment_label(at));
        let entry = staff.audit_entry(Action::ProgramSchedule, Some(id.as_str()), detail);
        store
            .change_draft_audited(&id, revision, step, Some(&entry))
            .await?;
        return done(id.as_str(), "scheduled");
    }
    let origin = origin_of(&staff);
    let audit = |version: u32| {
        let detail = match unpublish_at {
            Some(at) => format!(
                "承認し、第{version}版として公開しました（{}に公開終了）",
                moment_label(at)
            ),
            None => format!("承認し、第{version}版として公開しました"),
        };
        staff.audit_entry(Action::ProgramPublish, Some(id.as_str()), detail)
    };
    let publication = Publication {
        origin: &origin,
        unpublish_at,
        audit: Some(&audit),
    };
    store.publish(&id, revision, &publication).await?;
    state.catalog_changed().await?;
    done(id.as_str(), "published")
}

/// `POST /console/programs/{id}/return`: a draft under review (or scheduled) back to 下書き.
pub async fn return_draft(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, id) = staff_form(&staff, &id, body)?;
    let revision = number(&form, "draft-revision")?;
    let detail = "下書きに戻しました（差し戻し・予約の取消し）";
    let entry = staff.audit_entry(Action::ProgramReturn, Some(id.as_str()), detail);
    state
        .store()
        .change_draft_audited(&id, revision, DraftStep::ReturnToDraft, Some(&entry))
        .await?;
    done(id.as_str(), "returned")
}

/// `POST /console/programs/{id}/discard`: deletes the draft; the published program stays.
pub async fn discard_draft(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, id) = staff_form(&staff, &id, body)?;
    let revision = number(&form, "draft-revision")?;
    let store = state.store();
    store.discard_draft(&id, revision).await?;
    staff
        .audit(
            &state,
            Action::ProgramDiscard,
            Some(id.as_str()),
            format!("下書き（改訂{revision}）を破棄しました"),
        )
        .await?;
    if store.program(&id).await?.is_some() {
        done(id.as_str(), "discarded")
    } else {
        Ok(Redirect::to("/console/programs?done=discarded").into_response())
    }
}

/// `POST /console/programs/{id}/close-budget`: 「予算上限により受付終了」 at once, as the
/// next version of the version the page showed.
pub async fn close_for_budget(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, id) = staff_form(&staff, &id, body)?;
    let version = number(&form, "version")?;
    let on = date_or_today(form.get("date"))?;
    let store = state.store();
    let program = store.program(&id).await?.ok_or(AppError::NotFound)?;
    let closed = program.closed_for_budget(on);
    let outcome = store
        .save_program_expecting(&closed, version, &origin_of(&staff))
        .await?;
    let detail = match outcome {
        SaveOutcome::Unchanged { .. } => {
            format!(
                "予算上限による受付終了（{}）は既に記録済みです",
                date_label(on)
            )
        }
        SaveOutcome::Created { version } | SaveOutcome::Updated { version } => format!(
            "{}付けで予算上限により受付終了にしました（第{version}版）",
            date_label(on)
        ),
    };
    finish(
        &state,
        &staff,
        (Action::ProgramCloseBudget, &id, detail),
        true,
        "closed",
    )
    .await
}

/// `POST /console/programs/{id}/unpublish`: off the site now (`when=set`, no `at`), at `at`
/// (`when=set`), or the plan cancelled (`when=cancel`).
pub async fn unpublish_program(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, id) = staff_form(&staff, &id, body)?;
    let store = state.store();
    if store.program(&id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    let cancel = form.get("when") == Some("cancel");
    let at = moment(&form, "at", DayEdge::End)?;
    let (change, action, what) = match (cancel, at) {
        (true, _) => (
            TakeDown::Cancel,
            Action::ProgramUnpublishSchedule,
            "unpublish_cancelled",
        ),
        (false, Some(at)) if at > clock::now() => (
            TakeDown::At(at),
            Action::ProgramUnpublishSchedule,
            "unpublish_planned",
        ),
        (false, _) => (TakeDown::Now, Action::ProgramUnpublish, "unpublished"),
    };
    // The change and its entry are one transaction: a take-down nobody can trace cannot
    // exist.
    let audit = |changed: bool| {
        let detail = match change {
            TakeDown::Cancel => "公開終了の予約を取り消しました".to_owned(),
            TakeDown::At(at) => format!("{}に公開を終了するよう予約しました", moment_label(at)),
            TakeDown::Now if changed => "公開を終了しました".to_owned(),
            TakeDown::Now => "公開終了を指示しました（既に終了していました）".to_owned(),
        };
        staff.audit_entry(action, Some(id.as_str()), detail)
    };
    store.take_down(&id, change, &audit).await?;
    state.catalog_changed().await?;
    done(id.as_str(), what)
}

/// `POST /console/programs/{id}/restore`: an old version's content becomes the draft.
pub async fn restore_version(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, id) = staff_form(&staff, &id, body)?;
    let version = number(&form, "version")?;
    let revision = number(&form, "draft-revision")?;
    state
        .store()
        .restore_version(&id, version, revision, &staff.account.id)
        .await?;
    let detail = format!("第{version}版の内容を下書きにしました");
    finish(
        &state,
        &staff,
        (Action::ProgramRestore, &id, detail),
        false,
        "restored",
    )
    .await
}
