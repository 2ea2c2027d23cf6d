//! The JSON form of the own format: an array of programs as the model serialises them.

use super::checks::checked;
use crate::import::batch::{Outcome, import_objects};
use crate::import::json::{expect_array, from_record, parse_document};
use crate::import::text::decode;
use crate::import::{ImportBatch, ImportError};
use crate::program::Program;

/// Reads a JSON array of programs. A wrapper object (`{"programs": […]}`) is refused with a
/// message that says an array is expected.
pub fn parse_json(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    let values = expect_array(parse_document(decode(bytes)?)?, "制度")?;
    Ok(import_objects(values, "制度", |value, _| {
        from_record::<Program>(value)
            .and_then(checked)
            .map(|(program, warnings)| Outcome::imported(program, warnings))
            .into()
    }))
}

/// The programs as a pretty-printed JSON array, ending with a newline.
pub fn to_json(programs: &[Program]) -> String {
    // Every field is a string, number, list or string-keyed map, so serialising cannot fail.
    let mut json =
        serde_json::to_string_pretty(programs).expect("a program always serialises to JSON");
    json.push('\n');
    json
}
