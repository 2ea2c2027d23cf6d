//! The audit log: every sign-in and every change, who made it, when and from where.
//!
//! Entries are only ever appended; the tables' triggers refuse UPDATE and DELETE on both
//! backends, so not even a bug or a hand-typed statement can rewrite history. The store
//! stamps the time; the web layer says who, what and from where. Actions are open codes
//! (`login.success`, `program.verify`) so that each part of the console adds its own.

use time::OffsetDateTime;

use crate::timestamp::now_whole_second;
use crate::{Store, StoreError};

/// An entry about to be appended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    /// The account that acted; `None` for the command line or an unknown login.
    pub actor_id: Option<String>,
    /// The name to show, as it is now (「田中 一郎」, 「コマンドライン」).
    pub actor_name: String,
    /// `a-z 0-9 . _ -`, up to 64: `login.failure`, `account.create`, `program.verify`.
    pub action: String,
    /// What was acted on: a program id, a login, a setting key.
    pub target: Option<String>,
    /// A plain Japanese summary, or JSON. Never a password.
    pub detail: String,
    /// The client's address, when the action came over HTTP.
    pub client: Option<String>,
}

/// A stored entry. `at` is in UTC, to the whole second; `id` grows with every entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub id: i64,
    pub at: OffsetDateTime,
    pub actor_id: Option<String>,
    pub actor_name: String,
    pub action: String,
    pub target: Option<String>,
    pub detail: String,
    pub client: Option<String>,
}

/// Which entries to list, newest first. Every condition given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Entries by this account id.
    pub actor: Option<String>,
    /// Entries with exactly this action code.
    pub action: Option<String>,
    /// At or after this time.
    pub from: Option<OffsetDateTime>,
    /// Before this time (exclusive).
    pub to: Option<OffsetDateTime>,
    /// Text found in the actor's name, the target, the detail or the client address
    /// (ASCII letters in any case).
    pub text: Option<String>,
    /// How many entries at most; `None` for all.
    pub limit: Option<u32>,
    /// How many of the newest matching entries to skip.
    pub offset: u64,
}

/// Names and summaries longer than this are cut: an entry must never fail for its length.
const MAX_TEXT_CHARS: usize = 4_000;
const MAX_ACTION_LEN: usize = 64;

/// Checks an entry and cuts over-long text.
pub(crate) fn prepare(entry: &NewAuditEntry) -> Result<NewAuditEntry, StoreError> {
    let action_ok = !entry.action.is_empty()
        && entry.action.len() <= MAX_ACTION_LEN
        && entry
            .action
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if !action_ok {
        return Err(StoreError::InvalidAuditEntry(format!(
            "操作の種類「{}」は、半角英小文字・数字と「. _ -」の64文字以内で指定してください",
            entry.action.chars().take(80).collect::<String>()
        )));
    }
    if entry.actor_name.trim().is_empty() {
        return Err(StoreError::InvalidAuditEntry(
            "操作した人の名前が空です".to_owned(),
        ));
    }
    Ok(NewAuditEntry {
        actor_name: cut(&entry.actor_name),
        target: entry.target.as_deref().map(cut),
        detail: cut(&entry.detail),
        client: entry.client.as_deref().map(cut),
        ..entry.clone()
    })
}

fn cut(text: &str) -> String {
    if text.chars().count() <= MAX_TEXT_CHARS {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(MAX_TEXT_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// `(id, at, actor_id, actor_name, action, target, detail, client)`.
pub(crate) type AuditRow = (
    i64,
    OffsetDateTime,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    Option<String>,
);

impl AuditEntry {
    pub(crate) fn from_row(row: AuditRow) -> Self {
        let (id, at, actor_id, actor_name, action, target, detail, client) = row;
        Self {
            id,
            at,
            actor_id,
            actor_name,
            action,
            target,
            detail,
            client,
        }
    }
}

impl Store {
    /// Appends an entry stamped with the current time and returns it as stored. Text
    /// longer than an entry keeps is cut with 「…」 rather than refused.
    pub async fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        let entry = prepare(entry)?;
        let at = now_whole_second();
        let row = sql::append(self.db(), &entry, at).await?;
        Ok(AuditEntry::from_row(row))
    }

    /// The entries that match `filter`, newest first, from `offset`, at most `limit`.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sql::select(self.db(), filter).await?;
        Ok(rows.into_iter().map(AuditEntry::from_row).collect())
    }

    /// How many entries match `filter` (its limit and offset are ignored).
    pub async fn count_audit_entries(&self, filter: &AuditFilter) -> Result<u64, StoreError> {
        let count = sql::count(self.db(), filter).await?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Every action code in the log, sorted, for a filter's choices.
    pub async fn audit_actions(&self) -> Result<Vec<String>, StoreError> {
        let mut actions = sql::actions(self.db()).await?;
        // Byte order on both backends, whatever the server's collation.
        actions.sort();
        Ok(actions)
    }
}

/// The statements on `audit_log`, written once for both backends. A filter is one fixed
/// statement whose conditions each switch off when their parameter is NULL, so that there
/// is no SQL built from pieces.
pub(crate) mod sql {
    use time::OffsetDateTime;

    use super::{AuditFilter, AuditRow, NewAuditEntry};
    use crate::StoreError;
    use crate::db::like_pattern;
    use crate::db::{Db, query};
    use crate::timestamp::whole_second_utc;

    const COLUMNS: &str = "id, at, actor_id, actor_name, action, target, detail, client";

    const MATCHES: &str = "($1 IS NULL OR actor_id = $1)
        AND ($2 IS NULL OR action = $2)
        AND ($3 IS NULL OR at >= $3)
        AND ($4 IS NULL OR at < $4)
        AND ($5 IS NULL OR LOWER(actor_name) LIKE $5 ESCAPE '\\'
            OR LOWER(COALESCE(target, '')) LIKE $5 ESCAPE '\\'
            OR LOWER(detail) LIKE $5 ESCAPE '\\'
            OR LOWER(COALESCE(client, '')) LIKE $5 ESCAPE '\\')";

    pub(crate) async fn append(
        db: Db<'_>,
        entry: &NewAuditEntry,
        at: OffsetDateTime,
    ) -> Result<AuditRow, StoreError> {
        let sql = format!(
            "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, client)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             RETURNING {COLUMNS}"
        );
        query(&sql)
            .bind(at)
            .bind(entry.actor_id.as_deref())
            .bind(entry.actor_name.as_str())
            .bind(entry.action.as_str())
            .bind(entry.target.as_deref())
            .bind(entry.detail.as_str())
            .bind(entry.client.as_deref())
            .fetch_one(db)
            .await
    }

    /// The filter's five condition parameters, in `MATCHES` order.
    struct Conditions<'f> {
        actor: Option<&'f str>,
        action: Option<&'f str>,
        from: Option<OffsetDateTime>,
        to: Option<OffsetDateTime>,
        text: Option<String>,
    }

    impl<'f> Conditions<'f> {
        fn of(filter: &'f AuditFilter) -> Self {
            let given =
                |value: &'f Option<String>| value.as_deref().filter(|v| !v.trim().is_empty());
            Self {
                actor: given(&filter.actor),
                action: given(&filter.action),
                // Stored times are UTC text on SQLite: a bound compares as text, so it must be
                // UTC too.
                from: filter.from.map(whole_second_utc),
                to: filter.to.map(whole_second_utc),
                text: given(&filter.text).map(|text| like_pattern(text.trim())),
            }
        }
    }

    pub(crate) async fn select(
        db: Db<'_>,
        filter: &AuditFilter,
    ) -> Result<Vec<AuditRow>, StoreError> {
        let c = Conditions::of(filter);
        let limit = filter.limit.map_or(i64::MAX, i64::from);
        let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
        let sql = format!(
            "SELECT {COLUMNS} FROM audit_log WHERE {MATCHES} ORDER BY id DESC LIMIT $6 OFFSET $7"
        );
        query(&sql)
            .bind(c.actor)
            .bind(c.action)
            .bind(c.from)
            .bind(c.to)
            .bind(c.text)
            .bind(limit)
            .bind(offset)
            .fetch_all(db)
            .await
    }

    pub(crate) async fn count(db: Db<'_>, filter: &AuditFilter) -> Result<i64, StoreError> {
        let c = Conditions::of(filter);
        let sql = format!("SELECT COUNT(*) FROM audit_log WHERE {MATCHES}");
        query(&sql)
            .bind(c.actor)
            .bind(c.action)
            .bind(c.from)
            .bind(c.to)
            .bind(c.text)
            .fetch_scalar(db)
            .await
    }

    /// The action codes that occur in the log, for the filter's choices.
    pub(crate) async fn actions(db: Db<'_>) -> Result<Vec<String>, StoreError> {
        query("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all_scalars(db)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(action: &str) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: None,
            actor_name: "コマンドライン".to_owned(),
            action: action.to_owned(),
            target: None,
            detail: String::new(),
            client: None,
        }
    }

    #[test]
    fn an_action_is_a_short_lowercase_code() {
        assert!(prepare(&entry("login.failure")).is_ok());
        for bad in ["", "Login", "ログイン", "a b", &"a".repeat(65)] {
            let err = prepare(&entry(bad)).unwrap_err();
            assert!(err.to_string().contains("操作の種類"), "{bad}: {err}");
        }
    }

    #[test]
    fn over_long_text_is_cut_not_refused() {
        let long = NewAuditEntry {
            detail: "あ".repeat(MAX_TEXT_CHARS + 10),
            ..entry("program.verify")
        };
        let kept = prepare(&long).unwrap();
        assert_eq!(kept.detail.chars().count(), MAX_TEXT_CHARS);
        assert!(kept.detail.ends_with('…'));
    }
}
