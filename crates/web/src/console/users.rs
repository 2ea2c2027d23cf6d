//! Managing accounts (管理者 only): `GET/POST /console/users` to list and add, and one
//! `POST` per change on `/console/users/{id}/…` — role, disable, enable, password.
//!
//! Each change is a use case of madoguchi-staff (`accounts::…`), shared with
//! `madoguchi user`: it checks the role, applies the rules that keep the console
//! manageable (nobody disables themselves; the last active 管理者 can be neither demoted
//! nor disabled), and writes the audit entry with the account's login as its target.
//! Disabling an account or setting its password ends all its sessions at once. This module
//! reads the forms, shows the list and says why a change was refused.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::calendar::JST;
use madoguchi_core::staff::{AccountError, DisplayName, Login, NewPassword, Role};
use madoguchi_staff::StaffError;
use madoguchi_staff::accounts::{self, NewMember};
use madoguchi_store::{Account, StoreError};
use serde::Deserialize;

use super::frame::Frame;
use super::staff::Staff;
use crate::http::form::FormData;
use crate::site::view::date_label;
use crate::{AppError, AppState};

/// One choice of a role `<select>`.
#[derive(Debug)]
pub struct RoleOption {
    pub code: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

fn role_options(selected: Role) -> Vec<RoleOption> {
    Role::ALL
        .into_iter()
        .map(|role| RoleOption {
            code: role.code(),
            label: role.label(),
            selected: role == selected,
        })
        .collect()
}

/// One account as the list shows it.
#[derive(Debug)]
pub struct UserRow {
    pub id: String,
    pub login: String,
    pub name: String,
    pub role: &'static str,
    pub roles: Vec<RoleOption>,
    /// 「有効」, 「無効」 or 「一時停止中（21時15分まで）」.
    pub state: String,
    pub active: bool,
    pub is_self: bool,
    pub created: String,
    pub password_changed: String,
}

impl UserRow {
    fn of(account: &Account, me: &Account) -> Self {
        let state = if !account.is_active() {
            "無効"
        } else if account.must_change_password {
            "有効（仮のパスワードの変更待ち）"
        } else {
            "有効"
        }
        .to_owned();
        let day = |at: time::OffsetDateTime| date_label(at.to_offset(JST).date());
        Self {
            id: account.id.clone(),
            login: account.login.to_string(),
            name: account.display_name.clone(),
            role: account.role.label(),
            roles: role_options(account.role),
            state,
            active: account.is_active(),
            is_self: account.id == me.id,
            created: day(account.created_at),
            password_changed: day(account.password_changed_at),
        }
    }
}

/// The add form as typed, with a message beside each field that needs one.
#[derive(Debug, Default)]
pub struct AddForm {
    pub login: String,
    pub name: String,
    pub roles: Vec<RoleOption>,
    pub login_error: Option<String>,
    pub name_error: Option<String>,
    pub password_error: Option<String>,
}

#[derive(Template)]
#[template(path = "console/users.html")]
struct UsersPage {
    frame: Option<Frame>,
    csrf: String,
    rows: Vec<UserRow>,
    add: AddForm,
    notice: Option<&'static str>,
    error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    done: Option<String>,
}

/// `GET /console/users`.
pub async fn list_users(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<UsersQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Admin)?;
    let notice = match query.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("added") => Some("利用者を追加しました。"),
        Some("role") => Some("役割を変更しました。"),
        Some("disabled") => Some("利用者を無効にしました。ログイン中のセッションも終了しました。"),
        Some("enabled") => Some("利用者を有効にしました。"),
        Some("password") => {
            Some("パスワードを再設定しました。ログイン中のセッションも終了しました。")
        }
        _ => None,
    };
    let add = AddForm {
        roles: role_options(Role::Staff),
        ..AddForm::default()
    };
    render(&state, &staff, StatusCode::OK, add, notice, None).await
}

/// `POST /console/users`: adds an account with its first password.
pub async fn add_user(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    let typed_role = form.get("role").unwrap_or_default();
    let mut add = AddForm {
        login: form.get("login").unwrap_or_default().trim().to_owned(),
        name: form
            .get("display_name")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        roles: role_options(Role::parse(typed_role).unwrap_or(Role::Staff)),
        ..AddForm::default()
    };
    let login = Login::parse(&add.login).map_err(|e| add.login_error = Some(plain(e)));
    let name = DisplayName::parse(&add.name).map_err(|e| add.name_error = Some(plain(e)));
    let password = login.as_ref().ok().map(|login| {
        NewPassword::parse(form.get("password").unwrap_or_default(), login)
            .map_err(|e| add.password_error = Some(e.to_string()))
    });
    let role = Role::parse(typed_role)?;
    let (Ok(login), Ok(display_name), Some(Ok(password))) = (login, name, password) else {
        return render(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            add,
            None,
            None,
        )
        .await;
    };
    let new = NewMember {
        login,
        display_name,
        role,
        password,
    };
    match accounts::add(state.store(), &staff.operator(), new).await {
        Err(StaffError::Store(err @ StoreError::LoginTaken(_))) => {
            add.login_error = Some(err.to_string());
            render(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                add,
                None,
                None,
            )
            .await
        }
        other => other.map(|_| changed("added")).map_err(AppError::from),
    }
}

/// `POST /console/users/{id}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, target) = account_form(&state, &staff, &id, body).await?;
    let role = Role::parse(form.get("role").unwrap_or_default())?;
    match accounts::change_role(state.store(), &staff.operator(), &target, role).await {
        Ok(true) => Ok(changed("role")),
        Ok(false) => Ok(Redirect::to("/console/users").into_response()),
        Err(err) => refused(&state, &staff, err).await,
    }
}

/// `POST /console/users/{id}/disable`: the account can no longer sign in, at once.
pub async fn disable_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (_, target) = account_form(&state, &staff, &id, body).await?;
    match accounts::disable(state.store(), &staff.operator(), &target).await {
        Ok(_) => Ok(changed("disabled")),
        Err(err) => refused(&state, &staff, err).await,
    }
}

/// `POST /console/users/{id}/enable`.
pub async fn enable_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (_, target) = account_form(&state, &staff, &id, body).await?;
    accounts::enable(state.store(), &staff.operator(), &target).await?;
    Ok(changed("enabled"))
}

/// `POST /console/users/{id}/password`: sets a new password (the person changes it
/// after signing in) and ends the account's sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, target) = account_form(&state, &staff, &id, body).await?;
    let typed = form.get("password").unwrap_or_default();
    let password = match NewPassword::parse(typed, &target.login) {
        Ok(password) => password,
        Err(err) => {
            let error = format!("「{}」のパスワードを再設定できません。{err}", target.login);
            return refuse(&state, &staff, &error).await;
        }
    };
    accounts::reset_password(state.store(), &staff.operator(), &target, password).await?;
    Ok(changed("password"))
}

/// What every change to one account starts with: the form, checked for 管理者 and its
/// token, and the account the path names (404 if none).
async fn account_form(
    state: &AppState,
    staff: &Staff,
    id: &str,
    body: Result<Bytes, BytesRejection>,
) -> Result<(FormData, Account), AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    let target = state.store().account(id).await?.ok_or(AppError::NotFound)?;
    Ok((form, target))
}

/// What every change ends with (the use case wrote its audit entry): back to the list
/// with a notice.
fn changed(done: &str) -> Response {
    Redirect::to(&format!("/console/users?done={done}")).into_response()
}

/// The list again with the reason a rule refused the change; any other error as itself.
async fn refused(state: &AppState, staff: &Staff, err: StaffError) -> Result<Response, AppError> {
    match err {
        StaffError::Refused(refusal) => refuse(state, staff, &refusal.to_string()).await,
        other => Err(other.into()),
    }
}

async fn refuse(state: &AppState, staff: &Staff, error: &str) -> Result<Response, AppError> {
    let add = AddForm {
        roles: role_options(Role::Staff),
        ..AddForm::default()
    };
    let error = Some(error.to_owned());
    render(
        state,
        staff,
        StatusCode::UNPROCESSABLE_ENTITY,
        add,
        None,
        error,
    )
    .await
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    add: AddForm,
    notice: Option<&'static str>,
    error: Option<String>,
) -> Result<Response, AppError> {
    let accounts = state.store().accounts().await?;
    let page = UsersPage {
        frame: Some(staff.frame("/console/users")),
        csrf: staff.csrf.clone(),
        rows: accounts
            .iter()
            .map(|a| UserRow::of(a, &staff.account))
            .collect(),
        add,
        notice,
        error,
    };
    Ok((status, Html(page.render()?)).into_response())
}

/// A typing error's reason without its 「利用者を保存できません。」 lead, for a field.
fn plain(err: AccountError) -> String {
    format!("{}。", err.reason())
}
