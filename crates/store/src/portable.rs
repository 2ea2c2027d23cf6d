//! The statements both backends run exactly as written, so each is written once.
//!
//! SQLite accepts PostgreSQL's `$1` placeholders, and these reads and inserts use nothing
//! either dialect lacks. Each function is generic over the driver; what differs between
//! the backends (connecting, locking, bulk writes, backup) stays in their own modules.

use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::StoreError;
use crate::import_run::{ImportRunRow, NewImportRun};
use crate::migrations::{Applied, Migration};
use crate::record::{BodyRow, DatesRow, HistoryRow};
use crate::session::{NewSession, SessionRow};

/// The head of the insert that writes a program's current row; each backend adds its rows
/// (`VALUES …` or `SELECT … FROM UNNEST(…)`) in this column order, then
/// [`ON_CONFLICT_UPDATE_PROGRAM`].
pub(crate) const INSERT_PROGRAMS: &str = "INSERT INTO programs (id, current_version, title, \
    status, kind, issuer_level, issuer_code, source_kind, external_id, fiscal_year, \
    final_deadline, content_hash, updated_at) ";

/// An existing program's row takes every column of its new version.
pub(crate) const ON_CONFLICT_UPDATE_PROGRAM: &str = " ON CONFLICT (id) DO UPDATE SET \
    current_version = excluded.current_version, title = excluded.title, \
    status = excluded.status, kind = excluded.kind, issuer_level = excluded.issuer_level, \
    issuer_code = excluded.issuer_code, source_kind = excluded.source_kind, \
    external_id = excluded.external_id, fiscal_year = excluded.fiscal_year, \
    final_deadline = excluded.final_deadline, content_hash = excluded.content_hash, \
    updated_at = excluded.updated_at";

/// The head of the insert that adds versions, in the column order both backends bind.
pub(crate) const INSERT_VERSIONS: &str = "INSERT INTO program_versions (program_id, version, \
    body, content_hash, origin, created_at) ";

/// A text searched for anywhere in a column: `%text%` for `LOWER(column) LIKE … ESCAPE '\'`,
/// lowercased for ASCII (as `LOWER` is on SQLite and on a `"C"` column of PostgreSQL), with
/// `%`, `_` and `\` taken literally.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c.to_ascii_lowercase());
    }
    pattern.push('%');
    pattern
}

pub(crate) async fn ping<'e, DB, E>(db: E) -> Result<(), StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
{
    sqlx::query("SELECT 1").execute(db).await?;
    Ok(())
}

/// The migrations recorded as applied, oldest first.
pub(crate) async fn applied_migrations<'e, DB, E>(db: E) -> Result<Vec<Applied>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64, String): for<'r> FromRow<'r, DB::Row>,
{
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, checksum FROM madoguchi_migrations ORDER BY version")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(version, checksum)| Applied { version, checksum })
        .collect())
}

/// Notes a migration as applied, inside the caller's transaction.
pub(crate) async fn record_migration<'e, DB, E>(
    db: E,
    migration: &Migration,
) -> Result<(), StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    sqlx::query(
        "INSERT INTO madoguchi_migrations (version, name, checksum, applied_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(migration.version)
    .bind(migration.name)
    .bind(migration.checksum())
    .bind(OffsetDateTime::now_utc())
    .execute(db)
    .await?;
    Ok(())
}

/// The current version of one program.
pub(crate) async fn latest<'e, DB, E>(db: E, id: &str) -> Result<Option<BodyRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    BodyRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await?)
}

/// One stored version of one program.
pub(crate) async fn version<'e, DB, E>(
    db: E,
    id: &str,
    version: i64,
) -> Result<Option<BodyRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    BodyRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT program_id, version, body FROM program_versions
         WHERE program_id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(db)
    .await?)
}

/// A program's versions, oldest first.
pub(crate) async fn history<'e, DB, E>(db: E, id: &str) -> Result<Vec<HistoryRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    HistoryRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT version, created_at, origin FROM program_versions
         WHERE program_id = $1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(db)
    .await?)
}

/// The current version of every program, by id.
pub(crate) async fn all_latest<'e, DB, E>(db: E) -> Result<Vec<BodyRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    BodyRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         WHERE p.unpublished_at IS NULL
         ORDER BY p.id",
    )
    .fetch_all(db)
    .await?)
}

/// When each program was first saved and when its current version was, by id.
pub(crate) async fn program_dates<'e, DB, E>(db: E) -> Result<Vec<DatesRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DatesRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT p.id, v.created_at, p.updated_at
         FROM programs p JOIN program_versions v ON v.program_id = p.id AND v.version = 1
         WHERE p.unpublished_at IS NULL
         ORDER BY p.id",
    )
    .fetch_all(db)
    .await?)
}

pub(crate) async fn count<'e, DB, E>(db: E) -> Result<i64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM programs WHERE unpublished_at IS NULL")
            .fetch_one(db)
            .await?,
    )
}

/// Ids of programs whose title or summary contains every pattern (SQL `LIKE`, `\\` escapes),
/// by id: the naive search that the full-text index is measured against. `summary` is the
/// backend's expression for the current version's summary.
pub(crate) async fn search_like<'e, DB, E>(
    db: E,
    summary: &str,
    patterns: &[String],
    limit: i64,
) -> Result<Vec<String>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> String: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    (String,): for<'r> FromRow<'r, DB::Row>,
{
    let conditions: Vec<String> = (1..=patterns.len())
        .map(|n| format!("(p.title LIKE ${n} ESCAPE '\\' OR {summary} LIKE ${n} ESCAPE '\\')"))
        .collect();
    let sql = format!(
        "SELECT p.id FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         WHERE {} ORDER BY p.id LIMIT ${}",
        if conditions.is_empty() {
            "1 = 1".to_owned()
        } else {
            conditions.join(" AND ")
        },
        patterns.len() + 1
    );
    let mut query = sqlx::query_scalar(&sql);
    for pattern in patterns {
        query = query.bind(pattern.clone());
    }
    Ok(query.bind(limit).fetch_all(db).await?)
}

pub(crate) async fn insert_import_run<'e, DB, E>(
    db: E,
    run: &NewImportRun,
    recorded_at: OffsetDateTime,
) -> Result<ImportRunRow, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    ImportRunRow: for<'r> FromRow<'r, DB::Row>,
{
    let [created, updated, unchanged, skipped, invalid] = run.counts.as_columns();
    Ok(sqlx::query_as(
        "INSERT INTO import_runs (recorded_at, source_kind, file_name,
             created, updated, unchanged, skipped, invalid)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         RETURNING id, recorded_at, source_kind, file_name,
             created, updated, unchanged, skipped, invalid",
    )
    .bind(recorded_at)
    .bind(run.source_kind.code())
    .bind(run.file_name.as_str())
    .bind(created)
    .bind(updated)
    .bind(unchanged)
    .bind(skipped)
    .bind(invalid)
    .fetch_one(db)
    .await?)
}

/// Every import run, newest first.
pub(crate) async fn import_runs<'e, DB, E>(db: E) -> Result<Vec<ImportRunRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    ImportRunRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT id, recorded_at, source_kind, file_name,
             created, updated, unchanged, skipped, invalid
         FROM import_runs ORDER BY id DESC",
    )
    .fetch_all(db)
    .await?)
}

// ---- Sessions. Times come in already cut to whole seconds in UTC (see `timestamp`). ----

/// Inserts a session unless its key is taken; no row affected means it was.
pub(crate) async fn insert_session<'e, DB, E>(
    db: E,
    new: &NewSession,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<DB::QueryResult, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    Ok(sqlx::query(
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
    .await?)
}

/// The session under a key, unless it has expired by `now`.
pub(crate) async fn live_session<'e, DB, E>(
    db: E,
    token_hash: &str,
    now: OffsetDateTime,
) -> Result<Option<SessionRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    SessionRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT token_hash, subject, csrf_token, data, created_at, last_seen_at, expires_at
         FROM sessions WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?)
}

/// Marks a live session seen at `now`, moves its expiry and, given `data`, replaces its
/// data. The expiry test sits in the same statement, so an expired row is never revived.
pub(crate) async fn refresh_session<'e, DB, E>(
    db: E,
    token_hash: &str,
    data: Option<&str>,
    now: OffsetDateTime,
    expires_at: OffsetDateTime,
) -> Result<DB::QueryResult, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    Ok(sqlx::query(
        "UPDATE sessions SET data = COALESCE($2, data), last_seen_at = $3, expires_at = $4
         WHERE token_hash = $1 AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(data)
    .bind(now)
    .bind(expires_at)
    .execute(db)
    .await?)
}

/// Deletes the sessions `column = value` picks (`token_hash` or `subject`).
pub(crate) async fn delete_sessions_where<'e, DB, E>(
    db: E,
    column: SessionKey,
    value: &str,
) -> Result<DB::QueryResult, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
{
    let sql = match column {
        SessionKey::TokenHash => "DELETE FROM sessions WHERE token_hash = $1",
        SessionKey::Subject => "DELETE FROM sessions WHERE subject = $1",
    };
    Ok(sqlx::query(sql).bind(value).execute(db).await?)
}

/// Which column [`delete_sessions_where`] matches on.
#[derive(Debug, Clone, Copy)]
pub(crate) enum SessionKey {
    TokenHash,
    Subject,
}

/// Deletes every session that has expired by `now`.
pub(crate) async fn delete_expired_sessions<'e, DB, E>(
    db: E,
    now: OffsetDateTime,
) -> Result<DB::QueryResult, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    Ok(sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
        .bind(now)
        .execute(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("100%_A\\"), "%100\\%\\_a\\\\%");
    }
}
