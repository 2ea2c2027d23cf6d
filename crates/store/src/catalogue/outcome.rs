//! What a save did, and when programs were first saved and last changed.

use madoguchi_core::program::ProgramId;
use time::OffsetDateTime;

use crate::ImportCounts;

/// What saving one program did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveOutcome {
    /// The program was new; it now has version 1.
    Created { version: u32 },
    /// The content changed; `version` is the new version.
    Updated { version: u32 },
    /// Nothing but bookkeeping (version, fetch time) differed; `version` is the current one.
    Unchanged { version: u32 },
}

impl SaveOutcome {
    /// The program's current version after the save.
    pub fn version(self) -> u32 {
        match self {
            Self::Created { version } | Self::Updated { version } | Self::Unchanged { version } => {
                version
            }
        }
    }
}

/// What saving a batch did, counted and per program (in the order given).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveSummary {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub outcomes: Vec<(ProgramId, SaveOutcome)>,
}

impl SaveSummary {
    pub(crate) fn from_outcomes(outcomes: Vec<(ProgramId, SaveOutcome)>) -> Self {
        let mut summary = Self::default();
        for (_, outcome) in &outcomes {
            match outcome {
                SaveOutcome::Created { .. } => summary.created += 1,
                SaveOutcome::Updated { .. } => summary.updated += 1,
                SaveOutcome::Unchanged { .. } => summary.unchanged += 1,
            }
        }
        summary.outcomes = outcomes;
        summary
    }

    /// Adds the outcomes of the next chunk of the same batch.
    pub(crate) fn absorb(&mut self, chunk: SaveSummary) {
        self.created += chunk.created;
        self.updated += chunk.updated;
        self.unchanged += chunk.unchanged;
        self.outcomes.extend(chunk.outcomes);
    }

    /// Programs in the batch, whatever happened to each.
    pub fn total(&self) -> usize {
        self.outcomes.len()
    }

    /// Programs that got a new version.
    pub fn changed(&self) -> usize {
        self.created + self.updated
    }

    /// The counts of an import run: this save, plus what the importer left out.
    pub fn import_counts(&self, skipped: usize, invalid: usize) -> ImportCounts {
        let count = |n: usize| u64::try_from(n).unwrap_or(u64::MAX);
        ImportCounts {
            created: count(self.created),
            updated: count(self.updated),
            unchanged: count(self.unchanged),
            skipped: count(skipped),
            invalid: count(invalid),
        }
    }
}

/// When a program first appeared and when it last changed, for "new" listings and feeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramDates {
    pub id: ProgramId,
    /// When version 1 was saved, in UTC.
    pub first_saved_at: OffsetDateTime,
    /// When the current version was saved, in UTC (equal to `first_saved_at` until a
    /// second version exists).
    pub updated_at: OffsetDateTime,
}
