//! How long the analytics dashboard takes for a year of data at 10,000 diagnoses a day: the
//! aggregates of 365 days are written through the store (as the counter's flushes would
//! leave them: every question, every demo program's views, clicks and four verdicts, and
//! the full daily cap of zero-result words), then `GET /console/analytics` for the whole
//! year is rendered RUNS times through the real router by a signed-in 閲覧 account.
//! Prints the row count and the median, p90 and slowest render; asserts nothing.
//!
//! `cargo run --release -p madoguchi-web --example analytics_bench -- [RUNS]
//! [--postgres postgres://…]` (see `benches/analytics/run.sh`).

#![allow(clippy::unwrap_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, header};
use http_body_util::BodyExt;
use madoguchi_core::analytics::{Count, MAX_WORDS_PER_DAY, Metric};
use madoguchi_core::calendar::JST;
use madoguchi_core::eligibility::Field;
use madoguchi_core::import::own;
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{DisplayName, Login, NewAccount, NewSession, Role};
use madoguchi_web::AppState;
use sha2::{Digest, Sha256};
use time::{Date, OffsetDateTime};
use tower::ServiceExt;

const DIAGNOSES_A_DAY: u64 = 10_000;
const DAYS: i64 = 365;

/// One day's aggregates, shaped like real use: most diagnoses finish, a few end in a
/// consultation, later questions are reached less often and some are left unanswered.
fn day_counts(day: Date, programs: &[String], seed: u64) -> Vec<Count> {
    let mut counts = Vec::new();
    let mut add = |metric, key: &str, n: u64| {
        counts.push(Count {
            day,
            metric,
            key: key.to_owned(),
            n,
        });
    };
    let wobble = seed % 500;
    add(Metric::DiagnosisStarted, "", DIAGNOSES_A_DAY + wobble);
    add(
        Metric::DiagnosisFinished,
        "",
        DIAGNOSES_A_DAY * 7 / 10 + wobble,
    );
    add(Metric::ConsultationFiled, "", 150 + wobble / 10);
    for (i, field) in Field::ALL.iter().enumerate() {
        let reached = DIAGNOSES_A_DAY * 10 / (10 + i as u64);
        add(Metric::QuestionReached, field.code(), reached);
        add(Metric::QuestionAnswered, field.code(), reached * 95 / 100);
    }
    for (i, id) in programs.iter().enumerate() {
        let i = i as u64 + 1;
        add(Metric::ProgramView, id, 3_000 / i + wobble);
        add(Metric::OfficialLinkClick, id, 300 / i);
        for (v, metric) in Metric::VERDICTS.iter().enumerate() {
            add(*metric, id, DIAGNOSES_A_DAY * 7 / 10 / (i + v as u64 + 1));
        }
    }
    for w in 0..MAX_WORDS_PER_DAY {
        add(
            Metric::ZeroResultSearch,
            &format!("見つからない言葉{w:03}"),
            1 + (w as u64 % 7),
        );
    }
    counts
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let postgres = args
        .iter()
        .position(|a| a == "--postgres")
        .and_then(|i| args.get(i + 1).cloned());
    let runs: usize = args
        .iter()
        .find(|a| a.parse::<usize>().is_ok())
        .map_or(20, |a| a.parse().unwrap());
    let db = match &postgres {
        Some(url) => TestDatabase::postgres(url).await.unwrap(),
        None => TestDatabase::sqlite().unwrap(),
    };
    let store = db.migrated_store().await.unwrap();
    let catalogue: Vec<_> = madoguchi_core::demo::CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect();
    store
        .save_programs(&catalogue, "bench", &mut |_| {})
        .await
        .unwrap();
    let programs: Vec<String> = catalogue.iter().map(|p| p.id.to_string()).collect();

    let today = OffsetDateTime::now_utc().to_offset(JST).date();
    let from = today - time::Duration::days(DAYS - 1);
    let filling = Instant::now();
    let mut rows = 0;
    for d in 0..DAYS {
        let counts = day_counts(from + time::Duration::days(d), &programs, d as u64 * 37);
        rows += counts.len();
        store.add_analytics(&counts).await.unwrap();
    }
    println!(
        "{}: {rows} aggregate rows for {DAYS} days ({} programs, {} questions), written in {:.1?}",
        store.backend_name(),
        programs.len(),
        Field::ALL.len(),
        filling.elapsed()
    );

    let account = store
        .create_account(&NewAccount {
            login: Login::parse("bench").unwrap(),
            display_name: DisplayName::parse("計測").unwrap(),
            role: Role::Viewer,
            // Never checked: the session below is made directly, as a sign-in would.
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$bm90dXNlZA$bm90dXNlZG5vdHVzZWQ"
                .to_owned(),
            must_change_password: false,
        })
        .await
        .unwrap();
    let token = "0".repeat(64);
    let now = OffsetDateTime::now_utc();
    store
        .create_session(
            &NewSession {
                token_hash: hex::encode(Sha256::digest(token.as_bytes())),
                subject: Some(account.id.clone()),
                csrf_token: "1".repeat(64),
                data: "{}".to_owned(),
                expires_at: now + time::Duration::hours(1),
            },
            now,
        )
        .await
        .unwrap();
    let router = madoguchi_web::router(AppState::load(store).await.unwrap());
    let path = format!("/console/analytics?from={from}&to={today}");
    let mut times: Vec<Duration> = Vec::new();
    let mut size = 0;
    for _ in 0..=runs {
        let request = Request::get(&path)
            .header(header::COOKIE, format!("madoguchi_staff={token}"))
            .body(Body::empty())
            .unwrap();
        let started = Instant::now();
        let response = router.clone().oneshot(request).await.unwrap();
        assert!(response.status().is_success(), "{}", response.status());
        let body = response.into_body().collect().await.unwrap().to_bytes();
        times.push(started.elapsed());
        size = body.len();
    }
    // The first request warms the connection pool and the template; it is not counted.
    times.remove(0);
    times.sort();
    let at = |q: usize| times[(times.len() * q / 100).min(times.len() - 1)];
    println!(
        "GET {path}: {runs} runs, {size} bytes; median {:.1?}, p90 {:.1?}, slowest {:.1?}",
        at(50),
        at(90),
        times[times.len() - 1]
    );
}
