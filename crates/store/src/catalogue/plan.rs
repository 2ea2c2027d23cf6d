//! Deciding what a batch save does — created, updated or unchanged — before anything is
//! written, the same way on both backends.
//!
//! The backends only fetch the current state of the batch's programs and write the rows
//! the plan hands them; which version a program gets is decided here, once.

use std::collections::{HashMap, HashSet};

use madoguchi_core::program::{Program, ProgramId};

use super::outcome::{SaveOutcome, SaveSummary};
use super::record::{VersionRow, content_hash, version_number};
use crate::StoreError;

/// How many new versions go to the database in one statement or one progress step.
pub(crate) const CHUNK: usize = 500;

/// The longest change origin we keep (`import:jgrants`, `web:staff:42`).
const ORIGIN_MAX_LEN: usize = 64;

/// Checks a change origin: printable ASCII, no blanks, not too long.
pub(crate) fn check_origin(origin: &str) -> Result<&str, StoreError> {
    let ok = !origin.is_empty()
        && origin.len() <= ORIGIN_MAX_LEN
        && origin.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(origin)
    } else {
        Err(StoreError::InvalidOrigin(origin.chars().take(80).collect()))
    }
}

/// A program checked and hashed, ready to compare with what is stored.
#[derive(Debug)]
pub(crate) struct Prepared<'a> {
    pub program: &'a Program,
    pub content_hash: String,
    /// The version the caller read and changed (0: none, the program must be new); the
    /// save is refused if the stored version is another. `None` saves over any version.
    pub expected_version: Option<u32>,
}

/// Validates every program and refuses a batch that names one twice.
pub(crate) fn prepare(programs: &[Program]) -> Result<Vec<Prepared<'_>>, StoreError> {
    let mut seen: HashSet<&ProgramId> = HashSet::with_capacity(programs.len());
    programs
        .iter()
        .map(|program| {
            program
                .validate()
                .map_err(|source| StoreError::InvalidProgram {
                    id: program.id.clone(),
                    source,
                })?;
            if !seen.insert(&program.id) {
                return Err(StoreError::DuplicateInBatch(program.id.clone()));
            }
            Ok(Prepared {
                program,
                content_hash: content_hash(program)?,
                expected_version: None,
            })
        })
        .collect()
}

/// Prepares one program that may only replace `expected_version` (0: only if new).
pub(crate) fn prepare_expecting(
    program: &Program,
    expected_version: u32,
) -> Result<Vec<Prepared<'_>>, StoreError> {
    let mut prepared = prepare(std::slice::from_ref(program))?;
    for item in &mut prepared {
        item.expected_version = Some(expected_version);
    }
    Ok(prepared)
}

/// Refuses a save based on a version that is no longer the stored one.
fn check_expected(item: &Prepared<'_>, stored: Option<&Current>) -> Result<(), StoreError> {
    let Some(expected) = item.expected_version else {
        return Ok(());
    };
    let id = item.program.id.as_str();
    let current = stored.map_or(Ok(0), |s| version_number(id, s.version))?;
    if current == expected {
        Ok(())
    } else {
        Err(StoreError::Stale {
            id: item.program.id.clone(),
            expected,
            current,
        })
    }
}

/// What is stored for a program now, as far as a save needs to know.
#[derive(Debug)]
pub(crate) struct Current {
    pub version: i64,
    pub content_hash: String,
}

/// One program that gets a new version.
#[derive(Debug)]
struct Change<'p> {
    prepared: &'p Prepared<'p>,
    version: u32,
}

/// New versions to write together.
#[derive(Debug)]
pub(crate) struct Chunk {
    pub rows: Vec<VersionRow>,
}

/// The decision for every program of a batch.
#[derive(Debug)]
pub(crate) struct SavePlan<'p> {
    outcomes: Vec<(ProgramId, SaveOutcome)>,
    changes: Vec<Change<'p>>,
}

impl<'p> SavePlan<'p> {
    /// `current` maps program ids to their stored state; absent ids are new programs.
    pub(crate) fn new(
        prepared: &'p [Prepared<'p>],
        current: &HashMap<String, Current>,
    ) -> Result<Self, StoreError> {
        let mut outcomes = Vec::with_capacity(prepared.len());
        let mut changes = Vec::new();
        for item in prepared {
            let id = item.program.id.as_str();
            check_expected(item, current.get(id))?;
            let outcome = match current.get(id) {
                None => SaveOutcome::Created { version: 1 },
                Some(stored) if stored.content_hash == item.content_hash => {
                    SaveOutcome::Unchanged {
                        version: version_number(id, stored.version)?,
                    }
                }
                Some(stored) => SaveOutcome::Updated {
                    version: version_number(id, stored.version.saturating_add(1))?,
                },
            };
            if !matches!(outcome, SaveOutcome::Unchanged { .. }) {
                changes.push(Change {
                    prepared: item,
                    version: outcome.version(),
                });
            }
            outcomes.push((item.program.id.clone(), outcome));
        }
        Ok(Self { outcomes, changes })
    }

    /// The new versions a chunk at a time, each chunk's rows built only when it is asked
    /// for so that a large import never holds every JSON body at once.
    pub(crate) fn chunks(&self) -> impl Iterator<Item = Result<Chunk, StoreError>> + Send + '_ {
        self.changes.chunks(CHUNK).map(|changes| {
            let rows = changes
                .iter()
                .map(|c| VersionRow::new(c.prepared.program, c.version, &c.prepared.content_hash))
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Chunk { rows })
        })
    }

    pub(crate) fn into_summary(self) -> SaveSummary {
        SaveSummary::from_outcomes(self.outcomes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_must_be_short_printable_ascii() {
        assert!(check_origin("import:jgrants").is_ok());
        assert!(check_origin("").is_err());
        assert!(check_origin("職員").is_err());
        assert!(check_origin("web staff").is_err());
        assert!(check_origin(&"x".repeat(65)).is_err());
    }
}
