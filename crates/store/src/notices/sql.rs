//! The statements on the notice tables, written once for both backends (the claim adds
//! PostgreSQL's row locks).

use madoguchi_core::notices::{Address, Criteria, SubscriptionChoices};
use time::OffsetDateTime;

use super::{Delivery, MessageBody, OutboxItem, OutboxMessage, RETAKEN, Subscription};
use crate::StoreError;
use crate::db::{Db, Dialect, WriteTx, query};
use crate::timestamp::whole_second_utc;

/// `(id, channel, address, criteria, choices, state, created_at)`.
pub(crate) type SubscriptionRow = (
    String,
    String,
    String,
    String,
    String,
    String,
    OffsetDateTime,
);

/// `(id, key, channel, recipient, subscription_id, message, attempts, last_error)`.
pub(crate) type ItemRow = (
    i64,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
    String,
);

const ITEM_COLUMNS: &str =
    "id, key, channel, recipient, subscription_id, message, attempts, last_error";

fn corrupt(what: &str) -> StoreError {
    StoreError::InvalidDesk(format!(
        "お知らせの{what}を読めません。データベースが壊れているおそれがあります"
    ))
}

pub(crate) fn subscription_from_row(row: SubscriptionRow) -> Result<Subscription, StoreError> {
    let (id, channel, address, criteria, choices, state, created_at) = row;
    let address = match channel.as_str() {
        "email" => Address::Email(address),
        "line" => Address::Line(address),
        _ => return Err(corrupt("宛先")),
    };
    Ok(Subscription {
        id,
        address,
        criteria: serde_json::from_str::<Criteria>(&criteria).map_err(|_| corrupt("条件"))?,
        choices: serde_json::from_str::<SubscriptionChoices>(&choices)
            .map_err(|_| corrupt("設定"))?,
        confirmed: state == "active",
        created_at,
    })
}

pub(crate) fn item_from_row(row: ItemRow) -> Result<OutboxItem, StoreError> {
    let (id, key, channel, recipient, subscription_id, message, attempts, last_error) = row;
    Ok(OutboxItem {
        id,
        key,
        channel,
        recipient,
        subscription_id,
        body: serde_json::from_str::<MessageBody>(&message).map_err(|_| corrupt("本文"))?,
        attempts: u32::try_from(attempts).map_err(|_| corrupt("送信回数"))?,
        last_error,
    })
}

pub(crate) async fn insert_subscription(
    db: Db<'_>,
    id: &str,
    address: &Address,
    criteria: &str,
    choices: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    query(
        "INSERT INTO notice_subscriptions
             (id, channel, address, criteria, choices, state, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6)",
    )
    .bind(id)
    .bind(address.channel())
    .bind(address.to())
    .bind(criteria)
    .bind(choices)
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

pub(crate) async fn find_subscription(
    db: Db<'_>,
    id: &str,
) -> Result<Option<SubscriptionRow>, StoreError> {
    query(
        "SELECT id, channel, address, criteria, choices, state, created_at
         FROM notice_subscriptions WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db)
    .await
}

pub(crate) async fn confirm(db: Db<'_>, id: &str, at: OffsetDateTime) -> Result<u64, StoreError> {
    query(
        "UPDATE notice_subscriptions
         SET state = 'active', confirmed_at = COALESCE(confirmed_at, $2), updated_at = $2
         WHERE id = $1",
    )
    .bind(id)
    .bind(at)
    .execute(db)
    .await
}

pub(crate) async fn change_choices(
    db: Db<'_>,
    id: &str,
    choices: &str,
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    query("UPDATE notice_subscriptions SET choices = $2, updated_at = $3 WHERE id = $1")
        .bind(id)
        .bind(choices)
        .bind(at)
        .execute(db)
        .await
}

pub(crate) async fn delete_subscription(db: Db<'_>, id: &str) -> Result<u64, StoreError> {
    query("DELETE FROM notice_subscriptions WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
}

/// Deletes what else names a subscription: items waiting for its digest, its LINE link
/// code, and the record of its clicks (kept only while that setting is on).
pub(crate) async fn drop_traces_of(tx: &mut WriteTx, id: &str) -> Result<(), StoreError> {
    for statement in [
        "DELETE FROM notice_digest_items WHERE subscription_id = $1",
        "DELETE FROM line_link_codes WHERE subscription_id = $1",
        "DELETE FROM notice_click_subscribers WHERE subscription_id = $1",
    ] {
        query(statement).bind(id).execute(tx.db()).await?;
    }
    Ok(())
}

/// Subscriptions never confirmed that were made before `before`.
pub(crate) async fn unconfirmed_before(
    db: Db<'_>,
    before: OffsetDateTime,
) -> Result<Vec<String>, StoreError> {
    query(
        "SELECT id FROM notice_subscriptions WHERE state = 'pending' AND created_at < $1
         ORDER BY created_at",
    )
    .bind(before)
    .fetch_all_scalars(db)
    .await
}

/// Drops a subscription's unsent messages.
pub(crate) async fn drop_unsent_of(db: Db<'_>, id: &str) -> Result<u64, StoreError> {
    query("DELETE FROM notice_outbox WHERE subscription_id = $1 AND state <> 'sent'")
        .bind(id)
        .execute(db)
        .await
}

/// Blanks the address and text of a subscription's sent messages, keeping the counts.
pub(crate) async fn blank_sent_of(db: Db<'_>, id: &str) -> Result<u64, StoreError> {
    query(
        "UPDATE notice_outbox SET recipient = '', message = '{}', subscription_id = NULL
         WHERE subscription_id = $1",
    )
    .bind(id)
    .execute(db)
    .await
}

pub(crate) async fn enqueue(
    db: Db<'_>,
    message: &OutboxMessage,
    body: &str,
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    query(
        "INSERT INTO notice_outbox
             (key, subscription_id, notice_id, channel, recipient, message, state,
              next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, 'queued', $7, $7)
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(message.key.as_str())
    .bind(message.subscription_id.clone())
    .bind(message.notice_id.clone())
    .bind(message.channel)
    .bind(message.recipient.as_str())
    .bind(body)
    .bind(at)
    .execute(db)
    .await
}

pub(crate) async fn claim(
    db: Db<'_>,
    dialect: Dialect,
    now: OffsetDateTime,
    until: OffsetDateTime,
    limit: i64,
) -> Result<Vec<ItemRow>, StoreError> {
    // Several workers may claim at once: PostgreSQL skips the rows another holds; SQLite
    // runs one writer at a time, so the single statement is the claim.
    let lock = match dialect {
        Dialect::Postgres => "FOR UPDATE SKIP LOCKED",
        Dialect::Sqlite => "",
    };
    let sql = format!(
        "UPDATE notice_outbox
         SET state = 'sending', attempts = attempts + 1, claimed_until = $2,
             last_error = CASE WHEN state = 'sending' THEN $4 ELSE last_error END
         WHERE id IN (
             SELECT id FROM notice_outbox
             WHERE (state = 'queued' AND next_attempt_at <= $1)
                OR (state = 'sending' AND claimed_until <= $1)
             ORDER BY id LIMIT $3 {lock})
         RETURNING {ITEM_COLUMNS}"
    );
    let mut rows: Vec<ItemRow> = query(&sql)
        .bind(now)
        .bind(until)
        .bind(limit)
        .bind(RETAKEN)
        .fetch_all(db)
        .await?;
    rows.sort_by_key(|row| row.0);
    Ok(rows)
}

pub(crate) async fn finish(
    db: Db<'_>,
    id: i64,
    delivery: &Delivery,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    match delivery {
        Delivery::Sent => query(
            "UPDATE notice_outbox SET state = 'sent', sent_at = $2, claimed_until = NULL
             WHERE id = $1",
        )
        .bind(id)
        .bind(now),
        Delivery::Retry { error, at } => query(
            "UPDATE notice_outbox
             SET state = 'queued', next_attempt_at = $2, claimed_until = NULL, last_error = $3
             WHERE id = $1",
        )
        .bind(id)
        .bind(whole_second_utc(*at))
        .bind(error.as_str()),
        // The claim counted the try; a deferral gives it back.
        Delivery::Deferred { error, at } => query(
            "UPDATE notice_outbox
             SET state = 'queued', next_attempt_at = $2, claimed_until = NULL, last_error = $3,
                 attempts = CASE WHEN attempts > 0 THEN attempts - 1 ELSE 0 END
             WHERE id = $1",
        )
        .bind(id)
        .bind(whole_second_utc(*at))
        .bind(error.as_str()),
        Delivery::Dead { error } => query(
            "UPDATE notice_outbox SET state = 'dead', claimed_until = NULL, last_error = $2
             WHERE id = $1",
        )
        .bind(id)
        .bind(error.as_str()),
    }
    .execute(db)
    .await
}

/// Marks the claimed rows `ids` sent in one statement: a worker's marks cost one round trip
/// and one commit for many rows, not one each.
pub(crate) async fn finish_sent(
    db: Db<'_>,
    ids: &[i64],
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    if ids.is_empty() {
        return Ok(0);
    }
    let placeholders: Vec<String> = (2..ids.len() + 2).map(|n| format!("${n}")).collect();
    let sql = format!(
        "UPDATE notice_outbox SET state = 'sent', sent_at = $1, claimed_until = NULL
         WHERE id IN ({})",
        placeholders.join(", ")
    );
    ids.iter()
        .fold(query(&sql).bind(now), |statement, id| statement.bind(*id))
        .execute(db)
        .await
}

pub(crate) async fn dead(db: Db<'_>, limit: i64) -> Result<Vec<ItemRow>, StoreError> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM notice_outbox WHERE state = 'dead' ORDER BY id DESC LIMIT $1"
    );
    query(&sql).bind(limit).fetch_all(db).await
}

pub(crate) async fn requeue(db: Db<'_>, id: i64, now: OffsetDateTime) -> Result<u64, StoreError> {
    query(
        "UPDATE notice_outbox SET state = 'queued', next_attempt_at = $2, attempts = 0
         WHERE id = $1 AND state = 'dead'",
    )
    .bind(id)
    .bind(now)
    .execute(db)
    .await
}

pub(crate) async fn counts(db: Db<'_>) -> Result<Vec<(String, i64)>, StoreError> {
    query("SELECT state, COUNT(*) FROM notice_outbox GROUP BY state")
        .fetch_all(db)
        .await
}
