//! Managing accounts (管理者 only): `GET/POST /console/users` to list and add, and one
//! `POST` per change on `/console/users/{id}/…` — role, disable, enable, password.
//!
//! Every change is audited with the account's login as its target. Two guards keep the
//! console manageable: nobody disables themselves, and the last active 管理者 can be
//! neither demoted nor disabled. Disabling an account or setting its password ends all its
//! sessions at once.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::calendar::JST;
use madoguchi_store::{Account, DisplayName, Login, NewAccount, Role, StoreError};
use serde::Deserialize;

use super::action::Action;
use super::frame::Frame;
use super::password::NewPassword;
use super::staff::Staff;
use crate::form::FormData;
use crate::view::date_label;
use crate::{AppError, AppState, clock};

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
        let now = clock::now();
        let state = if !account.is_active() {
            "無効".to_owned()
        } else if let Some(until) = account.locked_until.filter(|_| account.is_locked(now)) {
            let until = until.to_offset(JST);
            format!(
                "一時停止中（{}時{:02}分まで）",
                until.hour(),
                until.minute()
            )
        } else {
            "有効".to_owned()
        };
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
    let login = Login::parse(&add.login).map_err(|e| add.login_error = Some(plain(&e)));
    let name = DisplayName::parse(&add.name).map_err(|e| add.name_error = Some(plain(&e)));
    let password = login.as_ref().ok().map(|login| {
        NewPassword::parse(form.get("password").unwrap_or_default(), login)
            .map_err(|e| add.password_error = Some(e.to_string()))
    });
    let role = Role::parse(typed_role)?;
    let (Ok(login), Ok(name), Some(Ok(password))) = (login, name, password) else {
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
    let new = NewAccount {
        login,
        display_name: name,
        role,
        password_hash: password.hash_off_thread().await.map_err(internal)?,
    };
    let account = match state.store().create_account(&new).await {
        Err(err @ StoreError::LoginTaken(_)) => {
            add.login_error = Some(plain(&err));
            return render(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                add,
                None,
                None,
            )
            .await;
        }
        other => other?,
    };
    let detail = format!(
        "利用者「{}」（{}、{}）を追加しました",
        account.login,
        account.display_name,
        account.role.label()
    );
    changed(
        &state,
        &staff,
        Action::AccountCreate,
        &account,
        detail,
        "added",
    )
    .await
}

/// `POST /console/users/{id}/role`.
pub async fn change_role(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, target, accounts) = account_form(&state, &staff, &id, body).await?;
    let role = Role::parse(form.get("role").unwrap_or_default())?;
    if role == target.role {
        return Ok(Redirect::to("/console/users").into_response());
    }
    if target.role == Role::Admin && last_active_admin(&accounts, &target) {
        let error = "最後の管理者の役割は変更できません。先に別の管理者を追加してください。";
        return refuse(&state, &staff, error).await;
    }
    state.store().set_role(&target.id, role).await?;
    let detail = format!(
        "役割を{}から{}に変更しました",
        target.role.label(),
        role.label()
    );
    changed(&state, &staff, Action::AccountRole, &target, detail, "role").await
}

/// `POST /console/users/{id}/disable`: the account can no longer sign in, at once.
pub async fn disable_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (_, target, accounts) = account_form(&state, &staff, &id, body).await?;
    if target.id == staff.account.id {
        return refuse(&state, &staff, "自分自身を無効にすることはできません。").await;
    }
    if target.role == Role::Admin && last_active_admin(&accounts, &target) {
        let error = "最後の管理者は無効にできません。先に別の管理者を追加してください。";
        return refuse(&state, &staff, error).await;
    }
    state.store().disable_account(&target.id).await?;
    let ended = state.store().delete_sessions_of(&target.id).await?;
    let detail = format!("利用者を無効にしました（終了したセッション {ended}件）");
    changed(
        &state,
        &staff,
        Action::AccountDisable,
        &target,
        detail,
        "disabled",
    )
    .await
}

/// `POST /console/users/{id}/enable`.
pub async fn enable_user(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (_, target, _) = account_form(&state, &staff, &id, body).await?;
    state.store().enable_account(&target.id).await?;
    let detail = "利用者を有効にしました".to_owned();
    changed(
        &state,
        &staff,
        Action::AccountEnable,
        &target,
        detail,
        "enabled",
    )
    .await
}

/// `POST /console/users/{id}/password`: sets a new password (the person changes it
/// after signing in) and ends the account's sessions.
pub async fn reset_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, target, _) = account_form(&state, &staff, &id, body).await?;
    let typed = form.get("password").unwrap_or_default();
    let password = match NewPassword::parse(typed, &target.login) {
        Ok(password) => password,
        Err(err) => {
            let error = format!("「{}」のパスワードを再設定できません。{err}", target.login);
            return refuse(&state, &staff, &error).await;
        }
    };
    let hash = password.hash_off_thread().await.map_err(internal)?;
    state.store().set_password(&target.id, &hash).await?;
    let ended = state.store().delete_sessions_of(&target.id).await?;
    let detail = format!("パスワードを再設定しました（終了したセッション {ended}件）");
    let action = Action::AccountPasswordReset;
    changed(&state, &staff, action, &target, detail, "password").await
}

/// What every change to one account starts with: the form, checked for 管理者 and its
/// token, the account the path names (404 if none) and every account for the guards.
async fn account_form(
    state: &AppState,
    staff: &Staff,
    id: &str,
    body: Result<Bytes, BytesRejection>,
) -> Result<(FormData, Account, Vec<Account>), AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    let (target, accounts) = target(state, id).await?;
    Ok((form, target, accounts))
}

/// What every change ends with: its audit entry, then back to the list with a notice.
async fn changed(
    state: &AppState,
    staff: &Staff,
    action: Action,
    target: &Account,
    detail: String,
    done: &str,
) -> Result<Response, AppError> {
    staff
        .audit(state, action, Some(target.login.as_str()), detail)
        .await?;
    Ok(Redirect::to(&format!("/console/users?done={done}")).into_response())
}

/// The account a path names (404 if none), with every account for the guards.
async fn target(state: &AppState, id: &str) -> Result<(Account, Vec<Account>), AppError> {
    let accounts = state.store().accounts().await?;
    let target = accounts
        .iter()
        .find(|a| a.id == id)
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((target, accounts))
}

/// Whether `account` is the only active 管理者.
fn last_active_admin(accounts: &[Account], account: &Account) -> bool {
    account.is_active()
        && !accounts
            .iter()
            .any(|a| a.id != account.id && a.role == Role::Admin && a.is_active())
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

/// A store error's message without its 「利用者を保存できません。」 lead, for a field.
fn plain(err: &StoreError) -> String {
    match err {
        StoreError::InvalidAccount(reason) => format!("{reason}。"),
        other => other.to_string(),
    }
}

fn internal(err: super::password::PasswordError) -> AppError {
    AppError::Internal(err.to_string())
}
