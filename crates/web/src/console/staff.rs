//! Who is signed in to the console: the staff session, its cookie, and the extractor every
//! console handler starts with.
//!
//! A staff session is a row in the shared sessions table whose `subject` is the account id,
//! so every app process sees the same sign-ins and "log out everywhere" ends them all. The
//! cookie (`madoguchi_staff`) is HttpOnly, SameSite=Strict, scoped to `/console` and Secure
//! over HTTPS, and ends with the browser. A session ends after `IDLE` without a request and
//! at the latest `ABSOLUTE` after sign-in. Before sign-in, the same cookie carries a
//! session without a subject, whose only use is the login form's CSRF token; signing in
//! replaces it with a new token, so a token planted before sign-in is worth nothing after.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method};
use axum::response::{IntoResponse, Redirect, Response};
use madoguchi_core::staff::Action;
use madoguchi_core::staff::Role;
use madoguchi_staff::{Operator, StaffError};
use madoguchi_store::{Account, NewSession, Session};
use time::{Duration, OffsetDateTime};

use super::action::{self, Actor};
use super::frame::Frame;
use crate::http::client::Client;
use crate::http::clock;
use crate::http::form::FormData;
use crate::http::session::{SessionCookie, random_token, same_token, token_hash};
use crate::{AppError, AppState};

/// The console's session cookie.
pub const STAFF_COOKIE: SessionCookie = SessionCookie {
    name: "madoguchi_staff",
    path: "/console",
    same_site: "Strict",
    max_age: None,
};

/// A staff session ends after this long without a request…
pub const IDLE: Duration = Duration::minutes(30);
/// …and this long after sign-in, however busy.
pub const ABSOLUTE: Duration = Duration::hours(12);

/// A signed-in member of staff, loaded afresh for each request: a role changed or an
/// account disabled a moment ago already counts.
#[derive(Debug, Clone)]
pub struct Staff {
    pub account: Account,
    /// The token every form of this session must send back (CSRF protection).
    pub csrf: String,
    /// Where the request came from, for the audit log.
    pub client: Client,
    token_hash: String,
}

impl Staff {
    /// Refuses with 403 unless the account's role allows `needed`.
    pub fn require(&self, needed: Role) -> Result<(), AppError> {
        if self.account.role.allows(needed) {
            Ok(())
        } else {
            Err(StaffError::NotAllowed { needed }.into())
        }
    }

    /// Refuses with 403 unless the form carries this session's CSRF token.
    pub fn check_csrf(&self, form: &FormData) -> Result<(), AppError> {
        if same_token(&self.csrf, form.csrf()) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "画面の有効期限が切れたか、別の画面から送信されたため、受け付けませんでした。ページを開き直して、もう一度操作してください。"
                    .to_owned(),
            ))
        }
    }

    /// What every form handler checks first: the role, then the CSRF token.
    pub fn authorize(&self, needed: Role, form: &FormData) -> Result<(), AppError> {
        self.require(needed)?;
        self.check_csrf(form)
    }

    /// The layout's part of a page, with `current` (a menu path) marked.
    pub fn frame(&self, current: &str) -> Frame {
        Frame::new(
            &self.account.display_name,
            self.account.role,
            &self.csrf,
            current,
        )
    }

    /// The account as the audit log names it.
    pub fn actor(&self) -> Actor<'_> {
        Actor::of(&self.account)
    }

    /// This member of staff as the desk's history and audit entries name them (cases,
    /// projects).
    pub fn desk_actor(&self) -> madoguchi_store::DeskActor {
        madoguchi_store::DeskActor {
            account_id: Some(self.account.id.clone()),
            name: self.account.display_name.clone(),
            client: self.client.for_audit(),
        }
    }

    /// This member of staff as the account use cases of madoguchi-staff see them, with
    /// their address.
    pub fn operator(&self) -> Operator<'_> {
        Operator::Console {
            account: &self.account,
            client: self.client.for_audit(),
        }
    }

    /// Records an action of this member of staff, with their address.
    pub async fn audit(
        &self,
        state: &AppState,
        action: Action,
        target: Option<&str>,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        action::record(state, self.actor(), action, target, detail, self.client).await
    }

    /// The audit entry of an action this member of staff takes, for a change the store
    /// writes together with it.
    pub fn audit_entry(
        &self,
        action: Action,
        target: Option<&str>,
        detail: impl Into<String>,
    ) -> madoguchi_store::NewAuditEntry {
        action::entry(self.actor(), action, target, detail, self.client)
    }

    /// Ends this session only.
    pub async fn end_session(&self, state: &AppState) -> Result<(), AppError> {
        state.store().delete_session(&self.token_hash).await?;
        Ok(())
    }
}

/// Why a request found no signed-in member of staff.
#[derive(Debug)]
pub enum StaffRejection {
    /// Not signed in (or the session ended): off to the login page, coming back to `next`.
    SignIn {
        next: Option<String>,
    },
    /// Signed in with a temporary password: off to change it.
    MustChangePassword,
    Failed(AppError),
}

impl IntoResponse for StaffRejection {
    fn into_response(self) -> Response {
        match self {
            Self::SignIn { next } => Redirect::to(&login_url(next.as_deref())).into_response(),
            Self::MustChangePassword => Redirect::to(super::account::PATH).into_response(),
            Self::Failed(err) => err.into_response(),
        }
    }
}

/// `/console/login`, with `?next=` when there is a page to come back to.
pub fn login_url(next: Option<&str>) -> String {
    match next {
        Some(next) => format!(
            "/console/login?next={}",
            form_urlencoded::byte_serialize(next.as_bytes()).collect::<String>()
        ),
        None => "/console/login".to_owned(),
    }
}

/// A console page to return to after sign-in, if `raw` is one: a path under `/console`
/// on this site, never another site (`//evil.example`, `/\evil.example`) or the login
/// and logout pages themselves.
pub fn safe_next(raw: &str) -> Option<&str> {
    let path = raw.split(['?', '#']).next().unwrap_or_default();
    let under_console = path == "/console" || path.starts_with("/console/");
    let plain = raw.len() <= 1024
        && !raw.contains("//")
        && !raw.contains('\\')
        && !raw.chars().any(|c| c.is_control() || c.is_whitespace());
    let not_auth = !path.starts_with("/console/login") && !path.starts_with("/console/logout");
    (under_console && plain && not_auth).then_some(raw)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = StaffRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let client = Client::of(&parts.headers, &parts.extensions, state.trusted_proxies());
        match signed_in(state, &parts.headers, client).await {
            Ok(Some(staff)) if staff.account.must_change_password => {
                // A password an administrator chose is only a way in: until its holder picks
                // their own, nothing else of the console opens.
                let path = parts.uri.path();
                let open = [
                    super::account::PATH,
                    "/console/logout",
                    "/console/logout-everywhere",
                ];
                if open.contains(&path) {
                    Ok(staff)
                } else {
                    Err(StaffRejection::MustChangePassword)
                }
            }
            Ok(Some(staff)) => Ok(staff),
            Ok(None) => {
                // Only a page can be asked for again; a form post comes back to the home page.
                let next = (parts.method == Method::GET)
                    .then(|| parts.uri.path_and_query().map(|pq| pq.as_str()))
                    .flatten()
                    .and_then(safe_next)
                    .map(str::to_owned);
                Err(StaffRejection::SignIn { next })
            }
            Err(err) => Err(StaffRejection::Failed(err)),
        }
    }
}

/// The signed-in staff member the request's cookie names, sliding the session's expiry.
pub(crate) async fn signed_in(
    state: &AppState,
    headers: &HeaderMap,
    client: Client,
) -> Result<Option<Staff>, AppError> {
    let Some(token) = STAFF_COOKIE.token(state.transport(), headers) else {
        return Ok(None);
    };
    let now = clock::now();
    let hash = token_hash(token);
    let Some(session) = state.store().session(&hash, now).await? else {
        return Ok(None);
    };
    let Some(account_id) = session.subject.as_deref() else {
        return Ok(None);
    };
    let account = state.store().account(account_id).await?;
    let usable = account.filter(|a| a.is_active());
    let (Some(account), true) = (usable, session.created_at + ABSOLUTE > now) else {
        state.store().delete_session(&hash).await?;
        return Ok(None);
    };
    if !state
        .store()
        .touch_session(&hash, now, expiry(&session, now))
        .await?
    {
        return Ok(None);
    }
    Ok(Some(Staff {
        account,
        csrf: session.csrf_token,
        client,
        token_hash: hash,
    }))
}

/// A session's next expiry: `IDLE` from now, but never past `ABSOLUTE` from sign-in.
fn expiry(session: &Session, now: OffsetDateTime) -> OffsetDateTime {
    (now + IDLE).min(session.created_at + ABSOLUTE)
}

/// Starts a signed-in session for `account_id`; the cookie must go with the response.
pub async fn start_session(
    state: &AppState,
    account_id: &str,
    headers: &HeaderMap,
) -> Result<HeaderValue, AppError> {
    let (token, _) = create(state, Some(account_id)).await?;
    STAFF_COOKIE.set(&token, state.transport(), headers)
}

/// The login form's session: a CSRF token for a browser not yet signed in.
#[derive(Debug)]
pub struct LoginSession {
    token_hash: String,
    pub csrf: String,
}

impl LoginSession {
    /// The request's pre-login session, if it has a live one.
    pub async fn load(state: &AppState, headers: &HeaderMap) -> Result<Option<Self>, AppError> {
        let Some(token) = STAFF_COOKIE.token(state.transport(), headers) else {
            return Ok(None);
        };
        let hash = token_hash(token);
        let session = state.store().session(&hash, clock::now()).await?;
        Ok(session.filter(|s| s.subject.is_none()).map(|s| Self {
            token_hash: hash,
            csrf: s.csrf_token,
        }))
    }

    /// A new pre-login session and the cookie that carries it.
    pub async fn start(
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<(Self, HeaderValue), AppError> {
        let (token, new) = create(state, None).await?;
        let cookie = STAFF_COOKIE.set(&token, state.transport(), headers)?;
        Ok((
            Self {
                token_hash: new.token_hash,
                csrf: new.csrf_token,
            },
            cookie,
        ))
    }

    /// Whether a form's token is this session's.
    pub fn accepts(&self, csrf: &str) -> bool {
        same_token(&self.csrf, csrf)
    }

    /// Ends the pre-login session (on sign-in, which starts a new one).
    pub async fn end(self, state: &AppState) -> Result<(), AppError> {
        state.store().delete_session(&self.token_hash).await?;
        Ok(())
    }
}

/// Creates a session row (signed in when `subject` is given) and returns its token.
async fn create(state: &AppState, subject: Option<&str>) -> Result<(String, NewSession), AppError> {
    let token = random_token()?;
    let now = clock::now();
    let new = NewSession {
        token_hash: token_hash(&token),
        subject: subject.map(str::to_owned),
        csrf_token: random_token()?,
        data: "{}".to_owned(),
        expires_at: now + IDLE,
    };
    state.store().create_session(&new, now).await?;
    Ok((token, new))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_console_path_on_this_site_is_a_place_to_return_to() {
        for ok in [
            "/console",
            "/console/users",
            "/console/audit?page=2&q=%E7%94%B0",
        ] {
            assert_eq!(safe_next(ok), Some(ok), "{ok}");
        }
        for bad in [
            "https://evil.example/console",
            "//evil.example/console",
            "/console//evil.example",
            "/\\evil.example",
            "/console\\..\\x",
            "/consoleevil",
            "/programs",
            "/console/login?next=/console",
            "/console/logout",
            "/console/a b",
            "",
        ] {
            assert_eq!(safe_next(bad), None, "{bad}");
        }
        assert_eq!(
            login_url(Some("/console/audit?page=2")),
            "/console/login?next=%2Fconsole%2Faudit%3Fpage%3D2"
        );
    }

    #[test]
    fn a_session_slides_but_never_past_twelve_hours_from_sign_in() {
        let signed_in = OffsetDateTime::UNIX_EPOCH;
        let session = Session {
            token_hash: String::new(),
            subject: Some("a".to_owned()),
            csrf_token: String::new(),
            data: String::new(),
            created_at: signed_in,
            last_seen_at: signed_in,
            expires_at: signed_in + IDLE,
        };
        assert_eq!(expiry(&session, signed_in), signed_in + IDLE);
        let late = signed_in + Duration::hours(11) + Duration::minutes(50);
        assert_eq!(expiry(&session, late), signed_in + ABSOLUTE);
    }
}
