//! `GET /console/desk/{id}`: one case — who wrote in and what they asked (opening it is
//! audit-logged), where it stands and its service level, its history, the experts
//! proposed for it with their reasons, and the forms for the steps it may take next. A
//! refused step comes back on this page with its reason and everything typed.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::calendar::{BusinessCalendar, JST};
use madoguchi_core::desk::{CaseState, ExpertKind, first_contact_due, is_overdue};
use madoguchi_core::reference::local_gov;
use madoguchi_core::staff::Action;
use madoguchi_store::{Case, CaseEvent, ErrorKind, StoreError};
use serde::Deserialize;

use super::access::DeskUser;
use super::list::{FilterChoice, expert_name, experts_named};
use super::proposals::{ExcludedView, ProposalView, Proposals, SHOWN};
use crate::api::industries::IndustryAnswer;
use crate::console::frame::Frame;
use crate::console::programs::moment_label;
use crate::console::staff::Staff;
use crate::desk::DeskSettings;
use crate::http::clock;
use crate::http::form::FormData;
use crate::site::view::date_label;
use crate::{AppError, AppState};

#[derive(Debug, Default, Deserialize)]
pub struct CaseQuery {
    kind: Option<String>,
    done: Option<String>,
}

/// What the step forms hold, as typed (empty on a fresh page).
#[derive(Debug, Default, Clone)]
pub struct Typed {
    pub notes: String,
    pub tags: String,
    pub category: String,
    pub expert: String,
    pub reason: String,
    pub summary: String,
    pub on: String,
    pub outcome: String,
    pub merge: String,
}

impl Typed {
    pub fn read(form: &FormData) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        Self {
            notes: text("notes"),
            tags: text("tags"),
            category: text("category"),
            expert: text("expert"),
            reason: text("reason"),
            summary: text("summary"),
            on: text("on"),
            outcome: text("outcome"),
            merge: text("merge"),
        }
    }

    /// The forms filled with what the case already says.
    fn of(case: &Case) -> Self {
        Self {
            notes: case.record.notes.clone(),
            tags: case.tags.join(" "),
            category: case.category.to_string(),
            on: clock::today().to_string(),
            outcome: case.record.outcome.clone(),
            ..Self::default()
        }
    }
}

/// The requester's data as the page shows it.
#[derive(Debug)]
pub struct PersonalView {
    pub name: String,
    pub organisation: String,
    /// What the business does, in its own words, and the industry finder's proposals for it
    /// (「76 飲食店：…」), for staff to confirm with the requester.
    pub business: String,
    pub industries: Vec<String>,
    pub email: String,
    pub phone: String,
    pub place: String,
    pub message: String,
    pub method: &'static str,
    pub times: String,
    pub attached: String,
}

/// One entry of the history.
#[derive(Debug)]
pub struct EventLine {
    pub at: String,
    pub actor: String,
    pub step: &'static str,
    pub expert: String,
    pub text: String,
}

#[derive(Template)]
#[template(path = "console/desk/case.html")]
pub struct CasePage {
    frame: Option<Frame>,
    csrf: String,
    id: i64,
    receipt: String,
    state: &'static str,
    revision: u32,
    requester: &'static str,
    category: String,
    received: String,
    first_contact: String,
    due: String,
    overdue: bool,
    closed: String,
    expert: String,
    sessions: u32,
    max_sessions: u32,
    tags: String,
    personal: Option<PersonalView>,
    notes: String,
    outcome: String,
    end_reason: String,
    merged_into: String,
    events: Vec<EventLine>,
    kinds: Vec<FilterChoice>,
    kind_label: &'static str,
    proposals: Vec<ProposalView>,
    excluded: Vec<ExcludedView>,
    categories: Vec<FilterChoice>,
    typed: Typed,
    error: Option<String>,
    done: Option<&'static str>,
    can_hear: bool,
    can_note: bool,
    can_refer: bool,
    can_answer: bool,
    can_session: bool,
    can_close: bool,
    can_withdraw: bool,
    can_reassign: bool,
}

/// `GET /console/desk/{id}`.
pub async fn show_case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
    query: Result<Query<CaseQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let user = DeskUser::of(&state, &staff).await?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let kind = query
        .kind
        .as_deref()
        .and_then(ExpertKind::parse)
        .filter(|k| *k != ExpertKind::Talent)
        .unwrap_or(ExpertKind::Advisor);
    let done = query.done.as_deref().and_then(done_message);
    render(
        &state,
        &staff,
        &user,
        id,
        Rendering {
            kind,
            typed: None,
            error: None,
            done,
            status: StatusCode::OK,
        },
    )
    .await
}

/// How to render the page: fresh, or after a step with what was typed.
pub struct Rendering {
    pub kind: ExpertKind,
    pub typed: Option<Typed>,
    pub error: Option<String>,
    pub done: Option<&'static str>,
    pub status: StatusCode,
}

/// The case without its personal data, for the access check before opening it; 404 for a
/// case that does not exist.
pub async fn standing(state: &AppState, id: i64) -> Result<Case, AppError> {
    state.store().case_standing(id).await.map_err(not_found)
}

fn not_found(err: StoreError) -> AppError {
    if err.kind() == ErrorKind::NotFound {
        AppError::NotFound
    } else {
        err.into()
    }
}

/// Opens the case (audit-logged) and renders its page.
pub async fn render(
    state: &AppState,
    staff: &Staff,
    user: &DeskUser,
    id: i64,
    how: Rendering,
) -> Result<Response, AppError> {
    user.require(Action::CaseView, &standing(state, id).await?)?;
    let case = state
        .store()
        .open_case(id, &staff.desk_actor())
        .await
        .map_err(not_found)?;
    let events = state.store().case_events(id).await?;
    let settings = DeskSettings::load(state.store()).await?;
    let may = |action| user.may(action, &case);
    let can_refer = case.state == CaseState::Hearing && may(Action::CaseRefer);
    // The whole registry only where the matching needs it; else the experts named here.
    let (experts, matching) = if can_refer {
        let registry = state.store().experts().await?;
        let matching = Proposals::of(state, &registry, &case, &events, how.kind, SHOWN).await?;
        (registry, matching)
    } else {
        let named = case
            .expert_id
            .as_deref()
            .into_iter()
            .chain(events.iter().filter_map(|e| e.expert_id.as_deref()));
        (
            experts_named(state.store(), named).await?,
            Proposals::default(),
        )
    };
    let calendar = BusinessCalendar::bundled();
    let received = case.received_at.to_offset(JST).date();
    let today = clock::today();
    let page = CasePage {
        frame: Some(staff.frame("/console/desk")),
        csrf: staff.csrf.clone(),
        id: case.id,
        receipt: case.receipt.clone(),
        state: case.state.label(),
        revision: case.revision,
        requester: case.requester.label(),
        category: settings.label_of(&case.category).to_owned(),
        received: moment_label(case.received_at),
        first_contact: case.first_contact_at.map(moment_label).unwrap_or_default(),
        due: date_label(first_contact_due(
            calendar,
            received,
            settings.first_contact_days,
        )),
        overdue: case.state == CaseState::Received
            && is_overdue(calendar, received, settings.first_contact_days, today),
        closed: case.closed_at.map(moment_label).unwrap_or_default(),
        expert: case
            .expert_id
            .as_deref()
            .map(|e| expert_name(&experts, e))
            .unwrap_or_default(),
        sessions: case.sessions,
        max_sessions: case.max_sessions,
        tags: case.tags.join("、"),
        personal: case.personal.as_ref().map(|p| PersonalView {
            name: p.name.clone(),
            organisation: p.organisation.clone(),
            business: p.business.clone(),
            industries: IndustryAnswer::find(&p.business)
                .candidates
                .into_iter()
                .take(3)
                .map(|c| format!("{} {}（{}）", c.code, c.name, c.reason))
                .collect(),
            email: p.email.clone(),
            phone: p.phone.clone(),
            place: p
                .place
                .map(|c| local_gov(c).map_or_else(|| c.to_string(), |g| g.full_name()))
                .unwrap_or_default(),
            message: p.message.clone(),
            method: p.method.label(),
            times: p.times.clone(),
            attached: p.attached.clone(),
        }),
        notes: case.record.notes.clone(),
        outcome: case.record.outcome.clone(),
        end_reason: case.record.end_reason.clone(),
        merged_into: case.record.merged_into.clone().unwrap_or_default(),
        events: events.iter().map(|e| event_line(e, &experts)).collect(),
        kinds: [ExpertKind::Advisor, ExpertKind::Partner]
            .iter()
            .map(|k| FilterChoice {
                value: k.code().to_owned(),
                label: k.label().to_owned(),
                selected: *k == how.kind,
            })
            .collect(),
        kind_label: how.kind.label(),
        proposals: matching.proposals,
        excluded: matching.excluded,
        categories: settings
            .categories
            .iter()
            .map(|c| FilterChoice {
                value: c.category.to_string(),
                label: c.label.clone(),
                selected: c.category == case.category,
            })
            .collect(),
        typed: how.typed.unwrap_or_else(|| Typed::of(&case)),
        error: how.error,
        done: how.done,
        can_hear: case.state == CaseState::Received && may(Action::CaseHearing),
        can_note: case.state.is_open() && may(Action::CaseNote),
        can_refer,
        can_answer: case.state == CaseState::Referred && may(Action::CaseAccept),
        can_session: case.state == CaseState::Consulting
            && case.sessions < case.max_sessions
            && may(Action::CaseSession),
        can_close: matches!(case.state, CaseState::Hearing | CaseState::Consulting)
            && may(Action::CaseClose),
        can_withdraw: case.state.is_open() && may(Action::CaseWithdraw),
        can_reassign: matches!(case.state, CaseState::Referred | CaseState::Consulting)
            && may(Action::CaseReassign),
    };
    Ok((how.status, Html(page.render()?)).into_response())
}

fn event_line(event: &CaseEvent, experts: &[madoguchi_store::ExpertEntry]) -> EventLine {
    EventLine {
        at: moment_label(event.at),
        actor: event.actor.clone(),
        step: step_label(&event.step),
        expert: event
            .expert_id
            .as_deref()
            .map(|e| expert_name(experts, e))
            .unwrap_or_default(),
        text: event.text.clone(),
    }
}

fn step_label(step: &str) -> &'static str {
    match step {
        "file" => "受付",
        "hearing" => "ヒアリング開始",
        "note" => "記録の更新",
        "refer" => "専門家への紹介",
        "accept" => "引き受け",
        "decline" => "辞退",
        "reassign" => "担当替え",
        "session" => "相談の実施",
        "close" => "完了",
        "withdraw" => "取下げ",
        "merge" => "重複として統合",
        _ => "その他",
    }
}

/// What the page says after a step went through.
fn done_message(step: &str) -> Option<&'static str> {
    Some(match step {
        "hearing" => "ヒアリングを始めました。",
        "note" => "記録を保存しました。",
        "refer" => "専門家に紹介しました。専門家の返事を待っています。",
        "accept" => "相談を引き受けました。",
        "decline" => "相談を辞退しました。相談はヒアリングに戻りました。",
        "reassign" => {
            "担当を外しました。相談はヒアリングに戻りました。次の専門家を選んでください。"
        }
        "session" => "相談の記録を追加しました。",
        "close" => "相談を完了にしました。",
        "withdraw" => "相談を取下げにしました。",
        "merge" => "重複した相談として統合しました。",
        _ => return None,
    })
}
