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

/// The statements on `program_versions`, written once for both backends. A version the
/// program's row does not reach yet is an import's, staged and not public
/// (`catalogue::staging`): none of them shows.
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
            "SELECT v.program_id, v.version, v.body
             FROM program_versions v JOIN programs p ON p.id = v.program_id
             WHERE v.program_id = $1 AND v.version = $2 AND v.version <= p.current_version",
        )
        .bind(id)
        .bind(version)
        .fetch_optional(db)
        .await
    }

    /// A program's versions, oldest first.
    pub(crate) async fn history(db: Db<'_>, id: &str) -> Result<Vec<HistoryRow>, StoreError> {
        query(
            "SELECT v.version, v.created_at, v.origin
             FROM program_versions v JOIN programs p ON p.id = v.program_id
             WHERE v.program_id = $1 AND v.version <= p.current_version ORDER BY v.version",
        )
        .bind(id)
        .fetch_all(db)
        .await
    }
}
