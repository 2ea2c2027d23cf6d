//! The statements on `pending_imports`, written once for both backends. A state change
//! names the state it leaves in its `WHERE`, so two confirmations start one job only.

use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use super::PendingImportRow;
use crate::StoreError;
use crate::draft::sql::RowsAffected;

const COLUMNS: &str = "id, created_by, created_at, source_kind, file_name, summary, state, \
    done, total, message, updated_at";

#[allow(clippy::too_many_arguments)]
pub(crate) async fn insert<'e, DB, E>(
    db: E,
    created_by: &str,
    source_kind: &str,
    file_name: &str,
    body: &str,
    summary: &str,
    total: i64,
    at: OffsetDateTime,
) -> Result<PendingImportRow, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    PendingImportRow: for<'r> FromRow<'r, DB::Row>,
{
    let sql = format!(
        "INSERT INTO pending_imports (created_by, created_at, source_kind, file_name, body,
             summary, state, done, total, message, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, '', $2)
         RETURNING {COLUMNS}"
    );
    Ok(sqlx::query_as(&sql)
        .bind(created_by)
        .bind(at)
        .bind(source_kind)
        .bind(file_name)
        .bind(body)
        .bind(summary)
        .bind(total)
        .fetch_one(db)
        .await?)
}

pub(crate) async fn find<'e, DB, E>(db: E, id: i64) -> Result<Option<PendingImportRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    PendingImportRow: for<'r> FromRow<'r, DB::Row>,
{
    let sql = format!("SELECT {COLUMNS} FROM pending_imports WHERE id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(db).await?)
}

/// The newest `limit` uploads first.
pub(crate) async fn recent<'e, DB, E>(
    db: E,
    limit: i64,
) -> Result<Vec<PendingImportRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    PendingImportRow: for<'r> FromRow<'r, DB::Row>,
{
    let sql = format!("SELECT {COLUMNS} FROM pending_imports ORDER BY id DESC LIMIT $1");
    Ok(sqlx::query_as(&sql).bind(limit).fetch_all(db).await?)
}

pub(crate) async fn body<'e, DB, E>(db: E, id: i64) -> Result<Option<String>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    (String,): for<'r> FromRow<'r, DB::Row>,
{
    let row: Option<(String,)> = sqlx::query_as("SELECT body FROM pending_imports WHERE id = $1")
        .bind(id)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|(body,)| body))
}

/// Moves an import from state `from` to `to` with its progress; 0 rows when it was not
/// in `from` (already confirmed, or unknown).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn advance<'e, DB, E>(
    db: E,
    id: i64,
    from: &str,
    to: &str,
    done: i64,
    message: &str,
    at: OffsetDateTime,
) -> Result<u64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::QueryResult: RowsAffected,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    let done = sqlx::query(
        "UPDATE pending_imports SET state = $3, done = $4, message = $5, updated_at = $6
         WHERE id = $1 AND state = $2",
    )
    .bind(id)
    .bind(from)
    .bind(to)
    .bind(done)
    .bind(message)
    .bind(at)
    .execute(db)
    .await?;
    Ok(done.rows())
}

/// Fails every queued or running job last heard of before `before`, returning their ids.
pub(crate) async fn interrupt_stale<'e, DB, E>(
    db: E,
    before: OffsetDateTime,
    message: &str,
    at: OffsetDateTime,
) -> Result<Vec<i64>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    let rows: Vec<(i64,)> = sqlx::query_as(
        "UPDATE pending_imports SET state = 'failed', message = $2, updated_at = $3
         WHERE state IN ('queued', 'running') AND updated_at < $1
         RETURNING id",
    )
    .bind(before)
    .bind(message)
    .bind(at)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|(id,)| id).collect())
}
