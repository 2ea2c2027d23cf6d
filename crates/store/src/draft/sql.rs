//! The statements on drafts, on unpublishing and on the catalogue's revision, written once
//! for both backends. Every change to a draft names the revision it was made on in its
//! `WHERE`, so a change from a stale page touches no row and is refused.

use sqlx::{Database, Encode, Executor, FromRow, IntoArguments, Type};
use time::OffsetDateTime;

use super::DraftRow;
use crate::StoreError;

const DRAFT_COLUMNS: &str = "program_id, base_version, revision, body, state, author, \
    reviewer, updated_at, publish_at, unpublish_at";

pub(crate) async fn find<'e, DB, E>(db: E, id: &str) -> Result<Option<DraftRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    DraftRow: for<'r> FromRow<'r, DB::Row>,
{
    let sql = format!("SELECT {DRAFT_COLUMNS} FROM program_drafts WHERE program_id = $1");
    Ok(sqlx::query_as(&sql).bind(id).fetch_optional(db).await?)
}

/// Every draft, the most recently changed first.
pub(crate) async fn all<'e, DB, E>(db: E) -> Result<Vec<DraftRow>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DraftRow: for<'r> FromRow<'r, DB::Row>,
{
    let sql =
        format!("SELECT {DRAFT_COLUMNS} FROM program_drafts ORDER BY updated_at DESC, program_id");
    Ok(sqlx::query_as(&sql).fetch_all(db).await?)
}

/// Starts a draft unless the program has one; no row affected means it had.
pub(crate) async fn insert<'e, DB, E>(
    db: E,
    id: &str,
    base_version: i64,
    (body, title): (&str, &str),
    author: &str,
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
        "INSERT INTO program_drafts (program_id, base_version, revision, body, state, author,
             updated_at, title)
         VALUES ($1, $2, 1, $3, 'draft', $4, $5, $6)
         ON CONFLICT (program_id) DO NOTHING",
    )
    .bind(id)
    .bind(base_version)
    .bind(body)
    .bind(author)
    .bind(at)
    .bind(title)
    .execute(db)
    .await?;
    Ok(rows(done))
}

/// Replaces the body of revision `revision`, now based on published `base_version`; the
/// draft goes back to 下書き.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn update_body<'e, DB, E>(
    db: E,
    id: &str,
    revision: i64,
    base_version: i64,
    (body, title): (&str, &str),
    author: &str,
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
        "UPDATE program_drafts SET body = $3, author = $4, updated_at = $5,
             base_version = $6, title = $7, revision = revision + 1, state = 'draft',
             reviewer = NULL, publish_at = NULL, unpublish_at = NULL
         WHERE program_id = $1 AND revision = $2",
    )
    .bind(id)
    .bind(revision)
    .bind(body)
    .bind(author)
    .bind(at)
    .bind(base_version)
    .bind(title)
    .execute(db)
    .await?;
    Ok(rows(done))
}

/// Moves revision `revision` to `state`, with who approved it and when it goes live.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn set_state<'e, DB, E>(
    db: E,
    id: &str,
    revision: i64,
    state: &str,
    reviewer: Option<&str>,
    publish_at: Option<OffsetDateTime>,
    unpublish_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<u64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::QueryResult: RowsAffected,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
{
    let done = sqlx::query(
        "UPDATE program_drafts SET state = $3, reviewer = $4, publish_at = $5,
             unpublish_at = $6, updated_at = $7, revision = revision + 1
         WHERE program_id = $1 AND revision = $2",
    )
    .bind(id)
    .bind(revision)
    .bind(state)
    .bind(reviewer)
    .bind(publish_at)
    .bind(unpublish_at)
    .bind(at)
    .execute(db)
    .await?;
    Ok(rows(done))
}

/// Deletes revision `revision` of a draft.
pub(crate) async fn delete<'e, DB, E>(db: E, id: &str, revision: i64) -> Result<u64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::QueryResult: RowsAffected,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> i64: Encode<'q, DB> + Type<DB>,
{
    let done = sqlx::query("DELETE FROM program_drafts WHERE program_id = $1 AND revision = $2")
        .bind(id)
        .bind(revision)
        .execute(db)
        .await?;
    Ok(rows(done))
}

/// The published version of a program, if it has one.
pub(crate) async fn current_version<'e, DB, E>(db: E, id: &str) -> Result<Option<i64>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_scalar("SELECT current_version FROM programs WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// Scheduled drafts whose time has come, earliest first: `(id, revision)`.
pub(crate) async fn due_drafts<'e, DB, E>(
    db: E,
    now: OffsetDateTime,
) -> Result<Vec<(String, i64)>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    (String, i64): for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_as(
        "SELECT program_id, revision FROM program_drafts
         WHERE state = 'scheduled' AND publish_at <= $1 ORDER BY publish_at, program_id",
    )
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// Published programs whose planned time to leave the site has come.
pub(crate) async fn due_unpublish<'e, DB, E>(
    db: E,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    (String,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_scalar(
        "SELECT id FROM programs
         WHERE unpublish_at <= $1 AND unpublished_at IS NULL ORDER BY unpublish_at, id",
    )
    .bind(now)
    .fetch_all(db)
    .await?)
}

/// Plans (or, with `None`, cancels) when a program leaves the site; it stays published
/// until then.
pub(crate) async fn set_unpublish_at<'e, DB, E>(
    db: E,
    id: &str,
    at: Option<OffsetDateTime>,
) -> Result<u64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::QueryResult: RowsAffected,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
{
    let done = sqlx::query("UPDATE programs SET unpublish_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(db)
        .await?;
    Ok(rows(done))
}

/// Takes a published program off the site at `now`, unless it already is.
pub(crate) async fn mark_unpublished<'e, DB, E>(
    db: E,
    id: &str,
    now: OffsetDateTime,
) -> Result<u64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::QueryResult: RowsAffected,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
{
    let done = sqlx::query(
        "UPDATE programs SET unpublished_at = $2, unpublish_at = COALESCE(unpublish_at, $2)
         WHERE id = $1 AND unpublished_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(rows(done))
}

/// Puts a program (back) on the site, leaving it at `unpublish_at` if given.
pub(crate) async fn republish<'e, DB, E>(
    db: E,
    id: &str,
    unpublish_at: Option<OffsetDateTime>,
) -> Result<u64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    DB::QueryResult: RowsAffected,
    for<'q> &'q str: Encode<'q, DB> + Type<DB>,
    for<'q> Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
{
    let done =
        sqlx::query("UPDATE programs SET unpublished_at = NULL, unpublish_at = $2 WHERE id = $1")
            .bind(id)
            .bind(unpublish_at)
            .execute(db)
            .await?;
    Ok(rows(done))
}

/// Counts one more change to the public catalogue; returns the new revision.
pub(crate) async fn bump_revision<'e, DB, E>(db: E) -> Result<i64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(sqlx::query_scalar(
        "UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision",
    )
    .fetch_one(db)
    .await?)
}

pub(crate) async fn revision<'e, DB, E>(db: E) -> Result<i64, StoreError>
where
    DB: Database,
    E: Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
    (i64,): for<'r> FromRow<'r, DB::Row>,
{
    Ok(
        sqlx::query_scalar("SELECT revision FROM catalog_revision WHERE id = 1")
            .fetch_one(db)
            .await?,
    )
}

fn rows<R: RowsAffected>(done: R) -> u64 {
    done.rows()
}

/// The rows a statement touched, whichever driver ran it.
pub(crate) trait RowsAffected {
    fn rows(&self) -> u64;
}

impl RowsAffected for sqlx::sqlite::SqliteQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}

impl RowsAffected for sqlx::postgres::PgQueryResult {
    fn rows(&self) -> u64 {
        self.rows_affected()
    }
}
