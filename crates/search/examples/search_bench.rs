//! The search benchmark (`benches/search/run.sh`): builds the index over a synthetic catalogue
//! plus the demo programs, then runs the relevance queries round after round and prints index
//! build time, query latency percentiles and memory; then publishes changed programs one at a
//! time (`SearchIndex::with_changes`) and prints what one publication costs, wall and CPU, and
//! the query latency after them.
//!
//! Usage: `search_bench PROGRAMS.json [ROUNDS] [UPDATES]` (PROGRAMS.json from
//! benches/generate_programs.py; UPDATES defaults to 200, 0 for none). `QUERIES=a|b` runs only
//! those queries, `SLOWEST=N` names the N slowest searches.
#![allow(clippy::unwrap_used)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use madoguchi_core::import::own;
use madoguchi_core::program::Yen;
use madoguchi_search::{SearchIndex, SearchQuery};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let file = args
        .first()
        .expect("usage: search_bench PROGRAMS.json [ROUNDS] [UPDATES]");
    let rounds: usize = args.get(1).map_or(20, |r| r.parse().unwrap());
    let updates: usize = args.get(2).map_or(200, |r| r.parse().unwrap());
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
        // QUERIES=a|b runs only those queries: for a profile of the slow ones.
        .filter(|q| std::env::var("QUERIES").map_or(true, |only| only.split('|').any(|o| o == q)))
        .collect();
    measure_queries(&index, &queries, rounds, "");
    println!(
        "memory (RSS): start {:.0} MiB, programs loaded {:.0} MiB, index built {:.0} MiB \
         (index ≈ {:.0} MiB); peak {:.0} MiB",
        rss_start,
        rss_programs,
        rss_index,
        rss_index - rss_programs,
        memory("VmHWM")
    );

    if updates == 0 {
        return;
    }
    // Publications one after the other, each on the newest snapshot, as the catalogue does:
    // one program changed (its summary and maximum amount) per publication.
    let mut samples: Vec<Duration> = Vec::with_capacity(updates);
    let cpu_start = cpu_seconds();
    let started = Instant::now();
    let mut index = index;
    for i in 0..updates {
        let mut changed = programs[(i * 7919) % programs.len()].clone();
        changed.summary.push_str(&format!("（第{i}次改正）"));
        changed.amount.max = Some(Yen::new(1_000_000 + i as i64).unwrap());
        let t = Instant::now();
        index = index.with_changes(&[changed], &[], []).unwrap();
        samples.push(t.elapsed());
    }
    let wall = started.elapsed();
    let cpu = cpu_seconds() - cpu_start;
    samples.sort();
    let pct = |p: f64| percentile(&samples, p);
    println!(
        "with_changes, one changed program, {updates} publications: p50 {:.1} ms, p99 {:.1} ms, \
         max {:.1} ms wall; CPU (all threads, merges included) {:.1} ms per publication \
         (removed slots: {})",
        ms(pct(0.50)),
        ms(pct(0.99)),
        ms(*samples.last().unwrap()),
        cpu * 1000.0 / updates as f64,
        index.removed(),
    );
    println!(
        "  ({:.2} s for all {updates}; a full build took {:.2} s)",
        wall.as_secs_f64(),
        build.as_secs_f64()
    );
    measure_queries(
        &index,
        &queries,
        rounds,
        &format!(" after {updates} publications"),
    );
}

/// Runs every query `rounds` times after a warm-up round and prints latency percentiles.
fn measure_queries(index: &SearchIndex, queries: &[String], rounds: usize, when: &str) {
    let as_of = common::as_of();
    for (label, status_open) in [("受付中のみ (default)", true), ("all statuses", false)] {
        let mut samples: Vec<Duration> = Vec::with_capacity(rounds * queries.len());
        let mut each: Vec<(Duration, &str, usize)> = Vec::new();
        let mut hits = 0usize;
        // One warm-up round, not measured.
        for round in 0..=rounds {
            for text in queries {
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
                    each.push((took, text, results.total));
                }
            }
        }
        samples.sort();
        let pct = |p: f64| percentile(&samples, p);
        println!(
            "queries{when}, {label}: {} searches ({} queries x {rounds} rounds), \
             mean {:.0} matches; p50 {:.2} ms, p90 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
            samples.len(),
            queries.len(),
            hits as f64 / samples.len() as f64,
            ms(pct(0.50)),
            ms(pct(0.90)),
            ms(pct(0.99)),
            ms(*samples.last().unwrap()),
        );
        // SLOWEST=N names the N slowest searches: what the p99 is made of.
        let slowest: usize = std::env::var("SLOWEST").map_or(0, |n| n.parse().unwrap());
        each.sort_by_key(|&(took, _, _)| std::cmp::Reverse(took));
        for (took, text, total) in each.iter().take(slowest) {
            println!("  {:8.2} ms  {total:>8} matches  {text}", ms(*took));
        }
    }
}

/// The process's CPU time so far (user and system, every thread) from /proc/self/stat, in
/// seconds; Linux counts it in ticks of 10 ms (USER_HZ 100).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15 of the line: 11 and 12 counted from the state.
    (ticks(11) + ticks(12)) / 100.0
}

/// The `p` quantile of sorted `samples`.
fn percentile(samples: &[Duration], p: f64) -> Duration {
    samples[((samples.len() - 1) as f64 * p).round() as usize]
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
