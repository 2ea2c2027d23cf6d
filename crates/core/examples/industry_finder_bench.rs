//! Times the industry finder: building its index (once per process, on first use) and
//! answering the owner descriptions of the accuracy test set, with top-1 and top-3 accuracy.
//! Run by `benches/industry/run.sh`; figures are reported, never asserted.

use std::time::Instant;

use madoguchi_core::reference::jsic::find_industry;

const DESCRIPTIONS: &str = include_str!("../src/reference/jsic/testdata/industry_descriptions.tsv");

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .and_then(|r| r.parse().ok())
        .unwrap_or(50);
    let cases: Vec<(&str, u8)> = DESCRIPTIONS
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (text, code) = l.split_once('\t')?;
            Some((text, code.parse().ok()?))
        })
        .collect();
    let started = Instant::now();
    let _ = find_industry("ラーメン屋");
    println!(
        "index build and first answer: {:.1} ms",
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut times = Vec::with_capacity(cases.len() * rounds);
    let (mut top1, mut top3) = (0, 0);
    for round in 0..rounds {
        for (text, expected) in &cases {
            let started = Instant::now();
            let finding = find_industry(text);
            times.push(started.elapsed().as_secs_f64() * 1e6);
            if round == 0 {
                let codes: Vec<u8> = finding.proposals().iter().map(|p| p.middle.code).collect();
                top1 += usize::from(codes.first() == Some(expected));
                top3 += usize::from(codes.iter().take(3).any(|c| c == expected));
            }
        }
    }
    // A pasted page: the finder reads the first 100 characters only.
    let long = "ネットで服を売っている".repeat(200);
    let started = Instant::now();
    let _ = find_industry(&long);
    let long_us = started.elapsed().as_secs_f64() * 1e6;
    times.sort_by(f64::total_cmp);
    let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
    println!(
        "{} answers ({} descriptions x {rounds} rounds): p50 {:.0} us, p99 {:.0} us, max {:.0} us; 2,200 characters: {long_us:.0} us",
        times.len(),
        cases.len(),
        at(0.5),
        at(0.99),
        at(1.0)
    );
    let n = cases.len() as f64;
    println!(
        "accuracy: top-1 {:.1} %, top-3 {:.1} %",
        top1 as f64 / n * 100.0,
        top3 as f64 / n * 100.0
    );
}
