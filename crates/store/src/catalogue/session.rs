//! A save of many programs in one transaction, fed a chunk at a time: an import of any
//! length holds one chunk's programs, rows and current states, never the whole batch.
//!
//! The transaction (and the backend's write lock) is opened by
//! [`Store::begin_catalogue_save`] and lives until [`CatalogueSave::commit`]; dropping the
//! save without committing rolls everything back, so the batch still lands whole or not at
//! all. Ids are remembered across chunks so that one program cannot be saved twice in a
//! batch, as [`super::prepare`] ensures within one chunk.

use std::collections::HashSet;

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use super::plan::{Prepared, check_origin, prepare};
use super::{SaveSummary, now};
use crate::db::{WriteLock, WriteTx};
use crate::pending_imports::ImportEnd;
use crate::{Store, StoreError};

/// A catalogue save in progress; see the module documentation.
pub struct CatalogueSave {
    tx: WriteTx,
    origin: String,
    saved_at: OffsetDateTime,
    saved_ids: HashSet<ProgramId>,
    summary: SaveSummary,
}

impl std::fmt::Debug for CatalogueSave {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatalogueSave")
            .field("origin", &self.origin)
            .field("saved", &self.saved())
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Opens a save of many programs in one transaction under the catalogue's write lock.
    /// `origin` says who saves (`import:jgrants`, `cli`, `web`).
    pub async fn begin_catalogue_save(&self, origin: &str) -> Result<CatalogueSave, StoreError> {
        let origin = check_origin(origin)?.to_owned();
        let tx = self.backend.begin_write(WriteLock::Catalogue).await?;
        Ok(CatalogueSave {
            tx,
            origin,
            saved_at: now(),
            saved_ids: HashSet::new(),
            summary: SaveSummary::default(),
        })
    }
}

impl CatalogueSave {
    /// Saves the next programs of the batch, as [`Store::save_programs`] decides for each.
    pub async fn save(&mut self, programs: &[Program]) -> Result<(), StoreError> {
        let prepared = prepare(programs)?;
        self.save_prepared(&prepared).await
    }

    pub(crate) async fn save_prepared(
        &mut self,
        prepared: &[Prepared<'_>],
    ) -> Result<(), StoreError> {
        for item in prepared {
            if !self.saved_ids.insert(item.program.id.clone()) {
                return Err(StoreError::DuplicateInBatch(item.program.id.clone()));
            }
        }
        let chunk = self
            .tx
            .save_programs_chunk(prepared, &self.origin, self.saved_at)
            .await?;
        self.summary.absorb(chunk);
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

    /// Commits, also ending the console's import job `import` in the same transaction.
    pub(crate) async fn finish(
        mut self,
        import: Option<&ImportEnd<'_>>,
    ) -> Result<SaveSummary, StoreError> {
        if let Some(import) = import {
            import
                .record(self.tx.db(), &self.summary, self.saved_at)
                .await?;
        }
        self.tx.catalogue_saved(&self.summary).await?;
        self.tx.commit().await?;
        Ok(self.summary)
    }
}
