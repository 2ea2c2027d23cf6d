//! Notice subscriptions and the outbox that delivers every message exactly once.
//!
//! A message is never sent in the request that caused it: it is written to the outbox in
//! the same transaction as the change (a subscription made, a program published), and
//! workers in any process claim due rows in batches (`FOR UPDATE SKIP LOCKED` on
//! PostgreSQL; SQLite has one writer), send them with the row's key as the idempotency key,
//! and mark them sent, due again later (exponential backoff with jitter, decided by the
//! caller), or dead after too many tries. A claim is a lease: a worker that dies mid-batch
//! leaves rows `sending` until the lease lapses, and the next worker takes them again with
//! the same key — a channel that honours keys (LINE) drops the repeat; for e-mail the
//! retaken row is reported in its `last_error`, because SMTP cannot tell.

mod clicks;
mod digest;
mod events;
mod line;
mod links;
mod sql;
mod staff;
mod stats;

pub use clicks::{CLICK_CHANNELS, Click, ClickCount, RECORD_SUBSCRIBER_CLICKS};
pub use digest::{DueDigest, WaitingItem};
pub(crate) use events::record_catalogue_events;
pub use events::{
    ActiveSubscriptions, DigestItem, EventDelivery, NoticeEvent, ProgramNotice, program_notice_id,
};
pub use line::{
    LINE_CODE_ALPHABET, LINE_CODE_LEN, LINE_CODE_LIFETIME, LINE_EVENT_MEMORY, LineCode, LineLink,
};
pub use links::NoticeLink;
pub use staff::{
    StaffDelivery, StaffNotice, StaffNoticeContent, StaffNoticeState, StaffNoticeStep,
};
pub use stats::{
    ChannelFigures, DayFigures, LinkFigures, NoticeFigures, NoticeReport, NoticeSummary,
};

use madoguchi_core::notices::{Address, Criteria, SubscriptionChoices};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::db::{WriteLock, WriteTx};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

/// One subscription as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subscription {
    pub id: String,
    pub address: Address,
    pub criteria: Criteria,
    pub choices: SubscriptionChoices,
    /// Whether the address was confirmed (double opt-in); only confirmed ones get notices.
    pub confirmed: bool,
    pub created_at: OffsetDateTime,
}

/// What one message says, whatever the channel.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageBody {
    pub subject: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub html: Option<String>,
    /// The one-click unsubscribe URL (RFC 8058), for e-mail headers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsubscribe: Option<String>,
}

/// A message to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    /// The idempotency key: the same event for the same recipient has the same key, so
    /// enqueuing it twice keeps one row.
    pub key: String,
    /// `email`, `line` or `webhook`.
    pub channel: &'static str,
    pub recipient: String,
    pub subscription_id: Option<String>,
    /// The notice it belongs to, for that notice's figures; none for a confirmation.
    pub notice_id: Option<String>,
    pub body: MessageBody,
}

/// A claimed row, to be sent now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxItem {
    pub id: i64,
    pub key: String,
    pub channel: String,
    pub recipient: String,
    pub subscription_id: Option<String>,
    pub body: MessageBody,
    /// Tries so far, this one included.
    pub attempts: u32,
    /// Why the last try failed, or that a lapsed claim was taken again; empty if none.
    pub last_error: String,
}

/// Rows marked sent by one statement of [`Store::finish_deliveries`]: well under
/// PostgreSQL's limit on bound parameters and SQLite's.
pub const FINISH_AT_ONCE: usize = 500;

/// How a try ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Delivery {
    Sent,
    /// Try again at `at`.
    Retry {
        error: String,
        at: OffsetDateTime,
    },
    /// Try again at `at`, and this try does not count toward the row's tries: the
    /// counterpart was up and asked to be left alone until then (429 or 503 with
    /// `Retry-After`), which says nothing about whether the message can be delivered.
    Deferred {
        error: String,
        at: OffsetDateTime,
    },
    /// Never again unless staff requeue it.
    Dead {
        error: String,
    },
}

/// How many rows stand where.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    pub queued: u64,
    pub sending: u64,
    pub sent: u64,
    pub dead: u64,
}

/// Said in `last_error` when a lapsed claim is taken again.
pub const RETAKEN: &str =
    "前回の送信中に処理が止まったため、再送しました（メールは重複して届いた可能性があります）";

/// A new random subscription id: 32 hex digits.
fn new_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|err| StoreError::Random(err.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn to_json<T: Serialize>(value: &T) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|err| StoreError::InvalidDesk(err.to_string()))
}

/// Deletes subscription `id` and every trace of it: queued messages go, sent ones lose
/// their address and text. False when there was none.
async fn erase(tx: &mut WriteTx, id: &str) -> Result<bool, StoreError> {
    sql::drop_unsent_of(tx.db(), id).await?;
    sql::blank_sent_of(tx.db(), id).await?;
    sql::drop_traces_of(tx, id).await?;
    Ok(sql::delete_subscription(tx.db(), id).await? > 0)
}

impl Store {
    /// Keeps a new, unconfirmed subscription and, in the same transaction, the message
    /// that asks to confirm it, made by `confirmation` from the new id. Returns the id.
    pub async fn subscribe(
        &self,
        address: &Address,
        criteria: &Criteria,
        choices: &SubscriptionChoices,
        confirmation: impl FnOnce(&str) -> OutboxMessage,
    ) -> Result<String, StoreError> {
        let id = new_id()?;
        let message = confirmation(&id);
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        sql::insert_subscription(
            tx.db(),
            &id,
            address,
            &to_json(criteria)?,
            &to_json(choices)?,
            at,
        )
        .await?;
        sql::enqueue(tx.db(), &message, &to_json(&message.body)?, at).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The subscription under `id`.
    pub async fn subscription(&self, id: &str) -> Result<Option<Subscription>, StoreError> {
        sql::find_subscription(self.db(), id)
            .await?
            .map(sql::subscription_from_row)
            .transpose()
    }

    /// Confirms the address (the link in the confirmation e-mail was opened). False when
    /// there is no such subscription; confirming twice changes nothing.
    pub async fn confirm_subscription(&self, id: &str) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let found = sql::confirm(self.db(), id, at).await?;
        Ok(found > 0)
    }

    /// Replaces what the subscriber chose. False when there is no such subscription.
    pub async fn change_subscription(
        &self,
        id: &str,
        choices: &SubscriptionChoices,
    ) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let found = sql::change_choices(self.db(), id, &to_json(choices)?, at).await?;
        Ok(found > 0)
    }

    /// Deletes a subscription and what the outbox still holds for it: its queued messages
    /// go, and the address is blanked from those already sent. False when there was none.
    pub async fn delete_subscription(&self, id: &str) -> Result<bool, StoreError> {
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let found = erase(&mut tx, id).await?;
        tx.commit().await?;
        Ok(found)
    }

    /// Erases every subscription never confirmed that was made before `before`, as a
    /// deletion does: an address nobody confirmed is not kept. Returns how many.
    pub async fn purge_unconfirmed(&self, before: OffsetDateTime) -> Result<u64, StoreError> {
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let mut erased = 0;
        for id in sql::unconfirmed_before(tx.db(), whole_second_utc(before)).await? {
            erased += u64::from(erase(&mut tx, &id).await?);
        }
        tx.commit().await?;
        Ok(erased)
    }

    /// Puts messages in the outbox, one transaction for all; a key already there is kept
    /// as it is. Returns how many were new.
    pub async fn enqueue(&self, messages: &[OutboxMessage]) -> Result<u64, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let mut added = 0;
        for message in messages {
            added += sql::enqueue(tx.db(), message, &to_json(&message.body)?, at).await?;
        }
        tx.commit().await?;
        Ok(added)
    }

    /// Claims up to `limit` due rows for `lease`: queued ones whose time has come, and
    /// ones whose earlier claim lapsed (marked [`RETAKEN`]). Workers in several processes
    /// never claim the same row at once.
    pub async fn claim_outbox(
        &self,
        limit: u32,
        lease: Duration,
    ) -> Result<Vec<OutboxItem>, StoreError> {
        let now = now_whole_second();
        let rows = sql::claim(
            self.db(),
            self.backend.dialect(),
            now,
            whole_second_utc(now + lease),
            i64::from(limit),
        )
        .await?;
        rows.into_iter().map(sql::item_from_row).collect()
    }

    /// Records how a try of the claimed row `id` ended.
    pub async fn finish_delivery(&self, id: i64, delivery: &Delivery) -> Result<(), StoreError> {
        let now = now_whole_second();
        sql::finish(self.db(), id, delivery, now).await?;
        Ok(())
    }

    /// Records how the tries of several claimed rows ended: the sent ones in one statement
    /// per [`FINISH_AT_ONCE`] rows, the others one by one (they are few, and each has its own
    /// error and time). What was recorded before an error stays recorded; the rest stay
    /// claimed until their lease lapses, as after a crash.
    pub async fn finish_deliveries(&self, finished: &[(i64, Delivery)]) -> Result<(), StoreError> {
        let now = now_whole_second();
        let sent: Vec<i64> = finished
            .iter()
            .filter(|(_, delivery)| *delivery == Delivery::Sent)
            .map(|(id, _)| *id)
            .collect();
        for ids in sent.chunks(FINISH_AT_ONCE) {
            sql::finish_sent(self.db(), ids, now).await?;
        }
        for (id, delivery) in finished {
            if *delivery != Delivery::Sent {
                sql::finish(self.db(), *id, delivery, now).await?;
            }
        }
        Ok(())
    }

    /// Messages that failed for good, newest first, for staff to inspect.
    pub async fn dead_letters(&self, limit: u32) -> Result<Vec<OutboxItem>, StoreError> {
        let rows = sql::dead(self.db(), i64::from(limit)).await?;
        rows.into_iter().map(sql::item_from_row).collect()
    }

    /// Puts a dead message back in the queue, due now. False when it is not dead.
    pub async fn requeue_dead(&self, id: i64) -> Result<bool, StoreError> {
        Ok(sql::requeue(self.db(), id, now_whole_second()).await? > 0)
    }

    /// How many messages stand where.
    pub async fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let mut counts = OutboxCounts::default();
        for (state, n) in sql::counts(self.db()).await? {
            let n = u64::try_from(n).unwrap_or_default();
            match state.as_str() {
                "queued" => counts.queued = n,
                "sending" => counts.sending = n,
                "sent" => counts.sent = n,
                "dead" => counts.dead = n,
                _ => {}
            }
        }
        Ok(counts)
    }
}
