//! Importer for jGrants (Jグランツ), the national subsidy e-application system.
//!
//! Accepts the collector's normalised file (a JSON array of records) and the public API's
//! answer (`{"metadata": {…}, "result": [ … ]}`, or its `result` array alone) with raw field
//! names. Administrative intakes are skipped; see `program.rs` for how a record becomes a
//! program. Displays of the data must carry 「Jグランツ（jGrants）からの出典」
//! ([`crate::program::Source::attribution`]).

mod areas;
mod program;
mod pseudo;
mod record;

use std::io::Read;
use std::ops::ControlFlow;

use super::batch::import_objects;
use super::stream::Shape;
use super::text::open;
use super::{ImportBatch, ImportError, ImportReport};
use crate::calendar::JstDateTime;
use crate::program::Program;

/// Reads a jGrants file whose records carry their own date: the collector's file.
///
/// Raw API answers carry no date, so their records are refused as invalid here (their
/// status cannot be judged without one); read them with [`parse_read_at`].
pub fn parse(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    ImportBatch::collect(|sink| read(bytes, None, sink))
}

/// Reads a jGrants file of either shape. `read_at` is when the shell obtained the file (for
/// a download, its modification time): records without a date of their own are dated by it
/// and their status is judged at it. The collector's records keep their own `last_updated`
/// and status.
pub fn parse_read_at(bytes: &[u8], read_at: JstDateTime) -> Result<ImportBatch, ImportError> {
    ImportBatch::collect(|sink| read(bytes, Some(read_at), sink))
}

/// Reads a jGrants file of either shape record by record, handing each program to `sink`
/// as it is built ([`parse_read_at`] for `read_at`).
pub fn read(
    reader: impl Read,
    read_at: Option<JstDateTime>,
    sink: &mut dyn FnMut(Program) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    let opened = open(reader)?;
    import_objects(
        opened.reader,
        Shape::JgrantsEither,
        "レコード",
        sink,
        |value, _| {
            record::Record::read(value)
                .and_then(|r| program::to_program(r, read_at))
                .into()
        },
    )
}
