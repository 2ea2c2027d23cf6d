//! The conformance suite for the dashboard's aggregates: batches of counts add up per JST
//! day, metric and key; sums come back per day and per key for a period, both ends
//! included; search words past a day's cap are counted together however many batches
//! bring them; the notices' figures are read from their own tables; the roll-ups (months
//! per key, days per metric) read exactly what the daily rows read, partial months
//! included, and are backfilled from daily rows already there. Run against every backend
//! like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use madoguchi_core::analytics::{
    Count, DayTotal, KeyTotal, MAX_WORDS_PER_DAY, Metric, NoticeTotals, OVERFLOW_WORDS,
};
use madoguchi_store::Store;
use madoguchi_store::testing::TestDatabase;
use time::macros::date;
use time::{Date, Duration};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn count(day: Date, metric: Metric, key: &str, n: u64) -> Count {
    Count {
        day,
        metric,
        key: key.to_owned(),
        n,
    }
}

const MONDAY: Date = date!(2026 - 08 - 17);
const TUESDAY: Date = date!(2026 - 08 - 18);
const WEDNESDAY: Date = date!(2026 - 08 - 19);

#[tokio::test]
async fn batches_add_up_and_come_back_summed_per_day_and_per_key() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let batch = [
            count(MONDAY, Metric::DiagnosisStarted, "", 7),
            count(MONDAY, Metric::ProgramView, "jizokuka", 3),
            count(MONDAY, Metric::ProgramView, "it-donyu", 2),
            count(TUESDAY, Metric::ProgramView, "jizokuka", 4),
            count(WEDNESDAY, Metric::ProgramView, "jizokuka", 100),
        ];
        store.add_analytics(&batch).await.unwrap();
        store
            .add_analytics(&[count(MONDAY, Metric::DiagnosisStarted, "", 5)])
            .await
            .unwrap();
        store.add_analytics(&[]).await.unwrap();

        let days = store
            .analytics_by_day(
                MONDAY,
                TUESDAY,
                &[Metric::DiagnosisStarted, Metric::ProgramView],
            )
            .await
            .unwrap();
        let day = |day, metric, n| DayTotal { day, metric, n };
        assert_eq!(
            days,
            [
                day(MONDAY, Metric::DiagnosisStarted, 12),
                day(MONDAY, Metric::ProgramView, 5),
                day(TUESDAY, Metric::ProgramView, 4),
            ],
            "{}",
            db.backend_name()
        );

        let mut keys = store.analytics_by_key(MONDAY, TUESDAY).await.unwrap();
        keys.sort_by(|a, b| a.key.cmp(&b.key));
        let key = |key: &str, n| KeyTotal {
            metric: Metric::ProgramView,
            key: key.to_owned(),
            n,
        };
        // Unkeyed metrics are only read per day; Wednesday is outside the period.
        assert_eq!(keys, [key("it-donyu", 2), key("jizokuka", 7)]);
    }
}

#[tokio::test]
async fn search_words_past_the_days_cap_are_counted_together_across_batches() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let first: Vec<Count> = (0..MAX_WORDS_PER_DAY)
            .map(|i| count(MONDAY, Metric::ZeroResultSearch, &format!("語{i:03}"), 1))
            .collect();
        store.add_analytics(&first).await.unwrap();
        store
            .add_analytics(&[
                count(MONDAY, Metric::ZeroResultSearch, "語000", 1),
                count(MONDAY, Metric::ZeroResultSearch, "ドローン", 2),
                count(MONDAY, Metric::ZeroResultSearch, "農業 dx", 3),
                // Another day has its own cap.
                count(TUESDAY, Metric::ZeroResultSearch, "ドローン", 1),
            ])
            .await
            .unwrap();
        let words = store.analytics_by_key(MONDAY, MONDAY).await.unwrap();
        assert_eq!(words.len(), MAX_WORDS_PER_DAY + 1, "{}", db.backend_name());
        let n_of = |key: &str| words.iter().find(|w| w.key == key).map(|w| w.n);
        assert_eq!(n_of("語000"), Some(2));
        assert_eq!(n_of(OVERFLOW_WORDS), Some(5));
        assert_eq!(n_of("ドローン"), None);
        let tuesday = store.analytics_by_key(TUESDAY, TUESDAY).await.unwrap();
        assert_eq!(tuesday[0].key, "ドローン");
    }
}

#[tokio::test]
async fn a_period_without_counts_reads_as_nothing() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        assert!(
            store
                .analytics_by_day(MONDAY, WEDNESDAY, Metric::ALL)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            store
                .analytics_by_key(MONDAY, WEDNESDAY)
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store.notice_totals(MONDAY, WEDNESDAY).await.unwrap(),
            NoticeTotals::default()
        );
    }
}

#[tokio::test]
async fn notices_sent_and_clicked_are_counted_by_japan_days() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        // 15:00 UTC on the 16th is already Monday the 17th in Japan; 15:00 UTC on the 19th
        // is Thursday there, after the period.
        db.execute_sql(
            "INSERT INTO notice_outbox (key, channel, recipient, message, state, next_attempt_at,
                 created_at, sent_at, notice_id) VALUES
             ('a', 'email', 'a@example.jp', '{}', 'sent', '2026-08-16 15:00:00+00:00',
                 '2026-08-16 15:00:00+00:00', '2026-08-16 15:00:00+00:00', 'n1'),
             ('b', 'email', 'b@example.jp', '{}', 'sent', '2026-08-18 01:00:00+00:00',
                 '2026-08-18 01:00:00+00:00', '2026-08-18 01:00:00+00:00', 'n1'),
             ('c', 'email', 'c@example.jp', '{}', 'sent', '2026-08-19 15:00:00+00:00',
                 '2026-08-19 15:00:00+00:00', '2026-08-19 15:00:00+00:00', 'n1'),
             ('d', 'email', 'd@example.jp', '{}', 'queued', '2026-08-18 01:00:00+00:00',
                 '2026-08-18 01:00:00+00:00', NULL, 'n1'),
             ('e', 'email', 'e@example.jp', '{}', 'sent', '2026-08-18 01:00:00+00:00',
                 '2026-08-18 01:00:00+00:00', '2026-08-18 01:00:00+00:00', NULL)",
        )
        .await
        .unwrap();
        db.execute_sql(
            "INSERT INTO notice_clicks (link_id, channel, day, clicks, unique_clicks) VALUES
             ('l1', 'email', '2026-08-17', 4, 3),
             ('l1', 'line', '2026-08-19', 2, 2),
             ('l1', 'email', '2026-08-20', 9, 9)",
        )
        .await
        .unwrap();
        assert_eq!(
            store.notice_totals(MONDAY, WEDNESDAY).await.unwrap(),
            NoticeTotals { sent: 2, clicks: 6 },
            "{}",
            db.backend_name()
        );
    }
}

/// From the 20th of January to the 10th of April 2026: partial and whole months on either
/// side of any period inside it.
const FIRST_DAY: Date = date!(2026 - 01 - 20);
const DAYS: i64 = 81;

/// Counts that differ from day to day and key to key, in two batches a day (as two
/// flushes would write them), with more search words on some days than the cap allows, so
/// that the overflow key reaches the roll-ups too.
async fn write_days_of_counts(store: &Store) {
    for d in 0..DAYS {
        let day = FIRST_DAY + Duration::days(d);
        let n = u64::try_from(d).unwrap();
        let mut counts = vec![
            count(day, Metric::DiagnosisStarted, "", 100 + n),
            count(day, Metric::DiagnosisFinished, "", 70 + n % 9),
            count(day, Metric::QuestionReached, "employees", 50 + n % 4),
            count(day, Metric::QuestionAnswered, "employees", 45),
        ];
        for p in 0..5 {
            counts.push(count(day, Metric::ProgramView, &format!("p{p}"), n % 7 + p));
            counts.push(count(
                day,
                Metric::VerdictEligible,
                &format!("p{p}"),
                p * 3 + 1,
            ));
        }
        let words = if d % 10 == 0 {
            MAX_WORDS_PER_DAY + 3
        } else {
            4
        };
        for w in 0..words {
            counts.push(count(
                day,
                Metric::ZeroResultSearch,
                &format!("語{w:03}"),
                1,
            ));
        }
        let later = counts.split_off(counts.len() / 2);
        store.add_analytics(&counts).await.unwrap();
        store.add_analytics(&later).await.unwrap();
    }
}

/// The period's keyed sums as the daily rows alone give them: one day at a time, since a
/// single day never fills a month.
async fn by_key_from_days(store: &Store, from: Date, to: Date) -> Vec<KeyTotal> {
    let mut sums: BTreeMap<(&'static str, String), (Metric, u64)> = BTreeMap::new();
    let mut day = from;
    while day <= to {
        for total in store.analytics_by_key(day, day).await.unwrap() {
            sums.entry((total.metric.code(), total.key))
                .or_insert((total.metric, 0))
                .1 += total.n;
        }
        day += Duration::days(1);
    }
    sorted(
        sums.into_iter()
            .map(|((_, key), (metric, n))| KeyTotal { metric, key, n })
            .collect(),
    )
}

fn sorted(mut keys: Vec<KeyTotal>) -> Vec<KeyTotal> {
    keys.sort_by(|a, b| (a.metric.code(), &a.key).cmp(&(b.metric.code(), &b.key)));
    keys
}

#[tokio::test]
async fn whole_months_from_the_roll_up_and_partial_ones_from_the_days_sum_as_the_days_do() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        write_days_of_counts(&store).await;
        for (from, to) in [
            // A partial January, whole February and March, a partial April.
            (date!(2026 - 01 - 25), date!(2026 - 04 - 05)),
            // Whole months only.
            (date!(2026 - 02 - 01), date!(2026 - 03 - 31)),
            // Within one month, and across two without a whole one.
            (date!(2026 - 02 - 03), date!(2026 - 02 - 17)),
            (date!(2026 - 02 - 20), date!(2026 - 03 - 04)),
            // Ends beyond the counted days.
            (date!(2025 - 12 - 01), date!(2026 - 04 - 30)),
        ] {
            let read = sorted(store.analytics_by_key(from, to).await.unwrap());
            assert_eq!(
                read,
                by_key_from_days(&store, from, to).await,
                "{} {from}..{to}",
                db.backend_name()
            );
            assert!(read.iter().any(|k| k.key == OVERFLOW_WORDS));
        }

        // The day totals are each day's keys summed, for keyed and unkeyed metrics alike.
        let (from, to) = (date!(2026 - 01 - 25), date!(2026 - 04 - 05));
        let days = store
            .analytics_by_day(
                from,
                to,
                &[Metric::DiagnosisStarted, Metric::ZeroResultSearch],
            )
            .await
            .unwrap();
        assert_eq!(days.len(), 2 * 71, "{}", db.backend_name());
        for total in &days {
            let expected = if total.metric == Metric::DiagnosisStarted {
                100 + u64::try_from((total.day - FIRST_DAY).whole_days()).unwrap()
            } else {
                by_key_from_days(&store, total.day, total.day)
                    .await
                    .iter()
                    .filter(|k| k.metric == Metric::ZeroResultSearch)
                    .map(|k| k.n)
                    .sum()
            };
            assert_eq!(total.n, expected, "{} {total:?}", db.backend_name());
        }
    }
}

#[tokio::test]
async fn the_roll_ups_are_backfilled_from_the_daily_rows_already_there() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        write_days_of_counts(&store).await;
        let (from, to) = (date!(2026 - 01 - 25), date!(2026 - 04 - 05));
        let keys = sorted(store.analytics_by_key(from, to).await.unwrap());
        let days = store.analytics_by_day(from, to, Metric::ALL).await.unwrap();

        // As a database from before the roll-ups would be: the daily rows alone.
        db.execute_sql(
            "DROP TABLE analytics_month_counts;
             DROP TABLE analytics_day_totals;
             DELETE FROM madoguchi_migrations WHERE version = 16;",
        )
        .await
        .unwrap();
        store.migrate().await.unwrap();

        assert_eq!(
            sorted(store.analytics_by_key(from, to).await.unwrap()),
            keys,
            "{}",
            db.backend_name()
        );
        assert_eq!(
            store.analytics_by_day(from, to, Metric::ALL).await.unwrap(),
            days,
            "{}",
            db.backend_name()
        );
    }
}
