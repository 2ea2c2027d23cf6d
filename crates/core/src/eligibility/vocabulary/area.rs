//! Whether a business's place and industry fall inside what a rule names.
//!
//! A municipality is within its prefecture, and a ward of a 政令指定都市 is within its city.
//! Answers may be coarse — a prefecture instead of a municipality, a JSIC major category
//! instead of a middle one — and then containment is unknown where the coarse answer cannot
//! tell, and decided where it can (a business in 三重県 is not in any municipality of 鳥取県).

use crate::eligibility::tri::Tri;
use crate::reference::{JsicCode, LocalGovCode, local_gov};

fn first_five(code: LocalGovCode) -> u32 {
    code.as_u32() / 10
}

/// A place with what containment needs worked out once, so that comparing it with the
/// areas of thousands of rules is a few integer comparisons each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Place {
    pub code: LocalGovCode,
    five: u32,
    prefecture: u8,
    is_prefecture: bool,
    is_designated_city: bool,
    /// The designated city (first five digits) of a ward.
    ward_of: Option<u32>,
}

impl Place {
    /// A place by its code; wards and designated cities are known from the reference table
    /// (a code the table lacks is taken as a plain municipality).
    pub fn of(code: LocalGovCode) -> Self {
        let gov = local_gov(code);
        Self {
            code,
            five: first_five(code),
            prefecture: code.prefecture_number(),
            is_prefecture: code.is_prefecture(),
            is_designated_city: gov.is_some_and(|g| g.is_designated_city()),
            ward_of: gov
                .and_then(|g| g.parent_city())
                .map(|city| first_five(city.code)),
        }
    }

    /// Whether this answered place lies within `area`.
    pub fn within(&self, area: &Place) -> Tri {
        if self.five == area.five {
            return Tri::True;
        }
        if self.prefecture != area.prefecture {
            return Tri::False;
        }
        if area.is_prefecture {
            return Tri::True;
        }
        if self.is_prefecture {
            // Only the prefecture was answered: any municipality in it may be the one.
            return Tri::Unknown;
        }
        if self.ward_of == Some(area.five) {
            return Tri::True;
        }
        if self.is_designated_city && area.ward_of == Some(self.five) {
            // The city was answered without its ward; the rule names one ward.
            return Tri::Unknown;
        }
        Tri::False
    }
}

/// Whether an answered place lies within an area a rule names.
pub fn place_within(place: LocalGovCode, area: LocalGovCode) -> Tri {
    Place::of(place).within(&Place::of(area))
}

/// An industry with its major category worked out once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Industry {
    pub code: JsicCode,
    major: char,
}

impl Industry {
    pub fn of(code: JsicCode) -> Self {
        Self {
            code,
            major: code.major_letter(),
        }
    }

    /// Whether this answered industry falls in the category `target`.
    pub fn within(&self, target: &Industry) -> Tri {
        match (self.code, target.code) {
            (JsicCode::Middle(a), JsicCode::Middle(t)) => Tri::from_bool(a == t),
            (JsicCode::Middle(_), JsicCode::Major(_))
            | (JsicCode::Major(_), JsicCode::Major(_)) => {
                Tri::from_bool(self.major == target.major)
            }
            (JsicCode::Major(_), JsicCode::Middle(_)) => {
                if self.major == target.major {
                    Tri::Unknown
                } else {
                    Tri::False
                }
            }
        }
    }
}

/// Whether an answered industry falls in a category a rule names.
pub fn industry_within(answer: JsicCode, target: JsicCode) -> Tri {
    Industry::of(answer).within(&Industry::of(target))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> LocalGovCode {
        LocalGovCode::parse(raw).unwrap()
    }

    #[test]
    fn a_municipality_is_within_its_prefecture_and_nowhere_else() {
        let makurazaki = code("462047");
        assert_eq!(place_within(makurazaki, code("460001")), Tri::True);
        assert_eq!(place_within(makurazaki, makurazaki), Tri::True);
        assert_eq!(place_within(makurazaki, code("462012")), Tri::False);
        assert_eq!(place_within(makurazaki, code("310000")), Tri::False);
    }

    #[test]
    fn a_ward_is_within_its_designated_city() {
        let chuo_sapporo = code("011011");
        assert_eq!(place_within(chuo_sapporo, code("011002")), Tri::True);
        assert_eq!(place_within(chuo_sapporo, code("012025")), Tri::False);
        // 川崎市川崎区 belongs to 川崎市, not to 横浜市; 川崎市 itself is no ward of 横浜市.
        let kawasaki_ku = code("141313");
        assert_eq!(place_within(kawasaki_ku, code("141305")), Tri::True);
        assert_eq!(place_within(kawasaki_ku, code("141003")), Tri::False);
        assert_eq!(place_within(code("141305"), code("141003")), Tri::False);
        // 大阪市 has wards numbered up to 128.
        assert_eq!(place_within(code("271284"), code("271004")), Tri::True);
        // Tokyo's special wards are municipalities of their own.
        assert_eq!(place_within(code("131016"), code("131024")), Tri::False);
    }

    #[test]
    fn a_coarse_place_is_unknown_only_where_it_cannot_tell() {
        let kagoshima = code("460001");
        assert_eq!(place_within(kagoshima, code("462047")), Tri::Unknown);
        assert_eq!(place_within(kagoshima, code("310000")), Tri::False);
        assert_eq!(place_within(code("011002"), code("011011")), Tri::Unknown);
        assert_eq!(place_within(code("011002"), code("012025")), Tri::False);
    }

    #[test]
    fn industries_are_contained_by_major_and_middle_category() {
        let metal = JsicCode::Middle(24);
        assert_eq!(industry_within(metal, JsicCode::Major('E')), Tri::True);
        assert_eq!(industry_within(metal, JsicCode::Middle(24)), Tri::True);
        assert_eq!(industry_within(metal, JsicCode::Middle(25)), Tri::False);
        let manufacturing = JsicCode::Major('E');
        assert_eq!(
            industry_within(manufacturing, JsicCode::Middle(24)),
            Tri::Unknown
        );
        assert_eq!(
            industry_within(manufacturing, JsicCode::Middle(76)),
            Tri::False
        );
        assert_eq!(
            industry_within(manufacturing, JsicCode::Major('I')),
            Tri::False
        );
    }
}
