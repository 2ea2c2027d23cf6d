//! Importer for jGrants (Jグランツ), the national subsidy e-application system.
//!
//! Accepts the collector's normalised file (a JSON array of records) and the public API's
//! answer (`{"metadata": {…}, "result": [ … ]}`, or its `result` array alone) with raw field
//! names. Administrative intakes are skipped; see [`program`] for how a record becomes a
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

/// Reads a jGrants file.
///
/// `read_at` is when the shell obtained the file. Raw API answers carry no date, so their
/// records are dated by it and their status is judged at it; the collector's records carry
/// their own `last_updated` and status, which win.
pub fn parse(bytes: &[u8], read_at: JstDateTime) -> Result<ImportBatch, ImportError> {
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
