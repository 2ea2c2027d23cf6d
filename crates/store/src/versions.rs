//! A program's history: every saved version stays readable, and its list says when each
//! was saved and by whom. The current version belongs to the catalogue (`catalogue`);
//! this module reads the others.

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use crate::catalogue::{decode_body, version_number};
use crate::{Store, StoreError};

/// One entry in a program's history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionInfo {
    pub version: u32,
    /// When the version was saved, in UTC (show it in JST).
    pub created_at: OffsetDateTime,
    /// Who or what saved it: `import:jgrants`, `cli`, `web`.
    pub origin: String,
}

/// `(version, created_at, origin)`, as both backends list a program's history.
type HistoryRow = (i64, OffsetDateTime, String);

fn decode_history(id: &str, row: HistoryRow) -> Result<VersionInfo, StoreError> {
    let (version, created_at, origin) = row;
    Ok(VersionInfo {
        version: version_number(id, version)?,
        created_at,
        origin,
    })
}

impl Store {
    /// One version of a program as it was saved.
    pub async fn program_version(
        &self,
        id: &ProgramId,
        version: u32,
    ) -> Result<Option<Program>, StoreError> {
        let version = i64::from(version);
        let row = sql::version(self.db(), id.as_str(), version).await?;
        row.map(decode_body).transpose()
    }

    /// A program's history, oldest first; empty for an unknown program.
    pub async fn program_versions(&self, id: &ProgramId) -> Result<Vec<VersionInfo>, StoreError> {
        let rows = sql::history(self.db(), id.as_str()).await?;
        rows.into_iter()
            .map(|row| decode_history(id.as_str(), row))
            .collect()
    }
}

/// The statements on `program_versions`, written once for both backends.
mod sql {
    use super::HistoryRow;
    use crate::StoreError;
    use crate::catalogue::BodyRow;
    use crate::db::{Db, query};

    /// One stored version of one program.
    pub(crate) async fn version(
        db: Db<'_>,
        id: &str,
        version: i64,
    ) -> Result<Option<BodyRow>, StoreError> {
        query(
            "SELECT program_id, version, body FROM program_versions
             WHERE program_id = $1 AND version = $2",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(db)
        .await
    }

    /// A program's versions, oldest first.
    pub(crate) async fn history(db: Db<'_>, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
        query(
            "SELECT version, created_at, origin FROM program_versions
             WHERE program_id = $1 ORDER BY version",
        )
        .bind(id)
        .fetch_all(db)
        .await
    }
}
