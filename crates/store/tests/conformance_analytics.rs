//! The conformance suite for the dashboard's aggregates: batches of counts add up per JST
//! day, metric and key; sums come back per day and per key for a period, both ends
//! included; search words past a day's cap are counted together however many batches
//! bring them; and the notices' figures are read from their own tables. Run against every
//! backend like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use madoguchi_core::analytics::{
    Count, DayTotal, KeyTotal, MAX_WORDS_PER_DAY, Metric, NoticeTotals, OVERFLOW_WORDS,
};
use madoguchi_store::testing::TestDatabase;
use time::Date;
use time::macros::date;

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
