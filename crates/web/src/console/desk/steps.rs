//! `POST /console/desk/{id}/{step}`: one step of a case's workflow, from its page.
//!
//! Each form names the revision it was shown on, so a case that someone else moved
//! meanwhile is refused with a conflict, never overwritten; an introduction is checked
//! against the same matching that proposed it, so a paused, full or conflicted expert is
//! refused with the reason. On any refusal the page comes back with what was typed.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use madoguchi_core::desk::{Category, ExpertKind};
use madoguchi_core::staff::Action;
use madoguchi_store::{CaseChange, DeskActor, ErrorKind, StoreError};
use time::Date;
use time::macros::format_description;

use super::access::DeskUser;
use super::case_page::{Rendering, Typed, render, standing};
use super::proposals::Proposals;
use crate::console::staff::Staff;
use crate::http::form::FormData;
use crate::{AppError, AppState};

/// Why a step was refused, as the case page says it.
struct Refused {
    message: String,
    status: StatusCode,
}

impl Refused {
    fn invalid(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            status: StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}

impl From<StoreError> for Refused {
    fn from(err: StoreError) -> Self {
        let status = match err.kind() {
            ErrorKind::StaleRevision | ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::Invalid | ErrorKind::NotFound => StatusCode::UNPROCESSABLE_ENTITY,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
            tracing::error!(%err, "a desk step failed");
            "システムの都合で保存できませんでした。入力した内容は下に残っています。少し待ってから、もう一度お試しください。".to_owned()
        } else {
            err.to_string()
        };
        Self { message, status }
    }
}

fn action_of(step: &str) -> Option<Action> {
    Some(match step {
        "hearing" => Action::CaseHearing,
        "note" => Action::CaseNote,
        "refer" => Action::CaseRefer,
        "accept" => Action::CaseAccept,
        "decline" => Action::CaseDecline,
        "reassign" => Action::CaseReassign,
        "session" => Action::CaseSession,
        "close" => Action::CaseClose,
        "withdraw" => Action::CaseWithdraw,
        "merge" => Action::CaseMerge,
        _ => return None,
    })
}

/// `POST /console/desk/{id}/{step}`.
pub async fn take_step(
    State(state): State<AppState>,
    staff: Staff,
    Path((id, step)): Path<(i64, String)>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let user = DeskUser::of(&state, &staff).await?;
    let action = action_of(&step).ok_or(AppError::NotFound)?;
    staff.check_csrf(&form)?;
    user.require(action, &standing(&state, id).await?)?;
    let typed = Typed::read(&form);
    let kind = form
        .get("kind")
        .and_then(ExpertKind::parse)
        .unwrap_or(ExpertKind::Advisor);
    match apply(&state, &staff, id, &step, &form, &typed).await {
        Ok(()) => Ok(Redirect::to(&format!("/console/desk/{id}?done={step}")).into_response()),
        Err(refused) => {
            render(
                &state,
                &staff,
                &user,
                id,
                Rendering {
                    kind,
                    typed: Some(typed),
                    error: Some(refused.message),
                    done: None,
                    status: refused.status,
                },
            )
            .await
        }
    }
}

async fn apply(
    state: &AppState,
    staff: &Staff,
    id: i64,
    step: &str,
    form: &FormData,
    typed: &Typed,
) -> Result<(), Refused> {
    let revision = form
        .get("revision")
        .and_then(|r| r.parse::<u32>().ok())
        .ok_or_else(|| {
            Refused::invalid(
                "画面の情報が足りません。ページを開き直して、もう一度操作してください。",
            )
        })?;
    let tags: Vec<&str> = typed
        .tags
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | '、' | '，'))
        .filter(|t| !t.is_empty())
        .collect();
    let reasons;
    let change = match step {
        "hearing" => CaseChange::StartHearing,
        "note" => CaseChange::Note {
            category: Category::parse(&typed.category)
                .map_err(|_| Refused::invalid("分野を一覧から選んでください。"))?,
            tags: &tags,
            notes: &typed.notes,
        },
        "refer" => {
            reasons = introduction_reasons(state, id, &typed.expert, &staff.desk_actor()).await?;
            CaseChange::Refer {
                expert_id: &typed.expert,
                reasons: &reasons,
            }
        }
        "accept" => CaseChange::Accept,
        "decline" => CaseChange::Decline {
            reason: &typed.reason,
        },
        "reassign" => CaseChange::Reassign {
            reason: &typed.reason,
        },
        "session" => CaseChange::RecordSession {
            on: parse_day(&typed.on)?,
            summary: &typed.summary,
        },
        "close" => CaseChange::Close {
            outcome: &typed.outcome,
        },
        "withdraw" => CaseChange::Withdraw {
            reason: &typed.reason,
        },
        "merge" => CaseChange::MergeInto {
            receipt: typed.merge.trim(),
        },
        _ => return Err(Refused::invalid("この操作はできません。")),
    };
    state
        .store()
        .change_case(id, revision, &change, &staff.desk_actor())
        .await?;
    Ok(())
}

/// The reasons the matching gives for introducing `expert_id` to the case, or why it
/// refuses them: the same check whoever and however the form was sent.
async fn introduction_reasons(
    state: &AppState,
    id: i64,
    expert_id: &str,
    actor: &DeskActor,
) -> Result<String, Refused> {
    if expert_id.is_empty() {
        return Err(Refused::invalid("紹介する専門家を選んでください。"));
    }
    let entry = state.store().expert(expert_id).await?.ok_or_else(|| {
        Refused::invalid("選んだ専門家は名簿にありません。一覧から選び直してください。")
    })?;
    // The place and the parties are part of the check, so the case is read whole (and
    // that read is audit-logged like any other).
    let case = state.store().open_case(id, actor).await?;
    let events = state.store().case_events(id).await?;
    let registry = state.store().experts().await?;
    let matching = Proposals::of(
        state,
        &registry,
        &case,
        &events,
        entry.expert.kind,
        usize::MAX,
    )
    .await?;
    if let Some(out) = matching.excluded.iter().find(|e| e.id == expert_id) {
        return Err(Refused::invalid(format!(
            "{}さんには紹介できません（{}）。提案された専門家から選び直してください。",
            out.name, out.why
        )));
    }
    let proposal = matching
        .proposals
        .iter()
        .find(|p| p.id == expert_id)
        .ok_or_else(|| Refused::invalid("選んだ専門家は、この相談には提案されていません。"))?;
    Ok(proposal.reasons.join("／"))
}

fn parse_day(raw: &str) -> Result<Date, Refused> {
    Date::parse(raw.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| Refused::invalid("相談の実施日を「2026-12-05」の形で入力してください。"))
}
