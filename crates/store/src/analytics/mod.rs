//! The aggregate counts behind the staff dashboard: one row per JST day, metric and key
//! (see `madoguchi_core::analytics`), added to in batches and summed over periods.
//!
//! Writes are upserts (`n = n + excluded.n`) in one transaction per batch, in key order, so
//! that two processes flushing at once never lock rows in opposite orders. A metric with a
//! cap on its keys (search words) counts a new key past the day's cap under the overflow
//! key, here as in memory, so that no process can grow a day's words without bound.
//!
//! Every batch also adds to two roll-ups in the same transaction (migration 16): per month,
//! metric and key, and per day and metric summed over the keys. They are never written on
//! their own, so they always agree with the daily rows. Reads are sums, never a scan of
//! visits: the trends read the day totals; the lists read whole months from the monthly
//! roll-up and only the partial months at a period's ends from the daily rows (`months`).
//! A year is then about 30,000 rows instead of 257,000. The notices' own tables give the
//! figures of notices.

mod months;

use std::collections::BTreeMap;

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

const ADD_TO_MONTH: &str =
    "INSERT INTO analytics_month_counts (month, metric, key, n) VALUES ($1, $2, $3, $4)
     ON CONFLICT (metric, month, key) DO UPDATE SET n = analytics_month_counts.n + excluded.n";

const ADD_TO_DAY_TOTAL: &str =
    "INSERT INTO analytics_day_totals (day, metric, n) VALUES ($1, $2, $3)
     ON CONFLICT (metric, day) DO UPDATE SET n = analytics_day_totals.n + excluded.n";

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
        // The roll-ups' shares of the batch, summed first so that each of their rows is
        // written once, and in key order like the daily rows.
        let mut months: BTreeMap<(String, &str, String), i64> = BTreeMap::new();
        let mut day_totals: BTreeMap<(String, &str), i64> = BTreeMap::new();
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
            // Under the key the daily row got, overflow included, so that both agree.
            let month = (
                months::month_of(&day).to_owned(),
                c.metric.code(),
                key.to_owned(),
            );
            let in_month = months.entry(month).or_default();
            *in_month = in_month.saturating_add(signed(c.n));
            let total = day_totals.entry((day, c.metric.code())).or_default();
            *total = total.saturating_add(signed(c.n));
        }
        for ((month, metric, key), n) in months {
            query(ADD_TO_MONTH)
                .bind(month)
                .bind(metric)
                .bind(key)
                .bind(n)
                .execute(tx.db())
                .await?;
        }
        for ((day, metric), n) in day_totals {
            query(ADD_TO_DAY_TOTAL)
                .bind(day)
                .bind(metric)
                .bind(n)
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
                "SELECT day, n FROM analytics_day_totals
                 WHERE metric = $1 AND day >= $2 AND day <= $3
                 ORDER BY day",
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

    /// Every keyed count from `from` to `to` (both included), summed per metric and key,
    /// in that order. Rows of metrics this build does not know are skipped.
    pub async fn analytics_by_key(
        &self,
        from: Date,
        to: Date,
    ) -> Result<Vec<KeyTotal>, StoreError> {
        let cut = months::cut(from, to);
        let mut sums: BTreeMap<(String, String), i64> = BTreeMap::new();
        if let Some((first, last)) = &cut.months {
            self.add_keyed_sums(&mut sums, "analytics_month_counts", "month", first, last)
                .await?;
        }
        for (first, last) in &cut.days {
            let (first, last) = (first.to_string(), last.to_string());
            self.add_keyed_sums(&mut sums, "analytics_counts", "day", &first, &last)
                .await?;
        }
        Ok(sums
            .into_iter()
            .filter_map(|((metric, key), n)| {
                Some(KeyTotal {
                    metric: Metric::parse(&metric).ok()?,
                    key,
                    n: count(n),
                })
            })
            .collect())
    }

    /// Adds to `sums` the keyed metrics' rows of `table` whose `column` (a day or a month,
    /// as text) lies from `first` to `last`, both included.
    async fn add_keyed_sums(
        &self,
        sums: &mut BTreeMap<(String, String), i64>,
        table: &str,
        column: &str,
        first: &str,
        last: &str,
    ) -> Result<(), StoreError> {
        // The table, the column and the codes are this module's constants, never input.
        let codes: Vec<String> = KEYED.iter().map(|m| format!("'{}'", m.code())).collect();
        let sql = format!(
            "SELECT metric, key, CAST(SUM(n) AS BIGINT) FROM {table}
             WHERE metric IN ({}) AND {column} >= $1 AND {column} <= $2
             GROUP BY metric, key",
            codes.join(", ")
        );
        let rows: Vec<(String, String, i64)> = query(&sql)
            .bind(first)
            .bind(last)
            .fetch_all(self.db())
            .await?;
        for (metric, key, n) in rows {
            let sum = sums.entry((metric, key)).or_default();
            *sum = sum.saturating_add(n);
        }
        Ok(())
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
