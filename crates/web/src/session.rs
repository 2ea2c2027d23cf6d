//! The visitor's server-side session: where a business's answers live while it is diagnosed.
//!
//! A profile is personal data, so it never goes into a URL or a log: the browser holds only a
//! random token in an HttpOnly cookie, the database holds the answers under the token's SHA-256
//! (a copy of the table reveals no usable token), and every app process sees the same session.
//! Sessions end after `IDLE` without activity, or at once with 「回答を消去する」.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use madoguchi_store::{NewSession, Session};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::Duration;

use crate::origin::is_https;
use crate::{AppError, AppState, clock};

/// The cookie that carries the session token.
pub const COOKIE_NAME: &str = "madoguchi_session";

/// A session ends after this long without a request.
pub const IDLE: Duration = Duration::minutes(60);

/// One visitor's session as loaded for a request.
#[derive(Debug, Clone)]
pub struct Visitor {
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
}

impl Visitor {
    /// The session named by the request's cookie, if it exists and has not expired.
    pub async fn load(state: &AppState, headers: &HeaderMap) -> Result<Option<Self>, AppError> {
        let Some(token) = cookie_token(headers) else {
            return Ok(None);
        };
        let Some(session) = state.store().session(&hash(token), clock::now()).await? else {
            return Ok(None);
        };
        Ok(Some(Self::from_session(session)))
    }

    /// Starts a new session; the cookie must be sent with the response.
    pub async fn start(
        state: &AppState,
        headers: &HeaderMap,
    ) -> Result<(Self, HeaderValue), AppError> {
        let token = random_hex()?;
        let now = clock::now();
        let new = NewSession {
            token_hash: hash(&token),
            subject: None,
            csrf_token: random_hex()?,
            data: serde_json::to_string(&VisitorData::default())
                .map_err(|e| AppError::Internal(e.to_string()))?,
            expires_at: now + IDLE,
        };
        state.store().create_session(&new, now).await?;
        let cookie = set_cookie(&token, headers)?;
        let visitor = Self {
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

    /// Saves the data and extends the session; false when it expired meanwhile.
    pub async fn save(&self, state: &AppState) -> Result<bool, AppError> {
        let data =
            serde_json::to_string(&self.data).map_err(|e| AppError::Internal(e.to_string()))?;
        let now = clock::now();
        Ok(state
            .store()
            .update_session(&self.token_hash, &data, now, now + IDLE)
            .await?)
    }

    /// Deletes the session and everything in it.
    pub async fn erase(self, state: &AppState) -> Result<(), AppError> {
        state.store().delete_session(&self.token_hash).await?;
        Ok(())
    }

    /// Whether a form's token is this session's, compared in constant time.
    pub fn accepts(&self, csrf: &str) -> bool {
        let (a, b) = (self.csrf.as_bytes(), csrf.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    fn from_session(session: Session) -> Self {
        // Data that no longer reads (an older format) starts the answers afresh rather than
        // failing the request: the session itself stays valid.
        let data = serde_json::from_str(&session.data).unwrap_or_default();
        Self {
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

/// The `Set-Cookie` value that removes the session cookie.
pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("madoguchi_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
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

fn set_cookie(token: &str, headers: &HeaderMap) -> Result<HeaderValue, AppError> {
    let secure = if is_https(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        IDLE.whole_seconds()
    ))
    .map_err(|e| AppError::Internal(e.to_string()))
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE_NAME)
        .map(|(_, value)| value)
        .filter(|value| value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()))
}

fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

fn random_hex() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| AppError::Internal(format!("random source: {e}")))?;
    Ok(hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_well_formed_session_cookie_is_read() {
        let token = "a".repeat(64);
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_str(&format!("other=1; {COOKIE_NAME}={token}")).unwrap(),
        );
        assert_eq!(cookie_token(&headers), Some(token.as_str()));
        headers.insert(
            COOKIE,
            HeaderValue::from_static("madoguchi_session=../../etc"),
        );
        assert_eq!(cookie_token(&headers), None);
    }

    #[test]
    fn tokens_are_random_and_stored_only_as_hashes() {
        let (a, b) = (random_hex().unwrap(), random_hex().unwrap());
        assert_ne!(a, b);
        assert_eq!(hash(&a).len(), 64);
        assert_ne!(hash(&a), a);
    }
}
