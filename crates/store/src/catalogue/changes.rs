//! What changed in the public catalogue since a revision a process has seen, program by
//! program, so that its snapshot takes in one publish without reading every program again.
//!
//! Every transaction that changes programs stamps them with the revision it counts (migration
//! 0017). Revisions commit in order, so the programs with `since < changed_in <= revision` are
//! exactly what a process that last saw `since` has to take in to stand at `revision`.

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use crate::catalogue::record::{decode_dates, decode_program};
use crate::catalogue::sql;
use crate::{ProgramDates, Store, StoreError};

/// `(program id, current version, JSON body, still public, first saved, last changed)`.
pub(crate) type ChangedRow = (String, i64, String, bool, OffsetDateTime, OffsetDateTime);

/// The programs that changed between two revisions of the catalogue.
#[derive(Debug, Default)]
pub struct CatalogChanges {
    /// The revision these changes bring a snapshot to.
    pub revision: i64,
    /// The current version of each changed program that is public, by id.
    pub published: Vec<Program>,
    /// Changed programs that are no longer public, by id.
    pub withdrawn: Vec<ProgramId>,
    /// The publication dates of the programs in `published`, by id.
    pub dates: Vec<ProgramDates>,
}

impl CatalogChanges {
    pub fn is_empty(&self) -> bool {
        self.published.is_empty() && self.withdrawn.is_empty()
    }

    /// How many programs changed.
    pub fn len(&self) -> usize {
        self.published.len() + self.withdrawn.len()
    }
}

impl Store {
    /// The programs changed after revision `since`, up to the current revision; `None` when
    /// more than `at_most` changed (an import), where reading the whole catalogue is cheaper.
    pub async fn catalog_changes(
        &self,
        since: i64,
        at_most: usize,
    ) -> Result<Option<CatalogChanges>, StoreError> {
        let revision = sql::revision(self.db()).await?;
        if revision == since {
            return Ok(Some(CatalogChanges {
                revision,
                ..CatalogChanges::default()
            }));
        }
        let count = sql::count_changed(self.db(), since, revision).await?;
        if usize::try_from(count).map_or(true, |n| n > at_most) {
            return Ok(None);
        }
        let mut changes = CatalogChanges {
            revision,
            ..CatalogChanges::default()
        };
        // In id order: ids sort by byte on both backends (the "C" collation on PostgreSQL).
        for row in sql::changed(self.db(), since, revision).await? {
            let (id, version, body, public, first_saved_at, updated_at) = row;
            let dates = decode_dates((id, first_saved_at, updated_at))?;
            if public {
                let program = decode_program(dates.id.as_str(), version, &body)?;
                changes.published.push(program);
                changes.dates.push(dates);
            } else {
                changes.withdrawn.push(dates.id);
            }
        }
        Ok(Some(changes))
    }
}
