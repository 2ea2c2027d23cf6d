//! The statements on `login_attempts`, written once for both backends. Times come in
//! already cut to whole seconds in UTC.

use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use crate::StoreError;

/// Writes an attempt, returning its id.
pub(crate) async fn insert<'e, DB, E>(
    db: E,
    client: &str,
    at: OffsetDateTime,
) -> Result<i64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_scalar("INSERT INTO login_attempts (client, at) VALUES ($1, $2) RETURNING id")
            .bind(client)
            .bind(at)
            .fetch_one(db)
            .await?,
    )
}

/// The newest `limit` attempts from `client` made after `after`, newest first.
pub(crate) async fn newest<'e, DB, E>(
    db: E,
    client: &str,
    after: OffsetDateTime,
    limit: i64,
) -> Result<Vec<(i64, OffsetDateTime)>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    (i64, OffsetDateTime): for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT id, at FROM login_attempts WHERE client = $1 AND at > $2
         ORDER BY at DESC LIMIT $3",
    )
    .bind(client)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await?)
}

pub(crate) async fn delete<'e, DB, E>(db: E, id: i64) -> Result<DB::QueryResult, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    Ok(sqlx::query("DELETE FROM login_attempts WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?)
}

pub(crate) async fn delete_until<'e, DB, E>(
    db: E,
    until: OffsetDateTime,
) -> Result<DB::QueryResult, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    Ok(sqlx::query("DELETE FROM login_attempts WHERE at <= $1")
        .bind(until)
        .execute(db)
        .await?)
}
