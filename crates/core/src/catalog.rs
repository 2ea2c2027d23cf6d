//! The published catalogue as one immutable snapshot.
//!
//! Every app process holds the catalogue in memory and swaps in a new snapshot when it
//! changes, so that pages, search and diagnosis never touch the database on the request
//! path. The snapshot is built once from the stored programs and only read afterwards.

use std::collections::HashMap;

use time::Date;

use crate::eligibility::{ConditionView, RuleOrigin, RuleSet, conditions_before_answers};
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

    /// A program's conditions as a business reads them before answering anything (the
    /// program page), and whether they were written for it or derived from its record.
    pub fn conditions(
        &self,
        id: &ProgramId,
        as_of: Date,
    ) -> Option<(Vec<ConditionView>, RuleOrigin)> {
        let &i = self.by_id.get(id)?;
        let rule = self.rules.rule(i)?;
        let official = self.programs[i].official_url.as_ref().map(|u| u.as_str());
        let origin = self.rules.origin(i).unwrap_or(RuleOrigin::Derived);
        Some((conditions_before_answers(rule, as_of, official), origin))
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
