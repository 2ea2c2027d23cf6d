//! The visitor's server-side session: where a business's answers live while it is diagnosed.
//!
//! A profile is personal data, so it never goes into a URL or a log: the browser holds only a
//! random token in an HttpOnly cookie, the database holds the answers under the token's SHA-256
//! (a copy of the table reveals no usable token), and every app process sees the same session.
//! Sessions end after `IDLE` without activity, or at once with 「回答を消去する」.
//!
//! The cookie and token helpers ([`SessionCookie`], [`random_token`], [`token_hash`],
//! [`same_token`]) serve the staff console's sessions too, under their own cookie.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use madoguchi_store::{NewSession, Session};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::http::clock;
use crate::http::origin::is_https;
use crate::http::transport::Transport;
use crate::{AppError, AppState};

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::minutes(60);

/// The cookie that carries a visitor's session token, sent on every public page.
pub const VISITOR_COOKIE: SessionCookie = SessionCookie {
    name: "madoguchi_session",
    path: "/",
    same_site: "Lax",
    max_age: Some(IDLE),
};

/// A cookie that carries a session token: always HttpOnly; `Secure` when the visitor came
/// over HTTPS, or always on a site served over HTTPS only, where it is also named
/// `__Host-<name>` for the whole host. Its name, path, SameSite and lifetime are the session
/// kind's own.
#[derive(Debug, Clone, Copy)]
pub struct SessionCookie {
    pub name: &'static str,
    /// The path on a site that is not HTTPS only (`__Host-` cookies are always `/`).
    pub path: &'static str,
    /// `Lax` or `Strict`.
    pub same_site: &'static str,
    /// `None`: the cookie ends with the browser; the database decides expiry either way.
    pub max_age: Option<Duration>,
}

impl SessionCookie {
    /// The token the request's cookie carries, if it is well formed (64 hex digits).
    pub fn token<'h>(&self, transport: Transport, headers: &'h HeaderMap) -> Option<&'h str> {
        let name = self.name(transport);
        headers
            .get_all(COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(found, _)| *found == name)
            .map(|(_, value)| value)
            .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
    }

    /// The `Set-Cookie` value that hands `token` to the browser (or renews it).
    pub fn set(
        &self,
        token: &str,
        transport: Transport,
        headers: &HeaderMap,
    ) -> Result<HeaderValue, AppError> {
        let max_age = self
            .max_age
            .map(|age| format!("; Max-Age={}", age.whole_seconds()))
            .unwrap_or_default();
        self.header(token, &max_age, transport, headers)
    }

    /// The `Set-Cookie` value that removes the cookie.
    pub fn clear(
        &self,
        transport: Transport,
        headers: &HeaderMap,
    ) -> Result<HeaderValue, AppError> {
        self.header("", "; Max-Age=0", transport, headers)
    }

    fn name(&self, transport: Transport) -> String {
        if transport.https_only() {
            format!("__Host-{}", self.name)
        } else {
            self.name.to_owned()
        }
    }

    fn header(
        &self,
        value: &str,
        max_age: &str,
        transport: Transport,
        headers: &HeaderMap,
    ) -> Result<HeaderValue, AppError> {
        let https_only = transport.https_only();
        let secure = if https_only || is_https(headers) {
            "; Secure"
        } else {
            ""
        };
        let path = if https_only { "/" } else { self.path };
        HeaderValue::from_str(&format!(
            "{}={value}; Path={path}; HttpOnly; SameSite={}{max_age}{secure}",
            self.name(transport),
            self.same_site
        ))
        .map_err(|e| AppError::Internal(e.to_string()))
    }
}

/// One visitor's session as loaded for a request.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The token itself, to renew the cookie whenever the session is renewed.
    token: String,
    token_hash: String,
    /// The token every form of this session must send back (CSRF protection).
    pub csrf: String,
    pub data: VisitorData,
}

/// What the session keeps: the answers so far and the order the questions were asked in.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct VisitorData {
    /// The profile in its canonical JSON (`Profile::to_value`).
    #[serde(default)]
    pub profile: serde_json::Value,
    /// Field codes in the order they were asked, so 「戻る」 can step back through them.
    #[serde(default)]
    pub asked: Vec<String>,
    /// The receipt number of the consultation just filed, for its confirmation page (so
    /// that the number is never in a URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receipt: Option<String>,
}

impl Visitor {
    /// The session named by the request's cookie, if it exists and has not expired.
    pub async fn load(state: &AppState, headers: &HeaderMap) -> Result<Option<Self>, AppError> {
        let Some(token) = VISITOR_COOKIE.token(state.transport(), headers) else {
            return Ok(None);
        };
        let Some(session) = state
            .store()
            .session(&token_hash(token), clock::now())
            .await?
        else {
            return Ok(None);
        };
        // A staff session's token is never a visitor's, even if sent under this cookie.
        if session.subject.is_some() {
            return Ok(None);
        }
        Ok(Some(Self::from_session(token.to_owned(), session)))
    }

    /// Starts a new session; the cookie must be sent with the response.
    pub async fn start(
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<(Self, HeaderValue), AppError> {
        let token = random_token()?;
        let now = clock::now();
        let new = NewSession {
            token_hash: token_hash(&token),
            subject: None,
            csrf_token: random_token()?,
            data: serde_json::to_string(&VisitorData::default())
                .map_err(|e| AppError::Internal(e.to_string()))?,
            expires_at: now + IDLE,
        };
        state.store().create_session(&new, now).await?;
        let cookie = VISITOR_COOKIE.set(&token, state.transport(), headers)?;
        let visitor = Self {
            token,
            token_hash: new.token_hash,
            csrf: new.csrf_token,
            data: VisitorData::default(),
        };
        Ok((visitor, cookie))
    }

    /// The existing session, or a new one with the cookie to set.
    pub async fn load_or_start(
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<(Self, Option<HeaderValue>), AppError> {
        match Self::load(state, headers).await? {
            Some(visitor) => Ok((visitor, None)),
            None => {
                let (visitor, cookie) = Self::start(state, headers).await?;
                Ok((visitor, Some(cookie)))
            }
        }
    }

    /// Saves the data and extends the session, answering the cookie that extends it in
    /// the browser alike (else the browser would drop it an hour after the first answer,
    /// however busy the visitor); `None` when the session expired meanwhile.
    pub async fn save(
        &self,
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<Option<HeaderValue>, AppError> {
        let data =
            serde_json::to_string(&self.data).map_err(|e| AppError::Internal(e.to_string()))?;
        let now = clock::now();
        let extended = state
            .store()
            .update_session(&self.token_hash, &data, now, now + IDLE)
            .await?;
        if !extended {
            return Ok(None);
        }
        VISITOR_COOKIE
            .set(&self.token, state.transport(), headers)
            .map(Some)
    }

    /// Deletes the session and everything in it.
    pub async fn erase(self, state: &AppState) -> Result<(), AppError> {
        state.store().delete_session(&self.token_hash).await?;
        Ok(())
    }

    /// Whether a form's token is this session's, compared in constant time.
    pub fn accepts(&self, csrf: &str) -> bool {
        same_token(&self.csrf, csrf)
    }

    fn from_session(token: String, session: Session) -> Self {
        // Data that no longer reads (an older format) starts the answers afresh rather than
        // failing the request: the session itself stays valid.
        let data = serde_json::from_str(&session.data).unwrap_or_default();
        Self {
            token,
            token_hash: session.token_hash,
            csrf: session.csrf_token,
            data,
        }
    }
}

/// How often ended sessions are deleted from the database.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(600);

/// Deletes ended sessions every `SWEEP_EVERY`, for as long as the server runs: an expired
/// session is already unreadable, and this makes its answers actually gone.
pub async fn sweep_expired(state: AppState) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    loop {
        ticks.tick().await;
        match state.store().delete_expired_sessions(clock::now()).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions deleted"),
            Err(err) => tracing::warn!(%err, "could not delete expired sessions"),
        }
    }
}

/// The `Set-Cookie` value that removes the visitor's session cookie.
pub fn clear_cookie(state: &AppState, headers: &HeaderMap) -> Result<HeaderValue, AppError> {
    VISITOR_COOKIE.clear(state.transport(), headers)
}

/// Adds a `Set-Cookie` header when one is due.
pub fn with_cookie(
    mut response: axum::response::Response,
    cookie: Option<HeaderValue>,
) -> axum::response::Response {
    if let Some(cookie) = cookie {
        response.headers_mut().append(SET_COOKIE, cookie);
    }
    response
}

/// Whether two tokens are equal, compared in constant time (a form's CSRF token against
/// the session's).
pub fn same_token(expected: &str, given: &str) -> bool {
    let (a, b) = (expected.as_bytes(), given.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The key a session is stored under: the SHA-256 of its token, so that a copy of the
/// table reveals no usable token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A new random token: 256 bits as 64 hex digits.
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| AppError::Internal(format!("random source: {e}")))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cookie scoped like the console's.
    const STAFF: SessionCookie = SessionCookie {
        name: "staff",
        path: "/console",
        same_site: "Strict",
        max_age: None,
    };

    #[test]
    fn a_cookie_is_http_only_with_its_own_scope_and_secure_over_https() {
        let staff = STAFF;
        let plain = HeaderMap::new();
        let set = staff.set("t", Transport::Either, &plain).unwrap();
        assert_eq!(set, "staff=t; Path=/console; HttpOnly; SameSite=Strict");
        let mut https = HeaderMap::new();
        https.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let visitor = VISITOR_COOKIE.set("t", Transport::Either, &https).unwrap();
        assert_eq!(
            visitor,
            "madoguchi_session=t; Path=/; HttpOnly; SameSite=Lax; Max-Age=3600; Secure"
        );
        let cleared = staff.clear(Transport::Either, &https).unwrap();
        assert!(cleared.to_str().unwrap().contains("Max-Age=0; Secure"));
    }

    #[test]
    fn on_a_site_served_over_https_only_every_cookie_is_a_secure_host_cookie() {
        let staff = STAFF;
        // Even a request that claims nothing about HTTPS gets a `Secure` cookie.
        let plain = HeaderMap::new();
        let set = staff.set("t", Transport::HttpsOnly, &plain).unwrap();
        assert_eq!(
            set,
            "__Host-staff=t; Path=/; HttpOnly; SameSite=Strict; Secure"
        );
        let cleared = VISITOR_COOKIE.clear(Transport::HttpsOnly, &plain).unwrap();
        assert_eq!(
            cleared,
            "__Host-madoguchi_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
        );
        // Only the `__Host-` cookie is read there: one planted without the prefix (over
        // plain HTTP, or by a sibling domain) is not a session.
        let token = "b".repeat(64);
        let mut headers = HeaderMap::new();
        let planted = format!("madoguchi_session={token}");
        headers.insert(COOKIE, HeaderValue::from_str(&planted).unwrap());
        assert_eq!(VISITOR_COOKIE.token(Transport::HttpsOnly, &headers), None);
        assert_eq!(
            VISITOR_COOKIE.token(Transport::Either, &headers),
            Some(token.as_str())
        );
        let host = format!("__Host-madoguchi_session={token}");
        headers.insert(COOKIE, HeaderValue::from_str(&host).unwrap());
        assert_eq!(
            VISITOR_COOKIE.token(Transport::HttpsOnly, &headers),
            Some(token.as_str())
        );
    }

    #[test]
    fn tokens_compare_equal_only_when_identical() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("abc", ""));
    }

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let token = "a".repeat(64);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("other=1; madoguchi_session={token}")).unwrap(),
        );
        assert_eq!(
            VISITOR_COOKIE.token(Transport::Either, &headers),
            Some(token.as_str())
        );
        headers.insert(
            COOKIE,
            HeaderValue::from_static("madoguchi_session=../../etc"),
        );
        assert_eq!(VISITOR_COOKIE.token(Transport::Either, &headers), None);
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let (a, b) = (random_token().unwrap(), random_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }
}
