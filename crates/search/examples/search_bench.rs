//! The search benchmark (`benches/search/run.sh`): builds the index over a synthetic catalogue
//! plus the demo programs, then runs the relevance queries round after round and prints index
//! build time, query latency percentiles and memory.
//!
//! Usage: `search_bench PROGRAMS.json [ROUNDS]` (PROGRAMS.json from benches/generate_programs.py).
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use madoguchi_core::import::own;
use madoguchi_search::{SearchIndex, SearchQuery};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args
        .first()
        .expect("usage: search_bench PROGRAMS.json [ROUNDS]");
    let rounds: usize = args.get(1).map_or(20, |r| r.parse().unwrap());
    let rss_start = memory("VmRSS");

    let bytes = std::fs::read(file).unwrap();
    let mut programs = own::parse(&bytes).unwrap().programs;
    let synthetic = programs.len();
    programs.extend(common::demo_programs());
    drop(bytes);
    let rss_programs = memory("VmRSS");

    let started = Instant::now();
    let index = SearchIndex::build(&programs).unwrap();
    let build = started.elapsed();
    let rss_index = memory("VmRSS");
    println!(
        "catalogue: {synthetic} synthetic + {} demo programs; readings: {}",
        programs.len() - synthetic,
        index.has_readings()
    );
    println!("index build: {:.2} s", build.as_secs_f64());

    let queries: Vec<String> = include_str!("../tests/relevance/queries.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| l.split_once('\t').map(|(q, _)| q.to_owned()))
        .collect();
    let as_of = common::as_of();
    for (label, status_open) in [("受付中のみ (default)", true), ("all statuses", false)] {
        let mut samples: Vec<Duration> = Vec::with_capacity(rounds * queries.len());
        let mut hits = 0usize;
        // One warm-up round, not measured.
        for round in 0..=rounds {
            for text in &queries {
                let mut query = SearchQuery::words(text.as_str());
                if !status_open {
                    query.status = None;
                }
                let t = Instant::now();
                let results = index.search(&query, as_of).unwrap();
                let took = t.elapsed();
                if round > 0 {
                    samples.push(took);
                    hits += results.total;
                }
            }
        }
        samples.sort();
        let pct = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
        println!(
            "queries, {label}: {} searches ({} queries x {rounds} rounds), mean {:.0} matches; \
             p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            samples.len(),
            queries.len(),
            hits as f64 / samples.len() as f64,
            ms(pct(0.50)),
            ms(pct(0.90)),
            ms(pct(0.99)),
            ms(*samples.last().unwrap()),
        );
    }
    println!(
        "memory (RSS): start {:.0} MiB, programs loaded {:.0} MiB, index built {:.0} MiB \
         (index ≈ {:.0} MiB); peak {:.0} MiB",
        rss_start,
        rss_programs,
        rss_index,
        rss_index - rss_programs,
        memory("VmHWM")
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A line of /proc/self/status in MiB (Linux).
fn memory(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<f64>().ok())
        .map_or(0.0, |kib| kib / 1024.0)
}
