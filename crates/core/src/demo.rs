//! The demo data compiled into the binary, so that a new installation shows real programs at once.
//!
//! Real records only: a sample of jGrants and J-Net21 (see `data/demo/README.md` for sources,
//! dates and attribution). `madoguchi demo` feeds these bytes through the ordinary importers.

/// Every third record of the jGrants snapshot of 2026-08-21 (Jグランツ（jGrants）からの出典).
pub const JGRANTS_RECORDS: &[u8] = include_bytes!("../../../data/demo/jgrants-records.json");

/// Every second item of the J-Net21 支援情報ヘッドライン snapshot of 2026-03-07.
pub const JNET21_ITEMS: &[u8] = include_bytes!("../../../data/demo/jnet21-items.json");
