//! Prefectures and municipalities by code and by name.
//!
//! STUB TABLE: a handful of rows until the generated table lands.

use super::LocalGovCode;

/// What sort of local government a code stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalGovKind {
    Prefecture,
    /// 市 (including 政令指定都市 themselves).
    City,
    /// 東京都の特別区.
    SpecialWard,
    /// 政令指定都市の行政区.
    Ward,
    Town,
    Village,
}

/// One prefecture or municipality.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalGov {
    pub code: LocalGovCode,
    pub kind: LocalGovKind,
    /// 「鳥取県」
    pub prefecture_name: &'static str,
    /// 「八頭町」; for a prefecture, its own name.
    pub name: &'static str,
    /// 「やずちょう」 where known.
    pub kana: &'static str,
}

impl LocalGov {
    /// 「鳥取県八頭町」, or 「鳥取県」 for a prefecture.
    pub fn full_name(&self) -> String {
        if self.kind == LocalGovKind::Prefecture {
            self.name.to_owned()
        } else {
            format!("{}{}", self.prefecture_name, self.name)
        }
    }
}

/// The answer to a look-up by name: never a guess between several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameLookup {
    Found(&'static LocalGov),
    Ambiguous(Vec<&'static LocalGov>),
    NotFound,
}

/// All 47 prefectures in code order.
pub fn prefectures() -> impl Iterator<Item = &'static LocalGov> {
    table()
        .iter()
        .filter(|g| g.kind == LocalGovKind::Prefecture)
}

/// Every municipality (and ward) in code order.
pub fn municipalities() -> impl Iterator<Item = &'static LocalGov> {
    table()
        .iter()
        .filter(|g| g.kind != LocalGovKind::Prefecture)
}

/// The prefecture or municipality with this code.
pub fn local_gov(code: LocalGovCode) -> Option<&'static LocalGov> {
    table().iter().find(|g| g.code == code)
}

/// A prefecture by 「東京都」 or 「東京」.
pub fn prefecture_by_name(name: &str) -> Option<&'static LocalGov> {
    let name = name.trim();
    prefectures()
        .find(|p| p.name == name || p.name.trim_end_matches(['都', '道', '府', '県']) == name)
}

/// A local government by name: 「八頭町」, 「鳥取県八頭町」, 「府中市」 (ambiguous).
pub fn find_local_gov(name: &str) -> NameLookup {
    let name = name.trim();
    let hits: Vec<_> = table()
        .iter()
        .filter(|g| g.name == name || g.full_name() == name)
        .collect();
    match hits.as_slice() {
        [] => NameLookup::NotFound,
        [one] => NameLookup::Found(one),
        _ => NameLookup::Ambiguous(hits),
    }
}

fn table() -> &'static [LocalGov] {
    &[]
}
