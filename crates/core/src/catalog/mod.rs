//! The published catalogue as one immutable snapshot.
//!
//! Every app process holds the catalogue in memory and swaps in a new snapshot when it
//! changes, so that pages, search and diagnosis never touch the database on the request
//! path. A snapshot is only read once built. A change of a few programs makes the next
//! snapshot from the last one ([`Catalog::with_changes`]): programs are shared between
//! snapshots (`Arc`), and only the changed programs' rules are compiled, so one publish
//! costs milliseconds at 100,000 programs where reading and compiling everything takes
//! seconds. Programs are kept in id order, so that a snapshot made by changes and one read
//! whole hold the same programs at the same positions.

mod streamed;

use std::sync::Arc;

use time::Date;

use crate::eligibility::{ConditionView, RuleOrigin, RuleSet, conditions_before_answers};
use crate::program::{Program, ProgramId};

pub use streamed::CatalogBuilder;

/// An immutable set of programs, in id order, with their compiled rules.
#[derive(Debug, Default)]
pub struct Catalog {
    programs: Vec<Arc<Program>>,
    rules: RuleSet,
}

impl Catalog {
    /// Builds a snapshot, putting the programs in id order. Rules are compiled here, once
    /// per snapshot, never per request.
    pub fn new(programs: Vec<Program>) -> Self {
        Self::of_shared(programs.into_iter().map(Arc::new).collect())
    }

    /// [`Catalog::new`] over programs already shared (with a search index built at the same
    /// time, say).
    pub fn of_shared(mut programs: Vec<Arc<Program>>) -> Self {
        // The store returns them by id already; sorting sorted input is one pass.
        programs.sort_by(|a, b| a.id.cmp(&b.id));
        programs.dedup_by(|later, earlier| later.id == earlier.id);
        // A rule that does not compile is judged by the program's derived rule (never 対象);
        // `madoguchi check-rules` lists such programs for staff.
        let (rules, _problems) = RuleSet::build(&programs);
        Self { programs, rules }
    }

    /// The next snapshot: this one with `published` programs added or put in place of the
    /// program of the same id, and the `withdrawn` ones gone (ids not here are ignored).
    ///
    /// Unchanged programs are shared with this snapshot and keep their compiled rules; the
    /// result equals `Catalog::new` over the same programs.
    pub fn with_changes(&self, published: Vec<Program>, withdrawn: &[ProgramId]) -> Self {
        let mut incoming: Vec<Arc<Program>> = published.into_iter().map(Arc::new).collect();
        incoming.sort_by(|a, b| a.id.cmp(&b.id));
        incoming.dedup_by(|later, earlier| later.id == earlier.id);
        let mut gone: Vec<&ProgramId> = withdrawn.iter().collect();
        gone.sort();
        // A program both changed and withdrawn in one set of changes is gone.
        incoming.retain(|p| gone.binary_search(&&p.id).is_err());
        // Where each incoming program goes, found by binary search, so that the programs kept
        // between two of them are copied without comparing their ids.
        let mut skip: Vec<usize> = gone.iter().filter_map(|id| self.position(id)).collect();
        let mut places = Vec::with_capacity(incoming.len());
        for program in &incoming {
            let at = self.programs.partition_point(|p| p.id < program.id);
            if self.programs.get(at).is_some_and(|p| p.id == program.id) {
                skip.push(at);
            }
            places.push(at);
        }
        skip.sort_unstable();
        skip.dedup();
        let mut skip = skip.into_iter().peekable();
        let mut steps = Vec::with_capacity(self.programs.len() + incoming.len());
        let mut keep_until = |end: usize, from: &mut usize, steps: &mut Vec<Step<'_>>| {
            for i in *from..end {
                if skip.next_if_eq(&i).is_none() {
                    steps.push(Step::Keep(i));
                }
            }
            *from = end.max(*from);
        };
        let mut from = 0;
        for (program, &at) in incoming.iter().zip(&places) {
            keep_until(at, &mut from, &mut steps);
            steps.push(Step::Compile(program));
        }
        keep_until(self.programs.len(), &mut from, &mut steps);
        let programs: Vec<Arc<Program>> = steps
            .iter()
            .map(|step| match *step {
                Step::Keep(i) => Arc::clone(&self.programs[i]),
                Step::Compile(program) => Arc::clone(program),
            })
            .collect();
        let rules = self.rules.with_steps(&steps, &programs);
        Self { programs, rules }
    }

    /// Every program's compiled rule, in the order of `programs()`.
    pub fn rules(&self) -> &RuleSet {
        &self.rules
    }

    /// A program's position in `programs()`.
    pub fn position(&self, id: &ProgramId) -> Option<usize> {
        self.programs.binary_search_by(|p| p.id.cmp(id)).ok()
    }

    pub fn get(&self, id: &ProgramId) -> Option<&Program> {
        self.position(id).map(|i| self.programs[i].as_ref())
    }

    /// A program's conditions as a business reads them before answering anything (the
    /// program page), and whether they were written for it or derived from its record.
    pub fn conditions(
        &self,
        id: &ProgramId,
        as_of: Date,
    ) -> Option<(Vec<ConditionView>, RuleOrigin)> {
        let i = self.position(id)?;
        let rule = self.rules.rule(i)?;
        let official = self.programs[i].official_url.as_ref().map(|u| u.as_str());
        let origin = self.rules.origin(i).unwrap_or(RuleOrigin::Derived);
        Some((conditions_before_answers(rule, as_of, official), origin))
    }

    /// Every program, in id order.
    pub fn programs(&self) -> &[Arc<Program>] {
        &self.programs
    }

    pub fn len(&self) -> usize {
        self.programs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.programs.is_empty()
    }
}

/// How a position of the next snapshot is filled: from this snapshot, or compiled anew.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'p> {
    Keep(usize),
    Compile(&'p Arc<Program>),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::CATALOGUE;
    use crate::import::own;

    #[test]
    fn a_programs_conditions_read_in_japanese_before_any_answer() {
        let programs: Vec<Program> = CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
            .collect();
        let written = programs
            .iter()
            .find(|p| p.rule.is_some())
            .map(|p| p.id.clone())
            .unwrap();
        let catalog = Catalog::new(programs);
        let as_of = time::macros::date!(2026 - 06 - 01);
        let (conditions, origin) = catalog.conditions(&written, as_of).unwrap();
        assert_eq!(origin, RuleOrigin::Program);
        assert!(!conditions.is_empty());
        assert!(conditions.iter().all(|c| !c.text.is_empty()));
        let unknown = ProgramId::parse("no-such-program").unwrap();
        assert!(catalog.conditions(&unknown, as_of).is_none());
    }
}

#[cfg(test)]
mod property_tests;
