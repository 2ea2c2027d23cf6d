//! What an import produced, record by record, so staff can see what happened to each one.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::ops::ControlFlow;

use serde_json::Value;

use super::ImportError;
use super::json::kind_of;
use super::stream::{Shape, each_record};
use crate::program::{Program, ProgramId};

/// One record that was not imported as is, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordIssue {
    /// Which record: 「3件目（ID: jgrants-a0W…）」 or 「5行目（ID: demo-1）」.
    pub record: String,
    /// What is wrong or why it was left out, in Japanese.
    pub reason: String,
}

impl RecordIssue {
    pub fn new(record: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            record: record.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for RecordIssue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}：{}", self.record, self.reason)
    }
}

/// The outcome of reading one file into memory: the programs and what became of the rest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportBatch {
    /// Programs ready to be saved.
    pub programs: Vec<Program>,
    /// Records left out on purpose (administrative forms, seminars); nothing to fix.
    pub skipped: Vec<RecordIssue>,
    /// Records that could not be read; the reason says what to fix.
    pub invalid: Vec<RecordIssue>,
    /// Records imported, but with something dropped or left at a default that staff should check.
    pub warnings: Vec<RecordIssue>,
}

impl ImportBatch {
    /// 「取り込み 250件／対象外 12件／エラー 3件／要確認 4件」
    pub fn summary(&self) -> String {
        summary(
            self.programs.len(),
            &self.skipped,
            &self.invalid,
            &self.warnings,
        )
    }

    /// Reads a whole file with a streaming reader (`read`), keeping every program.
    pub(crate) fn collect(
        read: impl FnOnce(
            &mut dyn FnMut(Program) -> ControlFlow<()>,
        ) -> Result<ImportReport, ImportError>,
    ) -> Result<Self, ImportError> {
        let mut programs = Vec::new();
        let report = read(&mut |program| {
            programs.push(program);
            ControlFlow::Continue(())
        })?;
        Ok(Self {
            programs,
            skipped: report.skipped,
            invalid: report.invalid,
            warnings: report.warnings,
        })
    }
}

/// What became of every record of a file read record by record: the programs went to the
/// caller as they were read, so only their number is here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Programs handed on to be saved.
    pub imported: usize,
    pub skipped: Vec<RecordIssue>,
    pub invalid: Vec<RecordIssue>,
    pub warnings: Vec<RecordIssue>,
}

impl ImportReport {
    /// 「取り込み 250件／対象外 12件／エラー 3件／要確認 4件」
    pub fn summary(&self) -> String {
        summary(self.imported, &self.skipped, &self.invalid, &self.warnings)
    }
}

fn summary(
    imported: usize,
    skipped: &[RecordIssue],
    invalid: &[RecordIssue],
    warnings: &[RecordIssue],
) -> String {
    format!(
        "取り込み {imported}件／対象外 {}件／エラー {}件／要確認 {}件",
        skipped.len(),
        invalid.len(),
        warnings.len()
    )
}

/// Files what became of each record of one file and hands each program on as it comes.
pub(crate) struct Filer<'s> {
    report: ImportReport,
    seen: SeenIds,
    sink: &'s mut dyn FnMut(Program) -> ControlFlow<()>,
}

impl<'s> Filer<'s> {
    pub(crate) fn new(sink: &'s mut dyn FnMut(Program) -> ControlFlow<()>) -> Self {
        Self {
            report: ImportReport::default(),
            seen: SeenIds::default(),
            sink,
        }
    }

    /// Files what became of one record. A program whose id an earlier record of the file
    /// already used is reported as invalid, because two records cannot be one program.
    /// Breaks when the caller no longer takes programs.
    pub(crate) fn record(&mut self, record: String, outcome: Outcome) -> ControlFlow<()> {
        let report = &mut self.report;
        match outcome {
            Outcome::Imported { program, warnings } => {
                if let Some(first) = self.seen.first_use(&program.id, &record) {
                    report.invalid.push(RecordIssue::new(
                        record,
                        format!(
                            "ID「{}」は{}と重複しています。IDは1件ごとに別の値にしてください。",
                            program.id, first
                        ),
                    ));
                    return ControlFlow::Continue(());
                }
                report.warnings.extend(
                    warnings
                        .into_iter()
                        .map(|w| RecordIssue::new(record.clone(), w)),
                );
                report.imported += 1;
                return (self.sink)(*program);
            }
            Outcome::Skipped(reason) => report.skipped.push(RecordIssue::new(record, reason)),
            Outcome::Invalid(reason) => report.invalid.push(RecordIssue::new(record, reason)),
        }
        ControlFlow::Continue(())
    }

    pub(crate) fn finish(self) -> ImportReport {
        self.report
    }
}

/// What became of one record.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// A program, with what staff should check about it.
    Imported {
        program: Box<Program>,
        warnings: Vec<String>,
    },
    /// Left out on purpose, with the reason.
    Skipped(String),
    /// Unreadable, with what to fix.
    Invalid(String),
}

impl Outcome {
    pub(crate) fn imported(program: Program, warnings: Vec<String>) -> Self {
        Self::Imported {
            program: Box::new(program),
            warnings,
        }
    }
}

impl From<Result<Outcome, String>> for Outcome {
    fn from(result: Result<Outcome, String>) -> Self {
        result.unwrap_or_else(Outcome::Invalid)
    }
}

/// The ids used so far in one file, with the record that used each first.
#[derive(Debug, Default)]
pub(crate) struct SeenIds(HashMap<ProgramId, String>);

impl SeenIds {
    /// `None` the first time an id is seen; afterwards the record that used it first.
    fn first_use(&mut self, id: &ProgramId, record: &str) -> Option<String> {
        if let Some(first) = self.0.get(id) {
            return Some(first.clone());
        }
        self.0.insert(id.clone(), record.to_owned());
        None
    }
}

/// Reads every record of a JSON file as it comes: each is named by its position and `id`,
/// refused if it is not an object, and otherwise handed to `read` with its name; the
/// programs go to `sink`.
pub(crate) fn import_objects(
    reader: impl Read,
    shape: Shape,
    what: &str,
    sink: &mut dyn FnMut(Program) -> ControlFlow<()>,
    mut read: impl FnMut(Value, &str) -> Outcome,
) -> Result<ImportReport, ImportError> {
    let mut filer = Filer::new(sink);
    let mut position = 0;
    each_record(reader, shape, &mut |value| {
        position += 1;
        let label = record_label(position, value.get("id").and_then(Value::as_str));
        let outcome = if value.is_object() {
            read(value, &label)
        } else {
            Outcome::Invalid(format!(
                "{what}がオブジェクト（{{ … }}）ではなく{}です。",
                kind_of(&value)
            ))
        };
        filer.record(label, outcome)
    })?;
    Ok(filer.finish())
}

/// 「3件目（ID: jgrants-a0W…）」: the position (1-based) and the id where there is one.
pub(crate) fn record_label(position: usize, id: Option<&str>) -> String {
    match id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => format!("{position}件目（ID: {id}）"),
        None => format!("{position}件目"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_is_named_by_its_position_and_its_id() {
        assert_eq!(record_label(3, Some("jgrants-a")), "3件目（ID: jgrants-a）");
        assert_eq!(record_label(4, Some("  ")), "4件目");
        let issue = RecordIssue::new(record_label(4, None), "制度名が空です。");
        assert_eq!(issue.to_string(), "4件目：制度名が空です。");
    }
}
