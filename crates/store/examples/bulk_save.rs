//! Times `save_programs` on N synthetic programs, on SQLite and (when a server is given)
//! PostgreSQL: a first import (all created), the same batch again (all unchanged), and a
//! batch where every program changed (all updated).
//!
//! Run on demand, in release mode:
//!
//! ```text
//! cargo run --release -p madoguchi-store --example bulk_save -- 100000
//! MADOGUCHI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!     cargo run --release -p madoguchi-store --example bulk_save -- 100000
//! ```

use std::time::Instant;

use madoguchi_core::program::Program;
use madoguchi_store::testing::{TEST_DATABASE_URL_VAR, TestDatabase, synthetic_program};
use madoguchi_store::{Store, StoreError};

#[tokio::main]
async fn main() -> Result<(), StoreError> {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|raw| raw.parse().ok())
        .unwrap_or(100_000);
    let programs: Vec<Program> = (0..count).map(synthetic_program).collect();
    let changed: Vec<Program> = programs
        .iter()
        .map(|p| Program {
            summary: format!("{}（改訂）", p.summary),
            ..p.clone()
        })
        .collect();
    println!("{count} synthetic programs");
    for db in TestDatabase::every_backend().await? {
        let store = db.migrated_store().await?;
        time(&store, "create", &programs).await?;
        time(&store, "unchanged", &programs).await?;
        time(&store, "update", &changed).await?;
        let started = Instant::now();
        let read = store.programs().await?.len();
        println!(
            "{:<10} read all   {read:>7} programs in {:>6.2} s",
            store.backend_name(),
            started.elapsed().as_secs_f64()
        );
        store.close().await;
    }
    if std::env::var(TEST_DATABASE_URL_VAR).is_err() {
        println!("(set {TEST_DATABASE_URL_VAR} to time PostgreSQL too)");
    }
    Ok(())
}

async fn time(store: &Store, what: &str, programs: &[Program]) -> Result<(), StoreError> {
    let started = Instant::now();
    let summary = store.save_programs(programs, "bench", &mut |_| {}).await?;
    println!(
        "{:<10} {what:<10} {:>7} programs in {:>6.2} s (created {}, updated {}, unchanged {})",
        store.backend_name(),
        programs.len(),
        started.elapsed().as_secs_f64(),
        summary.created,
        summary.updated,
        summary.unchanged
    );
    Ok(())
}
