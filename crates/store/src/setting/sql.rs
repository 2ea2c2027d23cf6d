//! The statements on `settings`, written once for both backends.

use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use super::SettingRow;
use crate::StoreError;

pub(crate) async fn find<'e, DB, E>(db: E, key: &str) -> Result<Option<SettingRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    SettingRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_as("SELECT key, value, updated_at, updated_by FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await?,
    )
}

pub(crate) async fn all<'e, DB, E>(db: E) -> Result<Vec<SettingRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    SettingRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_as("SELECT key, value, updated_at, updated_by FROM settings ORDER BY key")
            .fetch_all(db)
            .await?,
    )
}

/// Inserts or replaces one setting, returning it as stored.
pub(crate) async fn upsert<'e, DB, E>(
    db: E,
    key: &str,
    value: &str,
    by: Option<&str>,
    at: OffsetDateTime,
) -> Result<SettingRow, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    SettingRow: for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at, updated_by = excluded.updated_by
         RETURNING key, value, updated_at, updated_by",
    )
    .bind(key)
    .bind(value)
    .bind(at)
    .bind(by)
    .fetch_one(db)
    .await?)
}
