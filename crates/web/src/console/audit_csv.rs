//! The audit log as a CSV file that Excel opens as it is: UTF-8 with a BOM (so Japanese
//! is not read as Shift_JIS), CRLF line ends, every field quoted, times in JST. The other
//! console exports (the analytics tables) write through the same [`excel_csv`].
//!
//! A field that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`:
//! details quote what staff typed, such as program titles, and a spreadsheet must show
//! them as text, never run them (CSV injection).

use axum::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use madoguchi_core::calendar::JST;
use madoguchi_core::staff::Action;
use madoguchi_store::AuditEntry;
use time::OffsetDateTime;
use time::macros::format_description;

/// The header row, in column order.
pub const HEADER: [&str; 9] = [
    "番号",
    "日時（日本時間）",
    "操作した人",
    "利用者ID",
    "操作",
    "操作コード",
    "対象",
    "内容",
    "接続元",
];

/// The whole file, BOM first.
pub fn audit_csv(entries: &[AuditEntry]) -> Result<Vec<u8>, csv::Error> {
    excel_csv(HEADER, |writer| {
        for entry in entries {
            let text = |value: &Option<String>| as_text(value.as_deref().unwrap_or_default());
            writer.write_record([
                entry.id.to_string(),
                jst_time(entry.at),
                as_text(&entry.actor_name),
                text(&entry.actor_id),
                Action::label_of(&entry.action),
                entry.action.clone(),
                text(&entry.target),
                as_text(&entry.detail),
                text(&entry.client),
            ])?;
        }
        Ok(())
    })
}

/// A CSV file as Excel opens it (BOM, CRLF, every field quoted): `header`, then the rows
/// `rows` writes. Shared by every CSV export of the console.
pub fn excel_csv<H, F>(header: H, rows: F) -> Result<Vec<u8>, csv::Error>
where
    H: IntoIterator,
    H::Item: AsRef<[u8]>,
    F: FnOnce(&mut csv::Writer<&mut Vec<u8>>) -> Result<(), csv::Error>,
{
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::WriterBuilder::new()
            .quote_style(csv::QuoteStyle::Always)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        writer.write_record(header)?;
        rows(&mut writer)?;
        writer.flush()?;
    }
    Ok(out)
}

/// A CSV file for the browser to save as `filename` (ASCII), never cached.
pub fn csv_download(filename: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{filename}\"");
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (CONTENT_DISPOSITION, disposition),
            (CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response()
}

/// `2026-08-21 21:00:05`: the time in Japan, as Excel reads a date and time.
pub fn jst_time(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    at.to_offset(JST)
        .format(&format)
        .unwrap_or_else(|_| at.to_string())
}

/// The text, kept from being read as a formula.
pub fn as_text(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn times_are_written_in_japan_time() {
        assert_eq!(
            jst_time(datetime!(2026-08-21 15:30:05 UTC)),
            "2026-08-22 00:30:05"
        );
    }

    #[test]
    fn formulas_are_kept_as_text() {
        assert_eq!(as_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(as_text("-1"), "'-1");
        assert_eq!(as_text("田中"), "田中");
    }
}
