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

use serde_json::Value;

use super::batch::import_objects;
use super::json::{expect_array, parse_document};
use super::text::decode;
use super::{ImportBatch, ImportError};
use crate::calendar::JstDateTime;

/// Reads a jGrants file whose records carry their own date: the collector's file.
///
/// Raw API answers carry no date, so their records are refused as invalid here (their
/// status cannot be judged without one); read them with [`parse_read_at`].
pub fn parse(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    parse_with(bytes, None)
}

/// Reads a jGrants file of either shape. `read_at` is when the shell obtained the file (for
/// a download, its modification time): records without a date of their own are dated by it
/// and their status is judged at it. The collector's records keep their own `last_updated`
/// and status.
pub fn parse_read_at(bytes: &[u8], read_at: JstDateTime) -> Result<ImportBatch, ImportError> {
    parse_with(bytes, Some(read_at))
}

fn parse_with(bytes: &[u8], read_at: Option<JstDateTime>) -> Result<ImportBatch, ImportError> {
    let records = records_of(parse_document(decode(bytes)?)?)?;
    Ok(import_objects(records, "レコード", |value, _| {
        record::Record::read(value)
            .and_then(|r| program::to_program(r, read_at))
            .into()
    }))
}

/// The records of either file shape.
fn records_of(document: Value) -> Result<Vec<Value>, ImportError> {
    match document {
        Value::Object(mut answer) => match answer.remove("result") {
            Some(result) => expect_array(result, "「result」にはjGrantsのレコード"),
            None => Err(ImportError::UnexpectedShape(
                "jGrantsのレコードの配列、またはAPIの応答（{\"metadata\": …, \"result\": [ … ]}）を想定していましたが、「result」がないオブジェクトでした。".to_owned(),
            )),
        },
        other => expect_array(other, "jGrantsのレコード"),
    }
}
