//! Reading a JSON file's records one at a time, so that an import of any length holds one
//! record in memory, not the file and not every record.
//!
//! The shell hands in a reader (a buffered file, or bytes already in memory); nothing here
//! opens anything. The top-level array (or jGrants' `result` array inside the API answer) is
//! walked by a serde visitor that gives each element to the caller as soon as it is read.
//! A record larger than [`MAX_RECORD_BYTES`] is refused before it is read whole: no
//! published program comes near that size, and a file that does is broken or hostile.

use std::cell::Cell;
use std::fmt;
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::rc::Rc;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use super::ImportError;
use super::json::{kind_of, malformed};

/// The largest record read: 4 MiB of JSON text, many times any real program.
pub const MAX_RECORD_BYTES: u64 = 4 * 1024 * 1024;

/// Where a file keeps its records.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape {
    /// A top-level array of records; the text names them for messages (「制度」).
    Array(&'static str),
    /// jGrants: a top-level array of records, or the API answer with them in `result`.
    JgrantsEither,
}

/// Hands every element of the file's record array to `each`, in order. `each` may stop the
/// reading ([`ImportError::Interrupted`]), for instance when the save it feeds has failed.
pub(crate) fn each_record<R: Read>(
    reader: R,
    shape: Shape,
    each: &mut dyn FnMut(Value) -> ControlFlow<()>,
) -> Result<(), ImportError> {
    let guard = RecordGuard::default();
    let reader = GuardedReader {
        inner: reader,
        guard: guard.clone(),
    };
    let mut failure = None;
    let mut de = serde_json::Deserializer::from_reader(reader);
    let walk = Records {
        shape,
        each,
        guard: &guard,
        failure: &mut failure,
        in_result: false,
    };
    let read = walk.deserialize(&mut de).and_then(|()| de.end());
    match (read, failure) {
        (_, Some(failure)) => Err(failure),
        (Err(err), None) => Err(malformed(&err)),
        (Ok(()), None) => Ok(()),
    }
}

/// Shared between the reader and the visitor: how far the reader is, and where the record
/// being read began (none between records).
#[derive(Debug, Clone, Default)]
struct RecordGuard {
    read: Rc<Cell<u64>>,
    record_start: Rc<Cell<Option<u64>>>,
    tripped: Rc<Cell<bool>>,
}

impl RecordGuard {
    fn start_record(&self) {
        self.record_start.set(Some(self.read.get()));
    }

    fn end_record(&self) {
        self.record_start.set(None);
    }
}

/// Fails the read once a record grows past [`MAX_RECORD_BYTES`], before its text is kept.
struct GuardedReader<R> {
    inner: R,
    guard: RecordGuard,
}

impl<R: Read> Read for GuardedReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.guard.read.get();
        if let Some(start) = self.guard.record_start.get()
            && read - start > MAX_RECORD_BYTES
        {
            self.guard.tripped.set(true);
            return Err(io::Error::other("record too large"));
        }
        let n = self.inner.read(buf)?;
        self.guard.read.set(read + n as u64);
        Ok(n)
    }
}

/// The visitor over the document: an array of records, or (jGrants) an object holding one.
struct Records<'a> {
    shape: Shape,
    each: &'a mut dyn FnMut(Value) -> ControlFlow<()>,
    guard: &'a RecordGuard,
    failure: &'a mut Option<ImportError>,
    /// True while reading the value of jGrants' `result`.
    in_result: bool,
}

impl Records<'_> {
    fn wrong_shape<E: de::Error>(self, found: &Value) -> Result<(), E> {
        let expected = match (self.shape, self.in_result) {
            (Shape::Array(what), _) => what,
            (Shape::JgrantsEither, true) => "「result」にはjGrantsのレコード",
            (Shape::JgrantsEither, false) => "jGrantsのレコード",
        };
        *self.failure = Some(ImportError::UnexpectedShape(format!(
            "{expected}の配列（[ … ]）を想定していましたが、{}でした。",
            kind_of(found)
        )));
        Err(E::custom("unexpected shape"))
    }
}

impl<'de> DeserializeSeed<'de> for Records<'_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Records<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of records")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut position = 0usize;
        loop {
            position += 1;
            self.guard.start_record();
            let element = seq.next_element::<Value>();
            self.guard.end_record();
            match element {
                Ok(Some(value)) => {
                    if (self.each)(value).is_break() {
                        *self.failure = Some(ImportError::Interrupted);
                        return Err(de::Error::custom("interrupted"));
                    }
                }
                Ok(None) => return Ok(()),
                Err(err) => {
                    if self.guard.tripped.get() {
                        *self.failure = Some(ImportError::RecordTooLarge {
                            position,
                            limit_mib: MAX_RECORD_BYTES / (1024 * 1024),
                        });
                    }
                    return Err(err);
                }
            }
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        if !matches!(self.shape, Shape::JgrantsEither) || self.in_result {
            return self.wrong_shape(&Value::Object(Default::default()));
        }
        // Other keys (`metadata`) are skipped without being kept.
        while let Some(key) = map.next_key::<String>()? {
            if key == "result" {
                return map.next_value_seed(Records {
                    in_result: true,
                    ..self
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        *self.failure = Some(ImportError::UnexpectedShape(
            "jGrantsのレコードの配列、またはAPIの応答（{\"metadata\": …, \"result\": [ … ]}）を想定していましたが、「result」がないオブジェクトでした。".to_owned(),
        ));
        Err(de::Error::custom("no result"))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.wrong_shape(&Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.wrong_shape(&Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.wrong_shape(&Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.wrong_shape(&Value::from(v))
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.wrong_shape(&Value::String(String::new()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.wrong_shape(&Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(text: &str, shape: Shape) -> Result<Vec<Value>, ImportError> {
        let mut seen = Vec::new();
        each_record(text.as_bytes(), shape, &mut |v| {
            seen.push(v);
            ControlFlow::Continue(())
        })?;
        Ok(seen)
    }

    #[test]
    fn records_of_an_array_and_of_a_jgrants_answer_are_read_in_order() {
        let plain = ids(r#"[{"id":"a"},{"id":"b"}]"#, Shape::Array("制度")).unwrap();
        assert_eq!(plain.len(), 2);
        let answer = r#"{"metadata":{"x":[1,2,{"y":"z"}]},"result":[{"id":"a"}]}"#;
        assert_eq!(ids(answer, Shape::JgrantsEither).unwrap().len(), 1);
    }

    #[test]
    fn a_wrong_shape_names_what_was_expected() {
        let err = ids(r#"{"programs":[]}"#, Shape::Array("制度")).unwrap_err();
        assert!(err.to_string().contains("制度の配列"), "{err}");
        let err = ids(r#"{"metadata":{}}"#, Shape::JgrantsEither).unwrap_err();
        assert!(err.to_string().contains("「result」がない"), "{err}");
        let err = ids(r#"{"result":5}"#, Shape::JgrantsEither).unwrap_err();
        assert!(err.to_string().contains("「result」には"), "{err}");
    }

    #[test]
    fn a_record_over_the_limit_is_refused_by_its_position() {
        let big = "x".repeat(MAX_RECORD_BYTES as usize + 10);
        let text = format!(r#"[{{"id":"a"}},{{"id":"b","detail":"{big}"}}]"#);
        let err = ids(&text, Shape::Array("制度")).unwrap_err();
        assert!(
            matches!(err, ImportError::RecordTooLarge { position: 2, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("2件目"), "{err}");
    }

    #[test]
    fn broken_json_and_trailing_text_are_malformed() {
        let err = ids("[{\"id\": 1,\n", Shape::Array("制度")).unwrap_err();
        assert!(matches!(err, ImportError::MalformedJson { .. }), "{err:?}");
        let err = ids("[] x", Shape::Array("制度")).unwrap_err();
        assert!(matches!(err, ImportError::MalformedJson { .. }), "{err:?}");
    }
}
