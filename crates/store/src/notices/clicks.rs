//! Clicks on the tracked links of notices, kept in aggregate: a count per link, channel and
//! JST day, and beside it the number of distinct recipients. A recipient is known only by
//! an opaque mark (an HMAC of the link and the recipient, made by the web layer), kept per
//! link just to count it once. Which subscription clicked is stored only when staff turned
//! on [`RECORD_SUBSCRIBER_CLICKS`] and the link named it.

use madoguchi_core::calendar::JST;
use time::{Date, OffsetDateTime};

use crate::db::{WriteLock, query};
use crate::timestamp::whole_second_utc;
use crate::{Store, StoreError};

/// The setting that lets the redirect store which subscription clicked (`true`); off when
/// never set.
pub const RECORD_SUBSCRIBER_CLICKS: &str = "notices.record_subscriber_clicks";

/// The channels a click is counted under; `unknown` when the link's token did not say.
pub const CLICK_CHANNELS: [&str; 4] = ["email", "line", "webhook", "unknown"];

/// One click to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Click<'a> {
    pub link_id: &'a str,
    /// One of [`CLICK_CHANNELS`].
    pub channel: &'a str,
    /// The recipient's opaque mark for this link, when the token proved it genuine: the
    /// first click with a mark counts as a unique one.
    pub mark: Option<&'a str>,
    /// The subscription that clicked: only while [`RECORD_SUBSCRIBER_CLICKS`] is on.
    pub subscriber: Option<&'a str>,
}

/// A link's clicks on one channel on one JST day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClickCount {
    pub channel: String,
    pub day: Date,
    pub clicks: u64,
    pub unique_clicks: u64,
}

/// Days are kept as `YYYY-MM-DD` text on both backends.
pub(crate) fn day_text(at: OffsetDateTime) -> String {
    at.to_offset(JST).date().to_string()
}

pub(crate) fn parse_day(text: &str) -> Result<Date, StoreError> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(text, format).map_err(|_| {
        StoreError::InvalidDesk(format!(
            "クリック数の日付「{text}」を読めません。データベースが壊れているおそれがあります"
        ))
    })
}

pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or_default()
}

impl Store {
    /// Counts one click at `at`. Returns whether it was the recipient's first on this link
    /// (a unique click); a click without a mark is never unique.
    pub async fn record_click(
        &self,
        click: &Click<'_>,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        if !CLICK_CHANNELS.contains(&click.channel) {
            return Err(StoreError::InvalidDesk(format!(
                "クリックの経路「{}」は扱えません",
                click.channel
            )));
        }
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let first = match click.mark {
            Some(mark) => {
                query(
                    "INSERT INTO notice_click_tokens (link_id, token) VALUES ($1, $2)
                     ON CONFLICT (link_id, token) DO NOTHING",
                )
                .bind(click.link_id)
                .bind(mark)
                .execute(tx.db())
                .await?
                    > 0
            }
            None => false,
        };
        query(
            "INSERT INTO notice_clicks (link_id, channel, day, clicks, unique_clicks)
             VALUES ($1, $2, $3, 1, $4)
             ON CONFLICT (link_id, channel, day) DO UPDATE
             SET clicks = notice_clicks.clicks + 1,
                 unique_clicks = notice_clicks.unique_clicks + excluded.unique_clicks",
        )
        .bind(click.link_id)
        .bind(click.channel)
        .bind(day_text(at))
        .bind(i64::from(first))
        .execute(tx.db())
        .await?;
        if let Some(subscriber) = click.subscriber {
            query(
                "INSERT INTO notice_click_subscribers (link_id, subscription_id, clicked_at)
                 VALUES ($1, $2, $3)
                 ON CONFLICT (link_id, subscription_id) DO NOTHING",
            )
            .bind(click.link_id)
            .bind(subscriber)
            .bind(whole_second_utc(at))
            .execute(tx.db())
            .await?;
        }
        tx.commit().await?;
        Ok(first)
    }

    /// The clicks on link `link_id`, by day and channel.
    pub async fn link_clicks(&self, link_id: &str) -> Result<Vec<ClickCount>, StoreError> {
        let rows: Vec<(String, String, i64, i64)> = query(
            "SELECT channel, day, clicks, unique_clicks FROM notice_clicks
             WHERE link_id = $1 ORDER BY day, channel",
        )
        .bind(link_id)
        .fetch_all(self.db())
        .await?;
        rows.into_iter()
            .map(|(channel, day, clicks, unique_clicks)| {
                Ok(ClickCount {
                    channel,
                    day: parse_day(&day)?,
                    clicks: count(clicks),
                    unique_clicks: count(unique_clicks),
                })
            })
            .collect()
    }

    /// The subscriptions recorded as having clicked link `link_id` (only ever filled while
    /// [`RECORD_SUBSCRIBER_CLICKS`] was on).
    pub async fn link_click_subscribers(&self, link_id: &str) -> Result<Vec<String>, StoreError> {
        query(
            "SELECT subscription_id FROM notice_click_subscribers
             WHERE link_id = $1 ORDER BY subscription_id",
        )
        .bind(link_id)
        .fetch_all_scalars(self.db())
        .await
    }

    /// Whether staff turned on recording which subscription clicked (off by default).
    pub async fn records_subscriber_clicks(&self) -> Result<bool, StoreError> {
        Ok(self
            .setting(RECORD_SUBSCRIBER_CLICKS)
            .await?
            .is_some_and(|s| s.value.trim() == "true"))
    }
}
