//! The demo catalogue as `madoguchi demo` loads it: the hand-written catalogue and the real
//! jGrants and J-Net21 sample records, through the ordinary importers.
#![allow(dead_code, clippy::unwrap_used)]

use madoguchi_core::demo::{CATALOGUE, JGRANTS_RECORDS, JNET21_ITEMS};
use madoguchi_core::import::{jgrants, jnet21, own};
use madoguchi_core::program::Program;

pub fn demo_programs() -> Vec<Program> {
    let mut programs: Vec<Program> = CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect();
    programs.extend(jgrants::parse(JGRANTS_RECORDS).unwrap().programs);
    programs.extend(jnet21::parse(JNET21_ITEMS).unwrap().programs);
    programs
}

/// The day the relevance figures are taken on (the demo data's season).
pub fn as_of() -> time::Date {
    time::macros::date!(2026 - 06 - 01)
}
