//! The PostgreSQL backend: one shared database for any number of app processes.
//!
//! Writers that must not interleave take a transaction-scoped advisory lock: migrations
//! one lock, catalogue saves another. An import is one transaction from its first chunk to
//! its commit, unlike SQLite's staged import (`catalogue::staging`): PostgreSQL locks the
//! rows a transaction writes, not the database, so while an import runs every other writer
//! (sessions, accounts, the desk, notices) goes on, and only catalogue writers, which take
//! the same advisory lock, wait for it, as they must to number versions one after another. Catalogue writes are rare (imports, staff edits),
//! so serialising them costs nothing and makes "read current versions, then write the
//! next ones" safe across processes without retry loops. Batches go in as arrays through
//! `UNNEST`: one round trip per chunk, whatever its size.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use madoguchi_core::program::ProgramId;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgListener, PgPool, PgPoolOptions};
use sqlx::{Connection, Executor, Postgres, Transaction};
use time::OffsetDateTime;

use crate::catalogue::{
    Current, Destination, Prepared, SavePlan, VersionRow, only_outcome, prepare_expecting,
    sql as catalogue_sql,
};
use crate::db::{Db, WriteLock};
use crate::drafts::{Publication, TakeDownAudit};
use crate::migrations;
use crate::target::redact_url;
use crate::{SaveOutcome, SaveSummary, StoreError, drafts};

/// Advisory lock keys ("mado" + a number), held for one transaction each.
const MIGRATION_LOCK: i64 = 0x6d61_646f_0000_0001;
const CATALOGUE_WRITE_LOCK: i64 = 0x6d61_646f_0000_0002;
const ACCOUNTS_WRITE_LOCK: i64 = 0x6d61_646f_0000_0003;
const DRAFTS_WRITE_LOCK: i64 = 0x6d61_646f_0000_0004;
const DESK_WRITE_LOCK: i64 = 0x6d61_646f_0000_0005;
const NOTICES_WRITE_LOCK: i64 = 0x6d61_646f_0000_0006;
const ANALYTICS_WRITE_LOCK: i64 = 0x6d61_646f_0000_0007;

/// The channel every catalogue change is announced on.
pub(crate) const CATALOG_CHANNEL: &str = "madoguchi_catalog";

/// Programs written by one save from which the save refreshes the planner's statistics itself.
/// A large import into a new or small catalogue leaves the planner believing the tables are
/// nearly empty until autovacuum gets round to them; meanwhile the reload that follows every
/// save can be planned as nested loops over whole tables (8 s instead of 0.02 s measured for
/// 10,000 programs into an empty database, CPU-bound, in every process).
const ANALYZE_AFTER: usize = 1_000;

const MAX_CONNECTIONS: u32 = 10;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects, so that a wrong URL or a stopped server is reported at start-up.
pub(crate) async fn connect(url: &str) -> Result<PgPool, StoreError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| StoreError::UnsupportedUrl(redact_url(url)))?
        .application_name("madoguchi");
    let unreachable = |err: sqlx::Error| StoreError::Unreachable {
        target: redact_url(url),
        reason: err.to_string(),
    };
    // One plain attempt first: the pool would retry a refused connection until its acquire
    // timeout, keeping a mistyped URL waiting in silence.
    let probe = PgConnection::connect_with(&options)
        .await
        .map_err(unreachable)?;
    // The probe has done its job; failing to say goodbye to the server changes nothing.
    let _ = probe.close().await;
    PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(unreachable)
}

/// A transaction holding the advisory lock for `lock` until it ends.
pub(crate) async fn begin_write(
    pool: &PgPool,
    lock: WriteLock,
) -> Result<Transaction<'static, Postgres>, StoreError> {
    let key = match lock {
        WriteLock::Accounts => ACCOUNTS_WRITE_LOCK,
        WriteLock::Catalogue => CATALOGUE_WRITE_LOCK,
        WriteLock::Drafts => DRAFTS_WRITE_LOCK,
        WriteLock::Desk => DESK_WRITE_LOCK,
        WriteLock::Notices => NOTICES_WRITE_LOCK,
        WriteLock::Analytics => ANALYTICS_WRITE_LOCK,
    };
    let mut tx = pool.begin().await?;
    self::lock(&mut tx, key).await?;
    Ok(tx)
}

async fn lock(conn: &mut PgConnection, key: i64) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

/// Applies pending migrations in one transaction.
///
/// SQL runs through `Executor::execute(raw_sql(…))` rather than `raw_sql(…).execute(…)`:
/// the latter's future cannot be proven `Send` on a transaction's connection.
pub(crate) async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, MIGRATION_LOCK).await?;
    (&mut *tx)
        .execute(sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS madoguchi_migrations (
            version    BIGINT      NOT NULL PRIMARY KEY,
            name       TEXT        NOT NULL,
            checksum   TEXT        NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )",
        ))
        .await?;
    let applied = migrations::applied_migrations(Db::from(&mut *tx)).await?;
    for migration in migrations::pending(migrations::POSTGRES, &applied)? {
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

/// Saves one chunk of a batch inside the caller's locked transaction: its current states,
/// its new versions and its notice events. The revision is counted once, at the end
/// ([`catalogue_saved`]).
pub(crate) async fn save_chunk(
    tx: &mut PgConnection,
    prepared: &[Prepared<'_>],
    origin: &str,
    saved_at: OffsetDateTime,
) -> Result<SaveSummary, StoreError> {
    let current = current_states(tx, prepared).await?;
    let plan = SavePlan::new(prepared, &current)?;
    for chunk in plan.chunks() {
        write_versions(tx, &chunk?.rows, origin, saved_at).await?;
    }
    let summary = plan.into_summary();
    let db = Db::from(&mut *tx);
    crate::notices::record_catalogue_events(db, prepared, &summary, saved_at, Destination::Public)
        .await?;
    Ok(summary)
}

/// Ends a batch save before it commits: counts and announces the change, and refreshes the
/// planner's statistics after a large one.
pub(crate) async fn catalogue_saved(
    tx: &mut PgConnection,
    summary: &SaveSummary,
) -> Result<(), StoreError> {
    if summary.changed() > 0 {
        catalogue_changed(tx).await?;
    }
    if summary.changed() >= ANALYZE_AFTER {
        // Not an error for a role that does not own the tables: PostgreSQL skips with a warning.
        sqlx::query("ANALYZE programs, program_versions")
            .execute(&mut *tx)
            .await?;
    }
    Ok(())
}

/// Saves inside the caller's locked transaction, counting and announcing a change to the
/// catalogue.
async fn save_in(
    tx: &mut PgConnection,
    prepared: &[Prepared<'_>],
    origin: &str,
    saved_at: OffsetDateTime,
) -> Result<SaveSummary, StoreError> {
    let summary = save_chunk(tx, prepared, origin, saved_at).await?;
    if summary.changed() > 0 {
        catalogue_changed(tx).await?;
    }
    Ok(summary)
}

/// Counts a change to the catalogue and tells every listening process, once the
/// transaction commits (PostgreSQL holds a NOTIFY until then, and drops it on rollback).
async fn catalogue_changed(tx: &mut PgConnection) -> Result<(), StoreError> {
    let revision = catalogue_sql::bump_revision(Db::from(&mut *tx)).await?;
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CATALOG_CHANNEL)
        .bind(revision.to_string())
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Publishes a draft: its body becomes the program's next version and the draft goes, in
/// one transaction under the catalogue's write lock.
pub(crate) async fn publish(
    pool: &PgPool,
    id: &ProgramId,
    revision: u32,
    publication: &Publication<'_>,
    saved_at: OffsetDateTime,
) -> Result<SaveOutcome, StoreError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, CATALOGUE_WRITE_LOCK).await?;
    let draft = drafts::ready_to_publish(Db::from(&mut *tx), id, revision).await?;
    let prepared = prepare_expecting(&draft.program, draft.base_version)?;
    let origin = publication.origin;
    let summary = save_in(&mut tx, &prepared, origin, saved_at).await?;
    let outcome = only_outcome(summary, &draft.program)?;
    drafts::finish_publishing(Db::from(&mut *tx), &draft, outcome, publication, saved_at).await?;
    catalogue_changed(&mut tx).await?;
    tx.commit().await?;
    Ok(outcome)
}

/// Takes a program off the public site now. False when it was already off (or does not
/// exist).
pub(crate) async fn unpublish(
    pool: &PgPool,
    id: &str,
    now: OffsetDateTime,
    audit: Option<&TakeDownAudit<'_>>,
) -> Result<bool, StoreError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, CATALOGUE_WRITE_LOCK).await?;
    let changed = drafts::sql::mark_unpublished(Db::from(&mut *tx), id, now).await? > 0;
    if changed {
        catalogue_changed(&mut tx).await?;
    }
    drafts::audit_take_down(Db::from(&mut *tx), audit, changed, now).await?;
    tx.commit().await?;
    Ok(changed)
}

/// A connection that hears every change to the catalogue made by any process.
pub(crate) async fn listen(pool: &PgPool) -> Result<PgListener, StoreError> {
    let mut listener = PgListener::connect_with(pool).await?;
    listener.listen(CATALOG_CHANNEL).await?;
    Ok(listener)
}

async fn current_states(
    tx: &mut PgConnection,
    prepared: &[Prepared<'_>],
) -> Result<HashMap<String, Current>, StoreError> {
    let ids: Vec<&str> = prepared.iter().map(|p| p.program.id.as_str()).collect();
    let rows: Vec<(String, i64, String)> =
        sqlx::query_as("SELECT id, current_version, content_hash FROM programs WHERE id = ANY($1)")
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

/// Writes a chunk as two statements, one column array per parameter.
async fn write_versions(
    tx: &mut PgConnection,
    rows: &[VersionRow],
    origin: &str,
    saved_at: OffsetDateTime,
) -> Result<(), StoreError> {
    let column = |f: fn(&VersionRow) -> Option<&str>| rows.iter().map(f).collect::<Vec<_>>();
    let text = |f: fn(&VersionRow) -> &str| rows.iter().map(f).collect::<Vec<_>>();
    let ids = text(|r| &r.id);
    let versions: Vec<i64> = rows.iter().map(|r| r.version).collect();
    let hashes = text(|r| &r.content_hash);
    let insert_programs = format!(
        "{} SELECT t.*, $13 FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[],
             $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int8[],
             $11::timestamptz[], $12::text[]) AS t {}",
        catalogue_sql::INSERT_PROGRAMS,
        catalogue_sql::ON_CONFLICT_UPDATE_PROGRAM
    );
    sqlx::query(&insert_programs)
        .bind(&ids)
        .bind(&versions)
        .bind(text(|r| &r.title))
        .bind(text(|r| r.status))
        .bind(text(|r| r.kind))
        .bind(text(|r| r.issuer_level))
        .bind(column(|r| r.issuer_code.as_deref()))
        .bind(text(|r| r.source_kind))
        .bind(column(|r| r.external_id.as_deref()))
        .bind(rows.iter().map(|r| r.fiscal_year).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.final_deadline).collect::<Vec<_>>())
        .bind(&hashes)
        .bind(saved_at)
        .execute(&mut *tx)
        .await?;
    let insert_versions = format!(
        "{} SELECT t.id, t.version, t.body, t.content_hash, $5, $6
         FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[])
             AS t (id, version, body, content_hash)",
        catalogue_sql::INSERT_VERSIONS
    );
    sqlx::query(&insert_versions)
        .bind(&ids)
        .bind(&versions)
        .bind(text(|r| &r.body))
        .bind(&hashes)
        .bind(origin)
        .bind(saved_at)
        .execute(&mut *tx)
        .await?;
    Ok(())
}
