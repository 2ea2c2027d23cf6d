//! Times a read of the whole catalogue of a SQLite file, as a cold start reads it: every
//! public program's current version, decoded. Reports wall and CPU time (on 2 cores the CPU
//! is what bounds it); asserts nothing.
//!
//! `cargo run --release -p madoguchi-store --example read_catalogue -- DATA_DIR/madoguchi.db`

use std::path::Path;
use std::time::Instant;

use madoguchi_store::{Store, StoreError};

#[tokio::main]
async fn main() -> Result<(), StoreError> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: read_catalogue DATABASE_FILE");
        std::process::exit(2);
    };
    let store = Store::open_sqlite(Path::new(&path)).await?;
    let (cpu, wall) = (cpu_seconds(), Instant::now());
    let programs = store.shared_programs().await?;
    let wall = wall.elapsed().as_secs_f64();
    match (cpu, cpu_seconds()) {
        (Some(before), Some(after)) => println!(
            "{} programs read in {wall:.2} s, {:.2} s of CPU",
            programs.len(),
            after - before
        ),
        _ => println!("{} programs read in {wall:.2} s", programs.len()),
    }
    Ok(())
}

/// This process's user and system time so far (Linux `/proc/self/stat`, in clock ticks of
/// 1/100 s), or `None` where there is no such file.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}
