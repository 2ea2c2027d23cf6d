//! The log of imports, so staff can see when each source was last loaded and what it did.

use madoguchi_core::program::SourceKind;
use time::OffsetDateTime;

use crate::StoreError;

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
