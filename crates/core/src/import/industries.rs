//! Target industries from jGrants' industry labels.
//!
//! jGrants names JSIC major categories (「製造業」, 「農業、林業」); the collector split them
//! wrongly on 「、」, so 「農業」 and 「林業」 arrive as two labels. A list that covers every
//! major a business can belong to (A 農業，林業 to R サービス業（他に分類されないもの）; S 公務
//! and T 分類不能の産業 do not restrict a business) means all industries.

use crate::program::{CodeSet, TargetIndustries};
use crate::reference::JsicCode;
use crate::reference::jsic::majors_from_jgrants_labels;

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
    let codes: CodeSet<JsicCode> = codes.into_iter().collect();
    let every_business = ('A'..='R').all(|letter| codes.contains(&JsicCode::Major(letter)));
    let industries = if every_business {
        TargetIndustries::All
    } else {
        TargetIndustries::Only(codes)
    };
    Ok((industries, unknown))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letters(industries: &TargetIndustries) -> String {
        match industries {
            TargetIndustries::All => "all".to_owned(),
            TargetIndustries::Only(codes) => codes.iter().map(|c| c.to_string()).collect(),
        }
    }

    #[test]
    fn split_labels_give_their_majors() {
        let (industries, unknown) = industries_from_labels(&["医療", "福祉", "製造業"]).unwrap();
        assert_eq!(letters(&industries), "EP");
        assert!(unknown.is_empty());
    }

    #[test]
    fn every_major_a_business_can_have_means_all_industries() {
        let names: Vec<&str> = crate::reference::jsic::majors()
            .iter()
            .filter(|m| m.letter <= 'R')
            .map(|m| m.name)
            .collect();
        assert_eq!(names.len(), 18);
        assert_eq!(letters(&industries_from_labels(&names).unwrap().0), "all");
        let without_one = &names[1..];
        assert_ne!(
            letters(&industries_from_labels(without_one).unwrap().0),
            "all"
        );
    }

    #[test]
    fn unknown_labels_are_returned_and_a_list_of_only_unknown_labels_is_refused() {
        let (industries, unknown) = industries_from_labels(&["製造業", "観光業"]).unwrap();
        assert_eq!(letters(&industries), "E");
        assert_eq!(unknown, ["観光業"]);
        let err = industries_from_labels(&["観光業"]).unwrap_err();
        assert!(err.contains("観光業"), "{err}");
        assert_eq!(letters(&industries_from_labels(&[]).unwrap().0), "all");
    }
}
