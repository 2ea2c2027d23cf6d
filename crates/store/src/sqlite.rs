//! The SQLite backend: one file under the data directory, for a single app process.
//!
//! The file runs in WAL mode so that readers never wait for the writer, with foreign keys
//! on and a busy timeout so that a short overlap with another writer (a CLI import while
//! the server runs) waits instead of failing. Every write transaction starts with
//! `BEGIN IMMEDIATE`: it takes the write lock before reading, so that the read of current
//! versions and the writes after it can never interleave with another writer. An import
//! holds that lock a chunk at a time only (`catalogue::staging`).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteConnection, SqliteJournalMode, SqlitePool, SqlitePoolOptions,
};
use sqlx::{Connection, Executor, QueryBuilder, Sqlite, Transaction};
use time::OffsetDateTime;

use crate::migrations;
use madoguchi_core::program::ProgramId;

use crate::catalogue::sql::program_columns;
use crate::catalogue::{
    Current, Destination, Prepared, SavePlan, VersionRow, only_outcome, prepare_expecting,
    sql as catalogue_sql,
};
use crate::db::Db;
use crate::drafts::{Publication, TakeDownAudit};
use crate::{SaveOutcome, SaveSummary, StoreError, drafts};

/// How long a writer waits for another writer before giving up with [`StoreError::Busy`].
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Readers run side by side in WAL mode; SQLite serialises writers itself.
const MAX_CONNECTIONS: u32 = 8;

/// Opens (creating if missing) the database file and its folder.
pub(crate) async fn open(path: &Path) -> Result<SqlitePool, StoreError> {
    let cannot_open = |reason: String| StoreError::CannotOpenFile {
        path: path.to_owned(),
        reason,
    };
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|err| cannot_open(err.to_string()))?;
    }
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT);
    SqlitePoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .connect_with(options)
        .await
        .map_err(|err| cannot_open(err.to_string()))
}

/// A private database in memory: one connection kept open for the life of the pool,
/// since each SQLite connection to `:memory:` would otherwise see its own empty database.
pub(crate) async fn open_in_memory() -> Result<SqlitePool, StoreError> {
    let options = SqliteConnectOptions::new()
        .in_memory(true)
        .foreign_keys(true);
    Ok(SqlitePoolOptions::new()
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_with(options)
        .await?)
}

/// The file behind the pool, unless it lives in memory.
pub(crate) fn database_file(pool: &SqlitePool) -> Option<PathBuf> {
    let file = pool.connect_options().get_filename().to_owned();
    (file.as_os_str() != ":memory:").then_some(file)
}

/// A transaction that holds SQLite's write lock from its first statement.
pub(crate) async fn begin_write(
    pool: &SqlitePool,
) -> Result<Transaction<'static, Sqlite>, StoreError> {
    Ok(pool.begin_with("BEGIN IMMEDIATE").await?)
}

/// Applies pending migrations in one transaction.
///
/// SQL runs through `Executor::execute(raw_sql(…))` rather than `raw_sql(…).execute(…)`:
/// the latter's future cannot be proven `Send` on a transaction's connection.
pub(crate) async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    let mut tx = begin_write(pool).await?;
    (&mut *tx)
        .execute(sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS madoguchi_migrations (
            version    INTEGER NOT NULL PRIMARY KEY,
            name       TEXT    NOT NULL,
            checksum   TEXT    NOT NULL,
            applied_at TEXT    NOT NULL
        ) STRICT",
        ))
        .await?;
    let applied = migrations::applied_migrations(Db::from(&mut *tx)).await?;
    for migration in migrations::pending(migrations::SQLITE, &applied)? {
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applying migration"
        );
        (&mut *tx).execute(sqlx::raw_sql(migration.sql)).await?;
        migrations::record_migration(Db::from(&mut *tx), migration).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Saves one chunk of a batch inside the caller's write transaction: its current states,
/// its new versions, and its `programs` rows and notice events (public, or staged for an
/// import: `destination`). The revision is counted once, at the end ([`catalogue_changed`]).
pub(crate) async fn save_chunk(
    tx: &mut SqliteConnection,
    prepared: &[Prepared<'_>],
    origin: &str,
    saved_at: OffsetDateTime,
    destination: Destination,
) -> Result<SaveSummary, StoreError> {
    let current = current_states(tx, prepared).await?;
    let plan = SavePlan::new(prepared, &current)?;
    for chunk in plan.chunks() {
        let rows = chunk?.rows;
        write_programs(tx, &rows, saved_at, destination).await?;
        write_versions(tx, &rows, origin, saved_at).await?;
    }
    let summary = plan.into_summary();
    let db = Db::from(&mut *tx);
    crate::notices::record_catalogue_events(db, prepared, &summary, saved_at, destination).await?;
    Ok(summary)
}

/// Counts a change to the catalogue, before the transaction that made it commits.
pub(crate) async fn catalogue_changed(tx: &mut SqliteConnection) -> Result<(), StoreError> {
    catalogue_sql::bump_revision(Db::from(&mut *tx)).await?;
    Ok(())
}

/// Saves inside the caller's write transaction, counting a change to the catalogue.
async fn save_in(
    tx: &mut SqliteConnection,
    prepared: &[Prepared<'_>],
    origin: &str,
    saved_at: OffsetDateTime,
) -> Result<SaveSummary, StoreError> {
    let summary = save_chunk(tx, prepared, origin, saved_at, Destination::Public).await?;
    if summary.changed() > 0 {
        catalogue_changed(tx).await?;
    }
    Ok(summary)
}

/// Publishes a draft: its body becomes the program's next version and the draft goes, in
/// one write transaction.
pub(crate) async fn publish(
    pool: &SqlitePool,
    id: &ProgramId,
    revision: u32,
    publication: &Publication<'_>,
    saved_at: OffsetDateTime,
) -> Result<SaveOutcome, StoreError> {
    let mut tx = begin_write(pool).await?;
    let draft = drafts::ready_to_publish(Db::from(&mut *tx), id, revision).await?;
    let prepared = prepare_expecting(&draft.program, draft.base_version)?;
    let origin = publication.origin;
    let summary = save_in(&mut tx, &prepared, origin, saved_at).await?;
    let outcome = only_outcome(summary, &draft.program)?;
    drafts::finish_publishing(Db::from(&mut *tx), &draft, outcome, publication, saved_at).await?;
    catalogue_sql::bump_revision(Db::from(&mut *tx)).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Takes a program off the public site now, in a write transaction that counts the
/// change. False when it was already off (or does not exist).
pub(crate) async fn unpublish(
    pool: &SqlitePool,
    id: &str,
    now: OffsetDateTime,
    audit: Option<&TakeDownAudit<'_>>,
) -> Result<bool, StoreError> {
    let mut tx = begin_write(pool).await?;
    let changed = drafts::sql::mark_unpublished(Db::from(&mut *tx), id, now).await? > 0;
    if changed {
        catalogue_sql::bump_revision(Db::from(&mut *tx)).await?;
    }
    drafts::audit_take_down(Db::from(&mut *tx), audit, changed, now).await?;
    tx.commit().await?;
    Ok(changed)
}

/// The stored version and hash of every program in the batch, in one query: the ids go
/// in as one JSON array so that no statement ever exceeds SQLite's parameter limit.
async fn current_states(
    tx: &mut SqliteConnection,
    prepared: &[Prepared<'_>],
) -> Result<HashMap<String, Current>, StoreError> {
    let ids: Vec<&str> = prepared.iter().map(|p| p.program.id.as_str()).collect();
    let ids = serde_json::Value::from(ids).to_string();
    let rows: Vec<(String, i64, String)> = sqlx::query_as(
        "SELECT id, current_version, content_hash FROM programs
         WHERE id IN (SELECT value FROM json_each(?1))",
    )
    .bind(ids)
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, version, content_hash)| {
            (
                id,
                Current {
                    version,
                    content_hash,
                },
            )
        })
        .collect())
}

/// Writes a chunk's `programs` rows as one multi-row statement: over the public rows, or
/// into the staging table of an import. SQLite itself is fast inside one transaction; what
/// costs is each statement's round trip to the driver's worker thread, so a chunk of 500
/// programs makes two trips (with [`write_versions`]), not a thousand.
async fn write_programs(
    tx: &mut SqliteConnection,
    rows: &[VersionRow],
    saved_at: OffsetDateTime,
    destination: Destination,
) -> Result<(), StoreError> {
    let (head, staged) = match destination {
        Destination::Public => (catalogue_sql::INSERT_PROGRAMS.to_owned(), None),
        Destination::Staged { import } => (
            format!(
                "INSERT INTO staged_programs (import_id, {}) ",
                program_columns!()
            ),
            Some(import),
        ),
    };
    let mut programs = QueryBuilder::<Sqlite>::new(head);
    programs.push_values(rows, |mut values, row| {
        if let Some(import) = staged {
            values.push_bind(import);
        }
        values
            .push_bind(&row.id)
            .push_bind(row.version)
            .push_bind(&row.title)
            .push_bind(row.status)
            .push_bind(row.kind)
            .push_bind(row.issuer_level)
            .push_bind(&row.issuer_code)
            .push_bind(row.source_kind)
            .push_bind(&row.external_id)
            .push_bind(row.fiscal_year)
            .push_bind(row.final_deadline)
            .push_bind(&row.content_hash)
            .push_bind(saved_at);
    });
    if staged.is_none() {
        programs.push(catalogue_sql::ON_CONFLICT_UPDATE_PROGRAM);
    }
    programs.build().execute(&mut *tx).await?;
    Ok(())
}

/// Writes a chunk's new versions as one multi-row statement.
///
/// A new version's number (the stored version plus one, read under the write lock) is never
/// a public version's, but it may be one an unfinished import staged for the same program
/// (`catalogue::staging`): this save takes the number over, and the import, finding the
/// program moved, is refused when it tries to finish.
async fn write_versions(
    tx: &mut SqliteConnection,
    rows: &[VersionRow],
    origin: &str,
    saved_at: OffsetDateTime,
) -> Result<(), StoreError> {
    let mut versions = QueryBuilder::<Sqlite>::new(catalogue_sql::INSERT_VERSIONS);
    versions.push_values(rows, |mut values, row| {
        values
            .push_bind(&row.id)
            .push_bind(row.version)
            .push_bind(&row.body)
            .push_bind(&row.content_hash)
            .push_bind(origin)
            .push_bind(saved_at);
    });
    versions.push(
        " ON CONFLICT (program_id, version) DO UPDATE SET body = excluded.body, \
         content_hash = excluded.content_hash, origin = excluded.origin, \
         created_at = excluded.created_at",
    );
    versions.build().execute(&mut *tx).await?;
    Ok(())
}

/// A consistent copy of the live database in a new file, taken while others keep working.
pub(crate) async fn backup_to(pool: &SqlitePool, target: &Path) -> Result<(), StoreError> {
    if target.exists() {
        return Err(StoreError::BackupExists(target.to_owned()));
    }
    let target_text = target
        .to_str()
        .ok_or_else(|| StoreError::UnusablePath(target.to_owned()))?;
    sqlx::query("VACUUM INTO ?1")
        .bind(target_text)
        .execute(pool)
        .await?;
    if let Err(err) = drop_sessions(target).await {
        // A copy still holding sessions is not a backup we hand out.
        let _ = std::fs::remove_file(target);
        return Err(err);
    }
    Ok(())
}

/// Empties the sessions table of a fresh backup (see [`crate::Store::backup_to`] for why),
/// with `secure_delete` so that the rows do not linger in free pages of the file.
async fn drop_sessions(backup: &Path) -> Result<(), StoreError> {
    let options = SqliteConnectOptions::new()
        .filename(backup)
        .create_if_missing(false)
        .pragma("secure_delete", "ON");
    let mut conn = SqliteConnection::connect_with(&options).await?;
    // A database not yet migrated to sessions has none to drop.
    let has_sessions: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'sessions')",
    )
    .fetch_one(&mut conn)
    .await?;
    if has_sessions {
        sqlx::query("DELETE FROM sessions")
            .execute(&mut conn)
            .await?;
    }
    conn.close().await?;
    Ok(())
}

/// Why a file cannot serve as a backup of ours, if it cannot: it must open as SQLite,
/// carry our migrations table at a schema this build knows, and pass `integrity_check`.
pub(crate) async fn check_backup(path: &Path) -> Result<(), String> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .create_if_missing(false);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|err| err.to_string())?;
    let verdict = inspect(&mut conn).await;
    // A failed close leaves nothing behind for a read-only connection.
    let _ = conn.close().await;
    verdict
}

async fn inspect(conn: &mut SqliteConnection) -> Result<(), String> {
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut *conn)
        .await
        .map_err(|err| err.to_string())?;
    if integrity != "ok" {
        return Err(format!("整合性の検査に失敗しました：{integrity}"));
    }
    let newest: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM madoguchi_migrations")
        .fetch_one(&mut *conn)
        .await
        .map_err(|_| "madoguchi のデータベースではありません".to_owned())?;
    match newest {
        None => Err("スキーマがありません".to_owned()),
        Some(found) if found > migrations::newest_sqlite_version() => Err(format!(
            "新しい版の madoguchi で作られています（スキーマ版 {found}）"
        )),
        Some(_) => Ok(()),
    }
}

/// Refuses if any other connection has the file open: leaving WAL mode needs every other
/// connection gone, so a successful switch proves nobody would lose the file under them.
pub(crate) async fn ensure_unused(path: &Path) -> Result<(), StoreError> {
    let in_use = || StoreError::DatabaseInUse(path.to_owned());
    let options = SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(false)
        .busy_timeout(Duration::ZERO);
    let mut conn = SqliteConnection::connect_with(&options)
        .await
        .map_err(|err| StoreError::CannotOpenFile {
            path: path.to_owned(),
            reason: err.to_string(),
        })?;
    let mode: Result<String, _> = sqlx::query_scalar("PRAGMA journal_mode = DELETE")
        .fetch_one(&mut conn)
        .await;
    let _ = conn.close().await;
    match mode {
        Ok(mode) if mode.eq_ignore_ascii_case("delete") => Ok(()),
        _ => Err(in_use()),
    }
}
