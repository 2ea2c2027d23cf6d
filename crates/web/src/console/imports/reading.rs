//! Reads an upload kept on disk (`spool`) record by record into what the import keeps:
//! the programs as one JSON array, written as each is read, and the preview, compared
//! with the catalogue as each is read. No list of parsed programs is ever held beside them.

use std::io::BufReader;
use std::ops::ControlFlow;
use std::path::Path;

use madoguchi_core::calendar::JstDateTime;
use madoguchi_core::catalog::Catalog;
use madoguchi_core::import::{self, ImportError, ImportReport};
use madoguchi_core::program::{Program, SourceKind};
use time::Date;

use super::preview::Preview;

/// What an upload holds, ready to keep for confirmation.
#[derive(Debug)]
pub struct Read {
    /// The programs, as the JSON array the job reads back.
    pub body: String,
    /// How many programs `body` holds.
    pub total: u64,
    pub preview: Preview,
    /// What the reader refused, left out or warned about.
    pub report: ImportReport,
}

/// How the file compares, for the preview.
#[derive(Debug, Clone, Copy)]
pub struct Comparison<'a> {
    pub catalog: &'a Catalog,
    pub today: Date,
    /// When the file was received: the date of raw jGrants records, which carry none.
    pub received_at: JstDateTime,
    /// The kind of file, as staff chose it (「Jグランツ」).
    pub label: &'a str,
}

/// Reads the file at `path` as `kind`. Blocking: call it off the async threads.
pub fn read(kind: SourceKind, path: &Path, with: Comparison<'_>) -> Result<Read, ImportError> {
    let file = std::fs::File::open(path).map_err(|err| ImportError::Unreadable(err.to_string()))?;
    let reader = BufReader::new(file);
    let mut read = Read {
        body: String::from("["),
        total: 0,
        preview: Preview::started(with.label),
        report: ImportReport::default(),
    };
    let mut unencodable = None;
    let mut take = |program: Program| match serde_json::to_string(&program) {
        Ok(json) => {
            if read.total > 0 {
                read.body.push(',');
            }
            read.body.push_str(&json);
            read.total += 1;
            read.preview.compare(&program, with.catalog, with.today);
            ControlFlow::Continue(())
        }
        Err(err) => {
            unencodable = Some(ImportError::Unreadable(err.to_string()));
            ControlFlow::Break(())
        }
    };
    let report = match kind {
        SourceKind::Jgrants => import::jgrants::read(reader, Some(with.received_at), &mut take),
        SourceKind::Jnet21 => import::jnet21::read(reader, &mut take),
        _ => import::own::read(reader, &mut take),
    };
    if let Some(err) = unencodable {
        return Err(err);
    }
    read.report = report?;
    read.body.push(']');
    read.preview.note(&read.report);
    Ok(read)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use madoguchi_core::calendar::JstDateTime;
    use madoguchi_core::catalog::Catalog;
    use madoguchi_core::demo::JGRANTS_RECORDS;
    use madoguchi_core::import::{self, ImportError};
    use madoguchi_core::program::{Program, SourceKind};
    use time::macros::datetime;

    use super::{Comparison, read};

    fn on_disk(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut file = tempfile::NamedTempFile::new().unwrap();
        file.write_all(bytes).unwrap();
        file
    }

    #[test]
    fn a_file_read_from_disk_keeps_what_parsing_it_whole_finds() {
        let received_at = JstDateTime::from_offset(datetime!(2026-08-21 12:00 +09:00));
        let whole = import::jgrants::parse_read_at(JGRANTS_RECORDS, received_at).unwrap();
        // Half the file's programs already published: the preview compares with them.
        let published: Vec<Program> = whole.programs.iter().step_by(2).cloned().collect();
        let catalog = Catalog::new(published);
        let with = Comparison {
            catalog: &catalog,
            today: received_at.date(),
            received_at,
            label: "Jグランツ",
        };
        let file = on_disk(JGRANTS_RECORDS);
        let kept = read(SourceKind::Jgrants, file.path(), with).unwrap();

        let programs: Vec<Program> = serde_json::from_str(&kept.body).unwrap();
        assert_eq!(programs, whole.programs);
        assert_eq!(kept.total, whole.programs.len() as u64);
        let counts = &kept.preview.counts;
        assert_eq!(counts.new + counts.unchanged, whole.programs.len());
        assert_eq!(counts.unchanged, whole.programs.len().div_ceil(2));
        assert_eq!(counts.invalid, whole.invalid.len());
        assert_eq!(counts.skipped, whole.skipped.len());
        assert_eq!(kept.preview.source_label, "Jグランツ");
    }

    #[test]
    fn a_file_of_nothing_is_refused_as_parsing_refuses_it() {
        let catalog = Catalog::new(Vec::new());
        let received_at = JstDateTime::from_offset(datetime!(2026-08-21 12:00 +09:00));
        let with = Comparison {
            catalog: &catalog,
            today: received_at.date(),
            received_at,
            label: "madoguchi形式",
        };
        let file = on_disk(b"");
        let err = read(SourceKind::Csv, file.path(), with).unwrap_err();
        assert_eq!(err, ImportError::Empty);
    }
}
