//! What an uploaded file would do to the catalogue, compared program by program with the
//! published catalogue: new, changed (with the fields that differ), unchanged, and the
//! records the parser refused or left out, each with its reason. Kept as JSON beside the
//! parsed programs, so the preview and the confirmation read the same thing on any process.

use std::collections::BTreeMap;

use madoguchi_core::catalog::Catalog;
use madoguchi_core::import::{ImportReport, RecordIssue};
use madoguchi_core::program::Program;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::console::editor::diff::diff_programs;

/// Rows listed per group; the counts cover them all.
pub const LIST_LIMIT: usize = 200;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Counts {
    pub new: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub invalid: usize,
    pub skipped: usize,
    pub warnings: usize,
}

/// One program of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Row {
    pub id: String,
    pub title: String,
    /// The labels of the fields that differ from the published version (changed only).
    #[serde(default)]
    pub fields: Vec<String>,
}

/// One record not imported as is, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Issue {
    pub record: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Preview {
    /// The kind of file, as staff chose it (「Jグランツ」).
    pub source_label: String,
    pub counts: Counts,
    pub new: Vec<Row>,
    pub changed: Vec<Row>,
    pub unchanged: Vec<Row>,
    pub invalid: Vec<Issue>,
    pub skipped: Vec<Issue>,
    pub warnings: Vec<Issue>,
    /// Every program of the file with the published version the preview compared it with
    /// (0: not published). The confirmation and the save refuse if any moved since, so an
    /// edit made after the upload is never overwritten by what the preview did not show.
    pub basis: BTreeMap<String, u32>,
}

impl Preview {
    /// An empty preview of a file of the kind staff chose (「Jグランツ」), to which the
    /// file's programs are added one by one as it is read ([`Preview::compare`]).
    pub fn started(source_label: &str) -> Self {
        Self {
            source_label: source_label.to_owned(),
            ..Self::default()
        }
    }

    /// Compares one program of the file with `catalog` as it reads on `today`.
    pub fn compare(&mut self, program: &Program, catalog: &Catalog, today: Date) {
        let row = |fields| Row {
            id: program.id.to_string(),
            title: program.title.to_string(),
            fields,
        };
        let published = catalog.get(&program.id);
        self.basis.insert(
            program.id.to_string(),
            published.map_or(0, |old| old.version),
        );
        match published {
            None => {
                self.counts.new += 1;
                push_limited(&mut self.new, || row(Vec::new()));
            }
            Some(old) if old.same_content_as(program) => {
                self.counts.unchanged += 1;
                push_limited(&mut self.unchanged, || row(Vec::new()));
            }
            Some(old) => {
                self.counts.changed += 1;
                push_limited(&mut self.changed, || {
                    let fields = diff_programs(old, program, today)
                        .into_iter()
                        .map(|c| c.label)
                        .collect();
                    row(fields)
                });
            }
        }
    }

    /// Notes the records the reader refused, left out or imported with a warning.
    pub fn note(&mut self, report: &ImportReport) {
        self.invalid = issues(&report.invalid);
        self.skipped = issues(&report.skipped);
        self.warnings = issues(&report.warnings);
        self.counts.invalid = report.invalid.len();
        self.counts.skipped = report.skipped.len();
        self.counts.warnings = report.warnings.len();
    }
}

impl Preview {
    /// The programs of the file whose published version is no longer the one the preview
    /// compared with (published, changed or taken down since), as `（id）title` labels.
    pub fn moved_since(&self, catalog: &Catalog) -> Vec<String> {
        self.basis
            .iter()
            .filter_map(|(id, &version)| {
                let now = madoguchi_core::program::ProgramId::parse(id)
                    .ok()
                    .and_then(|id| catalog.get(&id));
                let current = now.map_or(0, |p| p.version);
                (current != version).then(|| match now {
                    Some(program) => format!("「{}」（{id}）", program.title),
                    None => format!("（{id}）"),
                })
            })
            .collect()
    }
}

fn issues(list: &[RecordIssue]) -> Vec<Issue> {
    list.iter()
        .take(LIST_LIMIT)
        .map(|i| Issue {
            record: i.record.clone(),
            reason: i.reason.clone(),
        })
        .collect()
}

/// Computes a row only while the list has room: a diff of 10,000 changed programs is not
/// worth making when 200 are shown.
fn push_limited<T>(list: &mut Vec<T>, make: impl FnOnce() -> T) {
    if list.len() < LIST_LIMIT {
        list.push(make());
    }
}
