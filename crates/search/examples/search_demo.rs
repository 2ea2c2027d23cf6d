//! Prints the top hits for a query over the demo catalogue: `cargo run -p madoguchi-search
//! --example search_demo -- 'じぞくか'` (add `--all` for every status, `--off` without readings).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use madoguchi_search::{ReadingMode, SearchIndex, SearchQuery, Segment};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mode = if args.iter().any(|a| a == "--off") {
        ReadingMode::Off
    } else {
        ReadingMode::Auto
    };
    let programs = common::demo_programs();
    let index = SearchIndex::build_with(&programs, mode).unwrap();
    println!(
        "{} programs, readings: {}",
        index.len(),
        index.has_readings()
    );
    if args.iter().any(|a| a == "--list") {
        for p in &programs {
            let summary: String = p.summary.chars().take(50).collect();
            println!("{}\t{}\t{summary}", p.id, p.title);
        }
    }
    for text in args.iter().filter(|a| !a.starts_with("--")) {
        let mut query = SearchQuery::words(text.as_str());
        query.limit = 10;
        if args.iter().any(|a| a == "--all") {
            query.status = None;
        }
        let results = index.search(&query, common::as_of()).unwrap();
        println!(
            "== {text}: {} found {:?}",
            results.total, results.suggestions
        );
        for hit in &results.hits {
            let title = Segment::bracketed(&hit.title);
            println!("{:6.2} {} {}", hit.score, hit.id, title);
        }
    }
}
