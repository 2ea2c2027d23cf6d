//! The PostgreSQL backend: one shared database for any number of app processes.
//!
//! Writers that must not interleave take a transaction-scoped advisory lock: migrations
//! one lock, catalogue saves another. Catalogue writes are rare (imports, staff edits),
//! so serialising them costs nothing and makes "read current versions, then write the
//! next ones" safe across processes without retry loops. Batches go in as arrays through
//! `UNNEST`: one round trip per chunk, whatever its size.

use std::collections::HashMap;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection, PgPool, PgPoolOptions};
use time::OffsetDateTime;

use crate::import_run::{ImportRunRow, NewImportRun};
use crate::migrations::{self, Applied};
use crate::plan::{Current, Prepared, SavePlan};
use crate::record::{BodyRow, HistoryRow, VersionRow};
use crate::target::redact_url;
use crate::{SaveSummary, StoreError};

/// Advisory lock keys ("mado" + a number), held for one transaction each.
const MIGRATION_LOCK: i64 = 0x6d61_646f_0000_0001;
const CATALOGUE_WRITE_LOCK: i64 = 0x6d61_646f_0000_0002;

const MAX_CONNECTIONS: u32 = 10;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(10);

/// Connects, so that a wrong URL or a stopped server is reported at start-up.
pub(crate) async fn connect(url: &str) -> Result<PgPool, StoreError> {
    let options = PgConnectOptions::from_str(url)
        .map_err(|_| StoreError::UnsupportedUrl(redact_url(url)))?
        .application_name("madoguchi");
    PgPoolOptions::new()
        .max_connections(MAX_CONNECTIONS)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_with(options)
        .await
        .map_err(|err| StoreError::Unreachable {
            target: redact_url(url),
            reason: err.to_string(),
        })
}

async fn lock(conn: &mut PgConnection, key: i64) -> Result<(), StoreError> {
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(key)
        .execute(conn)
        .await?;
    Ok(())
}

pub(crate) async fn migrate(pool: &PgPool) -> Result<(), StoreError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, MIGRATION_LOCK).await?;
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS madoguchi_migrations (
            version    BIGINT      NOT NULL PRIMARY KEY,
            name       TEXT        NOT NULL,
            checksum   TEXT        NOT NULL,
            applied_at TIMESTAMPTZ NOT NULL
        )",
    )
    .execute(&mut *tx)
    .await?;
    let applied: Vec<(i64, String)> =
        sqlx::query_as("SELECT version, checksum FROM madoguchi_migrations ORDER BY version")
            .fetch_all(&mut *tx)
            .await?;
    let applied: Vec<Applied> = applied
        .into_iter()
        .map(|(version, checksum)| Applied { version, checksum })
        .collect();
    for migration in migrations::pending(migrations::POSTGRES, &applied)? {
        tracing::info!(
            version = migration.version,
            name = migration.name,
            "applying migration"
        );
        sqlx::raw_sql(migration.sql).execute(&mut *tx).await?;
        sqlx::query(
            "INSERT INTO madoguchi_migrations (version, name, checksum, applied_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(migration.version)
        .bind(migration.name)
        .bind(migration.checksum())
        .bind(OffsetDateTime::now_utc())
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

pub(crate) async fn ping(pool: &PgPool) -> Result<(), StoreError> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

pub(crate) async fn save(
    pool: &PgPool,
    prepared: &[Prepared<'_>],
    origin: &str,
    saved_at: OffsetDateTime,
    progress: &mut dyn FnMut(usize),
) -> Result<SaveSummary, StoreError> {
    let mut tx = pool.begin().await?;
    lock(&mut tx, CATALOGUE_WRITE_LOCK).await?;
    let current = current_states(&mut tx, prepared).await?;
    let plan = SavePlan::new(prepared, &current)?;
    plan.write_in_chunks(progress, async |rows| {
        write_versions(&mut tx, rows, origin, saved_at).await
    })
    .await?;
    tx.commit().await?;
    Ok(plan.into_summary())
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
    sqlx::query(
        "INSERT INTO programs (id, current_version, title, status, kind, issuer_level,
             issuer_code, source_kind, external_id, fiscal_year, final_deadline,
             content_hash, updated_at)
         SELECT t.*, $13 FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[],
             $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::int8[],
             $11::timestamptz[], $12::text[]) AS t
         ON CONFLICT (id) DO UPDATE SET
             current_version = excluded.current_version, title = excluded.title,
             status = excluded.status, kind = excluded.kind,
             issuer_level = excluded.issuer_level, issuer_code = excluded.issuer_code,
             source_kind = excluded.source_kind, external_id = excluded.external_id,
             fiscal_year = excluded.fiscal_year, final_deadline = excluded.final_deadline,
             content_hash = excluded.content_hash, updated_at = excluded.updated_at",
    )
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
    sqlx::query(
        "INSERT INTO program_versions (program_id, version, body, content_hash, origin, created_at)
         SELECT t.id, t.version, t.body, t.content_hash, $5, $6
         FROM UNNEST($1::text[], $2::int8[], $3::text[], $4::text[])
             AS t (id, version, body, content_hash)",
    )
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

pub(crate) async fn latest(pool: &PgPool, id: &str) -> Result<Option<BodyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         WHERE p.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

pub(crate) async fn version(
    pool: &PgPool,
    id: &str,
    version: i64,
) -> Result<Option<BodyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT program_id, version, body FROM program_versions
         WHERE program_id = $1 AND version = $2",
    )
    .bind(id)
    .bind(version)
    .fetch_optional(pool)
    .await?)
}

pub(crate) async fn history(pool: &PgPool, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT version, created_at, origin FROM program_versions
         WHERE program_id = $1 ORDER BY version",
    )
    .bind(id)
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn all_latest(pool: &PgPool) -> Result<Vec<BodyRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version
         ORDER BY p.id",
    )
    .fetch_all(pool)
    .await?)
}

pub(crate) async fn count(pool: &PgPool) -> Result<i64, StoreError> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM programs")
        .fetch_one(pool)
        .await?)
}

pub(crate) async fn insert_import_run(
    pool: &PgPool,
    run: &NewImportRun,
    recorded_at: OffsetDateTime,
) -> Result<ImportRunRow, StoreError> {
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
    .bind(&run.file_name)
    .bind(created)
    .bind(updated)
    .bind(unchanged)
    .bind(skipped)
    .bind(invalid)
    .fetch_one(pool)
    .await?)
}

pub(crate) async fn import_runs(pool: &PgPool) -> Result<Vec<ImportRunRow>, StoreError> {
    Ok(sqlx::query_as(
        "SELECT id, recorded_at, source_kind, file_name,
             created, updated, unchanged, skipped, invalid
         FROM import_runs ORDER BY id DESC",
    )
    .fetch_all(pool)
    .await?)
}
