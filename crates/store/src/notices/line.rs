//! Subscriptions delivered through the LINE official account.
//!
//! The site never learns a LINE user id from a form: a person who chooses LINE gets a pending
//! subscription and a short code, follows the official account and sends the code (or goes
//! through account linking with it as the nonce). The webhook then links the code's
//! subscription to the user id LINE vouches for. Codes live a day; the webhook's event ids
//! are kept a week so that LINE's redeliveries are handled once.

use madoguchi_core::notices::{Address, Criteria, SubscriptionChoices};
use time::{Duration, OffsetDateTime};

use super::{new_id, sql, to_json};
use crate::db::{Db, WriteLock, query};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

/// How long a link code can be used after it was made.
pub const LINE_CODE_LIFETIME: Duration = Duration::hours(24);

/// How long a webhook event id is remembered: far beyond LINE's redelivery window.
pub const LINE_EVENT_MEMORY: Duration = Duration::days(7);

/// The characters of a code: capital letters and digits a person cannot mistake for one
/// another on a phone (no 0/O, 1/I/L).
pub const LINE_CODE_ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/// The length of a code: 31⁸ ≈ 8.5 × 10¹¹ codes, too many to hit one by guessing.
pub const LINE_CODE_LEN: usize = 8;

/// A new pending LINE subscription and the code that links it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineLink {
    pub subscription_id: String,
    /// [`LINE_CODE_LEN`] characters of [`LINE_CODE_ALPHABET`].
    pub code: String,
}

/// The live code of a pending LINE subscription.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineCode {
    pub code: String,
    /// After this time the code is refused.
    pub expires_at: OffsetDateTime,
}

/// A random code of [`LINE_CODE_LEN`] characters.
fn new_code() -> Result<String, StoreError> {
    // 256 is not a multiple of 31: bytes from the top of the range are dropped, so that
    // every character is as likely.
    let limit = 256 - 256 % LINE_CODE_ALPHABET.len();
    let mut code = String::with_capacity(LINE_CODE_LEN);
    while code.len() < LINE_CODE_LEN {
        let mut bytes = [0u8; 16];
        getrandom::getrandom(&mut bytes).map_err(|err| StoreError::Random(err.to_string()))?;
        for byte in bytes.map(usize::from).into_iter().filter(|b| *b < limit) {
            if code.len() < LINE_CODE_LEN {
                code.push(char::from(
                    LINE_CODE_ALPHABET[byte % LINE_CODE_ALPHABET.len()],
                ));
            }
        }
    }
    Ok(code)
}

impl Store {
    /// Keeps a pending LINE subscription (no address until linked) and a new code for it.
    pub async fn subscribe_line(
        &self,
        criteria: &Criteria,
        choices: &SubscriptionChoices,
    ) -> Result<LineLink, StoreError> {
        self.subscribe_line_at(criteria, choices, now_whole_second())
            .await
    }

    /// [`Self::subscribe_line`] as if it were `at` (the code expires [`LINE_CODE_LIFETIME`]
    /// after `at`).
    pub async fn subscribe_line_at(
        &self,
        criteria: &Criteria,
        choices: &SubscriptionChoices,
        at: OffsetDateTime,
    ) -> Result<LineLink, StoreError> {
        let at = whole_second_utc(at);
        let id = new_id()?;
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        purge_expired_codes(tx.db(), at).await?;
        sql::insert_subscription(
            tx.db(),
            &id,
            &Address::Line(String::new()),
            &to_json(criteria)?,
            &to_json(choices)?,
            at,
        )
        .await?;
        // A clash with a live code is all but impossible; draw again if it happens.
        let mut code = new_code()?;
        while query(
            "INSERT INTO line_link_codes (code, subscription_id, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (code) DO NOTHING",
        )
        .bind(code.as_str())
        .bind(id.as_str())
        .bind(at)
        .execute(tx.db())
        .await?
            == 0
        {
            code = new_code()?;
        }
        tx.commit().await?;
        Ok(LineLink {
            subscription_id: id,
            code,
        })
    }

    /// The code a pending LINE subscription waits for, while it is live; none once linked,
    /// expired, or for any other subscription.
    pub async fn line_code_of(
        &self,
        subscription_id: &str,
    ) -> Result<Option<LineCode>, StoreError> {
        let since = whole_second_utc(now_whole_second() - LINE_CODE_LIFETIME);
        let row: Option<(String, OffsetDateTime)> = query(
            "SELECT code, created_at FROM line_link_codes
             WHERE subscription_id = $1 AND created_at > $2
             ORDER BY created_at DESC LIMIT 1",
        )
        .bind(subscription_id)
        .bind(since)
        .fetch_optional(self.db())
        .await?;
        Ok(row.map(|(code, created_at)| LineCode {
            code,
            expires_at: created_at + LINE_CODE_LIFETIME,
        }))
    }

    /// Links the subscription waiting for `code` to the LINE user `user_id` and activates it;
    /// the code is used up. None when the code is unknown, used, expired, or its
    /// subscription is gone.
    pub async fn link_line_account(
        &self,
        code: &str,
        user_id: &str,
    ) -> Result<Option<String>, StoreError> {
        let now = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        purge_expired_codes(tx.db(), now).await?;
        let subscription_id: Option<String> =
            query("DELETE FROM line_link_codes WHERE code = $1 RETURNING subscription_id")
                .bind(code)
                .fetch_optional_scalar(tx.db())
                .await?;
        let Some(subscription_id) = subscription_id else {
            tx.commit().await?;
            return Ok(None);
        };
        let linked = query(
            "UPDATE notice_subscriptions
             SET address = $2, state = 'active', confirmed_at = $3, updated_at = $3
             WHERE id = $1 AND channel = 'line' AND state = 'pending'",
        )
        .bind(subscription_id.as_str())
        .bind(user_id)
        .bind(now)
        .execute(tx.db())
        .await?;
        tx.commit().await?;
        Ok((linked > 0).then_some(subscription_id))
    }

    /// Deletes every subscription of the LINE user `user_id` (they blocked the account), with
    /// what the outbox holds for them, as [`Self::delete_subscription`] does; messages to them
    /// outside a subscription (greetings, replies) go too. Returns how many subscriptions.
    pub async fn forget_line_user(&self, user_id: &str) -> Result<u64, StoreError> {
        if user_id.is_empty() {
            // Pending subscriptions have an empty address: never "the user" of them.
            return Ok(0);
        }
        let ids: Vec<String> =
            query("SELECT id FROM notice_subscriptions WHERE channel = 'line' AND address = $1")
                .bind(user_id)
                .fetch_all_scalars(self.db())
                .await?;
        let mut deleted = 0;
        for id in ids {
            if self.delete_subscription(&id).await? {
                deleted += 1;
            }
        }
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        query("DELETE FROM notice_outbox WHERE channel = 'line' AND recipient = $1 AND state <> 'sent'")
            .bind(user_id)
            .execute(tx.db())
            .await?;
        query("UPDATE notice_outbox SET recipient = '', message = '{}' WHERE channel = 'line' AND recipient = $1")
            .bind(user_id)
            .execute(tx.db())
            .await?;
        tx.commit().await?;
        Ok(deleted)
    }

    /// Records a webhook event id: true the first time, false when it was already handled
    /// (LINE redelivered it, or someone replays a captured call). Ids older than
    /// [`LINE_EVENT_MEMORY`] are forgotten.
    pub async fn first_sight_of_line_event(&self, event_id: &str) -> Result<bool, StoreError> {
        self.first_sight_of_line_event_at(event_id, now_whole_second())
            .await
    }

    /// [`Self::first_sight_of_line_event`] as if it were `at`.
    pub async fn first_sight_of_line_event_at(
        &self,
        event_id: &str,
        at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let at = whole_second_utc(at);
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        query("DELETE FROM line_webhook_events WHERE received_at < $1")
            .bind(whole_second_utc(at - LINE_EVENT_MEMORY))
            .execute(tx.db())
            .await?;
        let added = query(
            "INSERT INTO line_webhook_events (event_id, received_at) VALUES ($1, $2)
             ON CONFLICT (event_id) DO NOTHING",
        )
        .bind(event_id)
        .bind(at)
        .execute(tx.db())
        .await?;
        tx.commit().await?;
        Ok(added > 0)
    }
}

/// Deletes the codes older than [`LINE_CODE_LIFETIME`] and the pending subscriptions that
/// waited for them: nobody can link those any more.
async fn purge_expired_codes(mut db: Db<'_>, now: OffsetDateTime) -> Result<(), StoreError> {
    let before = whole_second_utc(now - LINE_CODE_LIFETIME);
    query(
        "DELETE FROM notice_subscriptions
         WHERE channel = 'line' AND state = 'pending' AND id IN
             (SELECT subscription_id FROM line_link_codes WHERE created_at <= $1)",
    )
    .bind(before)
    .execute(db.reborrow())
    .await?;
    query("DELETE FROM line_link_codes WHERE created_at <= $1")
        .bind(before)
        .execute(db)
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_eight_unambiguous_characters_and_differ() {
        let a = new_code().unwrap_or_default();
        let b = new_code().unwrap_or_default();
        for code in [&a, &b] {
            assert_eq!(code.len(), LINE_CODE_LEN, "{code}");
            assert!(
                code.bytes().all(|c| LINE_CODE_ALPHABET.contains(&c)),
                "{code}"
            );
        }
        assert_ne!(a, b);
        assert!(!LINE_CODE_ALPHABET.iter().any(|c| b"0O1IL".contains(c)));
    }
}
