//! The delivery worker: the one place where the outbox meets the channels.
//!
//! A worker claims a batch of due rows (a lease, so that a worker that dies leaves nothing
//! stuck for long), sends them a few at a time through [`Channels`], and records how each try
//! ended. What to do after a failure is decided by [`settle`], a pure function of the row, the
//! outcome and the retry policy, so that the policy can be read and tested in one place:
//!
//! - sent → `sent`;
//! - try again later → `queued` again after an exponential backoff with full jitter, `dead` once
//!   the row has had its tries;
//! - the counterpart asked to wait (`Retry-After`, or a 429 without it: a minute) → `queued`
//!   again for exactly then, and the
//!   try is not counted: a rate limit says nothing about the message. The worker's other rows
//!   for that channel wait with it rather than draw their own refusals;
//! - will never succeed as it is → `dead` at once, for staff to look at and requeue;
//! - "may have gone out" (an SMTP relay that went quiet after the message) → `dead` with a
//!   report, since a second copy cannot be ruled out; LINE and webhooks never answer so, and would
//!   be retried with the same key, which their receivers recognise;
//! - a channel that this server has not configured → `queued` again, waiting for the
//!   configuration rather than lost.
//!
//! Logs say how many, never to whom.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use madoguchi_channels::{Channels, Message, Recipient, SendError, Sent, Unsubscribe};
use madoguchi_store::{Delivery, FINISH_AT_ONCE, OutboxItem, Store, StoreError};
use time::OffsetDateTime;
use tokio::sync::{Semaphore, mpsc, watch};
use tokio::task::JoinSet;

/// When to try again and when to give up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// The longest wait after the first failure; it doubles with every failure after it.
    pub base: Duration,
    /// The longest wait ever.
    pub cap: Duration,
    /// Tries (the first included) after which a row that still fails is dead.
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    /// 30 s, doubling up to 6 h, 8 tries: about a day and a half of tries at worst, enough to
    /// ride out a relay's maintenance night without hammering it.
    fn default() -> Self {
        Self {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(6 * 60 * 60),
            max_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The longest wait after the `attempt`-th try failed (from 1): `base · 2^(attempt-1)`,
    /// never above `cap`.
    pub fn ceiling(&self, attempt: u32) -> Duration {
        let doublings = attempt.saturating_sub(1).min(31);
        self.base
            .checked_mul(1 << doublings)
            .map_or(self.cap, |wait| wait.min(self.cap))
    }

    /// The wait after the `attempt`-th try failed, with full jitter: `unit` (in `[0, 1)`,
    /// random in production) picks a point between nothing and [`ceiling`](Self::ceiling), so
    /// that the rows of one failed batch do not all come back at the same moment.
    pub fn backoff(&self, attempt: u32, unit: f64) -> Duration {
        self.ceiling(attempt).mul_f64(unit.clamp(0.0, 1.0))
    }
}

/// How a worker works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeliveryConfig {
    /// Rows claimed at once.
    pub batch: u32,
    /// Sends in flight at once within a batch.
    pub in_flight: usize,
    /// How long a claim holds; a row still `sending` after that is taken again by any worker.
    /// Longer than a batch can take, its counterparts' deadlines included.
    pub lease: Duration,
    /// The pause when nothing is due.
    pub idle: Duration,
    /// The wait of a row whose channel this server has not configured.
    pub unconfigured_wait: Duration,
    pub retry: RetryPolicy,
}

impl Default for DeliveryConfig {
    fn default() -> Self {
        Self {
            batch: 100,
            in_flight: 16,
            // SMTP alone may take 10 s to connect and 60 s per reply; ten minutes covers a batch
            // whose every message meets a slow relay.
            lease: Duration::from_secs(10 * 60),
            idle: Duration::from_secs(1),
            unconfigured_wait: Duration::from_secs(10 * 60),
            retry: RetryPolicy::default(),
        }
    }
}

/// How the rows of one batch ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchCounts {
    pub claimed: usize,
    pub sent: usize,
    pub retried: usize,
    pub dead: usize,
    /// Rows whose ending could not be recorded (the database was unreachable); they stay
    /// claimed until their lease lapses and are then taken again.
    pub unrecorded: usize,
}

/// Delivers the outbox until `stop` turns true (or its sender is gone): claims a batch, sends
/// it, records every ending, and pauses for [`DeliveryConfig::idle`] when nothing was due. A
/// batch under way is finished before it returns, so that a stop leaves no claim behind.
pub async fn deliver(
    store: Store,
    channels: Arc<Channels>,
    config: DeliveryConfig,
    mut stop: watch::Receiver<bool>,
) {
    let waits = Waits::default();
    while !*stop.borrow() {
        let pause = match deliver_claimed(&store, &channels, &config, &waits).await {
            Ok(counts) if counts.claimed > 0 => {
                log_batch(&counts);
                if counts.unrecorded > 0 {
                    // The database is in trouble: give it a moment before claiming more.
                    config.idle
                } else {
                    Duration::ZERO
                }
            }
            Ok(_) => config.idle,
            Err(err) => {
                tracing::warn!(%err, "could not claim outbox rows; trying again shortly");
                config.idle
            }
        };
        if !pause.is_zero() {
            tokio::select! {
                () = tokio::time::sleep(pause) => {}
                // An error means the sender is gone: nobody can stop us any more, so stop now.
                changed = stop.changed() => if changed.is_err() { return },
            }
        }
    }
}

/// One line per batch: at `debug` when all went out, at `info` when something did not.
fn log_batch(counts: &BatchCounts) {
    let BatchCounts {
        claimed,
        sent,
        retried,
        dead,
        unrecorded,
    } = *counts;
    if sent == claimed {
        tracing::debug!(claimed, sent, "outbox batch delivered");
    } else {
        tracing::info!(
            claimed,
            sent,
            retried,
            dead,
            unrecorded,
            "outbox batch delivered"
        );
    }
}

/// Claims one batch and delivers it: every row is sent (at most
/// [`DeliveryConfig::in_flight`] at once) and its ending recorded. Only a failed claim is an
/// error; a failed record is counted in [`BatchCounts::unrecorded`].
///
/// Endings are recorded as they come, in groups: whatever finished while the previous group
/// was being written is written next, in one statement for the sent rows. A row is marked
/// moments after its send, as when each was marked alone (so a crash leaves as little as
/// before sent and unmarked), but the database sees one write per group instead of one per
/// message, and a send does not wait for its mark before the next one starts.
pub async fn deliver_batch(
    store: &Store,
    channels: &Arc<Channels>,
    config: &DeliveryConfig,
) -> Result<BatchCounts, StoreError> {
    deliver_claimed(store, channels, config, &Waits::default()).await
}

/// [`deliver_batch`], honouring and extending the waits the counterparts asked for.
async fn deliver_claimed(
    store: &Store,
    channels: &Arc<Channels>,
    config: &DeliveryConfig,
    waits: &Waits,
) -> Result<BatchCounts, StoreError> {
    let lease = time::Duration::try_from(config.lease).unwrap_or(time::Duration::MINUTE);
    let items = store.claim_outbox(config.batch, lease).await?;
    let mut counts = BatchCounts {
        claimed: items.len(),
        ..BatchCounts::default()
    };
    let slots = Arc::new(Semaphore::new(config.in_flight.max(1)));
    let (done, mut finished) = mpsc::unbounded_channel();
    let mut sends = JoinSet::new();
    for item in items {
        let (channels, slots, config, done, waits) = (
            Arc::clone(channels),
            Arc::clone(&slots),
            *config,
            done.clone(),
            waits.clone(),
        );
        sends.spawn(async move {
            let slot = slots.acquire_owned().await;
            let delivery = attempt(&channels, &item, &config, &waits).await;
            drop(slot);
            // The receiver lives until every sender is gone.
            let _ = done.send((item.id, delivery));
        });
    }
    drop(done);
    let mut group = Vec::new();
    let mut recorded = 0;
    while finished.recv_many(&mut group, FINISH_AT_ONCE).await > 0 {
        match store.finish_deliveries(&group).await {
            Ok(()) => {
                for (_, delivery) in &group {
                    match delivery {
                        Delivery::Sent => counts.sent += 1,
                        Delivery::Retry { .. } | Delivery::Deferred { .. } => {
                            counts.retried += 1;
                        }
                        Delivery::Dead { .. } => counts.dead += 1,
                    }
                }
            }
            Err(err) => {
                tracing::warn!(%err, rows = group.len(), "could not record outbox deliveries");
                counts.unrecorded += group.len();
            }
        }
        recorded += group.len();
        group.clear();
    }
    // A send that panicked recorded nothing: its row waits for its lease to lapse.
    while sends.join_next().await.is_some() {}
    counts.unrecorded += counts.claimed - recorded;
    Ok(counts)
}

/// Until when each channel asked to be left alone (`Retry-After` on a 429 or 503), shared by
/// the sends of a worker: once LINE says "wait 30 s", the other rows for LINE wait too instead
/// of each drawing its own 429. Waiting does not use up a row's tries ([`Delivery::Deferred`]).
#[derive(Debug, Clone, Default)]
struct Waits(Arc<Mutex<HashMap<String, OffsetDateTime>>>);

impl Waits {
    /// When `channel` may be tried again, if that is later than `now`.
    fn until(&self, channel: &str, now: OffsetDateTime) -> Option<OffsetDateTime> {
        let waits = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        waits.get(channel).copied().filter(|until| *until > now)
    }

    fn extend(&self, channel: &str, until: OffsetDateTime) {
        let mut waits = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = waits.entry(channel.to_owned()).or_insert(until);
        *entry = (*entry).max(until);
    }
}

/// One try of one row, decided into how it ended.
async fn attempt(
    channels: &Channels,
    item: &OutboxItem,
    config: &DeliveryConfig,
    waits: &Waits,
) -> Delivery {
    let now = OffsetDateTime::now_utc();
    let message = match message(item) {
        Ok(message) => message,
        Err(error) => return Delivery::Dead { error },
    };
    if let Some(until) = waits.until(&item.channel, now) {
        return Delivery::Deferred {
            error: format!(
                "送信先から、しばらく待つよう求められています。{}に再送します（試行回数には数えません）。",
                jst(until)
            ),
            at: until,
        };
    }
    if let Some(missing) = unconfigured(channels, &message.to) {
        return Delivery::Retry {
            error: missing.to_owned(),
            at: now + config.unconfigured_wait,
        };
    }
    let outcome = channels.send(&message).await;
    // Waits count from the answer, not from the start of a send that may have taken long.
    let answered = OffsetDateTime::now_utc();
    let delivery = settle(item, &outcome, &config.retry, answered, unit_random());
    if let Delivery::Deferred { at, .. } = &delivery {
        waits.extend(&item.channel, *at);
    }
    delivery
}

/// 「2026-12-06 12:00:05（日本時間）」, for a reason staff read.
fn jst(at: OffsetDateTime) -> String {
    let at = at.to_offset(madoguchi_core::calendar::JST);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}:{:02}（日本時間）",
        at.year(),
        u8::from(at.month()),
        at.day(),
        at.hour(),
        at.minute(),
        at.second()
    )
}

/// The channel's message for an outbox row: the row's key is the idempotency key, and its
/// unsubscribe link, when it is https, becomes the e-mail's `List-Unsubscribe` (one-click,
/// RFC 8058).
pub fn message(item: &OutboxItem) -> Result<Message, String> {
    let recipient = item.recipient.clone();
    let to = match item.channel.as_str() {
        "email" => Recipient::Email(recipient),
        "line" => Recipient::Line(recipient),
        "webhook" => Recipient::Webhook { url: recipient },
        other => return Err(format!("対応していない送信経路です（{other}）。")),
    };
    let body = &item.body;
    Ok(Message {
        key: item.key.clone(),
        to,
        subject: body.subject.clone(),
        text: body.text.clone(),
        html: body.html.clone(),
        // RFC 8058 allows only https for one-click; a site served over plain http (a trial
        // on one machine) still sends, with the link in the text alone, rather than park
        // every e-mail. `serve` warns of it at start-up.
        unsubscribe: body
            .unsubscribe
            .as_ref()
            .filter(|url| url.starts_with("https://"))
            .map(|url| Unsubscribe {
                url: url.clone(),
                mailto: None,
            }),
    })
}

/// Why a message for `to` cannot be sent by this server as configured, if it cannot.
fn unconfigured(channels: &Channels, to: &Recipient) -> Option<&'static str> {
    match to {
        Recipient::Email(_) if channels.smtp.is_none() => Some(
            "メールの送信先サーバーが設定されていません（--smtp-url）。設定されるまで送信を待っています。",
        ),
        Recipient::Line(_) if channels.line.is_none() => Some(
            "LINE のチャネルアクセストークンが設定されていません（--line-channel-token）。設定されるまで送信を待っています。",
        ),
        Recipient::Webhook { .. } if channels.webhook.is_none() => Some(
            "Webhook の署名用シークレットが設定されていません（--webhook-secret）。設定されるまで送信を待っています。",
        ),
        _ => None,
    }
}

/// How a try of `item` that ended with `outcome` at `now` is recorded, under `policy`; `unit`
/// (in `[0, 1)`) is the jitter's draw.
pub fn settle(
    item: &OutboxItem,
    outcome: &Result<Sent, SendError>,
    policy: &RetryPolicy,
    now: OffsetDateTime,
    unit: f64,
) -> Delivery {
    let tries = item.attempts.max(1);
    let reason = match outcome {
        Ok(_) => return Delivery::Sent,
        Err(SendError::Permanent { reason }) => {
            return Delivery::Dead {
                error: format!("送信できませんでした（再送しても届かない内容です）: {reason}"),
            };
        }
        Err(SendError::Unknown { reason }) if item.channel == "email" => {
            return Delivery::Dead {
                error: format!(
                    "メールサーバーが受け取りの返事をしないまま接続が終わったため、届いたかどうか分かりません。\
                     二重に届くのを避けるため自動では再送していません。届いていなければ再送してください: {reason}"
                ),
            };
        }
        // LINE and webhook receivers recognise the key: a resend cannot make a second copy.
        Err(SendError::Unknown { reason }) => reason,
        // The counterpart is up and said when to come back (a rate limit, maintenance): wait
        // as told, and keep the row's tries for failures. At least a second, so that a
        // `Retry-After: 0` cannot turn into a loop; on a whole second, as the outbox keeps
        // times, rounded up so that the wait is never shorter than asked.
        Err(SendError::Retry {
            reason,
            after: Some(asked),
        }) => {
            let at = whole_second_after(now + (*asked).max(Duration::from_secs(1)));
            return Delivery::Deferred {
                error: format!(
                    "送信先から、しばらく待つよう求められました。{}に再送します（試行回数には数えません）: {reason}",
                    jst(at)
                ),
                at,
            };
        }
        Err(SendError::Retry {
            reason,
            after: None,
        }) => reason,
    };
    if tries >= policy.max_attempts {
        return Delivery::Dead {
            error: format!("{tries}回送信を試みましたが、届きませんでした: {reason}"),
        };
    }
    let wait = policy.backoff(tries, unit);
    Delivery::Retry {
        error: format!("一時的に送信できませんでした（{tries}回目）。あとで再送します: {reason}"),
        at: now + wait,
    }
}

/// The first whole second at or after `at`.
fn whole_second_after(at: OffsetDateTime) -> OffsetDateTime {
    let whole = at.replace_nanosecond(0).unwrap_or(at);
    if whole < at {
        whole + Duration::from_secs(1)
    } else {
        whole
    }
}

/// A uniform draw from `[0, 1)` for the jitter; the middle when the system has no randomness
/// to give, which only makes the retries less spread.
fn unit_random() -> f64 {
    let mut bytes = [0u8; 8];
    match getrandom::getrandom(&mut bytes) {
        // The top 53 bits: exactly the precision of an f64 in [0, 1).
        Ok(()) => (u64::from_le_bytes(bytes) >> 11) as f64 / (1u64 << 53) as f64,
        Err(_) => 0.5,
    }
}

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM), as the server does: for a
/// process that runs only workers.
pub async fn until_stopped() {
    crate::shutdown_signal().await;
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use madoguchi_channels::{Webhook, WebhookSecret};
    use madoguchi_store::testing::TestDatabase;
    use madoguchi_store::{MessageBody, OutboxMessage};

    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);

    fn policy() -> RetryPolicy {
        RetryPolicy {
            base: Duration::from_secs(30),
            cap: Duration::from_secs(3600),
            max_attempts: 5,
        }
    }

    fn item(channel: &str, attempts: u32) -> OutboxItem {
        OutboxItem {
            id: 1,
            key: "notice-1/sub-1".to_owned(),
            channel: channel.to_owned(),
            recipient: "taro@example.jp".to_owned(),
            subscription_id: None,
            body: MessageBody {
                subject: "新しい制度のお知らせ".to_owned(),
                text: "本文".to_owned(),
                html: Some("<p>本文</p>".to_owned()),
                unsubscribe: Some("https://city.example.jp/notices/unsubscribe/t".to_owned()),
            },
            attempts,
            last_error: String::new(),
        }
    }

    fn retry(after: Option<Duration>) -> Result<Sent, SendError> {
        Err(SendError::Retry {
            reason: "SMTP MAIL FROM: 451".to_owned(),
            after,
        })
    }

    fn wait_of(delivery: &Delivery, now: OffsetDateTime) -> Duration {
        match delivery {
            Delivery::Retry { at, .. } => Duration::try_from(*at - now).unwrap(),
            other => panic!("expected a retry, got {other:?}"),
        }
    }

    #[test]
    fn the_ceiling_doubles_from_the_base_and_stops_at_the_cap() {
        let policy = policy();
        let ceilings: Vec<u64> = (1..=9).map(|n| policy.ceiling(n).as_secs()).collect();
        assert_eq!(ceilings, [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(
            policy.ceiling(0),
            policy.base,
            "no try yet counts as the first"
        );
        assert_eq!(policy.ceiling(u32::MAX), policy.cap, "no overflow");
    }

    #[test]
    fn full_jitter_stays_between_nothing_and_the_ceiling() {
        let policy = policy();
        for attempt in 1..=10 {
            let ceiling = policy.ceiling(attempt);
            assert_eq!(policy.backoff(attempt, 0.0), Duration::ZERO);
            assert_eq!(policy.backoff(attempt, 0.5), ceiling / 2);
            assert_eq!(policy.backoff(attempt, 2.0), ceiling, "clamped");
            for _ in 0..200 {
                let wait = policy.backoff(attempt, unit_random());
                assert!(wait <= ceiling, "{wait:?} > {ceiling:?}");
            }
        }
    }

    #[test]
    fn random_draws_are_in_the_unit_interval_and_spread() {
        let draws: Vec<f64> = (0..1000).map(|_| unit_random()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        assert!(draws.iter().any(|u| *u < 0.25) && draws.iter().any(|u| *u > 0.75));
    }

    #[test]
    fn a_sent_message_is_sent_whether_new_or_already_accepted() {
        let now = OffsetDateTime::now_utc();
        for already in [false, true] {
            let outcome = Ok(Sent { already });
            assert_eq!(
                settle(&item("line", 1), &outcome, &policy(), now, 0.3),
                Delivery::Sent
            );
        }
    }

    #[test]
    fn a_temporary_failure_waits_with_jitter_and_is_dead_after_the_last_try() {
        let now = OffsetDateTime::now_utc();
        let policy = policy();
        let first = settle(&item("email", 1), &retry(None), &policy, now, 0.5);
        assert_eq!(wait_of(&first, now), Duration::from_secs(15));
        let fourth = settle(&item("email", 4), &retry(None), &policy, now, 0.5);
        assert_eq!(wait_of(&fourth, now), Duration::from_secs(120));
        let Delivery::Retry { error, .. } = fourth else {
            unreachable!()
        };
        assert!(error.contains("4回目") && error.contains("451"), "{error}");

        let last = settle(&item("email", 5), &retry(None), &policy, now, 0.5);
        let Delivery::Dead { error } = last else {
            panic!("expected dead, got {last:?}")
        };
        assert!(error.starts_with("5回送信を試みましたが"), "{error}");
    }

    fn deferred_until(delivery: &Delivery) -> OffsetDateTime {
        match delivery {
            Delivery::Deferred { at, .. } => *at,
            other => panic!("expected a deferral, got {other:?}"),
        }
    }

    #[test]
    fn a_counterparts_retry_after_is_waited_as_told_and_uses_no_try() {
        let now = OffsetDateTime::now_utc();
        let policy = policy();
        // Even on the last try: asked to wait is not failing.
        let last = item("line", policy.max_attempts);
        let asked = deferred_until(&settle(&last, &retry(Some(10 * MINUTE)), &policy, now, 0.9));
        assert!(asked >= now + 10 * MINUTE, "sooner than asked");
        assert!(asked < now + 10 * MINUTE + Duration::from_secs(1));
        assert_eq!(asked.nanosecond(), 0, "on a whole second, as stored");
        // "Retry-After: 0" still waits a second rather than spin.
        let zero = deferred_until(&settle(
            &last,
            &retry(Some(Duration::ZERO)),
            &policy,
            now,
            0.9,
        ));
        assert!(zero >= now + Duration::from_secs(1));
        // Without Retry-After, the last try is the last.
        assert!(matches!(
            settle(&last, &retry(None), &policy, now, 0.9),
            Delivery::Dead { .. }
        ));
    }

    #[tokio::test]
    async fn a_deferral_gives_the_claims_try_back() {
        let db = TestDatabase::sqlite().unwrap();
        let store = db.migrated_store().await.unwrap();
        store
            .enqueue(&[queued("k-line", "line", "U0123")])
            .await
            .unwrap();
        let lease = time::Duration::MINUTE;
        for _ in 0..3 {
            let claimed = store.claim_outbox(10, lease).await.unwrap();
            assert_eq!(claimed[0].attempts, 1, "a deferral was counted as a try");
            let deferred = Delivery::Deferred {
                error: "429".to_owned(),
                at: OffsetDateTime::now_utc() - time::Duration::SECOND,
            };
            store
                .finish_deliveries(&[(claimed[0].id, deferred)])
                .await
                .unwrap();
        }
        let retry = Delivery::Retry {
            error: "500".to_owned(),
            at: OffsetDateTime::now_utc() - time::Duration::SECOND,
        };
        let claimed = store.claim_outbox(10, lease).await.unwrap();
        store.finish_delivery(claimed[0].id, &retry).await.unwrap();
        let claimed = store.claim_outbox(10, lease).await.unwrap();
        assert_eq!(claimed[0].attempts, 2, "a failure is a try");
    }

    #[tokio::test]
    async fn a_channel_that_asked_to_wait_is_not_tried_by_the_other_rows() {
        let waits = Waits::default();
        let now = OffsetDateTime::now_utc();
        waits.extend("line", now + MINUTE);
        let channels = Channels::default();
        // No LINE channel is configured, but a row that must wait is not even looked at.
        let mut line = item("line", 1);
        line.recipient = "U0123".to_owned();
        let config = DeliveryConfig::default();
        let waited = attempt(&channels, &line, &config, &waits).await;
        assert!(deferred_until(&waited) >= now + MINUTE);
        // Other channels go on.
        let mail = attempt(&channels, &item("email", 1), &config, &waits).await;
        assert!(matches!(mail, Delivery::Retry { .. }), "{mail:?}");
    }

    #[test]
    fn a_permanent_failure_is_dead_at_once() {
        let now = OffsetDateTime::now_utc();
        let outcome = Err(SendError::Permanent {
            reason: "SMTP RCPT TO: 550".to_owned(),
        });
        let delivery = settle(&item("email", 1), &outcome, &policy(), now, 0.5);
        let Delivery::Dead { error } = delivery else {
            panic!("expected dead, got {delivery:?}")
        };
        assert!(error.contains("再送しても届かない") && error.contains("550"));
    }

    #[test]
    fn an_unknown_outcome_parks_an_email_but_retries_line_with_the_same_key() {
        let now = OffsetDateTime::now_utc();
        let outcome = Err(SendError::Unknown {
            reason: "SMTP the message: timed out".to_owned(),
        });
        let email = settle(&item("email", 1), &outcome, &policy(), now, 0.5);
        let Delivery::Dead { error } = email else {
            panic!("expected dead, got {email:?}")
        };
        assert!(error.contains("届いたかどうか分かりません"), "{error}");
        let line = settle(&item("line", 1), &outcome, &policy(), now, 0.5);
        assert!(matches!(line, Delivery::Retry { .. }), "{line:?}");
    }

    #[test]
    fn a_row_becomes_the_channels_message_with_its_key_and_unsubscribe_link() {
        let message = message(&item("email", 1)).unwrap();
        assert_eq!(message.key, "notice-1/sub-1");
        assert_eq!(message.to, Recipient::Email("taro@example.jp".to_owned()));
        assert_eq!(message.html.as_deref(), Some("<p>本文</p>"));
        assert_eq!(
            message.unsubscribe,
            Some(Unsubscribe {
                url: "https://city.example.jp/notices/unsubscribe/t".to_owned(),
                mailto: None
            })
        );
        let mut line = item("line", 1);
        line.recipient = "U0123".to_owned();
        assert_eq!(
            super::message(&line).unwrap().to,
            Recipient::Line("U0123".to_owned())
        );
        let mut hook = item("webhook", 1);
        hook.recipient = "https://city.example.jp/hook".to_owned();
        assert_eq!(
            super::message(&hook).unwrap().to,
            Recipient::Webhook {
                url: "https://city.example.jp/hook".to_owned()
            }
        );
        let mut plain = item("email", 1);
        plain.body.unsubscribe = Some("http://127.0.0.1:8080/notices/unsubscribe/t".to_owned());
        assert_eq!(super::message(&plain).unwrap().unsubscribe, None);
        let unknown = super::message(&item("fax", 1)).unwrap_err();
        assert!(unknown.contains("fax"), "{unknown}");
    }

    fn queued(key: &str, channel: &'static str, recipient: &str) -> OutboxMessage {
        OutboxMessage {
            key: key.to_owned(),
            channel,
            recipient: recipient.to_owned(),
            subscription_id: None,
            notice_id: None,
            body: MessageBody {
                subject: "お知らせ".to_owned(),
                text: "本文".to_owned(),
                html: None,
                unsubscribe: None,
            },
        }
    }

    #[tokio::test]
    async fn a_channel_that_is_not_configured_keeps_its_rows_waiting_with_the_reason() {
        let db = TestDatabase::sqlite().unwrap();
        let store = db.migrated_store().await.unwrap();
        store
            .enqueue(&[
                queued("k-mail", "email", "taro@example.jp"),
                queued("k-line", "line", "U0123"),
            ])
            .await
            .unwrap();
        let channels = Arc::new(Channels::default());
        // No wait, so that the rows can be claimed again at once and their reason read.
        let config = DeliveryConfig {
            unconfigured_wait: Duration::ZERO,
            ..DeliveryConfig::default()
        };
        let counts = deliver_batch(&store, &channels, &config).await.unwrap();
        assert_eq!((counts.claimed, counts.retried), (2, 2));
        let totals = store.outbox_counts().await.unwrap();
        assert_eq!((totals.queued, totals.dead, totals.sent), (2, 0, 0));
        let waiting = store
            .claim_outbox(10, time::Duration::MINUTE)
            .await
            .unwrap();
        let reasons: Vec<&str> = waiting.iter().map(|i| i.last_error.as_str()).collect();
        assert!(reasons[0].starts_with("メールの送信先サーバーが設定されていません"));
        assert!(reasons[1].starts_with("LINE のチャネルアクセストークンが設定されていません"));
    }

    #[tokio::test]
    async fn a_receiver_that_cannot_be_reached_gets_the_row_again_later() {
        let db = TestDatabase::sqlite().unwrap();
        let store = db.migrated_store().await.unwrap();
        // A port that was free a moment ago: the connection is refused.
        let closed = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap();
        let url = format!("http://{closed}/hook");
        store
            .enqueue(&[queued("k-hook", "webhook", &url)])
            .await
            .unwrap();
        let secret = WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let channels = Arc::new(Channels {
            webhook: Some(Webhook::new(secret).unwrap()),
            ..Channels::default()
        });
        // No wait between tries, so that the second batch finds the row due again.
        let config = DeliveryConfig {
            retry: RetryPolicy {
                base: Duration::ZERO,
                cap: Duration::ZERO,
                max_attempts: 2,
            },
            ..DeliveryConfig::default()
        };
        let first = deliver_batch(&store, &channels, &config).await.unwrap();
        assert_eq!((first.claimed, first.retried), (1, 1));
        let totals = store.outbox_counts().await.unwrap();
        assert_eq!((totals.queued, totals.dead), (1, 0));

        // The second failure is the last try.
        let second = deliver_batch(&store, &channels, &config).await.unwrap();
        assert_eq!((second.claimed, second.dead), (1, 1));
        let dead = store.dead_letters(10).await.unwrap();
        assert!(dead[0].last_error.starts_with("2回送信を試みましたが"));
    }

    #[tokio::test]
    async fn the_loop_stops_when_told() {
        let db = TestDatabase::sqlite().unwrap();
        let store = db.migrated_store().await.unwrap();
        let (stop, stopped) = watch::channel(false);
        let worker = tokio::spawn(deliver(
            store,
            Arc::new(Channels::default()),
            DeliveryConfig::default(),
            stopped,
        ));
        stop.send(true).unwrap();
        worker.await.unwrap();
    }
}
