//! Items waiting for the weekly digest, gathered per subscriber and queued as one message.
//!
//! A digest round (`madoguchi_core::notices::DigestRound`) gathers the items matched before
//! its cut-off, for every confirmed subscription that has not had this round's digest yet
//! (its outbox key `digest:{subscription}:{week}` is not there). Queuing the digest and
//! removing the items it lists is one transaction, so an item is never both lost and
//! never listed twice.

use madoguchi_core::notices::{DigestRound, Event};
use time::OffsetDateTime;

use super::events::enqueue_many;
use super::sql::subscription_from_row;
use super::{OutboxMessage, Subscription};
use crate::db::{WriteLock, query};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

/// One matched program in a digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitingItem {
    pub notice_id: String,
    pub program_id: String,
    /// The notice's title (the program's, when it was matched).
    pub title: String,
    /// The program event, for a program notice.
    pub event: Option<Event>,
    pub reason: String,
}

/// A subscriber's digest of this round, to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueDigest {
    pub subscription: Subscription,
    /// Oldest first.
    pub items: Vec<WaitingItem>,
}

/// The subscription's columns, then the item's: `(id, channel, address, criteria,
/// choices, state, created_at, notice_id, program_id, reason, title, event)`.
type DigestRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    OffsetDateTime,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

impl Store {
    /// The digests `round` still owes, one per confirmed subscription with items matched
    /// before the round's cut-off. A subscription whose stored terms no longer read is
    /// left out (its items wait).
    pub async fn due_digests(&self, round: &DigestRound) -> Result<Vec<DueDigest>, StoreError> {
        let rows: Vec<DigestRow> = query(
            "SELECT s.id, s.channel, s.address, s.criteria, s.choices, s.state, s.created_at,
                    i.notice_id, i.program_id, i.reason, n.title, e.event
             FROM notice_digest_items i
             JOIN notice_subscriptions s ON s.id = i.subscription_id AND s.state = 'active'
             LEFT JOIN notices n ON n.id = i.notice_id
             LEFT JOIN notice_events e ON e.id = n.event_id
             WHERE i.created_at < $1
               AND NOT EXISTS (SELECT 1 FROM notice_outbox o
                               WHERE o.key = 'digest:' || i.subscription_id || ':' || $2)
             ORDER BY s.id, i.created_at, i.notice_id",
        )
        .bind(whole_second_utc(round.cutoff))
        .bind(round.week.as_str())
        .fetch_all(self.db())
        .await?;
        let mut due: Vec<DueDigest> = Vec::new();
        for row in rows {
            let (id, channel, address, criteria, choices, state, created_at, ..) = &row;
            let item = WaitingItem {
                notice_id: row.7.clone(),
                program_id: row.8.clone(),
                reason: row.9.clone(),
                title: row.10.clone().unwrap_or_else(|| row.8.clone()),
                event: row.11.as_deref().and_then(Event::parse),
            };
            match due.last_mut() {
                Some(last) if last.subscription.id == *id => last.items.push(item),
                _ => {
                    let subscription = (
                        id.clone(),
                        channel.clone(),
                        address.clone(),
                        criteria.clone(),
                        choices.clone(),
                        state.clone(),
                        *created_at,
                    );
                    if let Ok(subscription) = subscription_from_row(subscription) {
                        due.push(DueDigest {
                            subscription,
                            items: vec![item],
                        });
                    }
                }
            }
        }
        Ok(due)
    }

    /// Queues one subscription's digest of `round` and removes the items it gathered, in
    /// one transaction; `None` only removes them (none of the programs is on the site any
    /// more). False, with nothing changed, when this round's digest was queued already.
    pub async fn queue_digest(
        &self,
        subscription_id: &str,
        round: &DigestRound,
        message: Option<&OutboxMessage>,
    ) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        if let Some(message) = message {
            let added = enqueue_many(tx.db(), std::slice::from_ref(message), at).await?;
            if added == 0 {
                return Ok(false);
            }
        }
        query("DELETE FROM notice_digest_items WHERE subscription_id = $1 AND created_at < $2")
            .bind(subscription_id)
            .bind(whole_second_utc(round.cutoff))
            .execute(tx.db())
            .await?;
        tx.commit().await?;
        Ok(true)
    }
}
