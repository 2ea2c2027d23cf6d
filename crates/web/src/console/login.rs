//! Signing in to the console and out of it: `GET/POST /console/login`,
//! `POST /console/logout`, `POST /console/logout-everywhere`.
//!
//! Every failure reads the same and takes the same time — an unknown login, a wrong
//! password, a disabled or locked account — so that the page never tells which logins
//! exist. Limits per client address and per login from one address, shared by every app
//! process and counted before the password is checked, slow a script trying many
//! passwords or many logins (`login_limit`). Every attempt goes to the audit log with the
//! client's address; what was typed as a password never does.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::header::{RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::staff::Action;
use madoguchi_store::{Account, Login};
use serde::Deserialize;

use super::action::{self, Actor};
use super::frame::Frame;
use super::login_limit::{self, Gate};
use super::staff::{self, LoginSession, STAFF_COOKIE, Staff, safe_next};
use crate::http::client::Client;
use crate::http::form::FormData;
use crate::http::origin;
use crate::http::session::with_cookie;
use crate::{AppError, AppState};
use madoguchi_staff::password;

/// The one answer to every failed sign-in.
pub const FAILED: &str = "ログインできませんでした。ログインIDとパスワードを確かめてください。10分の間に5回間違えると、安全のため、しばらくこの端末からはログインできなくなります。";

const EXPIRED: &str =
    "画面の有効期限が切れたため、ログインできませんでした。もう一度ログインしてください。";

/// The name the audit log gives an attempt with a login nobody has (what was typed is not
/// kept: it is sometimes a password typed in the wrong box).
const UNKNOWN_LOGIN: &str = "（登録のないログインID）";

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    frame: Option<Frame>,
    csrf: String,
    login: String,
    next: String,
    notice: Option<&'static str>,
    error: Option<String>,
    /// Set when the page was reached from another site: the link that opens it from here.
    reopen: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /console/login`: the form, or straight on for someone already signed in.
pub async fn show_login(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    client: Client,
    query: Result<Query<LoginQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let query = query.ok().map(|Query(q)| q);
    let next = query
        .as_ref()
        .and_then(|q| q.next.as_deref())
        .and_then(safe_next)
        .unwrap_or_default()
        .to_owned();
    if staff::signed_in(&state, &headers, client).await?.is_some() {
        return Ok(Redirect::to(destination(&next)).into_response());
    }
    let notice = match query.as_ref().and_then(|q| q.done.as_deref()) {
        Some("logout") => Some("ログアウトしました。"),
        Some("everywhere") => Some("すべての端末からログアウトしました。"),
        _ => None,
    };
    if origin::cross_site(&headers) {
        // The browser did not send the console's SameSite=Strict cookie with this request;
        // a new pre-login cookie would replace (and so end) a session it may hold. Opened
        // again from this site, the page sees that session.
        let reopen = uri
            .path_and_query()
            .map_or("/console/login", |p| p.as_str());
        let page = LoginPage {
            frame: None,
            csrf: String::new(),
            login: String::new(),
            next,
            notice,
            error: None,
            reopen: Some(reopen.to_owned()),
        };
        return render(StatusCode::OK, &page);
    }
    let (session, cookie) = login_session(&state, &headers).await?;
    let page = LoginPage {
        frame: None,
        csrf: session.csrf,
        login: String::new(),
        next,
        notice,
        error: None,
        reopen: None,
    };
    Ok(with_cookie(render(StatusCode::OK, &page)?, cookie))
}

/// `POST /console/login`: checks the form's token, the client's limit, then the login.
pub async fn log_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let next = form
        .get("next")
        .and_then(safe_next)
        .unwrap_or_default()
        .to_owned();
    let typed_login = form.get("login").unwrap_or_default().trim().to_owned();
    let (session, cookie) = login_session(&state, &headers).await?;
    let again = |status, error: String| -> Result<Response, AppError> {
        let page = LoginPage {
            frame: None,
            csrf: session.csrf.clone(),
            login: typed_login.clone(),
            next: next.clone(),
            notice: None,
            error: Some(error),
            reopen: None,
        };
        Ok(with_cookie(render(status, &page)?, cookie.clone()))
    };
    let attempts = match login_limit::admit(&state, client, &typed_login).await? {
        Gate::Open(attempts) => attempts,
        Gate::Closed { wait_seconds } => {
            let error = login_limit::too_many_attempts(wait_seconds);
            let mut response = again(StatusCode::TOO_MANY_REQUESTS, error)?;
            response
                .headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(wait_seconds));
            return Ok(response);
        }
    };
    if cookie.is_some() || !session.accepts(form.csrf()) {
        return again(StatusCode::FORBIDDEN, EXPIRED.to_owned());
    }
    let password = form.get("password").unwrap_or_default().to_owned();
    let Some(account) = authenticate(&state, &typed_login, password, client).await? else {
        return again(StatusCode::FORBIDDEN, FAILED.to_owned());
    };
    login_limit::succeeded(&state, attempts).await?;
    session.end(&state).await?;
    let cookie = staff::start_session(&state, &account.id, &headers).await?;
    let actor = Actor::of(&account);
    let target = Some(account.login.as_str());
    action::record(
        &state,
        actor,
        Action::LoginSuccess,
        target,
        "ログインしました",
        client,
    )
    .await?;
    Ok(with_cookie(
        Redirect::to(destination(&next)).into_response(),
        Some(cookie),
    ))
}

/// The account `typed_login` names if `password` is its own and it may sign in now;
/// every other case is audited and answers `None` after the same work.
async fn authenticate(
    state: &AppState,
    typed_login: &str,
    password: String,
    client: Client,
) -> Result<Option<Account>, AppError> {
    let account = match Login::parse(typed_login) {
        Ok(login) => state.store().account_by_login(&login).await?,
        Err(_) => None,
    };
    let stored = account.as_ref().map(|a| a.password_hash.clone());
    let matches = password::verify_off_thread(password, stored).await;
    let Some(account) = account else {
        let actor = Actor {
            id: None,
            name: UNKNOWN_LOGIN,
        };
        let detail = "登録されていないログインIDでログインしようとしました";
        action::record(state, actor, Action::LoginFailure, None, detail, client).await?;
        return Ok(None);
    };
    let refusal = if !account.is_active() {
        Some("無効にされた利用者のため、ログインを拒否しました")
    } else if !matches {
        Some(WRONG_PASSWORD)
    } else {
        None
    };
    let Some(detail) = refusal else {
        return Ok(Some(account));
    };
    let actor = Actor::of(&account);
    let target = Some(account.login.as_str());
    action::record(state, actor, Action::LoginFailure, target, detail, client).await?;
    Ok(None)
}

/// What the audit log says of a wrong password (the limits in `login_limit` count it).
pub(super) const WRONG_PASSWORD: &str = "パスワードが違います";

/// `POST /console/logout`: ends this session.
pub async fn log_out(
    State(state): State<AppState>,
    headers: HeaderMap,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.check_csrf(&form)?;
    staff.end_session(&state).await?;
    staff
        .audit(&state, Action::Logout, None, "ログアウトしました")
        .await?;
    signed_out(&state, &headers, "logout")
}

/// `POST /console/logout-everywhere`: ends every session of this account, on every
/// device and every app process.
pub async fn log_out_everywhere(
    State(state): State<AppState>,
    headers: HeaderMap,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.check_csrf(&form)?;
    let ended = state.store().delete_sessions_of(&staff.account.id).await?;
    staff
        .audit(
            &state,
            Action::LogoutEverywhere,
            None,
            format!("すべての端末からログアウトしました（{ended}件）"),
        )
        .await?;
    signed_out(&state, &headers, "everywhere")
}

fn signed_out(state: &AppState, headers: &HeaderMap, done: &str) -> Result<Response, AppError> {
    let mut response = Redirect::to(&format!("/console/login?done={done}")).into_response();
    response
        .headers_mut()
        .append(SET_COOKIE, STAFF_COOKIE.clear(state.transport(), headers)?);
    Ok(response)
}

/// The request's pre-login session, or a new one with the cookie to set.
async fn login_session(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<(LoginSession, Option<HeaderValue>), AppError> {
    match LoginSession::load(state, headers).await? {
        Some(session) => Ok((session, None)),
        None => {
            let (session, cookie) = LoginSession::start(state, headers).await?;
            Ok((session, Some(cookie)))
        }
    }
}

fn destination(next: &str) -> &str {
    if next.is_empty() { "/console" } else { next }
}

fn render(status: StatusCode, page: &LoginPage) -> Result<Response, AppError> {
    Ok((status, Html(page.render()?)).into_response())
}
