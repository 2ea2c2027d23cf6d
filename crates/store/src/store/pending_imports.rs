//! The store's API for imports waiting for confirmation and their background jobs.

use madoguchi_core::program::Program;
use time::OffsetDateTime;

use super::{Backend, Store};
use crate::pending_import::{
    DoneMessage, ImportEnd, ImportJobState, NewPendingImport, PendingImport, column, sql,
};
use crate::plan::prepare;
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{SaveSummary, StoreError};

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

    /// Saves a running import's programs in one transaction that also marks the job done,
    /// with the message `done_message` writes from what was saved. Fails with
    /// [`StoreError::ImportNotRunning`], saving nothing, when the job is no longer
    /// running: one given up as interrupted never saves afterwards.
    pub async fn save_import(
        &self,
        id: i64,
        programs: &[Program],
        origin: &str,
        progress: &mut (dyn FnMut(usize) + Send),
        done_message: DoneMessage<'_>,
    ) -> Result<SaveSummary, StoreError> {
        let prepared = prepare(programs)?;
        let end = ImportEnd {
            id,
            message: done_message,
        };
        self.save_prepared(&prepared, origin, progress, Some(&end))
            .await
    }

    /// Records how many programs a running job has saved so far, which also shows that the
    /// job is alive. `false` once it no longer runs.
    ///
    /// Only for a store that [writes beside a long transaction](Store::writes_beside_transactions):
    /// on SQLite the job's own transaction holds the only write lock, so this would wait
    /// for the job to end.
    pub async fn import_heartbeat(&self, id: i64, done: u64) -> Result<bool, StoreError> {
        let running = ImportJobState::Running;
        self.advance_import(id, running, running, done, "").await
    }

    /// Gives up every queued or running job last heard of before `before` (its process
    /// stopped): the job fails with `message`, and since its save never committed, nothing
    /// changed. Returns the ids given up.
    pub async fn interrupt_stale_imports(
        &self,
        before: OffsetDateTime,
        message: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let (before, at) = (whole_second_utc(before), now_whole_second());
        match &self.backend {
            Backend::Sqlite(pool) => sql::interrupt_stale(pool, before, message, at).await,
            Backend::Postgres(pool) => sql::interrupt_stale(pool, before, message, at).await,
        }
    }
}
