//! jGrants' `industry` labels back to JSIC majors.
//!
//! jGrants states target industries as JSIC major names, but records that reached us were
//! split on 「、」 by a collector, so 「農業、林業」 arrives as 「農業」 and 「林業」 and
//! 「鉱業、採石業、砂利採取業」 as three labels. Every such fragment belongs to exactly one major
//! name (a test checks this), so each label, whole or fragment, maps to one major whether or
//! not its siblings sit next to it.

use super::{JsicCode, JsicMajor, majors, name_key};

/// The JSIC majors named by jGrants `industry` labels, in the order first named, and the
/// labels that name no major (trimmed, in their original order). Blank labels are skipped.
///
/// Accepts whole names (「農業、林業」, also with 「，」) and the fragments a split on 「、」 left
/// (「農業」, 「林業」): adjacent fragments of one name give that major once.
pub fn majors_from_jgrants_labels(labels: &[&str]) -> (Vec<JsicCode>, Vec<String>) {
    let mut found: Vec<JsicCode> = Vec::new();
    let mut unmatched = Vec::new();
    for label in labels {
        let key = name_key(label);
        if key.is_empty() {
            continue;
        }
        match major_named_by(&key) {
            Some(major) => {
                let code = JsicCode::Major(major.letter);
                if !found.contains(&code) {
                    found.push(code);
                }
            }
            None => unmatched.push(label.trim().to_owned()),
        }
    }
    (found, unmatched)
}

/// The major whose name is `key`, or whose name has `key` as one of its 「、」-separated items.
fn major_named_by(key: &str) -> Option<&'static JsicMajor> {
    let majors = majors();
    majors.iter().find(|m| name_key(m.name) == key).or_else(|| {
        majors
            .iter()
            .find(|m| name_key(m.name).split('、').any(|item| item == key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Distinct `target_industries` lists of real jGrants records, one record id each.
    /// Source: jgrants-records-2026-08-21.json. Jグランツ（jGrants）からの出典.
    const RECORDS: &str = include_str!("testdata/jgrants-industry-labels-2026-08-21.json");

    #[derive(serde::Deserialize)]
    struct Record {
        id: String,
        labels: Vec<String>,
    }

    fn letters(labels: &[&str]) -> (String, Vec<String>) {
        let (codes, unmatched) = majors_from_jgrants_labels(labels);
        (codes.iter().map(|c| c.major_letter()).collect(), unmatched)
    }

    #[test]
    fn split_major_names_are_joined_back_into_one_major() {
        let cases: [(&[&str], &str); 6] = [
            (&["農業", "林業"], "A"),
            (&["鉱業", "採石業", "砂利採取業"], "C"),
            (&["学術研究", "専門・技術サービス業"], "L"),
            (&["医療", "福祉"], "P"),
            (&["分類不能の産業", "金融業", "保険業"], "TJ"),
            (&["製造業", "分類不能の産業", "卸売業", "小売業"], "ETI"),
        ];
        for (labels, expected) in cases {
            assert_eq!(letters(labels), (expected.to_owned(), vec![]), "{labels:?}");
        }
    }

    #[test]
    fn whole_names_are_accepted_with_either_comma() {
        assert_eq!(letters(&["農業、林業"]).0, "A");
        assert_eq!(letters(&["農業，林業", " 教育、学習支援業 "]).0, "AO");
        assert_eq!(letters(&["サービス業(他に分類されないもの)"]).0, "R");
    }

    #[test]
    fn labels_that_name_no_major_are_returned_apart() {
        let (codes, unmatched) = majors_from_jgrants_labels(&["製造業", " 観光業 ", "", "農林"]);
        assert_eq!(codes, [JsicCode::Major('E')]);
        assert_eq!(unmatched, ["観光業", "農林"]);
    }

    #[test]
    fn no_item_of_a_major_name_belongs_to_two_majors() {
        let mut items: Vec<String> = majors()
            .iter()
            .flat_map(|m| {
                name_key(m.name)
                    .split('、')
                    .map(str::to_owned)
                    .collect::<Vec<_>>()
            })
            .collect();
        let all = items.len();
        items.sort();
        items.dedup();
        assert_eq!(items.len(), all);
    }

    #[test]
    fn every_label_of_real_jgrants_records_maps_to_a_major() {
        let records: Vec<Record> = serde_json::from_str(RECORDS).unwrap();
        assert_eq!(records.len(), 77);
        for record in &records {
            let labels: Vec<&str> = record.labels.iter().map(String::as_str).collect();
            let (codes, unmatched) = majors_from_jgrants_labels(&labels);
            assert!(unmatched.is_empty(), "{}: {unmatched:?}", record.id);
            // Each major was split into as many labels as its name has items.
            let items: usize = codes.iter().map(|c| c.name().split('、').count()).sum();
            assert_eq!(items, labels.len(), "{}", record.id);
        }
    }

    #[test]
    fn a_record_that_lists_every_industry_gives_all_20_majors() {
        let records: Vec<Record> = serde_json::from_str(RECORDS).unwrap();
        let everything = records.iter().find(|r| r.labels.len() == 32).unwrap();
        let labels: Vec<&str> = everything.labels.iter().map(String::as_str).collect();
        let (codes, _) = majors_from_jgrants_labels(&labels);
        assert_eq!(codes.len(), 20);
    }
}
