//! Target areas from jGrants' `target_area_search`: 「全国」, or prefectures joined by 「/」.
//!
//! jGrants lets an issuer tick 「全国」 and prefectures together; any list with 「全国」, and a
//! list of all 47 prefectures, means nationwide. A name that is not a prefecture makes the
//! record invalid: narrowing or widening a program's area by guess would mislead businesses.

use std::collections::BTreeSet;

use crate::program::TargetAreas;
use crate::reference::{LocalGovCode, prefecture_by_name};

/// The areas the names stand for, or the reason they cannot be read.
pub(super) fn areas_from_names(names: &[String]) -> Result<TargetAreas, String> {
    if names.iter().any(|n| n == "全国") {
        return Ok(TargetAreas::Nationwide);
    }
    let mut codes = BTreeSet::new();
    let mut unknown = Vec::new();
    for name in names {
        match prefecture_by_name(name) {
            Some(prefecture) => {
                codes.insert(prefecture.code);
            }
            None => unknown.push(name.as_str()),
        }
    }
    if !unknown.is_empty() {
        return Err(format!(
            "対象地域「{}」を都道府県名として読み取れません。",
            unknown.join("」「")
        ));
    }
    if codes.len() == 47 {
        return Ok(TargetAreas::Nationwide);
    }
    Ok(TargetAreas::Local(codes.into()))
}

/// The prefectures a list of areas names, for telling apart places with the same name.
pub(super) fn prefectures_in(areas: &TargetAreas) -> Vec<LocalGovCode> {
    match areas {
        TargetAreas::Nationwide => Vec::new(),
        TargetAreas::Local(codes) => codes.iter().map(|c| c.prefecture()).collect(),
    }
}
