//! What one publish costs an app process holding a large catalogue, and how soon a second
//! process on the same database shows it.
//!
//! Saves N synthetic programs, loads two app states (as two `madoguchi serve` processes
//! would), then publishes changed programs one at a time:
//! 1. with the second process idle, the first takes each change in (`catalog_changed`, as
//!    the console does after a publish): wall time per publish, and the process's CPU time
//!    (all threads, the search index's background merges included) per publish;
//! 2. with the second process following the catalogue (`follow_catalog`, NOTIFY on
//!    PostgreSQL, a poll every `POLL_EVERY` on SQLite): the time from the commit until the
//!    second process's snapshot shows the new title.
//!
//! Prints the figures; asserts nothing.
//!
//! `cargo run --release -p madoguchi-web --example publish_bench -- [N] [PUBLISHES]
//! [--postgres postgres://…]` (see `benches/publish/run.sh`).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use madoguchi_core::program::Program;
use madoguchi_store::Store;
use madoguchi_store::testing::{TestDatabase, retitled, synthetic_program};
use madoguchi_web::AppState;
use madoguchi_web::catalog_sync::{POLL_EVERY, follow_catalog};

/// This process's CPU time so far, user and system, from `/proc/self/stat` (in clock ticks
/// of 10 ms: summed over many publishes, the mean is good to a few per cent).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // The fields after the command name, which is in parentheses and may hold spaces.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at.min(sorted.len() - 1)]
}

fn report(label: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{label}: p50 {:.1?}, p90 {:.1?}, max {:.1?} ({} publishes)",
        percentile(&times, 0.5),
        percentile(&times, 0.9),
        times[times.len() - 1],
        times.len()
    );
}

/// The `k`-th publish: a program from across the catalogue under a new title.
fn changed(k: usize, n: usize) -> Program {
    retitled(
        &synthetic_program(k * 7_919 % n),
        &format!("改題した制度 第{k}版"),
    )
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let postgres = args
        .iter()
        .position(|a| a == "--postgres")
        .and_then(|i| args.get(i + 1).cloned());
    let numbers: Vec<usize> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let n = numbers.first().copied().unwrap_or(100_000);
    let publishes = numbers.get(1).copied().unwrap_or(50);
    let db = match &postgres {
        Some(url) => TestDatabase::postgres(url).await.unwrap(),
        None => TestDatabase::sqlite().unwrap(),
    };
    let store = db.migrated_store().await.unwrap();
    let name = store.backend_name();
    let saving = Instant::now();
    for start in (0..n).step_by(5_000) {
        let chunk: Vec<Program> = (start..(start + 5_000).min(n))
            .map(synthetic_program)
            .collect();
        store
            .save_programs(&chunk, "bench", &mut |_| {})
            .await
            .unwrap();
    }
    println!("{name}: {n} programs saved in {:.1?}", saving.elapsed());

    let loading = Instant::now();
    let one = AppState::load(store.clone()).await.unwrap();
    println!(
        "{name}: one process loads them whole in {:.1?}",
        loading.elapsed()
    );
    let other = AppState::load(Store::connect(db.url()).await.unwrap())
        .await
        .unwrap();

    let (mut walls, mut cpu_total) = (Vec::new(), Duration::ZERO);
    for k in 0..publishes {
        store.save_program(&changed(k, n), "bench").await.unwrap();
        let (began, cpu) = (Instant::now(), cpu_time());
        one.catalog_changed().await.unwrap();
        walls.push(began.elapsed());
        cpu_total += cpu_time().saturating_sub(cpu);
    }
    report(&format!("{name}: taking one publish in"), walls);
    println!(
        "{name}: CPU per publish taken in, all threads: {:.1?}",
        cpu_total / u32::try_from(publishes).unwrap()
    );

    let follower = tokio::spawn(follow_catalog(other.clone(), POLL_EVERY));
    // Let the follower catch up with the first round before timing.
    tokio::time::sleep(POLL_EVERY + Duration::from_millis(500)).await;
    let mut seen_after = Vec::new();
    for k in publishes..2 * publishes {
        let program = changed(k, n);
        store.save_program(&program, "bench").await.unwrap();
        let began = Instant::now();
        while other
            .catalog()
            .get(&program.id)
            .is_none_or(|p| p.title != program.title)
        {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        seen_after.push(began.elapsed());
    }
    report(
        &format!("{name}: commit to the other process's snapshot"),
        seen_after,
    );
    follower.abort();
}
