//! madoguchi's own exchange format, for backups, hand edits in Excel and moving a catalogue
//! between installations. Export then import gives back equal programs.
//!
//! - JSON: a top-level array of programs exactly as the model serialises them (no wrapper
//!   object). Values are checked as the model checks them.
//! - CSV: one program per row under a header of Japanese column names ([`csv`]), lists inside
//!   a cell one item per line, vocabularies by their Japanese labels, areas and industries by
//!   code. Written as UTF-8 with a BOM and CRLF line ends so that Excel opens it as is; read
//!   with or without the BOM. A Shift_JIS file (Excel's plain 「CSV」) is refused, not decoded.
//!
//! Both check what the model alone cannot: that every municipality code names a real local
//! government, and that `detail` holds only sanitised HTML (it is cleaned, with a warning).

mod cells;
mod checks;
pub mod csv;
mod json;

use std::io::Read;
use std::ops::ControlFlow;

pub use self::csv::{parse_csv, to_csv};
pub use self::json::{parse_json, to_json};

use super::text::open;
use super::{ImportBatch, ImportError, ImportReport};
use crate::program::Program;

/// Reads either own format, told apart by content: JSON starts with 「[」 or 「{」.
pub fn parse(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    ImportBatch::collect(|sink| read(bytes, sink))
}

/// Reads either own format record by record, handing each program to `sink` as it is built.
pub fn read(
    reader: impl Read,
    sink: &mut dyn FnMut(Program) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let opened = open(reader)?;
    if matches!(opened.first, b'[' | b'{') {
        json::read_json(opened.reader, sink)
    } else {
        csv::read_csv(opened.reader, sink)
    }
}
