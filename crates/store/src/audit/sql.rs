//! The statements on `audit_log`, written once for both backends. A filter is one fixed
//! statement whose conditions each switch off when their parameter is NULL, so that there
//! is no SQL built from pieces.

use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use super::{AuditFilter, AuditRow, NewAuditEntry};
use crate::StoreError;
use crate::portable::like_pattern;
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

pub(crate) async fn append<'e, DB, E>(
    db: E,
    entry: &NewAuditEntry,
    at: OffsetDateTime,
) -> Result<AuditRow, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    AuditRow: for<'r> FromRow<'r, DB::Row>,
{
    let sql = format!(
        "INSERT INTO audit_log (at, actor_id, actor_name, action, target, detail, client)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(&sql)
        .bind(at)
        .bind(entry.actor_id.as_deref())
        .bind(entry.actor_name.as_str())
        .bind(entry.action.as_str())
        .bind(entry.target.as_deref())
        .bind(entry.detail.as_str())
        .bind(entry.client.as_deref())
        .fetch_one(db)
        .await?)
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
        let given = |value: &'f Option<String>| value.as_deref().filter(|v| !v.trim().is_empty());
        Self {
            actor: given(&filter.actor),
            action: given(&filter.action),
            // Stored times are UTC text on SQLite: a bound compares as text, so it must be UTC too.
            from: filter.from.map(whole_second_utc),
            to: filter.to.map(whole_second_utc),
            text: given(&filter.text).map(|text| like_pattern(text.trim())),
        }
    }
}

pub(crate) async fn select<'e, DB, E>(
    db: E,
    filter: &AuditFilter,
) -> Result<Vec<AuditRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    AuditRow: for<'r> FromRow<'r, DB::Row>,
{
    let c = Conditions::of(filter);
    let limit = filter.limit.map_or(i64::MAX, i64::from);
    let offset = i64::try_from(filter.offset).unwrap_or(i64::MAX);
    let sql = format!(
        "SELECT {COLUMNS} FROM audit_log WHERE {MATCHES} ORDER BY id DESC LIMIT $6 OFFSET $7"
    );
    Ok(sqlx::query_as(&sql)
        .bind(c.actor)
        .bind(c.action)
        .bind(c.from)
        .bind(c.to)
        .bind(c.text)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await?)
}

pub(crate) async fn count<'e, DB, E>(db: E, filter: &AuditFilter) -> Result<i64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<String>: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    let c = Conditions::of(filter);
    let sql = format!("SELECT COUNT(*) FROM audit_log WHERE {MATCHES}");
    Ok(sqlx::query_scalar(&sql)
        .bind(c.actor)
        .bind(c.action)
        .bind(c.from)
        .bind(c.to)
        .bind(c.text)
        .fetch_one(db)
        .await?)
}

/// The action codes that occur in the log, for the filter's choices.
pub(crate) async fn actions<'e, DB, E>(db: E) -> Result<Vec<String>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (String,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_scalar("SELECT DISTINCT action FROM audit_log ORDER BY action")
            .fetch_all(db)
            .await?,
    )
}
