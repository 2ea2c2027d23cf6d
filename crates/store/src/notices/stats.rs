//! The figures staff read about notices: for each one, how many messages went out, wait,
//! failed for good, went to people who have since unsubscribed, and how often its links
//! were clicked — in all and per channel, per link and per JST day.
//!
//! Everything is counted from what delivery and the redirect already keep (the outbox rows
//! of the notice and the click aggregates of its links), so the figures need no writes of
//! their own. An unsubscribed recipient is a sent row whose subscription is gone: deleting
//! a subscription blanks the address of its sent rows (and unlinks them), so a sent row
//! with no address, or whose subscription no longer exists, counts as unsubscribed.

use time::OffsetDateTime;

use super::clicks::{count, parse_day};
use crate::db::{Query, query};
use crate::{Store, StoreError};

/// A notice's (or one channel's) figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeFigures {
    /// Messages handed to their channel (the outbox's `sent`); for e-mail, accepted by the
    /// server, which is as far as delivery can be known.
    pub sent: u64,
    /// Messages still queued or being sent.
    pub waiting: u64,
    /// Messages that failed for good (dead letters).
    pub failed: u64,
    /// Sent messages whose subscriber has since unsubscribed.
    pub unsubscribed: u64,
    pub clicks: u64,
    /// Distinct recipients per link, summed over the notice's links.
    pub unique_clicks: u64,
}

impl NoticeFigures {
    /// Unique clicks per sent message, in per mille (‰), or `None` before anything was
    /// sent. A recipient who opens two different links of one notice counts on each, so
    /// the rate of a notice with several links can pass 100%.
    pub fn click_rate_per_mille(&self) -> Option<u64> {
        (self.sent > 0).then(|| self.unique_clicks * 1000 / self.sent)
    }

    fn add(&mut self, other: &Self) {
        self.sent += other.sent;
        self.waiting += other.waiting;
        self.failed += other.failed;
        self.unsubscribed += other.unsubscribed;
        self.clicks += other.clicks;
        self.unique_clicks += other.unique_clicks;
    }
}

/// One notice with its figures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeSummary {
    pub id: String,
    /// `program` or `staff`.
    pub kind: String,
    pub title: String,
    /// `draft`, `pending_approval`, `scheduled` or `sent`.
    pub state: String,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
    pub figures: NoticeFigures,
}

/// One channel's part of a notice (`email`, `line`, `webhook`; clicks whose channel is not
/// known come under `unknown`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChannelFigures {
    pub channel: String,
    pub figures: NoticeFigures,
}

/// One link of a notice and its clicks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkFigures {
    pub link_id: String,
    pub url: String,
    pub clicks: u64,
    pub unique_clicks: u64,
}

/// A notice's clicks on one JST day through one channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayFigures {
    pub day: time::Date,
    pub channel: String,
    pub clicks: u64,
    pub unique_clicks: u64,
}

/// Everything staff see about one notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeReport {
    pub notice: NoticeSummary,
    /// By channel, in the order email, line, webhook, unknown.
    pub channels: Vec<ChannelFigures>,
    pub links: Vec<LinkFigures>,
    /// Oldest day first.
    pub days: Vec<DayFigures>,
}

/// `(id, kind, title, state, created_at, sent_at)`.
type NoticeRow = (
    String,
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

/// `(notice_id, channel, sent, waiting, failed, unsubscribed)`.
type OutboxFiguresRow = (String, String, i64, i64, i64, i64);

/// `(notice_id, channel, clicks, unique_clicks)`.
type ClickFiguresRow = (String, String, i64, i64);

const NOTICE_COLUMNS: &str = "id, kind, title, state, created_at, sent_at";

/// The outbox's figures of the notices `scope` selects (a subquery of notice ids).
fn outbox_figures_sql(scope: &str) -> String {
    format!(
        "SELECT o.notice_id, o.channel,
             SUM(CASE WHEN o.state = 'sent' THEN 1 ELSE 0 END),
             SUM(CASE WHEN o.state IN ('queued', 'sending') THEN 1 ELSE 0 END),
             SUM(CASE WHEN o.state = 'dead' THEN 1 ELSE 0 END),
             SUM(CASE WHEN o.state = 'sent' AND (o.recipient = ''
                     OR (o.subscription_id IS NOT NULL AND NOT EXISTS (
                         SELECT 1 FROM notice_subscriptions s WHERE s.id = o.subscription_id)))
                 THEN 1 ELSE 0 END)
         FROM notice_outbox o
         WHERE o.notice_id IN ({scope})
         GROUP BY o.notice_id, o.channel"
    )
}

/// The click figures of the notices `scope` selects, per channel.
fn click_figures_sql(scope: &str) -> String {
    format!(
        "SELECT l.notice_id, c.channel,
             CAST(SUM(c.clicks) AS BIGINT), CAST(SUM(c.unique_clicks) AS BIGINT)
         FROM notice_clicks c JOIN notice_links l ON l.id = c.link_id
         WHERE l.notice_id IN ({scope})
         GROUP BY l.notice_id, c.channel"
    )
}

/// Channels in the order pages list them.
fn channel_rank(channel: &str) -> usize {
    super::clicks::CLICK_CHANNELS
        .iter()
        .position(|c| *c == channel)
        .unwrap_or(usize::MAX)
}

/// Figures per (notice, channel), from the two queries' rows.
fn per_channel(
    outbox: Vec<OutboxFiguresRow>,
    clicks: Vec<ClickFiguresRow>,
) -> Vec<(String, ChannelFigures)> {
    let mut all: Vec<(String, ChannelFigures)> = Vec::new();
    let mut entry = |notice: String, channel: String| -> usize {
        match all
            .iter()
            .position(|(n, c)| *n == notice && c.channel == channel)
        {
            Some(i) => i,
            None => {
                all.push((
                    notice,
                    ChannelFigures {
                        channel,
                        figures: NoticeFigures::default(),
                    },
                ));
                all.len() - 1
            }
        }
    };
    let mut filled = Vec::new();
    for (notice, channel, sent, waiting, failed, unsubscribed) in outbox {
        let i = entry(notice, channel);
        filled.push((
            i,
            NoticeFigures {
                sent: count(sent),
                waiting: count(waiting),
                failed: count(failed),
                unsubscribed: count(unsubscribed),
                ..NoticeFigures::default()
            },
        ));
    }
    for (notice, channel, clicks, unique_clicks) in clicks {
        let i = entry(notice, channel);
        filled.push((
            i,
            NoticeFigures {
                clicks: count(clicks),
                unique_clicks: count(unique_clicks),
                ..NoticeFigures::default()
            },
        ));
    }
    for (i, figures) in filled {
        all[i].1.figures.add(&figures);
    }
    all.sort_by(|a, b| (&a.0, channel_rank(&a.1.channel)).cmp(&(&b.0, channel_rank(&b.1.channel))));
    all
}

fn summary(row: NoticeRow, channels: &[(String, ChannelFigures)]) -> NoticeSummary {
    let (id, kind, title, state, created_at, sent_at) = row;
    let mut figures = NoticeFigures::default();
    for (_, part) in channels.iter().filter(|(n, _)| *n == id) {
        figures.add(&part.figures);
    }
    NoticeSummary {
        id,
        kind,
        title,
        state,
        created_at,
        sent_at,
        figures,
    }
}

/// Which notices a query of figures covers: a page of the list, or one notice.
#[derive(Debug, Clone, Copy)]
enum Scope<'a> {
    Page { limit: i64, offset: i64 },
    One(&'a str),
}

impl<'a> Scope<'a> {
    /// A subquery of the notice ids in scope.
    fn ids(self) -> &'static str {
        match self {
            Self::Page { .. } => {
                "SELECT id FROM (SELECT id, created_at FROM notices
                 ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2) AS page"
            }
            Self::One(_) => "$1",
        }
    }

    fn bind<'q>(self, statement: Query<'q>) -> Query<'q>
    where
        'a: 'q,
    {
        match self {
            Self::Page { limit, offset } => statement.bind(limit).bind(offset),
            Self::One(id) => statement.bind(id),
        }
    }
}

impl Store {
    /// How many notices there are, for paging.
    pub async fn count_notices(&self) -> Result<u64, StoreError> {
        let n: i64 = query("SELECT COUNT(*) FROM notices")
            .fetch_scalar(self.db())
            .await?;
        Ok(count(n))
    }

    /// Notices newest first, `limit` from `offset`, each with its figures.
    pub async fn notice_summaries(
        &self,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<NoticeSummary>, StoreError> {
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let page_sql = format!(
            "SELECT {NOTICE_COLUMNS} FROM notices ORDER BY created_at DESC, id DESC
             LIMIT $1 OFFSET $2"
        );
        let rows: Vec<NoticeRow> = query(&page_sql)
            .bind(i64::from(limit))
            .bind(offset)
            .fetch_all(self.db())
            .await?;
        let channels = self
            .figures(Scope::Page {
                limit: i64::from(limit),
                offset,
            })
            .await?;
        Ok(rows
            .into_iter()
            .map(|row| summary(row, &channels))
            .collect())
    }

    /// The figures per notice and channel of the notices in `scope`.
    async fn figures(&self, scope: Scope<'_>) -> Result<Vec<(String, ChannelFigures)>, StoreError> {
        let outbox_sql = outbox_figures_sql(scope.ids());
        let outbox: Vec<OutboxFiguresRow> =
            scope.bind(query(&outbox_sql)).fetch_all(self.db()).await?;
        let click_sql = click_figures_sql(scope.ids());
        let clicks: Vec<ClickFiguresRow> =
            scope.bind(query(&click_sql)).fetch_all(self.db()).await?;
        Ok(per_channel(outbox, clicks))
    }

    /// One notice's figures in all, per channel, per link and per day; `None` if there is
    /// no such notice.
    pub async fn notice_report(&self, id: &str) -> Result<Option<NoticeReport>, StoreError> {
        let row: Option<NoticeRow> = query(&format!(
            "SELECT {NOTICE_COLUMNS} FROM notices WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(self.db())
        .await?;
        let Some(row) = row else {
            return Ok(None);
        };
        let channels = self.figures(Scope::One(id)).await?;
        let notice = summary(row, &channels);
        let links: Vec<(String, String, i64, i64)> = query(
            "SELECT l.id, l.url,
                 CAST(COALESCE(SUM(c.clicks), 0) AS BIGINT),
                 CAST(COALESCE(SUM(c.unique_clicks), 0) AS BIGINT)
             FROM notice_links l LEFT JOIN notice_clicks c ON c.link_id = l.id
             WHERE l.notice_id = $1
             GROUP BY l.id, l.url
             ORDER BY l.url, l.id",
        )
        .bind(id)
        .fetch_all(self.db())
        .await?;
        let days: Vec<(String, String, i64, i64)> = query(
            "SELECT c.day, c.channel,
                 CAST(SUM(c.clicks) AS BIGINT), CAST(SUM(c.unique_clicks) AS BIGINT)
             FROM notice_clicks c JOIN notice_links l ON l.id = c.link_id
             WHERE l.notice_id = $1
             GROUP BY c.day, c.channel
             ORDER BY c.day, c.channel",
        )
        .bind(id)
        .fetch_all(self.db())
        .await?;
        let mut days = days
            .into_iter()
            .map(|(day, channel, clicks, unique_clicks)| {
                Ok(DayFigures {
                    day: parse_day(&day)?,
                    channel,
                    clicks: count(clicks),
                    unique_clicks: count(unique_clicks),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        days.sort_by(|a, b| {
            (a.day, channel_rank(&a.channel)).cmp(&(b.day, channel_rank(&b.channel)))
        });
        Ok(Some(NoticeReport {
            notice,
            channels: channels.into_iter().map(|(_, c)| c).collect(),
            links: links
                .into_iter()
                .map(|(link_id, url, clicks, unique_clicks)| LinkFigures {
                    link_id,
                    url,
                    clicks: count(clicks),
                    unique_clicks: count(unique_clicks),
                })
                .collect(),
            days,
        }))
    }
}
