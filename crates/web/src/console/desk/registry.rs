//! The registry of experts in the console: `GET /console/desk/experts` lists every
//! advisor, partner company and side-job professional with what matching reads of them
//! (職員以上); a 管理者 registers one (`/console/desk/experts/new`) and edits one
//! (`/console/desk/experts/{id}`): categories, tags, areas, requesters, monthly capacity,
//! pauses and absences, declared conflicts, contact, public profile and the 専門家
//! account they sign in with.
//!
//! Saving goes through `Store::save_expert`, which writes the `expert.save` audit entry in
//! the same transaction. A refused form comes back with what was typed and a message
//! beside each field.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::desk::{ExpertKind, Requester};
use madoguchi_core::reference::local_gov;
use madoguchi_core::staff::Role;
use madoguchi_store::{Account, ErrorKind, ExpertEntry};
use serde::Deserialize;

use super::registry_form::{Context, ExpertForm, FieldError};
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::desk::DeskSettings;
use crate::http::clock;
use crate::http::form::FormData;
use crate::site::view::date_label;
use crate::{AppError, AppState};

/// The most an expert form may send: a 4,000-character profile, percent-encoded.
pub const REGISTRY_FORM_BYTES: usize = 64 * 1024;

/// One expert as the list shows it.
#[derive(Debug)]
pub struct ExpertRow {
    pub id: String,
    pub kind: &'static str,
    pub name: String,
    pub categories: String,
    pub areas: String,
    pub takes: String,
    pub capacity: u32,
    /// 「受付中」, 「一時停止中」 or 「不在（2027年1月5日まで）」.
    pub availability: String,
    pub open: bool,
    pub login: String,
    pub published: bool,
}

impl ExpertRow {
    fn of(entry: &ExpertEntry, settings: &DeskSettings, accounts: &[Account]) -> Self {
        let expert = &entry.expert;
        let today = clock::today();
        let away_until = expert
            .availability
            .away
            .iter()
            .find(|(from, to)| (*from..=*to).contains(&today))
            .map(|(_, to)| *to);
        let availability = match (expert.availability.paused, away_until) {
            (true, _) => "一時停止中".to_owned(),
            (false, Some(to)) => format!("不在（{}まで）", date_label(to)),
            (false, None) => "受付中".to_owned(),
        };
        let mut areas: Vec<String> = expert
            .area
            .areas
            .iter()
            .map(|code| local_gov(*code).map_or_else(|| code.to_string(), |g| g.full_name()))
            .collect();
        if expert.area.remote {
            areas.push("オンラインで全国".to_owned());
        }
        Self {
            id: expert.id.clone(),
            kind: expert.kind.label(),
            name: expert.name.clone(),
            categories: expert
                .categories
                .iter()
                .map(|c| settings.label_of(c))
                .collect::<Vec<_>>()
                .join("、"),
            areas: areas.join("、"),
            takes: expert
                .takes
                .iter()
                .map(|r| r.label())
                .collect::<Vec<_>>()
                .join("・"),
            capacity: expert.monthly_capacity,
            availability,
            open: expert.availability.open_on(today) && expert.monthly_capacity > 0,
            login: entry
                .account_id
                .as_deref()
                .and_then(|id| accounts.iter().find(|a| a.id == id))
                .map(|a| a.login.to_string())
                .unwrap_or_default(),
            published: !entry.profile.trim().is_empty(),
        }
    }
}

#[derive(Template)]
#[template(path = "console/desk/experts.html")]
struct ListPage {
    frame: Option<Frame>,
    rows: Vec<ExpertRow>,
    may_edit: bool,
    notice: Option<&'static str>,
}

/// One checkbox, radio button or option of the form.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "console/desk/expert_form.html")]
struct FormPage {
    frame: Option<Frame>,
    csrf: String,
    /// `None` for a new entry.
    editing: Option<String>,
    form: ExpertForm,
    kinds: Vec<Choice>,
    categories: Vec<Choice>,
    takes: Vec<Choice>,
    accounts: Vec<Choice>,
    errors: Vec<FieldError>,
    /// A refusal that is no single field's (the store's checks).
    error: Option<String>,
}

impl FormPage {
    /// The message beside `field`, if any.
    fn error_of(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

/// `GET /console/desk/experts`.
pub async fn list_experts(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let settings = DeskSettings::load(state.store()).await?;
    let accounts = state.store().accounts().await?;
    let registry = state.store().experts().await?;
    let notice = match query.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("saved") => Some("専門家名簿を保存しました。"),
        _ => None,
    };
    let page = ListPage {
        frame: Some(staff.frame("/console/desk")),
        rows: registry
            .iter()
            .map(|e| ExpertRow::of(e, &settings, &accounts))
            .collect(),
        may_edit: staff.account.role.allows(Role::Admin),
        notice,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /console/desk/experts/new`.
pub async fn new_expert(State(state): State<AppState>, staff: Staff) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    render(&state, &staff, None, ExpertForm::blank(), Vec::new(), None).await
}

/// `GET /console/desk/experts/{id}`.
pub async fn edit_expert(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let entry = state.store().expert(&id).await?.ok_or(AppError::NotFound)?;
    render(
        &state,
        &staff,
        Some(id),
        ExpertForm::of(&entry),
        Vec::new(),
        None,
    )
    .await
}

/// `POST /console/desk/experts`: registers a new expert.
pub async fn add_expert(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    save(&state, &staff, None, ExpertForm::read(&form)).await
}

/// `POST /console/desk/experts/{id}`: saves an edited entry.
pub async fn update_expert(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    state.store().expert(&id).await?.ok_or(AppError::NotFound)?;
    save(&state, &staff, Some(id), ExpertForm::read(&form)).await
}

async fn save(
    state: &AppState,
    staff: &Staff,
    editing: Option<String>,
    typed: ExpertForm,
) -> Result<Response, AppError> {
    let settings = DeskSettings::load(state.store()).await?;
    let accounts = state.store().accounts().await?;
    let registry = state.store().experts().await?;
    let context = Context {
        settings: &settings,
        accounts: &accounts,
        registry: &registry,
        editing: editing.as_deref(),
    };
    let entry = match typed.entry(&context) {
        Ok(entry) => entry,
        Err(errors) => return render(state, staff, editing, typed, errors, None).await,
    };
    match state.store().save_expert(&entry, &staff.desk_actor()).await {
        Ok(()) => Ok(Redirect::to("/console/desk/experts?done=saved").into_response()),
        Err(err) if matches!(err.kind(), ErrorKind::Invalid | ErrorKind::Conflict) => {
            render(
                state,
                staff,
                editing,
                typed,
                Vec::new(),
                Some(err.to_string()),
            )
            .await
        }
        Err(err) => Err(err.into()),
    }
}

async fn render(
    state: &AppState,
    staff: &Staff,
    editing: Option<String>,
    form: ExpertForm,
    errors: Vec<FieldError>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let settings = DeskSettings::load(state.store()).await?;
    let accounts = state.store().accounts().await?;
    let chosen = |list: &[String], value: &str| list.iter().any(|v| v == value);
    let mut categories: Vec<Choice> = settings
        .categories
        .iter()
        .map(|c| Choice {
            value: c.category.to_string(),
            label: c.label.clone(),
            chosen: chosen(&form.categories, c.category.as_str()),
        })
        .collect();
    // A category the desk no longer offers is still shown while the entry has it.
    for code in &form.categories {
        if !categories.iter().any(|c| &c.value == code) && editing.is_some() {
            categories.push(Choice {
                value: code.clone(),
                label: format!("{code}（現在は受け付けていない分野）"),
                chosen: true,
            });
        }
    }
    let page = FormPage {
        frame: Some(staff.frame("/console/desk")),
        csrf: staff.csrf.clone(),
        kinds: ExpertKind::ALL
            .iter()
            .map(|k| Choice {
                value: k.code().to_owned(),
                label: k.label().to_owned(),
                chosen: form.kind == k.code(),
            })
            .collect(),
        categories,
        takes: Requester::ALL
            .iter()
            .map(|r| Choice {
                value: r.code().to_owned(),
                label: r.label().to_owned(),
                chosen: chosen(&form.takes, r.code()),
            })
            .collect(),
        accounts: accounts
            .iter()
            .filter(|a| a.role == Role::Expert && (a.is_active() || a.id == form.account))
            .map(|a| Choice {
                value: a.id.clone(),
                label: format!("{}（{}）", a.display_name, a.login),
                chosen: a.id == form.account,
            })
            .collect(),
        editing,
        form,
        errors,
        error,
    };
    let status = if page.errors.is_empty() && page.error.is_none() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, Html(page.render()?)).into_response())
}
