//! The statements on drafts and on unpublishing, written once for both backends. Every
//! change to a draft names the revision it was made on in its `WHERE`, so a change from a stale page touches no row and is refused.

use time::OffsetDateTime;

use super::DraftRow;
use crate::StoreError;
use crate::db::{Db, query};

const DRAFT_COLUMNS: &str = "program_id, base_version, revision, body, state, author, \
    reviewer, updated_at, publish_at, unpublish_at";

pub(crate) async fn find(db: Db<'_>, id: &str) -> Result<Option<DraftRow>, StoreError> {
    let sql = format!("SELECT {DRAFT_COLUMNS} FROM program_drafts WHERE program_id = $1");
    query(&sql).bind(id).fetch_optional(db).await
}

/// Every draft, the most recently changed first.
pub(crate) async fn all(db: Db<'_>) -> Result<Vec<DraftRow>, StoreError> {
    let sql =
        format!("SELECT {DRAFT_COLUMNS} FROM program_drafts ORDER BY updated_at DESC, program_id");
    query(&sql).fetch_all(db).await
}

/// Starts a draft unless the program has one; no row affected means it had.
pub(crate) async fn insert(
    db: Db<'_>,
    id: &str,
    base_version: i64,
    (body, title): (&str, &str),
    author: &str,
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    let done = query(
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
    Ok(done)
}

/// Replaces the body of revision `revision`, now based on published `base_version`; the
/// draft goes back to 下書き.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn update_body(
    db: Db<'_>,
    id: &str,
    revision: i64,
    base_version: i64,
    (body, title): (&str, &str),
    author: &str,
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    let done = query(
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
    Ok(done)
}

/// Moves revision `revision` to `state`, with who approved it and when it goes live.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn set_state(
    db: Db<'_>,
    id: &str,
    revision: i64,
    state: &str,
    reviewer: Option<&str>,
    publish_at: Option<OffsetDateTime>,
    unpublish_at: Option<OffsetDateTime>,
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    let done = query(
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
    Ok(done)
}

/// Deletes revision `revision` of a draft.
pub(crate) async fn delete(db: Db<'_>, id: &str, revision: i64) -> Result<u64, StoreError> {
    let done = query("DELETE FROM program_drafts WHERE program_id = $1 AND revision = $2")
        .bind(id)
        .bind(revision)
        .execute(db)
        .await?;
    Ok(done)
}

/// The published version of a program, if it has one.
pub(crate) async fn current_version(db: Db<'_>, id: &str) -> Result<Option<i64>, StoreError> {
    query("SELECT current_version FROM programs WHERE id = $1")
        .bind(id)
        .fetch_optional_scalar(db)
        .await
}

/// Scheduled drafts whose time has come, earliest first: `(id, revision)`.
pub(crate) async fn due_drafts(
    db: Db<'_>,
    now: OffsetDateTime,
) -> Result<Vec<(String, i64)>, StoreError> {
    query(
        "SELECT program_id, revision FROM program_drafts
         WHERE state = 'scheduled' AND publish_at <= $1 ORDER BY publish_at, program_id",
    )
    .bind(now)
    .fetch_all(db)
    .await
}

/// Published programs whose planned time to leave the site has come.
pub(crate) async fn due_unpublish(
    db: Db<'_>,
    now: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    query(
        "SELECT id FROM programs
         WHERE unpublish_at <= $1 AND unpublished_at IS NULL ORDER BY unpublish_at, id",
    )
    .bind(now)
    .fetch_all_scalars(db)
    .await
}

/// Plans (or, with `None`, cancels) when a program leaves the site; it stays published
/// until then.
pub(crate) async fn set_unpublish_at(
    db: Db<'_>,
    id: &str,
    at: Option<OffsetDateTime>,
) -> Result<u64, StoreError> {
    let done = query("UPDATE programs SET unpublish_at = $2 WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(db)
        .await?;
    Ok(done)
}

/// Takes a published program off the site at `now`, unless it already is.
pub(crate) async fn mark_unpublished(
    db: Db<'_>,
    id: &str,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    let done = query(
        "UPDATE programs SET unpublished_at = $2, unpublish_at = COALESCE(unpublish_at, $2)
         WHERE id = $1 AND unpublished_at IS NULL",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done)
}

/// Puts a program (back) on the site, leaving it at `unpublish_at` if given.
pub(crate) async fn republish(
    db: Db<'_>,
    id: &str,
    unpublish_at: Option<OffsetDateTime>,
) -> Result<u64, StoreError> {
    // A draft without its own date keeps the program's planned take-down: a typo fix
    // published today must not cancel it (cancelling is its own action).
    let done = query(
        "UPDATE programs SET unpublished_at = NULL, unpublish_at = COALESCE($2, unpublish_at)
         WHERE id = $1",
    )
    .bind(id)
    .bind(unpublish_at)
    .execute(db)
    .await?;
    Ok(done)
}
