//! Prefectures and municipalities by code and by name.
//!
//! The table holds all 47 prefectures, the 1,741 市区町村 (including the 20 designated cities and
//! Tokyo's 23 special wards) and the 171 行政区 of the designated cities, generated from the
//! MIC code list and Japan Post's data (see `data/reference/README.md`). Names are matched
//! after folding width, spaces and 「ヶ」/「ケ」, and a name shared by several places is reported
//! as ambiguous rather than guessed.

mod table;

use super::LocalGovCode;
use table::table;

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
    /// 「八頭町」; for a prefecture, its own name; for a ward, with its city (「横浜市中区」).
    pub name: &'static str,
    /// 「やずちょう」 where known (hiragana).
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

    /// The name without the city for a ward (「中区」 for 「横浜市中区」), else [`Self::name`].
    pub fn short_name(&self) -> &'static str {
        self.parent_city()
            .and_then(|city| self.name.strip_prefix(city.name))
            .unwrap_or(self.name)
    }

    /// The designated city (政令指定都市) a ward belongs to: 横浜市 for 横浜市中区.
    /// `None` for anything that is not a ward.
    pub fn parent_city(&self) -> Option<&'static LocalGov> {
        table().parent_of(self.code)
    }

    /// The wards of a designated city in code order; empty for any other local government.
    pub fn wards(&self) -> impl Iterator<Item = &'static LocalGov> + use<> {
        table().wards_of(self.code)
    }

    /// True for the 20 designated cities themselves (they have wards).
    pub fn is_designated_city(&self) -> bool {
        table().has_wards(self.code)
    }

    /// The prefecture this local government belongs to (itself for a prefecture).
    pub fn prefecture(&self) -> Option<&'static LocalGov> {
        local_gov(self.code.prefecture())
    }

    /// True when a program of `self` reaches a business in `place`: the same code, a place in
    /// the prefecture `self`, or a ward of the designated city `self`.
    pub fn covers(&self, place: &LocalGov) -> bool {
        if self.code == place.code {
            return true;
        }
        match self.kind {
            LocalGovKind::Prefecture => {
                self.code.prefecture_number() == place.code.prefecture_number()
            }
            _ => place
                .parent_city()
                .is_some_and(|city| city.code == self.code),
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

impl NameLookup {
    fn from_hits(hits: Vec<&'static LocalGov>) -> Self {
        match hits.as_slice() {
            [] => Self::NotFound,
            [one] => Self::Found(one),
            _ => Self::Ambiguous(hits),
        }
    }
}

/// All 47 prefectures in code order.
pub fn prefectures() -> impl Iterator<Item = &'static LocalGov> {
    table()
        .govs
        .iter()
        .filter(|g| g.kind == LocalGovKind::Prefecture)
}

/// Every municipality (and ward) in code order.
pub fn municipalities() -> impl Iterator<Item = &'static LocalGov> {
    table()
        .govs
        .iter()
        .filter(|g| g.kind != LocalGovKind::Prefecture)
}

/// The prefecture or municipality with this code.
pub fn local_gov(code: LocalGovCode) -> Option<&'static LocalGov> {
    let table = table();
    table.position(code).and_then(|i| table.govs.get(i))
}

/// A prefecture by 「東京都」 or 「東京」 (also in full-width or with spaces).
pub fn prefecture_by_name(name: &str) -> Option<&'static LocalGov> {
    table()
        .named(name)
        .find(|g| g.kind == LocalGovKind::Prefecture)
}

/// A local government by name: 「八頭町」, 「鳥取県八頭町」, 「八頭郡八頭町」, 「横浜市中区」,
/// 「東京」; 「府中市」 and 「中区」 are ambiguous.
pub fn find_local_gov(name: &str) -> NameLookup {
    NameLookup::from_hits(table().named(name).collect())
}

/// A local government by name within one prefecture, for sources that give both apart
/// (J-Net21: 「【八頭町】（鳥取県）」). `NotFound` when the prefecture is unknown.
pub fn find_local_gov_in_prefecture(prefecture: &str, name: &str) -> NameLookup {
    let Some(prefecture) = prefecture_by_name(prefecture) else {
        return NameLookup::NotFound;
    };
    let number = prefecture.code.prefecture_number();
    NameLookup::from_hits(
        table()
            .named(name)
            .filter(|g| g.code.prefecture_number() == number)
            .collect(),
    )
}

/// 「東京」 for 「東京都」, 「大阪」 for 「大阪府」; 北海道 has no shorter form.
fn prefecture_short_name(name: &str) -> Option<&str> {
    name.strip_suffix(['都', '府', '県'])
}

#[cfg(test)]
mod tests;
