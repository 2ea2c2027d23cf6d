//! The log of imports, so staff can see when each source was last loaded and what it did:
//! its types, its `Store` methods and its statements.

use madoguchi_core::program::SourceKind;
use time::OffsetDateTime;

use crate::catalogue::now;
use crate::{Store, StoreError};

/// How many records an import created, updated, left alone, skipped or refused.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ImportCounts {
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    /// Records the importer left out on purpose (pseudo-records, other prefectures).
    pub skipped: u64,
    /// Records the importer could not read.
    pub invalid: u64,
}

/// An import about to be logged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewImportRun {
    pub source_kind: SourceKind,
    /// The file's name as staff know it (no directory).
    pub file_name: String,
    pub counts: ImportCounts,
}

/// A logged import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRun {
    pub id: i64,
    /// When the run was logged, in UTC.
    pub recorded_at: OffsetDateTime,
    pub source_kind: SourceKind,
    pub file_name: String,
    pub counts: ImportCounts,
}

/// The columns of `import_runs` in the order both backends select them:
/// `(id, recorded_at, source_kind, file_name, created, updated, unchanged, skipped, invalid)`.
pub(crate) type ImportRunRow = (i64, OffsetDateTime, String, String, i64, i64, i64, i64, i64);

impl ImportCounts {
    /// The counts as the database stores them (BIGINT, never negative).
    pub(crate) fn as_columns(&self) -> [i64; 5] {
        [
            self.created,
            self.updated,
            self.unchanged,
            self.skipped,
            self.invalid,
        ]
        .map(|n| i64::try_from(n).unwrap_or(i64::MAX))
    }
}

impl ImportRun {
    pub(crate) fn from_row(row: ImportRunRow) -> Result<Self, StoreError> {
        let (
            id,
            recorded_at,
            source_kind,
            file_name,
            created,
            updated,
            unchanged,
            skipped,
            invalid,
        ) = row;
        let corrupt = |reason: String| StoreError::CorruptRecord {
            table: "import_runs",
            key: id.to_string(),
            reason,
        };
        let count = |n: i64| u64::try_from(n).map_err(|_| corrupt(format!("件数 {n} が負です")));
        Ok(Self {
            id,
            recorded_at,
            source_kind: SourceKind::parse(&source_kind).map_err(|err| corrupt(err.to_string()))?,
            file_name,
            counts: ImportCounts {
                created: count(created)?,
                updated: count(updated)?,
                unchanged: count(unchanged)?,
                skipped: count(skipped)?,
                invalid: count(invalid)?,
            },
        })
    }
}

impl Store {
    /// Logs an import run, stamped with the current time.
    pub async fn record_import_run(&self, run: &NewImportRun) -> Result<ImportRun, StoreError> {
        let recorded_at = now();
        let row = sql::insert_import_run(self.db(), run, recorded_at).await?;
        ImportRun::from_row(row)
    }

    /// Every logged import run, newest first.
    pub async fn import_runs(&self) -> Result<Vec<ImportRun>, StoreError> {
        let rows = sql::import_runs(self.db()).await?;
        rows.into_iter().map(ImportRun::from_row).collect()
    }
}

/// The statements on `import_runs`, written once for both backends.
mod sql {
    use time::OffsetDateTime;

    use super::{ImportRunRow, NewImportRun};
    use crate::StoreError;
    use crate::db::{Db, query};

    pub(crate) async fn insert_import_run(
        db: Db<'_>,
        run: &NewImportRun,
        recorded_at: OffsetDateTime,
    ) -> Result<ImportRunRow, StoreError> {
        let [created, updated, unchanged, skipped, invalid] = run.counts.as_columns();
        query(
            "INSERT INTO import_runs (recorded_at, source_kind, file_name,
                 created, updated, unchanged, skipped, invalid)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             RETURNING id, recorded_at, source_kind, file_name,
                 created, updated, unchanged, skipped, invalid",
        )
        .bind(recorded_at)
        .bind(run.source_kind.code())
        .bind(run.file_name.as_str())
        .bind(created)
        .bind(updated)
        .bind(unchanged)
        .bind(skipped)
        .bind(invalid)
        .fetch_one(db)
        .await
    }

    /// Every import run, newest first.
    pub(crate) async fn import_runs(db: Db<'_>) -> Result<Vec<ImportRunRow>, StoreError> {
        query(
            "SELECT id, recorded_at, source_kind, file_name,
                 created, updated, unchanged, skipped, invalid
             FROM import_runs ORDER BY id DESC",
        )
        .fetch_all(db)
        .await
    }
}
