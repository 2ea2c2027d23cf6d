//! Who a program is for: areas, industries and the employee band it states.

use serde::{Deserialize, Serialize};

use super::CodeSet;
use crate::labeled_enum;
use crate::reference::{JsicCode, LocalGovCode};

/// Where a business must be located: all of Japan, or a set of prefectures and municipalities.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", content = "codes", rename_all = "snake_case")]
pub enum TargetAreas {
    Nationwide,
    Local(CodeSet<LocalGovCode>),
}

impl TargetAreas {
    /// True if a business located in `municipality` is inside: the municipality itself,
    /// or its prefecture, is listed (or the program is nationwide).
    pub fn covers(&self, municipality: LocalGovCode) -> bool {
        match self {
            Self::Nationwide => true,
            Self::Local(codes) => {
                codes.contains(&municipality) || codes.contains(&municipality.prefecture())
            }
        }
    }
}

/// Which industries a program is for: all, or a set of JSIC major and middle categories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "scope", content = "codes", rename_all = "snake_case")]
pub enum TargetIndustries {
    All,
    Only(CodeSet<JsicCode>),
}

impl TargetIndustries {
    /// True if a business in `industry` is included, by its middle or its major category.
    pub fn includes(&self, industry: JsicCode) -> bool {
        match self {
            Self::All => true,
            Self::Only(codes) => {
                codes.contains(&industry)
                    || codes.contains(&JsicCode::Major(industry.major_letter()))
            }
        }
    }
}

labeled_enum! {
    /// The employee band jGrants states for a program (`target_number_of_employees`).
    pub enum EmployeeBand: "従業員数の区分", "jGrantsの区分（例：「20名以下」「従業員数の制約なし」）で指定してください。" {
        Unrestricted = ("unrestricted", "従業員数の制約なし"),
        UpTo5 = ("up_to_5", "5名以下"),
        UpTo20 = ("up_to_20", "20名以下"),
        UpTo50 = ("up_to_50", "50名以下"),
        UpTo100 = ("up_to_100", "100名以下"),
        UpTo300 = ("up_to_300", "300名以下"),
        UpTo900 = ("up_to_900", "900名以下"),
        Over900 = ("over_900", "901名以上"),
    }
}

impl EmployeeBand {
    /// The inclusive range of headcounts the band admits.
    pub fn range(self) -> (u32, Option<u32>) {
        match self {
            Self::Unrestricted => (0, None),
            Self::UpTo5 => (0, Some(5)),
            Self::UpTo20 => (0, Some(20)),
            Self::UpTo50 => (0, Some(50)),
            Self::UpTo100 => (0, Some(100)),
            Self::UpTo300 => (0, Some(300)),
            Self::UpTo900 => (0, Some(900)),
            Self::Over900 => (901, None),
        }
    }
}
