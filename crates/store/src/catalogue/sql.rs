//! The statements on the catalogue (`programs`, the current row of each version, and
//! `catalog_revision`), written once for both backends, and the heads of the inserts that
//! each backend completes with its own bulk form.

use crate::StoreError;
use crate::catalogue::changes::ChangedRow;
use crate::catalogue::{BodyRow, record::DatesRow};
use crate::db::{Db, query};

/// The columns of a program's current row that a save writes, in the order every insert
/// binds them (into `programs`, or into SQLite's `staged_programs`).
macro_rules! program_columns {
    () => {
        "id, current_version, title, status, kind, issuer_level, issuer_code, source_kind, \
         external_id, fiscal_year, final_deadline, content_hash, updated_at"
    };
}
pub(crate) use program_columns;

/// The head of the insert that writes a program's current row; each backend adds its rows
/// (`VALUES …` or `SELECT … FROM UNNEST(…)`) in this column order, then
/// [`ON_CONFLICT_UPDATE_PROGRAM`].
pub(crate) const INSERT_PROGRAMS: &str =
    concat!("INSERT INTO programs (", program_columns!(), ") ");

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

/// The current version of one program.
pub(crate) async fn latest(db: Db<'_>, id: &str) -> Result<Option<BodyRow>, StoreError> {
    query(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

/// The current version of every program, by id, folded as [`crate::db::Query::fold_rows`].
pub(crate) async fn fold_latest<S, F>(
    db: Db<'_>,
    init: S,
    each: impl FnMut(S, BodyRow) -> F,
) -> Result<S, StoreError>
where
    F: Future<Output = Result<S, StoreError>>,
{
    query(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         WHERE p.unpublished_at IS NULL
         ORDER BY p.id",
    )
    .fold_rows(db, init, each)
    .await
}

/// When each program was first saved and when its current version was, by id.
pub(crate) async fn program_dates(db: Db<'_>) -> Result<Vec<DatesRow>, StoreError> {
    query(
        "SELECT p.id, v.created_at, p.updated_at
         FROM programs p JOIN program_versions v ON v.program_id = p.id AND v.version = 1
         WHERE p.unpublished_at IS NULL
         ORDER BY p.id",
    )
    .fetch_all(db)
    .await
}

pub(crate) async fn count(db: Db<'_>) -> Result<i64, StoreError> {
    query("SELECT COUNT(*) FROM programs WHERE unpublished_at IS NULL")
        .fetch_scalar(db)
        .await
}

/// Ids of programs whose title or summary contains every pattern (SQL `LIKE`, `\\` escapes),
/// by id: the naive search that the full-text index is measured against. `summary` is the
/// backend's expression for the current version's summary.
pub(crate) async fn search_like(
    db: Db<'_>,
    summary: &str,
    patterns: &[String],
    limit: i64,
) -> Result<Vec<String>, StoreError> {
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
    let mut query = query(&sql);
    for pattern in patterns {
        query = query.bind(pattern.clone());
    }
    query.bind(limit).fetch_all_scalars(db).await
}

/// Counts one more change to the public catalogue and stamps the programs this transaction
/// changed with it (see migration 0017); returns the new revision.
pub(crate) async fn bump_revision(mut db: Db<'_>) -> Result<i64, StoreError> {
    let revision = next_revision(db.reborrow()).await?;
    stamp_changed(db, revision).await?;
    Ok(revision)
}

/// Counts one more change to the public catalogue; returns the new revision.
pub(crate) async fn next_revision(db: Db<'_>) -> Result<i64, StoreError> {
    query("UPDATE catalog_revision SET revision = revision + 1 WHERE id = 1 RETURNING revision")
        .fetch_scalar(db)
        .await
}

/// Stamps the programs this transaction changed (their `changed_in` cleared) with `revision`.
pub(crate) async fn stamp_changed(db: Db<'_>, revision: i64) -> Result<(), StoreError> {
    query("UPDATE programs SET changed_in = $1 WHERE changed_in IS NULL")
        .bind(revision)
        .execute(db)
        .await?;
    Ok(())
}

/// How many programs changed after revision `since` up to `until`.
pub(crate) async fn count_changed(db: Db<'_>, since: i64, until: i64) -> Result<i64, StoreError> {
    query("SELECT COUNT(*) FROM programs WHERE changed_in > $1 AND changed_in <= $2")
        .bind(since)
        .bind(until)
        .fetch_scalar(db)
        .await
}

/// The programs changed after revision `since` up to `until`, by id: their current version,
/// whether they are still public, and when they were first saved and last changed.
pub(crate) async fn changed(
    db: Db<'_>,
    since: i64,
    until: i64,
) -> Result<Vec<ChangedRow>, StoreError> {
    query(
        "SELECT v.program_id, v.version, v.body, p.unpublished_at IS NULL, f.created_at,
                p.updated_at
         FROM programs p
         JOIN program_versions v ON v.program_id = p.id AND v.version = p.current_version
         JOIN program_versions f ON f.program_id = p.id AND f.version = 1
         WHERE p.changed_in > $1 AND p.changed_in <= $2
         ORDER BY p.id",
    )
    .bind(since)
    .bind(until)
    .fetch_all(db)
    .await
}

pub(crate) async fn revision(db: Db<'_>) -> Result<i64, StoreError> {
    query("SELECT revision FROM catalog_revision WHERE id = 1")
        .fetch_scalar(db)
        .await
}
