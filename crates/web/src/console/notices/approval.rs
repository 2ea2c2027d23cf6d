//! A staff notice on its own page (`/console/notices/{notice}`): what it says, who it goes
//! to (and, before it is sent, how many that is now), when, who wrote and approved it — and
//! the workflow's forms, each 職員以上 with its CSRF token and the revision the page showed:
//!
//! - `POST /console/notices/{notice}/approve`: to the schedule. With the second-approval
//!   setting on, only a notice sent for approval, and only by someone other than its author
//!   (whoever last saved it), as publishing a program is; with it off, any draft too.
//! - `POST /console/notices/{notice}/return`: back to 下書き (approval refused, schedule
//!   cancelled), so that it can be edited.
//! - `POST /console/notices/{notice}/discard`: deleted, if not sent.
//!
//! Every step is written with its audit entry in one transaction.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use madoguchi_core::notices::Segment;
use madoguchi_core::staff::{Action, Role};
use madoguchi_store::{StaffNotice, StaffNoticeState, StaffNoticeStep};

use super::compose::when_label;
use super::segment::{Preview, describe, preview};
use crate::console::settings::ConsoleSettings;
use crate::console::staff::Staff;
use crate::http::clock;
use crate::http::form::FormData;
use crate::{AppError, AppState};

/// A staff notice as its page shows it, with what this person may do.
#[derive(Debug)]
pub struct StaffPanel {
    pub id: String,
    pub revision: String,
    pub state: &'static str,
    pub is_sent: bool,
    pub body: Vec<String>,
    /// The segment in words, each line with its depth.
    pub segment: Vec<(usize, String)>,
    pub channel: &'static str,
    pub when: String,
    pub author: String,
    pub approver: Option<String>,
    /// How many it was sent to.
    pub recipients: u64,
    /// Who it would reach now (not yet sent).
    pub preview: Option<Preview>,
    /// Why there is no preview: the segment does not read.
    pub preview_problem: Option<String>,
    /// Approving now sends at once: the time set has passed.
    pub past_due: bool,
    pub can_edit: bool,
    pub can_approve: bool,
    /// Why this person cannot approve (the second-person rule), if that is why.
    pub approve_note: Option<String>,
    pub can_return: bool,
    pub can_discard: bool,
}

/// The panel of staff notice `id`, if it is one.
pub async fn panel(
    state: &AppState,
    staff: &Staff,
    id: &str,
) -> Result<Option<StaffPanel>, AppError> {
    let store = state.store();
    let Some(notice) = store.staff_notice(id).await? else {
        return Ok(None);
    };
    let name_of = |id: String| async move {
        store
            .account(&id)
            .await
            .ok()
            .flatten()
            .map_or(id, |a| a.display_name.to_string())
    };
    let today = clock::today();
    let settings = ConsoleSettings::load(store).await?;
    let segment = Segment::from_json(&notice.segment);
    let (segment_lines, channel) = match &segment {
        Some(segment) => describe(segment, today),
        None => (
            vec![(
                0,
                "（保存された条件を読み取れません。下書きに戻して選び直してください）".to_owned(),
            )],
            "",
        ),
    };
    let sent = notice.state == StaffNoticeState::Sent;
    let (preview, preview_problem) = match (&segment, sent) {
        (_, true) => (None, None),
        (Some(segment), false) => match preview(store, segment, today).await {
            Ok(preview) => (Some(preview), None),
            Err(AppError::BadRequest(problem)) => (None, Some(problem)),
            Err(other) => return Err(other),
        },
        (None, false) => (
            None,
            Some("送る相手の条件を読み取れないため、このままでは送信できません。".to_owned()),
        ),
    };
    let can_change = staff.account.role.allows(Role::Staff);
    let own = notice.author == staff.account.id;
    let awaiting = notice.state == StaffNoticeState::PendingApproval;
    let second = settings.require_second_approval;
    let can_approve = can_change
        && segment.is_some()
        && if second {
            awaiting && !own
        } else {
            matches!(
                notice.state,
                StaffNoticeState::Draft | StaffNoticeState::PendingApproval
            )
        };
    let past_due = !sent && notice.scheduled_at.is_some_and(|at| at <= clock::now());
    Ok(Some(StaffPanel {
        id: notice.id.clone(),
        revision: notice.revision(),
        state: notice.state.label(),
        is_sent: sent,
        body: notice.body.lines().map(str::to_owned).collect(),
        segment: segment_lines,
        channel,
        when: when_label(notice.scheduled_at),
        author: name_of(notice.author.clone()).await,
        approver: match notice.approved_by.clone() {
            Some(id) => Some(name_of(id).await),
            None => None,
        },
        recipients: notice.recipients,
        preview,
        preview_problem,
        past_due,
        can_edit: can_change && notice.state == StaffNoticeState::Draft,
        can_approve,
        approve_note: (can_change && second && awaiting && own).then(|| {
            "このお知らせはあなたが作成（最後に保存）したため、承認は別の職員が行います。"
                .to_owned()
        }),
        can_return: can_change
            && matches!(
                notice.state,
                StaffNoticeState::PendingApproval | StaffNoticeState::Scheduled
            ),
        can_discard: can_change && !sent,
    }))
}

/// 「…しました」 on the notice's page after a step.
pub fn done_notice(done: &str) -> Option<&'static str> {
    Some(match done {
        "requested" => "承認を依頼しました。別の職員が承認すると、送信を予約します。",
        "scheduled" => "送信を予約しました。指定した時期になると送信します。",
        "returned" => "下書きに戻しました。編集してから、もう一度送信してください。",
        _ => return None,
    })
}

/// What every form here starts with: the form read, 職員 and the CSRF token checked, then
/// the notice the path names, and the revision the page showed.
async fn staff_form(
    state: &AppState,
    staff: &Staff,
    id: &str,
    body: Result<Bytes, BytesRejection>,
) -> Result<(StaffNotice, String), AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let notice = state
        .store()
        .staff_notice(id)
        .await?
        .ok_or(AppError::NotFound)?;
    let revision = form.get("revision").unwrap_or_default().trim().to_owned();
    Ok((notice, revision))
}

fn back_to(id: &str, done: &str) -> Response {
    Redirect::to(&format!("/console/notices/{id}?done={done}")).into_response()
}

/// `POST /console/notices/{notice}/approve`.
pub async fn approve_notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (notice, revision) = staff_form(&state, &staff, &id, body).await?;
    let settings = ConsoleSettings::load(state.store()).await?;
    if settings.require_second_approval {
        if notice.state != StaffNoticeState::PendingApproval {
            return Err(AppError::Conflict(
                "承認を依頼されたお知らせだけを承認できます。先に編集画面で「保存して承認を依頼する」を押してください。"
                    .to_owned(),
            ));
        }
        if notice.author == staff.account.id {
            return Err(AppError::Forbidden(
                "お知らせの送信には、作成した人とは別の人の承認が必要です。他の職員に承認を依頼してください。"
                    .to_owned(),
            ));
        }
    }
    if Segment::from_json(&notice.segment).is_none() {
        return Err(AppError::Conflict(
            "送る相手の条件を読み取れないため、承認できません。下書きに戻して、送る相手を選び直してください。"
                .to_owned(),
        ));
    }
    let detail = format!(
        "お知らせ「{}」を承認し、送信を予約しました（送信：{}）",
        notice.title,
        when_label(notice.scheduled_at)
    );
    let entry = staff.audit_entry(Action::NoticeSchedule, Some(&notice.id), detail);
    let step = StaffNoticeStep::Schedule {
        approver: &staff.account.id,
    };
    state
        .store()
        .step_staff_notice(&notice.id, &revision, step, &entry)
        .await?;
    Ok(back_to(&notice.id, "scheduled"))
}

/// `POST /console/notices/{notice}/return`.
pub async fn return_notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (notice, revision) = staff_form(&state, &staff, &id, body).await?;
    let detail = format!(
        "お知らせ「{}」を下書きに戻しました（{}から。差し戻し・予約の取消し）",
        notice.title,
        notice.state.label()
    );
    let entry = staff.audit_entry(Action::NoticeReturn, Some(&notice.id), detail);
    state
        .store()
        .step_staff_notice(
            &notice.id,
            &revision,
            StaffNoticeStep::ReturnToDraft,
            &entry,
        )
        .await?;
    Ok(back_to(&notice.id, "returned"))
}

/// `POST /console/notices/{notice}/discard`.
pub async fn discard_notice(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (notice, revision) = staff_form(&state, &staff, &id, body).await?;
    let detail = format!(
        "お知らせ「{}」を破棄しました（{}）",
        notice.title,
        notice.state.label()
    );
    let entry = staff.audit_entry(Action::NoticeDiscard, Some(&notice.id), detail);
    state
        .store()
        .discard_staff_notice(&notice.id, &revision, &entry)
        .await?;
    Ok(Redirect::to("/console/notices?done=discarded").into_response())
}
