//! The importers on the whole real snapshots, where they are present.
//!
//! The files live outside the repository (`/work/shared/data`, or the folder named by
//! `MADOGUCHI_REAL_DATA`); without them these tests say so and pass, and the fixture tests
//! still cover the same code on copied records.

use std::collections::BTreeMap;
use std::path::PathBuf;

use madoguchi_core::import::{ImportBatch, jgrants, jnet21, own};

fn read(name: &str) -> Option<Vec<u8>> {
    let dir = std::env::var_os("MADOGUCHI_REAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/work/shared/data"));
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            println!("skipped: {} is not readable ({e})", path.display());
            None
        }
    }
}

/// How many records were left out for each reason.
fn tally(batch: &ImportBatch) -> BTreeMap<String, usize> {
    let mut reasons = BTreeMap::new();
    for issue in batch.skipped.iter().chain(&batch.invalid) {
        *reasons.entry(issue.reason.clone()).or_insert(0) += 1;
    }
    reasons
}

#[test]
fn all_404_jgrants_records_import_except_ten_administrative_intakes() {
    let Some(bytes) = read("jgrants-records-2026-08-21.json") else {
        return;
    };
    let batch = jgrants::parse(&bytes).unwrap();
    println!("jGrants: {}", batch.summary());
    for (reason, n) in tally(&batch) {
        println!("  {n}件：{reason}");
    }
    assert_eq!(batch.programs.len(), 394);
    assert_eq!(batch.skipped.len(), 10);
    assert!(batch.invalid.is_empty(), "{:#?}", batch.invalid);
    assert!(batch.warnings.is_empty(), "{:#?}", batch.warnings);
    let count = |word: &str| {
        batch
            .skipped
            .iter()
            .filter(|s| s.reason.contains(word))
            .count()
    };
    assert_eq!(count("「交付申請等」"), 6);
    assert_eq!(count("「事業完了後」"), 2);
    assert_eq!(count("着手"), 2);
}

#[test]
fn all_261_jnet21_items_import_except_the_124_rows_scraped_from_search_pages() {
    let Some(bytes) = read("jnet21-items-2026-03-07.json") else {
        return;
    };
    let batch = jnet21::parse(&bytes).unwrap();
    println!("J-Net21: {}", batch.summary());
    for (reason, n) in tally(&batch) {
        println!("  {n}件：{reason}");
    }
    assert_eq!(batch.programs.len(), 137);
    assert!(batch.skipped.is_empty(), "{:#?}", batch.skipped);
    assert_eq!(batch.invalid.len(), 124);
    assert!(
        batch
            .invalid
            .iter()
            .all(|i| i.reason.starts_with("概要が検索画面の案内文")),
        "{:#?}",
        batch.invalid
    );
    assert!(batch.warnings.is_empty(), "{:#?}", batch.warnings);
}

#[test]
fn every_real_program_comes_back_equal_through_csv_and_json() {
    let (Some(grants), Some(items)) = (
        read("jgrants-records-2026-08-21.json"),
        read("jnet21-items-2026-03-07.json"),
    ) else {
        return;
    };
    let mut programs = jgrants::parse(&grants).unwrap().programs;
    programs.extend(jnet21::parse(&items).unwrap().programs);
    assert_eq!(programs.len(), 531);

    let from_csv = own::parse(&own::to_csv(&programs)).unwrap();
    assert!(from_csv.invalid.is_empty(), "{:#?}", from_csv.invalid);
    assert!(from_csv.warnings.is_empty(), "{:#?}", from_csv.warnings);
    assert_eq!(from_csv.programs, programs);

    let from_json = own::parse(own::to_json(&programs).as_bytes()).unwrap();
    assert!(from_json.invalid.is_empty(), "{:#?}", from_json.invalid);
    assert_eq!(from_json.programs, programs);
}
