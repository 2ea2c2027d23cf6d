//! The demo data compiled into the binary, so that a new installation shows real programs at once.
//!
//! Real programs only: a hand-written catalogue from official outlines, and samples of jGrants
//! and J-Net21 (see `data/demo/README.md` for sources, dates and attribution). `madoguchi demo`
//! feeds these bytes through the ordinary importers.

/// Every third record of the jGrants snapshot of 2026-08-21 (Jグランツ（jGrants）からの出典).
pub const JGRANTS_RECORDS: &[u8] = include_bytes!("../../../data/demo/jgrants-records.json");

/// Every second item of the J-Net21 支援情報ヘッドライン snapshot of 2026-03-07.
pub const JNET21_ITEMS: &[u8] = include_bytes!("../../../data/demo/jnet21-items.json");

/// The hand-written demo catalogue: real national, prefectural and municipal programs written
/// from their official outlines, each with a rule and test profiles (`data/demo/catalogue/`).
pub const CATALOGUE: [(&str, &[u8]); 3] = [
    (
        "国の制度",
        include_bytes!("../../../data/demo/catalogue/national.json"),
    ),
    (
        "都道府県の制度",
        include_bytes!("../../../data/demo/catalogue/prefectural.json"),
    ),
    (
        "市区町村の制度",
        include_bytes!("../../../data/demo/catalogue/municipal.json"),
    ),
];
