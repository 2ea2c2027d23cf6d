//! The store's API for imports waiting for confirmation and their background jobs.

use super::{Backend, Store};
use crate::StoreError;
use crate::pending_import::{ImportJobState, NewPendingImport, PendingImport, column, sql};
use crate::timestamp::now_whole_second;

impl Store {
    /// Keeps an upload for confirmation, in state [`ImportJobState::Pending`].
    pub async fn create_pending_import(
        &self,
        new: &NewPendingImport,
    ) -> Result<PendingImport, StoreError> {
        let at = now_whole_second();
        let (by, kind, name) = (
            new.created_by.as_str(),
            new.source_kind.code(),
            new.file_name.as_str(),
        );
        let (body, summary, total) = (new.body.as_str(), new.summary.as_str(), column(new.total));
        let row = match &self.backend {
            Backend::Sqlite(pool) => {
                sql::insert(pool, by, kind, name, body, summary, total, at).await?
            }
            Backend::Postgres(pool) => {
                sql::insert(pool, by, kind, name, body, summary, total, at).await?
            }
        };
        PendingImport::from_row(row)
    }

    /// One upload and its job, without the programs.
    pub async fn pending_import(&self, id: i64) -> Result<Option<PendingImport>, StoreError> {
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::find(pool, id).await?,
            Backend::Postgres(pool) => sql::find(pool, id).await?,
        };
        row.map(PendingImport::from_row).transpose()
    }

    /// The newest `limit` uploads, newest first.
    pub async fn pending_imports(&self, limit: usize) -> Result<Vec<PendingImport>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = match &self.backend {
            Backend::Sqlite(pool) => sql::recent(pool, limit).await?,
            Backend::Postgres(pool) => sql::recent(pool, limit).await?,
        };
        rows.into_iter().map(PendingImport::from_row).collect()
    }

    /// The programs of an upload, as the JSON array it was kept with.
    pub async fn pending_import_body(&self, id: i64) -> Result<Option<String>, StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sql::body(pool, id).await,
            Backend::Postgres(pool) => sql::body(pool, id).await,
        }
    }

    /// Moves an import from `from` to `to`, with `done` programs saved and a message.
    /// Returns `false` (and changes nothing) when it was not in `from`: of two people who
    /// confirm the same upload at once, only one starts a job.
    pub async fn advance_import(
        &self,
        id: i64,
        from: ImportJobState,
        to: ImportJobState,
        done: u64,
        message: &str,
    ) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let (from, to, done) = (from.code(), to.code(), column(done));
        let rows = match &self.backend {
            Backend::Sqlite(pool) => sql::advance(pool, id, from, to, done, message, at).await?,
            Backend::Postgres(pool) => sql::advance(pool, id, from, to, done, message, at).await?,
        };
        Ok(rows == 1)
    }
}
