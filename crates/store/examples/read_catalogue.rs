//! Times the reads of the whole catalogue of a SQLite file that a cold start makes: every
//! public program's current version, decoded, then when each was first saved and last
//! changed. Reports wall and CPU time of each (on 2 cores the CPU is what bounds them);
//! asserts nothing.
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
    let timed = Timed::start();
    let programs = store.shared_programs().await?;
    timed.report(programs.len(), "programs");
    let timed = Timed::start();
    let dates = store.program_dates().await?;
    timed.report(dates.len(), "programs' dates");
    Ok(())
}

/// When a read began, in wall and CPU time.
struct Timed {
    wall: Instant,
    cpu: Option<f64>,
}

impl Timed {
    fn start() -> Self {
        Self {
            wall: Instant::now(),
            cpu: cpu_seconds(),
        }
    }

    fn report(self, count: usize, what: &str) {
        let wall = self.wall.elapsed().as_secs_f64();
        match (self.cpu, cpu_seconds()) {
            (Some(before), Some(after)) => println!(
                "{count} {what} read in {wall:.2} s, {:.2} s of CPU",
                after - before
            ),
            _ => println!("{count} {what} read in {wall:.2} s"),
        }
    }
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
