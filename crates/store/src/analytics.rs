//! The aggregate counts behind the staff dashboard: one row per JST day, metric and key
//! (see `madoguchi_core::analytics`), added to in batches and summed over periods.
//!
//! Writes are upserts (`n = n + excluded.n`) in one transaction per batch, in key order, so
//! that two processes flushing at once never lock rows in opposite orders. A metric with a
//! cap on its keys (search words) counts a new key past the day's cap under the overflow
//! key, here as in memory, so that no process can grow a day's words without bound.
//!
//! Reads are sums, never a scan of visits: per day and metric for the trends, per metric
//! and key for the lists. The notices' own tables give the figures of notices.

use madoguchi_core::analytics::{Count, DayTotal, KeyTotal, Metric, NoticeTotals, OVERFLOW_WORDS};
use madoguchi_core::calendar::JST;
use time::{Date, Duration, Time};

use crate::db::{WriteLock, query};
use crate::timestamp::whole_second_utc;
use crate::{Store, StoreError};

/// The metrics counted per key, which the lists read; the others are only drawn per day.
const KEYED: [Metric; 9] = [
    Metric::QuestionReached,
    Metric::QuestionAnswered,
    Metric::VerdictEligible,
    Metric::VerdictConditional,
    Metric::VerdictNeedsInfo,
    Metric::VerdictIneligible,
    Metric::ZeroResultSearch,
    Metric::ProgramView,
    Metric::OfficialLinkClick,
];

const ADD: &str = "INSERT INTO analytics_counts (day, metric, key, n) VALUES ($1, $2, $3, $4)
     ON CONFLICT (day, metric, key) DO UPDATE SET n = analytics_counts.n + excluded.n";

fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

/// Days are `YYYY-MM-DD` text on both backends, so that a range of days is a range of text.
fn read_day(text: &str) -> Result<Date, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format).map_err(|_| {
        StoreError::InvalidDesk(format!(
            "集計の日付「{text}」を読めません。データベースが壊れているおそれがあります"
        ))
    })
}

impl Store {
    /// Adds `counts` to the stored aggregates, all or none.
    pub async fn add_analytics(&self, counts: &[Count]) -> Result<(), StoreError> {
        if counts.is_empty() {
            return Ok(());
        }
        let mut sorted: Vec<&Count> = counts.iter().collect();
        sorted.sort_by(|a, b| (a.day, a.metric, &a.key).cmp(&(b.day, b.metric, &b.key)));
        let mut tx = self.backend.begin_write(WriteLock::Analytics).await?;
        for c in sorted {
            let day = c.day.to_string();
            let mut key = c.key.as_str();
            if let Some(cap) = c.metric.key_cap() {
                let known: Option<i64> = query(
                    "SELECT n FROM analytics_counts WHERE day = $1 AND metric = $2 AND key = $3",
                )
                .bind(day.as_str())
                .bind(c.metric.code())
                .bind(key)
                .fetch_optional_scalar(tx.db())
                .await?;
                if known.is_none() {
                    let keys: i64 = query(
                        "SELECT COUNT(*) FROM analytics_counts WHERE day = $1 AND metric = $2",
                    )
                    .bind(day.as_str())
                    .bind(c.metric.code())
                    .fetch_scalar(tx.db())
                    .await?;
                    if count(keys) >= u64::try_from(cap).unwrap_or(u64::MAX) {
                        key = OVERFLOW_WORDS;
                    }
                }
            }
            query(ADD)
                .bind(day.as_str())
                .bind(c.metric.code())
                .bind(key)
                .bind(signed(c.n))
                .execute(tx.db())
                .await?;
        }
        tx.commit().await
    }

    /// Each metric of `metrics` summed over its keys, per day from `from` to `to` (both
    /// included); days without counts are left out.
    pub async fn analytics_by_day(
        &self,
        from: Date,
        to: Date,
        metrics: &[Metric],
    ) -> Result<Vec<DayTotal>, StoreError> {
        let mut totals = Vec::new();
        for metric in metrics {
            let rows: Vec<(String, i64)> = query(
                "SELECT day, CAST(SUM(n) AS BIGINT) FROM analytics_counts
                 WHERE metric = $1 AND day >= $2 AND day <= $3
                 GROUP BY day ORDER BY day",
            )
            .bind(metric.code())
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(self.db())
            .await?;
            for (day, n) in rows {
                totals.push(DayTotal {
                    day: read_day(&day)?,
                    metric: *metric,
                    n: count(n),
                });
            }
        }
        Ok(totals)
    }

    /// Every keyed count from `from` to `to` (both included), summed per metric and key.
    /// Rows of metrics this build does not know are skipped.
    pub async fn analytics_by_key(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<KeyTotal>, StoreError> {
        // The codes are this crate's constants, never input.
        let codes: Vec<String> = KEYED.iter().map(|m| format!("'{}'", m.code())).collect();
        let sql = format!(
            "SELECT metric, key, CAST(SUM(n) AS BIGINT) FROM analytics_counts
             WHERE metric IN ({}) AND day >= $1 AND day <= $2
             GROUP BY metric, key",
            codes.join(", ")
        );
        let rows: Vec<(String, String, i64)> = query(&sql)
            .bind(from.to_string())
            .bind(to.to_string())
            .fetch_all(self.db())
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(metric, key, n)| {
                Some(KeyTotal {
                    metric: Metric::parse(&metric).ok()?,
                    key,
                    n: count(n),
                })
            })
            .collect())
    }

    /// Notices sent (messages of a notice handed to their channel) and clicks on their
    /// links, from `from` to `to` (JST days, both included).
    pub async fn notice_totals(&self, from: Date, to: Date) -> Result<NoticeTotals, StoreError> {
        let start = |day: Date| whole_second_utc(day.with_time(Time::MIDNIGHT).assume_offset(JST));
        let sent: i64 = query(
            "SELECT COUNT(*) FROM notice_outbox
             WHERE state = 'sent' AND notice_id IS NOT NULL AND sent_at >= $1 AND sent_at < $2",
        )
        .bind(start(from))
        .bind(start(to + Duration::days(1)))
        .fetch_scalar(self.db())
        .await?;
        let clicks: i64 = query(
            "SELECT CAST(COALESCE(SUM(clicks), 0) AS BIGINT) FROM notice_clicks
             WHERE day >= $1 AND day <= $2",
        )
        .bind(from.to_string())
        .bind(to.to_string())
        .fetch_scalar(self.db())
        .await?;
        Ok(NoticeTotals {
            sent: count(sent),
            clicks: count(clicks),
        })
    }
}
