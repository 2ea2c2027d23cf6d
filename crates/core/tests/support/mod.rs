//! Helpers shared by the importer tests: finding a program in a batch, building values.
#![allow(dead_code)]

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::import::ImportBatch;
use madoguchi_core::program::Program;
use madoguchi_core::reference::LocalGovCode;

pub const JGRANTS_RECORDS: &[u8] = include_bytes!("../fixtures/import/jgrants-records-sample.json");
pub const JGRANTS_API_RESPONSE: &[u8] =
    include_bytes!("../fixtures/import/jgrants-api-response-sample.json");
pub const JNET21_ITEMS: &[u8] = include_bytes!("../fixtures/import/jnet21-items-sample.json");

/// The imported program with this id; fails the test if there is none.
pub fn program<'a>(batch: &'a ImportBatch, id: &str) -> &'a Program {
    batch
        .programs
        .iter()
        .find(|p| p.id.as_str() == id)
        .unwrap_or_else(|| panic!("{id} was not imported: {batch:#?}"))
}

/// The reason given for a record that was not imported, found by a part of its name.
pub fn reason_for<'a>(issues: &'a [madoguchi_core::import::RecordIssue], record: &str) -> &'a str {
    issues
        .iter()
        .find(|i| i.record.contains(record))
        .map(|i| i.reason.as_str())
        .unwrap_or_else(|| panic!("no issue for {record}: {issues:#?}"))
}

pub fn at(raw: &str) -> JstDateTime {
    JstDateTime::parse(raw, DayEdge::Start).expect("a date-time written in the test")
}

pub fn code(raw: &str) -> LocalGovCode {
    LocalGovCode::parse(raw).expect("a code written in the test")
}

/// The RFC 3339 opening and closing of a program's only round.
pub fn window(program: &Program) -> (Option<String>, Option<String>) {
    assert_eq!(program.rounds.len(), 1, "{program:#?}");
    let round = &program.rounds[0];
    (
        round.opens().map(JstDateTime::to_rfc3339),
        round.closes().map(JstDateTime::to_rfc3339),
    )
}
