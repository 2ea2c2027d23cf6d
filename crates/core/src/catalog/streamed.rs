//! A catalogue compiled while its programs are still being read.
//!
//! A start reads every program from the store and then compiles their rules: at a million
//! programs the compile takes seconds of one core after the read, while the read itself leaves
//! a core partly idle (and waits on the disk when the database is not cached). The store reads
//! in id order, batch by batch, so each batch's rules can be compiled as it arrives, in the
//! order the snapshot keeps them. Should a batch ever come out of order, the programs are put
//! in order and compiled at the end, so the result is always [`Catalog::of_shared`]'s.

use std::sync::Arc;

use super::Catalog;
use crate::eligibility::RuleSet;
use crate::program::Program;

/// Takes a catalogue's programs as they are read and compiles their rules on the way.
#[derive(Debug)]
pub struct CatalogBuilder {
    programs: Vec<Arc<Program>>,
    rules: RuleSet,
    /// False once a program came that was not after the one before it: the rules compiled
    /// so far are then dropped, and everything is compiled in order at the end.
    in_order: bool,
}

impl Default for CatalogBuilder {
    fn default() -> Self {
        Self {
            programs: Vec::new(),
            rules: RuleSet::default(),
            in_order: true,
        }
    }
}

impl CatalogBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the next programs of the read.
    pub fn extend(&mut self, batch: impl IntoIterator<Item = Arc<Program>>) {
        for program in batch {
            if self.in_order {
                if self.programs.last().is_none_or(|last| last.id < program.id) {
                    // A rule that does not compile is judged by the derived rule, as in
                    // `Catalog::of_shared`.
                    let _problem = self.rules.push(&program);
                } else {
                    self.in_order = false;
                    self.rules = RuleSet::default();
                }
            }
            self.programs.push(program);
        }
    }

    /// The catalogue of every program taken.
    pub fn finish(self) -> Catalog {
        if self.in_order {
            Catalog {
                programs: self.programs,
                rules: self.rules,
            }
        } else {
            Catalog::of_shared(self.programs)
        }
    }
}
