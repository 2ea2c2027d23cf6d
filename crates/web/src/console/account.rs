//! Changing one's own password (`GET/POST /console/account/password`, every role).
//!
//! The current password is asked again, so that a session left open on a shared PC is not
//! enough to take the account over. A change ends every other session of the account and
//! starts a new one here.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::staff::Action;
use madoguchi_core::staff::{NewPassword, Role};
use madoguchi_staff::password;
use madoguchi_store::AccountChange;
use serde::Deserialize;

use super::frame::Frame;
use super::login::WRONG_PASSWORD;
use super::login_limit::{self, Gate};
use super::staff::{self, Staff};
use crate::http::client::Client;
use crate::http::form::FormData;
use crate::http::session::with_cookie;
use crate::{AppError, AppState};

/// Where a member of staff changes their password; the only page (with signing out) open to
/// someone whose password is temporary.
pub const PATH: &str = "/console/account/password";

#[derive(Template)]
#[template(path = "console/password.html")]
struct PasswordPage {
    frame: Option<Frame>,
    csrf: String,
    login: String,
    changed: bool,
    current_error: Option<String>,
    new_error: Option<String>,
    /// The password was set by an administrator and must be changed first.
    temporary: bool,
}

#[derive(Debug, Deserialize)]
pub struct PasswordQuery {
    done: Option<String>,
}

/// `GET /console/account/password`.
pub async fn show_password_form(
    staff: Staff,
    query: Result<Query<PasswordQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Expert)?;
    let changed = query.is_ok_and(|Query(q)| q.done.is_some());
    render(&staff, StatusCode::OK, changed, None, None)
}

/// `POST /console/account/password`.
pub async fn change_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Expert, &form)?;
    let current = form.get("current").unwrap_or_default().to_owned();
    let new = form.get("new").unwrap_or_default();
    let confirm = form.get("confirm").unwrap_or_default();
    // Limited and audited like a wrong password at sign-in: a session left open on a shared
    // PC must not become a way to guess the password without limit or trace.
    let login = staff.account.login.as_str();
    let attempts = match login_limit::admit(&state, client, login).await? {
        Gate::Open(attempts) => attempts,
        Gate::Closed { wait_seconds } => {
            let error = Some(login_limit::too_many_attempts(wait_seconds));
            let mut response = render(&staff, StatusCode::TOO_MANY_REQUESTS, false, error, None)?;
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait_seconds));
            return Ok(response);
        }
    };
    let stored = Some(staff.account.password_hash.clone());
    if !password::verify_off_thread(current, stored).await {
        let detail = format!("パスワードの変更：{WRONG_PASSWORD}");
        staff
            .audit(&state, Action::LoginFailure, Some(login), detail)
            .await?;
        let error = Some("今のパスワードが違います。".to_owned());
        return render(&staff, StatusCode::UNPROCESSABLE_ENTITY, false, error, None);
    }
    login_limit::succeeded(&state, attempts).await?;
    let checked = NewPassword::parse(new, &staff.account.login).map_err(|e| e.to_string());
    let checked = checked.and_then(|p| {
        (new == confirm)
            .then_some(p)
            .ok_or_else(|| "確認のため入力したパスワードが一致しません。".to_owned())
    });
    let new = match checked {
        Ok(new) => new,
        Err(error) => {
            return render(
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                false,
                None,
                Some(error),
            );
        }
    };
    let hash = password::hash_off_thread(new)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The new password, the end of every session (this one too: a fresh one follows) and
    // the audit entry are one transaction, as for every change to an account.
    state
        .store()
        .change_account(
            &staff.account.id,
            AccountChange::Password {
                hash: &hash,
                temporary: false,
            },
            |_| Ok::<_, AppError>(()),
            |ended| {
                let detail =
                    format!("自分のパスワードを変更しました（終了したセッション {ended}件）");
                staff.audit_entry(Action::PasswordChange, Some(login), detail)
            },
        )
        .await?;
    let cookie = staff::start_session(&state, &staff.account.id, &headers).await?;
    Ok(with_cookie(
        Redirect::to(&format!("{PATH}?done=1")).into_response(),
        Some(cookie),
    ))
}

fn render(
    staff: &Staff,
    status: StatusCode,
    changed: bool,
    current_error: Option<String>,
    new_error: Option<String>,
) -> Result<Response, AppError> {
    let page = PasswordPage {
        frame: Some(staff.frame(PATH)),
        csrf: staff.csrf.clone(),
        login: staff.account.login.to_string(),
        changed,
        current_error,
        new_error,
        temporary: staff.account.must_change_password,
    };
    Ok((status, Html(page.render()?)).into_response())
}
