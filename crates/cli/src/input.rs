//! Reading a file a person named on the command line, with errors they can act on.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use anyhow::{Context, bail};
use madoguchi_core::calendar::JstDateTime;
use time::OffsetDateTime;

/// Files larger than this are refused before reading. An import is read record by record, so
/// memory does not grow with the file; but it is saved in one transaction, which holds the
/// catalogue's write lock for as long as it runs (about 10 s per 100,000 programs), and
/// a larger file is better split.
pub const MAX_IMPORT_BYTES: u64 = 512 * 1024 * 1024;

/// How much of the file is read from disk at a time.
const READ_BUFFER: usize = 256 * 1024;

/// An import file opened for reading, and when it was last written.
pub struct ImportFile {
    pub reader: BufReader<File>,
    pub modified: JstDateTime,
}

/// Opens an import file, refusing a missing, empty or oversized one.
pub fn open_import_file(path: &Path) -> anyhow::Result<ImportFile> {
    let meta = std::fs::metadata(path).with_context(|| {
        format!(
            "ファイル {} を開けません。パスを確認してください。",
            path.display()
        )
    })?;
    if !meta.is_file() {
        bail!(
            "{} はファイルではありません。取り込むファイルを指定してください。",
            path.display()
        );
    }
    if meta.len() > MAX_IMPORT_BYTES {
        bail!(
            "ファイル {} は大きすぎます（{}）。一度に取り込めるのは{}までです。ファイルを分割して取り込んでください。",
            path.display(),
            human_size(meta.len()),
            human_size(MAX_IMPORT_BYTES)
        );
    }
    let file = File::open(path)
        .with_context(|| format!("ファイル {} を読み込めません。", path.display()))?;
    if meta.len() == 0 {
        bail!(
            "ファイル {} は空です。取り込むデータが入ったファイルを指定してください。",
            path.display()
        );
    }
    let modified = meta
        .modified()
        .map(OffsetDateTime::from)
        .unwrap_or_else(|_| OffsetDateTime::now_utc());
    Ok(ImportFile {
        reader: BufReader::with_capacity(READ_BUFFER, file),
        modified: JstDateTime::from_offset(modified),
    })
}

/// 「3.2 GB」: sizes the way a person reads them.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_for_people() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(
            human_size(3 * 1024 * 1024 * 1024 + 200 * 1024 * 1024),
            "3.2 GB"
        );
    }
}
