//! The published catalogue as one immutable snapshot.
//!
//! Every app process holds the catalogue in memory and swaps in a new snapshot when it
//! changes, so that pages, search and diagnosis never touch the database on the request
//! path. The snapshot is built once from the stored programs and only read afterwards.

use std::collections::HashMap;

use crate::eligibility::RuleSet;
use crate::program::{Program, ProgramId};

/// An immutable set of programs with the look-ups pages need and their compiled rules.
#[derive(Debug, Default)]
pub struct Catalog {
    programs: Vec<Program>,
    by_id: HashMap<ProgramId, usize>,
    rules: RuleSet,
}

impl Catalog {
    /// Builds a snapshot; programs keep the order given (the store returns them by id).
    /// Rules are compiled here, once per snapshot, never per request.
    pub fn new(programs: Vec<Program>) -> Self {
        let by_id = programs
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        // A rule that does not compile is judged by the program's derived rule (never 対象);
        // `madoguchi check-rules` lists such programs for staff.
        let (rules, _problems) = RuleSet::build(&programs);
        Self {
            programs,
            by_id,
            rules,
        }
    }

    /// Every program's compiled rule, in the order of `programs()`.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    pub fn get(&self, id: &ProgramId) -> Option<&Program> {
        self.by_id.get(id).map(|&i| &self.programs[i])
    }

    pub fn programs(&self) -> &[Program] {
        &self.programs
    }

    pub fn len(&self) -> usize {
        self.programs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }
}
