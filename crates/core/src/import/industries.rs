//! Target industries from jGrants' industry labels.
//!
//! jGrants names JSIC major categories (「製造業」, 「農業、林業」); the collector split them
//! wrongly on 「、」, so 「農業」 and 「林業」 arrive as two labels. A list that covers every
//! major a business can belong to (A 農業，林業 to R サービス業（他に分類されないもの）; S 公務
//! and T 分類不能の産業 do not restrict a business) means all industries.

use std::collections::BTreeSet;

use crate::program::TargetIndustries;
use crate::reference::{JsicCode, jsic};

/// The industries a list of labels targets, and the labels that name no JSIC major.
///
/// An empty list states no restriction. A list in which no label is known is refused with
/// the reason, since importing it as 「全業種」 would widen the program.
pub(crate) fn industries_from_labels(
    labels: &[&str],
) -> Result<(TargetIndustries, Vec<String>), String> {
    let labels: Vec<&str> = labels
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    if labels.is_empty() {
        return Ok((TargetIndustries::All, Vec::new()));
    }
    let (codes, unknown) = majors_from_jgrants_labels(&labels);
    if codes.is_empty() {
        return Err(format!(
            "対象業種「{}」を日本標準産業分類の大分類として読み取れません。",
            unknown.join("」「")
        ));
    }
    let codes: BTreeSet<JsicCode> = codes.into_iter().collect();
    let every_business = ('A'..='R').all(|letter| codes.contains(&JsicCode::Major(letter)));
    let industries = if every_business {
        TargetIndustries::All
    } else {
        TargetIndustries::Only(codes)
    };
    Ok((industries, unknown))
}

/// TEMPORARY: stands in for `reference::jsic::majors_from_jgrants_labels`, which is being
/// written on branch `refdata` with this signature; replace this copy with a call to it.
///
/// A label is a major's whole name, or one of the pieces the collector split a name into on
/// 「、」; a split major counts only when all its pieces are present.
fn majors_from_jgrants_labels(labels: &[&str]) -> (Vec<JsicCode>, Vec<String>) {
    let fold = |s: &str| s.trim().replace(['，', ','], "、");
    let labels: Vec<String> = labels.iter().map(|l| fold(l)).collect();
    let mut used = vec![false; labels.len()];
    let mut codes = Vec::new();
    for major in jsic::majors() {
        let name = fold(major.name);
        let pieces: Vec<&str> = name.split('、').collect();
        let whole = labels.iter().position(|l| *l == name);
        let split: Option<Vec<usize>> = pieces
            .iter()
            .map(|p| labels.iter().position(|l| l == p))
            .collect();
        let hits = match (whole, split) {
            (Some(i), _) => vec![i],
            (None, Some(all)) => all,
            (None, None) => continue,
        };
        for i in hits {
            used[i] = true;
        }
        codes.push(JsicCode::Major(major.letter));
    }
    let unknown = labels
        .into_iter()
        .zip(used)
        .filter(|(_, used)| !used)
        .map(|(l, _)| l)
        .collect();
    (codes, unknown)
}
