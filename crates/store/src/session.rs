//! Server-side sessions, so that several app processes behind one PostgreSQL (or one
//! process on SQLite) share who is signed in and where a visitor is in the wizard.
//!
//! The store keeps sessions, it does not make them: the web layer draws the cookie token,
//! hashes it, and hands over only the hash; `data` is its JSON, stored as text and never
//! read here. The checks below keep a raw token or an unhashed value out of the table.

use std::fmt;

use time::OffsetDateTime;

use crate::StoreError;

/// A session about to be created.
#[derive(Clone, PartialEq, Eq)]
pub struct NewSession {
    /// SHA-256 of the cookie token, 64 lowercase hex digits.
    pub token_hash: String,
    /// The staff account id for a staff session; `None` for a visitor.
    pub subject: Option<String>,
    pub csrf_token: String,
    /// JSON text owned by the web layer.
    pub data: String,
    pub expires_at: OffsetDateTime,
}

/// A stored, unexpired session. Times are in UTC, to the whole second.
#[derive(Clone, PartialEq, Eq)]
pub struct Session {
    pub token_hash: String,
    pub subject: Option<String>,
    pub csrf_token: String,
    pub data: String,
    pub created_at: OffsetDateTime,
    pub last_seen_at: OffsetDateTime,
    pub expires_at: OffsetDateTime,
}

/// Debug output ends up in logs: the CSRF token and the visitor's answers stay out.
impl fmt::Debug for NewSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewSession")
            .field("token_hash", &self.token_hash)
            .field("subject", &self.subject)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("token_hash", &self.token_hash)
            .field("subject", &self.subject)
            .field("created_at", &self.created_at)
            .field("last_seen_at", &self.last_seen_at)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// `(token_hash, subject, csrf_token, data, created_at, last_seen_at, expires_at)`, as both
/// backends select a session.
pub(crate) type SessionRow = (
    String,
    Option<String>,
    String,
    String,
    OffsetDateTime,
    OffsetDateTime,
    OffsetDateTime,
);

impl Session {
    pub(crate) fn from_row(row: SessionRow) -> Self {
        let (token_hash, subject, csrf_token, data, created_at, last_seen_at, expires_at) = row;
        Self {
            token_hash,
            subject,
            csrf_token,
            data,
            created_at,
            last_seen_at,
            expires_at,
        }
    }
}

/// Checks a session key: the SHA-256 hex of a token, never the token itself.
pub(crate) fn check_token_hash(token_hash: &str) -> Result<&str, StoreError> {
    let ok = token_hash.len() == 64
        && token_hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if ok {
        Ok(token_hash)
    } else {
        Err(StoreError::InvalidSession(
            "セッションの鍵は、トークンの SHA-256 を16進数の小文字64文字で表したものにしてください",
        ))
    }
}

/// Checks everything a new session carries besides its times.
pub(crate) fn check_new(new: &NewSession) -> Result<(), StoreError> {
    check_token_hash(&new.token_hash)?;
    if new.csrf_token.is_empty() {
        return Err(StoreError::InvalidSession("CSRF トークンが空です"));
    }
    if new.subject.as_deref().is_some_and(str::is_empty) {
        return Err(StoreError::InvalidSession(
            "利用者IDが空です（訪問者のセッションには指定しないでください）",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn only_a_lowercase_sha256_hex_is_a_session_key() {
        let hash = "a".repeat(64);
        assert!(check_token_hash(&hash).is_ok());
        for bad in [
            String::new(),
            "A".repeat(64),
            "a".repeat(63),
            "g".repeat(64),
            "raw-cookie-token".to_owned(),
        ] {
            let err = check_token_hash(&bad).unwrap_err();
            assert!(err.to_string().contains("SHA-256"), "{bad}: {err}");
            assert!(!err.is_internal());
        }
    }

    #[test]
    fn a_session_needs_a_csrf_token_and_no_empty_subject() {
        let new = NewSession {
            token_hash: "0".repeat(64),
            subject: None,
            csrf_token: "csrf".to_owned(),
            data: "{}".to_owned(),
            expires_at: datetime!(2026-08-21 12:00 UTC),
        };
        assert!(check_new(&new).is_ok());
        let no_csrf = NewSession {
            csrf_token: String::new(),
            ..new.clone()
        };
        assert!(
            check_new(&no_csrf)
                .unwrap_err()
                .to_string()
                .contains("CSRF")
        );
        let empty_subject = NewSession {
            subject: Some(String::new()),
            ..new
        };
        assert!(check_new(&empty_subject).is_err());
    }

    #[test]
    fn debug_output_leaves_out_the_csrf_token_and_the_data() {
        let new = NewSession {
            token_hash: "0".repeat(64),
            subject: None,
            csrf_token: "secret-csrf".to_owned(),
            data: r#"{"answer":"private"}"#.to_owned(),
            expires_at: datetime!(2026-08-21 12:00 UTC),
        };
        let shown = format!("{new:?}");
        assert!(
            !shown.contains("secret-csrf") && !shown.contains("private"),
            "{shown}"
        );
    }
}
