//! A save of many programs fed a chunk at a time: an import of any length holds one chunk's
//! programs, rows and current states, never the whole batch.
//!
//! The batch lands whole or not at all, in one of two ways. On SQLite an import is staged
//! (`staging`): each chunk in a short transaction of its own, out of sight, then made public
//! in one short transaction by [`CatalogueSave::commit`], so that other writers never wait
//! for more than a chunk. On PostgreSQL, and for a batch that fits in one chunk, the save is
//! one transaction under the catalogue's write lock, from [`Store::begin_catalogue_save`] to
//! the commit: PostgreSQL's writers lock rows, not the database, so nobody but another
//! catalogue writer waits for it. Dropping the save without committing undoes it either way.
//! Ids are remembered across chunks so that one program cannot be saved twice in a batch, as
//! [`super::prepare`] ensures within one chunk.

use std::collections::HashSet;

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use super::plan::{CHUNK, Prepared, check_origin, prepare};
use super::staging::Staging;
use super::{SaveSummary, now};
use crate::db::{Backend, WriteLock, WriteTx};
use crate::pending_imports::ImportEnd;
use crate::{Store, StoreError};

/// A catalogue save in progress; see the module documentation.
pub struct CatalogueSave {
    writer: Writer,
    origin: String,
    saved_at: OffsetDateTime,
    saved_ids: HashSet<ProgramId>,
    summary: SaveSummary,
}

/// How the save reaches the database.
enum Writer {
    /// One transaction under the catalogue's write lock, open until the commit.
    Transaction(WriteTx),
    /// A SQLite import staged a chunk per transaction.
    Staged(Staging),
    /// A staged save whose chunk failed: what it staged is gone, nothing more is taken.
    Undone,
}

impl std::fmt::Debug for CatalogueSave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let writer = match self.writer {
            Writer::Transaction(_) => "transaction",
            Writer::Staged(_) => "staged",
            Writer::Undone => "undone",
        };
        f.debug_struct("CatalogueSave")
            .field("writer", &writer)
            .field("origin", &self.origin)
            .field("saved", &self.saved())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a save of many programs, landing whole at [`CatalogueSave::commit`]. `origin`
    /// says who saves (`import:jgrants`, `cli`, `web`). On SQLite the save is staged, and
    /// refused ([`StoreError::ImportInProgress`]) while another staged save runs.
    pub async fn begin_catalogue_save(&self, origin: &str) -> Result<CatalogueSave, StoreError> {
        self.begin_save(origin, true).await
    }

    /// Opens a save that is staged on SQLite when `staged` (a batch of more than one chunk),
    /// or else one transaction.
    pub(crate) async fn begin_save(
        &self,
        origin: &str,
        staged: bool,
    ) -> Result<CatalogueSave, StoreError> {
        let origin = check_origin(origin)?.to_owned();
        let saved_at = now();
        let writer = match &self.backend {
            Backend::Sqlite(pool) if staged => {
                Writer::Staged(Staging::begin(self, pool, &origin, saved_at).await?)
            }
            backend => Writer::Transaction(backend.begin_write(WriteLock::Catalogue).await?),
        };
        Ok(CatalogueSave {
            writer,
            origin,
            saved_at,
            saved_ids: HashSet::new(),
            summary: SaveSummary::default(),
        })
    }
}

impl CatalogueSave {
    /// Saves the next programs of the batch, as [`Store::save_programs`] decides for each.
    /// On failure the whole save is undone: later calls fail with [`StoreError::SaveEnded`].
    pub async fn save(&mut self, programs: &[Program]) -> Result<(), StoreError> {
        let prepared = match prepare(programs) {
            Ok(prepared) => prepared,
            Err(err) => return Err(self.undo(err).await),
        };
        self.save_prepared(&prepared).await
    }

    pub(crate) async fn save_prepared(
        &mut self,
        prepared: &[Prepared<'_>],
    ) -> Result<(), StoreError> {
        for item in prepared {
            if !self.saved_ids.insert(item.program.id.clone()) {
                let err = StoreError::DuplicateInBatch(item.program.id.clone());
                return Err(self.undo(err).await);
            }
        }
        for chunk in prepared.chunks(CHUNK) {
            let (origin, saved_at) = (self.origin.as_str(), self.saved_at);
            let saved = match &mut self.writer {
                Writer::Transaction(tx) => tx.save_programs_chunk(chunk, origin, saved_at).await,
                Writer::Staged(staging) => staging.stage(chunk, origin, saved_at).await,
                Writer::Undone => Err(StoreError::SaveEnded),
            };
            match saved {
                Ok(summary) => self.summary.absorb(summary),
                Err(err) => return Err(self.undo(err).await),
            }
        }
        Ok(())
    }

    /// How many programs were saved so far.
    pub fn saved(&self) -> usize {
        self.summary.total()
    }

    /// Counts the change (other processes reload) and commits the whole batch.
    pub async fn commit(self) -> Result<SaveSummary, StoreError> {
        self.finish(None).await
    }

    /// Undoes everything saved so far, now rather than in the background as a dropped save
    /// does (SQLite: the staged rows go; a transaction rolls back).
    pub async fn abandon(mut self) -> Result<(), StoreError> {
        match std::mem::replace(&mut self.writer, Writer::Undone) {
            Writer::Staged(staging) => staging.discard().await,
            Writer::Transaction(_) | Writer::Undone => Ok(()),
        }
    }

    /// See [`crate::testing::stop_as_if_killed`].
    pub(crate) fn stop_as_if_killed(mut self) {
        if let Writer::Staged(staging) = std::mem::replace(&mut self.writer, Writer::Undone) {
            staging.stop_as_if_killed();
        }
    }

    /// Commits, also ending the console's import job `import` in the same transaction.
    pub(crate) async fn finish(
        mut self,
        import: Option<&ImportEnd<'_>>,
    ) -> Result<SaveSummary, StoreError> {
        match std::mem::replace(&mut self.writer, Writer::Undone) {
            Writer::Transaction(mut tx) => {
                if let Some(import) = import {
                    import.record(tx.db(), &self.summary, self.saved_at).await?;
                }
                tx.catalogue_saved(&self.summary).await?;
                tx.commit().await?;
            }
            Writer::Staged(staging) => {
                staging
                    .publish(&self.summary, import, self.saved_at)
                    .await?;
            }
            Writer::Undone => return Err(StoreError::SaveEnded),
        }
        Ok(self.summary)
    }

    /// Ends the save after `err`: a staged save removes what it staged before the error is
    /// returned (a transaction rolls back when dropped). Returns `err`.
    async fn undo(&mut self, err: StoreError) -> StoreError {
        if let Writer::Staged(staging) = std::mem::replace(&mut self.writer, Writer::Undone)
            && let Err(undo) = staging.discard().await
        {
            // The background removal (or the next import) finishes the job.
            tracing::warn!(%undo, "could not remove a failed import's staged rows at once");
        }
        err
    }
}
