//! Server-side sessions, so that several app processes behind one PostgreSQL (or one
//! process on SQLite) share who is signed in and where a visitor is in the wizard.
//!
//! The store keeps sessions, it does not make them: the web layer draws the cookie token,
//! hashes it, and hands over only the hash; `data` is its JSON, stored as text and never
//! read here. The checks below keep a raw token or an unhashed value out of the table.
//! The types, the `Store` methods and the statements on `sessions` are all here.

use std::fmt;

use time::OffsetDateTime;

use crate::timestamp::whole_second_utc;
use crate::{Store, StoreError};
pub(crate) use sql::SessionKey;

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

impl Store {
    /// Creates a session seen at `now`. A key already in use (even by an expired session)
    /// is refused with [`StoreError::SessionExists`]. Times are kept to the whole second.
    pub async fn create_session(
        &self,
        new: &NewSession,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        check_new(new)?;
        let (now, expires_at) = (whole_second_utc(now), whole_second_utc(new.expires_at));
        let inserted = sql::insert_session(self.db(), new, now, expires_at).await?;
        if inserted == 0 {
            return Err(StoreError::SessionExists);
        }
        Ok(())
    }

    /// The session under `token_hash`; `None` when there is none or it has expired by `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Session>, StoreError> {
        let token_hash = check_token_hash(token_hash)?;
        let now = whole_second_utc(now);
        let row = sql::live_session(self.db(), token_hash, now).await?;
        Ok(row.map(Session::from_row))
    }

    /// Replaces a live session's data, marks it seen at `now` and moves its expiry to
    /// `expires_at`. False when the session is gone or has expired: it is never revived.
    pub async fn update_session(
        &self,
        token_hash: &str,
        data: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.refresh_session(token_hash, Some(data), now, expires_at)
            .await
    }

    /// Like [`Store::update_session`], keeping the data: for a request that only reads.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.refresh_session(token_hash, None, now, expires_at)
            .await
    }

    async fn refresh_session(
        &self,
        token_hash: &str,
        data: Option<&str>,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let token_hash = check_token_hash(token_hash)?;
        let (now, expires_at) = (whole_second_utc(now), whole_second_utc(expires_at));
        let updated = sql::refresh_session(self.db(), token_hash, data, now, expires_at).await?;
        Ok(updated > 0)
    }

    /// Signs one session out. True when a row was removed (live or expired).
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let token_hash = check_token_hash(token_hash)?;
        let removed = self
            .delete_sessions_where(SessionKey::TokenHash, token_hash)
            .await?;
        Ok(removed > 0)
    }

    /// "Log out everywhere": removes every session of one staff account, returning how many.
    pub async fn delete_sessions_of(&self, subject: &str) -> Result<u64, StoreError> {
        if subject.is_empty() {
            return Err(StoreError::InvalidSession("利用者IDが空です"));
        }
        self.delete_sessions_where(SessionKey::Subject, subject)
            .await
    }

    async fn delete_sessions_where(&self, key: SessionKey, value: &str) -> Result<u64, StoreError> {
        sql::delete_sessions_where(self.db(), key, value).await
    }

    /// Removes every session that has expired by `now`, returning how many: for a periodic
    /// sweep, since expired sessions are already invisible to reads.
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let now = whole_second_utc(now);
        sql::delete_expired_sessions(self.db(), now).await
    }
}

/// The statements on `sessions`, written once for both backends. Times come in already
/// cut to whole seconds in UTC (see `timestamp`).
pub(crate) mod sql {
    use time::OffsetDateTime;

    use super::{NewSession, SessionRow};
    use crate::StoreError;
    use crate::db::{Db, query};

    /// Inserts a session unless its key is taken; no row affected means it was.
    pub(crate) async fn insert_session(
        db: Db<'_>,
        new: &NewSession,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        query(
            "INSERT INTO sessions (token_hash, subject, csrf_token, data,
                 created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $5, $6)
             ON CONFLICT (token_hash) DO NOTHING",
        )
        .bind(new.token_hash.as_str())
        .bind(new.subject.as_deref())
        .bind(new.csrf_token.as_str())
        .bind(new.data.as_str())
        .bind(now)
        .bind(expires_at)
        .execute(db)
        .await
    }

    /// The session under a key, unless it has expired by `now`.
    pub(crate) async fn live_session(
        db: Db<'_>,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<SessionRow>, StoreError> {
        query(
            "SELECT token_hash, subject, csrf_token, data, created_at, last_seen_at, expires_at
             FROM sessions WHERE token_hash = $1 AND expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(db)
        .await
    }

    /// Marks a live session seen at `now`, moves its expiry and, given `data`, replaces its
    /// data. The expiry test sits in the same statement, so an expired row is never revived.
    pub(crate) async fn refresh_session(
        db: Db<'_>,
        token_hash: &str,
        data: Option<&str>,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        query(
            "UPDATE sessions SET data = COALESCE($2, data), last_seen_at = $3, expires_at = $4
             WHERE token_hash = $1 AND expires_at > $3",
        )
        .bind(token_hash)
        .bind(data)
        .bind(now)
        .bind(expires_at)
        .execute(db)
        .await
    }

    /// Deletes the sessions `column = value` picks (`token_hash` or `subject`).
    pub(crate) async fn delete_sessions_where(
        db: Db<'_>,
        column: SessionKey,
        value: &str,
    ) -> Result<u64, StoreError> {
        let sql = match column {
            SessionKey::TokenHash => "DELETE FROM sessions WHERE token_hash = $1",
            SessionKey::Subject => "DELETE FROM sessions WHERE subject = $1",
        };
        query(sql).bind(value).execute(db).await
    }

    /// Which column [`delete_sessions_where`] matches on.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum SessionKey {
        TokenHash,
        Subject,
    }

    /// Deletes every session that has expired by `now`.
    pub(crate) async fn delete_expired_sessions(
        db: Db<'_>,
        now: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now)
            .execute(db)
            .await
    }
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
