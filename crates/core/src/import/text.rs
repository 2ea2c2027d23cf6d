//! From bytes to text: every importer accepts UTF-8 (with or without a BOM) and nothing else.
//!
//! A file in another encoding is refused, never decoded by guess: a silently mis-decoded
//! program name would be saved and shown. The error names the likely encoding so that staff
//! know which Excel option to choose when saving again.

use std::io::{Cursor, Read};

use super::{ImportError, SuspectedEncoding};

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much of a file is looked at before reading it as records: enough to tell the
/// encoding of any file a person saved, little enough to hold whatever the file's size.
const HEAD_BYTES: usize = 64 * 1024;

/// A file whose beginning passed the checks, read from its start again (without the BOM).
pub(crate) struct Opened<R> {
    /// The first byte that is not white space: 「[」 or 「{」 for JSON.
    pub first: u8,
    pub reader: std::io::Chain<Cursor<Vec<u8>>, R>,
}

/// Checks the beginning of a file: refuses empty files and files that are not UTF-8 there
/// (a later byte that is not UTF-8 fails the reading itself).
pub(crate) fn open<R: Read>(mut reader: R) -> Result<Opened<R>, ImportError> {
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut reader)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| ImportError::Unreadable(e.to_string()))?;
    let whole = head.len() < HEAD_BYTES;
    let text = check_head(&head, whole)?;
    let first = text.bytes().find(|b| !b.is_ascii_whitespace());
    let first = match first {
        Some(first) => first,
        None if whole => return Err(ImportError::Empty),
        None => b' ',
    };
    let bom = if head.starts_with(UTF8_BOM) {
        UTF8_BOM.len()
    } else {
        0
    };
    head.drain(..bom);
    Ok(Opened {
        first,
        reader: Cursor::new(head).chain(reader),
    })
}

/// The head's text without its BOM. `whole` says the head is the whole file, so that a
/// character cut at its end is an error rather than the head's edge.
fn check_head(bytes: &[u8], whole: bool) -> Result<&str, ImportError> {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(ImportError::NotUtf8(SuspectedEncoding::Utf16));
    }
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text),
        Err(e) if e.error_len().is_none() && !whole => {
            Ok(std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or_default())
        }
        Err(_) => Err(ImportError::NotUtf8(if looks_like_shift_jis(bytes) {
            SuspectedEncoding::ShiftJis
        } else {
            SuspectedEncoding::Unknown
        })),
    }
}

/// True if every byte sequence is valid Shift_JIS and at least one character is Japanese.
fn looks_like_shift_jis(bytes: &[u8]) -> bool {
    let mut japanese = 0usize;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            0x00..=0x7F => i += 1,
            // Half-width katakana.
            0xA1..=0xDF => {
                japanese += 1;
                i += 1;
            }
            0x81..=0x9F | 0xE0..=0xFC => match bytes.get(i + 1) {
                Some(0x40..=0x7E | 0x80..=0xFC) => {
                    japanese += 1;
                    i += 2;
                }
                _ => return false,
            },
            _ => return false,
        }
    }
    japanese > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode(bytes: &[u8]) -> Result<String, ImportError> {
        let mut opened = open(bytes)?;
        let mut text = String::new();
        opened.reader.read_to_string(&mut text).unwrap();
        Ok(text)
    }

    /// 「制度名,概要」 as Excel writes it in Shift_JIS.
    const SHIFT_JIS_HEADER: &[u8] = b"\x90\xA7\x93\x78\x96\xBC,\x8A\x54\x97\x76\r\n";

    #[test]
    fn a_bom_is_dropped_and_plain_utf8_is_accepted() {
        assert_eq!(decode("\u{feff}ID,制度名".as_bytes()).unwrap(), "ID,制度名");
        assert_eq!(decode("ID".as_bytes()).unwrap(), "ID");
        let long = format!("[{}\"日本語\"]", " ".repeat(HEAD_BYTES - 3));
        assert_eq!(
            decode(long.as_bytes()).unwrap(),
            long,
            "a character cut by the head"
        );
    }

    #[test]
    fn an_empty_or_blank_file_is_refused_as_empty() {
        assert_eq!(decode(b""), Err(ImportError::Empty));
        assert_eq!(decode(b"\xEF\xBB\xBF \r\n"), Err(ImportError::Empty));
    }

    #[test]
    fn a_shift_jis_file_is_refused_with_the_excel_hint() {
        let err = decode(SHIFT_JIS_HEADER).unwrap_err();
        assert_eq!(err, ImportError::NotUtf8(SuspectedEncoding::ShiftJis));
        assert_eq!(
            err.to_string(),
            "文字コードがShift_JISのようです。ExcelではCSV UTF-8（コンマ区切り）形式で保存し直してください。"
        );
    }

    #[test]
    fn utf16_and_unknown_bytes_are_told_apart() {
        assert_eq!(
            decode(b"\xFF\xFEI\x00D\x00"),
            Err(ImportError::NotUtf8(SuspectedEncoding::Utf16))
        );
        assert_eq!(
            decode(b"\x80\x80\xFF"),
            Err(ImportError::NotUtf8(SuspectedEncoding::Unknown))
        );
    }
}
