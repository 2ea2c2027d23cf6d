//! The JSON form of the own format: an array of programs as the model serialises them.

use std::io::Read;
use std::ops::ControlFlow;

use super::checks::checked;
use crate::import::batch::{Outcome, import_objects};
use crate::import::json::from_record;
use crate::import::stream::Shape;
use crate::import::text::open;
use crate::import::{ImportBatch, ImportError, ImportReport};
use crate::program::Program;

/// Reads a JSON array of programs. A wrapper object (`{"programs": […]}`) is refused with a
/// message that says an array is expected.
pub fn parse_json(bytes: &[u8]) -> Result<ImportBatch, ImportError> {
    ImportBatch::collect(|sink| read_json(open(bytes)?.reader, sink))
}

/// Reads a JSON array of programs one by one (the reader past any BOM).
pub(super) fn read_json(
    reader: impl Read,
    sink: &mut dyn FnMut(Program) -> ControlFlow<()>,
) -> Result<ImportReport, ImportError> {
    import_objects(
        reader,
        Shape::Array("制度"),
        "制度",
        sink,
        |value, _| {
            from_record::<Program>(value)
                .and_then(checked)
                .map(|(program, warnings)| Outcome::imported(program, warnings))
                .into()
        },
    )
}

/// The programs as a pretty-printed JSON array, ending with a newline.
pub fn to_json(programs: &[Program]) -> String {
    // Every field is a string, number, list or string-keyed map, so serialising cannot fail.
    let mut json =
        serde_json::to_string_pretty(programs).expect("a program always serialises to JSON");
    json.push('\n');
    json
}
