//! How fast the matcher turns one program event into queued messages: SUBSCRIPTIONS confirmed
//! profile subscriptions (100,000 by default) on SQLite, or on PostgreSQL when a server URL is
//! given, one change to a demo program, and the time `match_pending` takes to judge every
//! profile, word each reached subscriber's message (reason line, links, text and HTML) and
//! write the messages to the outbox in one transaction.
//!
//! `cargo run --release -p madoguchi-web --example notice_enqueue -- [--subscriptions N]
//! [--postgres postgres://…]` (see `benches/notices/enqueue.sh`).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::Instant;

use madoguchi_core::import::own;
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::TestDatabase;
use madoguchi_web::AppState;
use madoguchi_web::notices::matcher::match_pending;
use time::OffsetDateTime;

const PROGRAM: &str = "demo-mie-dx-center";

/// Subscriptions made in the database itself: a quarter each in 津市, 鈴鹿市 (both reached),
/// 秋田市 and 千代田区 (not reached), with employee counts spread out.
fn insert_sql(postgres: bool, n: usize) -> String {
    let choices = r#"{"events":["new","changed","deadline14","deadline7"],"cadence":"instant","needs_info":false}"#;
    let town = "CASE i % 4 WHEN 0 THEN '242012' WHEN 1 THEN '242071' WHEN 2 THEN '052019' ELSE '131016' END";
    let criteria = format!(
        r#"'{{"profile":{{"municipality":"' || {town} || '","employees":' || (i % 300) || '}}}}'"#
    );
    if postgres {
        format!(
            "INSERT INTO notice_subscriptions (id, channel, address, criteria, choices, state, \
             created_at, updated_at) SELECT lpad(i::text, 32, '0'), 'email', \
             'user' || i || '@example.jp', {criteria}, '{choices}', 'active', now(), now() \
             FROM generate_series(1, {n}) AS s(i)"
        )
    } else {
        format!(
            "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {n}) \
             INSERT INTO notice_subscriptions (id, channel, address, criteria, choices, state, \
             created_at, updated_at) SELECT printf('%032d', i), 'email', \
             'user' || i || '@example.jp', {criteria}, '{choices}', 'active', \
             '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z' FROM s"
        )
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1).cloned())
    };
    let n: usize = value("--subscriptions").map_or(100_000, |v| v.parse().unwrap());
    let postgres = value("--postgres");
    let db = match &postgres {
        Some(url) => TestDatabase::postgres(url).await.unwrap(),
        None => TestDatabase::sqlite().unwrap(),
    };
    let store = db.migrated_store().await.unwrap();
    let catalogue: Vec<Program> = madoguchi_core::demo::CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect();
    store
        .save_programs(&catalogue, "bench", &mut |_| {})
        .await
        .unwrap();
    let state = AppState::load(store.clone())
        .await
        .unwrap()
        .with_public_url("https://city.example.jp");
    // The catalogue's own `new` events, while nobody has subscribed.
    match_pending(&state, OffsetDateTime::now_utc())
        .await
        .unwrap();
    db.execute_sql(&insert_sql(postgres.is_some(), n))
        .await
        .unwrap();

    let id = ProgramId::parse(PROGRAM).unwrap();
    let mut program = store.program(&id).await.unwrap().unwrap();
    program.amount.max = Some(madoguchi_core::program::Yen::from_u64(12_340_000));
    store.save_program(&program, "bench").await.unwrap();

    let started = Instant::now();
    let report = match_pending(&state, OffsetDateTime::now_utc())
        .await
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    let queued = store.outbox_counts().await.unwrap().queued;
    println!(
        "{}: {n} subscriptions, {} messages queued ({} in the outbox) in {took:.2} s: \
         {:.0} subscriptions/s matched and {:.0} messages/s enqueued",
        db.backend_name(),
        report.messages,
        queued,
        n as f64 / took,
        report.messages as f64 / took,
    );
}
