//! LINE's Messaging API: push and multicast text messages, and the two things a webhook endpoint
//! needs, checking `x-line-signature` and reading the events a desk cares about.
//!
//! Every send carries an `X-Line-Retry-Key` derived from the outbox key, so that LINE itself
//! refuses a duplicate (409) within its retry window; that answer means the message already went
//! out and is reported as [`Sent { already: true }`](Sent). Shapes follow LINE's OpenAPI documents
//! (`messaging-api.yml`, `webhook.yml`).

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

use crate::http::{self, Answer};
use crate::{ConfigError, Message, Recipient, SendError, Sent, Timeouts, key_digest, signing};

/// The base URL of the real API.
pub const DEFAULT_BASE_URL: &str = "https://api.line.me";
/// LINE's limit on a text message, counted here in UTF-16 code units (never fewer than
/// characters, so the limit holds whichever way LINE counts).
pub const MAX_TEXT_LEN: usize = 5000;
/// LINE's limit on the recipients of one multicast request.
pub const MAX_MULTICAST: usize = 500;
/// What replaces the end of a text that was too long.
const TRUNCATION_NOTE: &str = "\n…（文字数の上限を超えたため、以降を省略しました）";

/// A LINE channel that sends with its channel access token.
#[derive(Clone)]
pub struct Line {
    base: Url,
    token: String,
    client: reqwest::Client,
}

impl fmt::Debug for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The token is a bearer credential: never in a log.
        f.debug_struct("Line")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct TextMessage<'a> {
    r#type: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct Push<'a> {
    to: &'a str,
    messages: [TextMessage<'a>; 1],
}

#[derive(Serialize)]
struct Multicast<'a> {
    to: &'a [String],
    messages: [TextMessage<'a>; 1],
}

impl Line {
    /// A channel against `base_url` ([`DEFAULT_BASE_URL`] in production, a stand-in in tests).
    pub fn new(base_url: &str, channel_access_token: &str) -> Result<Self, ConfigError> {
        let base = Url::parse(base_url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.has_host())
            .ok_or_else(|| ConfigError::LineBaseUrl(base_url.to_owned()))?;
        Ok(Self {
            base,
            token: channel_access_token.to_owned(),
            client: http::client(Timeouts::default())?,
        })
    }

    /// Replaces the default deadlines (see [`Timeouts`]).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Result<Self, ConfigError> {
        self.client = http::client(timeouts)?;
        Ok(self)
    }

    /// Sends `message` to its [`Recipient::Line`] user as one push message: the subject as the
    /// first line, then the text.
    pub async fn send(&self, message: &Message) -> Result<Sent, SendError> {
        let Recipient::Line(user_id) = &message.to else {
            return Err(SendError::permanent(
                "the LINE channel only sends to LINE recipients",
            ));
        };
        let text = if message.subject.trim().is_empty() {
            message.text.clone()
        } else {
            format!("{}\n\n{}", message.subject.trim(), message.text)
        };
        self.push(&message.key, user_id, &text).await
    }

    /// `POST /v2/bot/message/push`: one text message to one user, idempotent by `key`.
    pub async fn push(&self, key: &str, user_id: &str, text: &str) -> Result<Sent, SendError> {
        let text = fit_text(text);
        let body = Push {
            to: user_id,
            messages: [TextMessage {
                r#type: "text",
                text: &text,
            }],
        };
        self.post("/v2/bot/message/push", &retry_key(key), &body)
            .await
    }

    /// `POST /v2/bot/message/multicast`: one text message to many users, in requests of at most
    /// [`MAX_MULTICAST`] in the order given, each with its own retry key derived from `key` and
    /// its position. The first failure stops the rest and is returned; resending the same list
    /// with the same key after [`SendError::Retry`] sends only what LINE has not accepted yet
    /// (the rest answer 409). [`Sent::already`] is true when every request was a repeat.
    pub async fn multicast(
        &self,
        key: &str,
        user_ids: &[String],
        text: &str,
    ) -> Result<Sent, SendError> {
        let text = fit_text(text);
        let chunks = user_ids.chunks(MAX_MULTICAST);
        let count = chunks.len();
        let mut already = true;
        for (index, to) in chunks.enumerate() {
            let body = Multicast {
                to,
                messages: [TextMessage {
                    r#type: "text",
                    text: &text,
                }],
            };
            let chunk_key = retry_key(&format!("{key}\u{0}multicast\u{0}{index}"));
            let sent = self
                .post("/v2/bot/message/multicast", &chunk_key, &body)
                .await
                .map_err(|e| in_chunk(e, index, count))?;
            already &= sent.already;
        }
        Ok(Sent { already })
    }

    async fn post(
        &self,
        path: &str,
        retry_key: &str,
        body: &impl Serialize,
    ) -> Result<Sent, SendError> {
        let url = self
            .base
            .join(path)
            .map_err(|e| SendError::permanent(format!("LINE {path}: {e}")))?;
        let body = serde_json::to_vec(body)
            .map_err(|e| SendError::permanent(format!("LINE {path}: {e}")))?;
        let request = self
            .client
            .post(url)
            .bearer_auth(&self.token)
            .header("X-Line-Retry-Key", retry_key)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let what = format!("LINE {path}");
        let answer: Answer = http::exchange(request, &what).await?;
        match answer.status.as_u16() {
            200..=299 => Ok(Sent { already: false }),
            // "The retry key is already accepted": the message went out on an earlier try.
            409 => Ok(Sent { already: true }),
            // The month's message quota is spent: no wait within the hour helps, so the
            // message is parked where staff see it and can send it again next month.
            429 if quota_spent(&answer.body) => Err(SendError::permanent(format!(
                "{what}: LINEで今月送信できる通数の上限に達しました。上限を増やすか、翌月に再送してください: HTTP 429: {}",
                String::from_utf8_lossy(&answer.body)
            ))),
            _ => Err(answer.failure(&what)),
        }
    }
}

/// Whether a 429's body says the monthly message quota is spent (LINE's 「You have reached
/// your monthly limit.」) rather than a rate limit that passes.
fn quota_spent(body: &[u8]) -> bool {
    #[derive(serde::Deserialize)]
    struct ErrorResponse {
        message: String,
    }
    serde_json::from_slice::<ErrorResponse>(body)
        .is_ok_and(|e| e.message.to_ascii_lowercase().contains("monthly limit"))
}

/// Names the failing request of a multicast in the reason.
fn in_chunk(error: SendError, index: usize, count: usize) -> SendError {
    if count == 1 {
        return error;
    }
    let note = |reason: String| {
        format!(
            "multicast request {} of {count} (recipients {}–): {reason}; later requests not sent",
            index + 1,
            index * MAX_MULTICAST + 1
        )
    };
    match error {
        SendError::Retry { reason, after } => SendError::Retry {
            reason: note(reason),
            after,
        },
        SendError::Permanent { reason } => SendError::permanent(note(reason)),
        SendError::Unknown { reason } => SendError::unknown(note(reason)),
    }
}

/// The `X-Line-Retry-Key` for an outbox key: a UUID (version 4 layout, as LINE expects a UUID)
/// made from SHA-256 of the key, so that every try of the same row sends the same one.
pub fn retry_key(key: &str) -> String {
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&key_digest(key)[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// `text` cut to [`MAX_TEXT_LEN`] with a note saying so, or as it is when it fits.
fn fit_text(text: &str) -> String {
    let utf16_len = |s: &str| s.encode_utf16().count();
    if utf16_len(text) <= MAX_TEXT_LEN {
        return text.to_owned();
    }
    let room = MAX_TEXT_LEN - utf16_len(TRUNCATION_NOTE);
    let mut used = 0;
    let mut kept = String::new();
    for c in text.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        kept.push(c);
    }
    kept.push_str(TRUNCATION_NOTE);
    kept
}

/// Whether `signature` (the `x-line-signature` header) is base64(HMAC-SHA256(channel secret,
/// raw body)), compared in constant time. Check it on the raw bytes, before parsing.
pub fn verify_signature(channel_secret: &str, raw_body: &[u8], signature: &str) -> bool {
    signing::verify(channel_secret.as_bytes(), &[raw_body], signature)
}

/// The body of a webhook request is not what LINE documents.
#[derive(Debug, thiserror::Error)]
#[error("not a LINE webhook body: {0}")]
pub struct WebhookParseError(#[from] serde_json::Error);

/// Whether an account link succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LinkResult {
    /// The user's LINE account is now linked to the account the nonce was issued for.
    Ok,
    /// Linking failed; the nonce should not be trusted.
    Failed,
}

/// A webhook event, reduced to what the desk acts on. Every event keeps LINE's
/// `webhookEventId` and `deliveryContext.isRedelivery`, so that a caller can drop replays.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LineEvent {
    /// The user added the account as a friend, or unblocked it.
    Follow {
        /// The LINE `userId`.
        user_id: String,
        /// LINE's id of this event (a ULID), the same on a redelivery.
        webhook_event_id: String,
        /// LINE is delivering this event again.
        is_redelivery: bool,
    },
    /// The user blocked the account.
    Unfollow {
        /// The LINE `userId`.
        user_id: String,
        /// LINE's id of this event (a ULID), the same on a redelivery.
        webhook_event_id: String,
        /// LINE is delivering this event again.
        is_redelivery: bool,
    },
    /// The user went through account linking with a nonce the desk issued.
    AccountLink {
        /// The LINE `userId`.
        user_id: String,
        /// The nonce the desk issued for the account being linked.
        nonce: String,
        /// Whether linking succeeded.
        result: LinkResult,
        /// LINE's id of this event (a ULID), the same on a redelivery.
        webhook_event_id: String,
        /// LINE is delivering this event again.
        is_redelivery: bool,
    },
    /// The user sent a text message to the account, one to one.
    Message {
        /// The LINE `userId`.
        user_id: String,
        /// What the user typed.
        text: String,
        /// LINE's id of this event (a ULID), the same on a redelivery.
        webhook_event_id: String,
        /// LINE is delivering this event again.
        is_redelivery: bool,
    },
    /// Any other event (messages other than text or not from a user, postbacks, group events, …), or one of the above without a
    /// user as its source.
    Other {
        /// LINE's `type` of the event.
        kind: String,
        /// LINE's id of this event (a ULID), the same on a redelivery.
        webhook_event_id: String,
        /// LINE is delivering this event again.
        is_redelivery: bool,
    },
}

impl LineEvent {
    /// LINE's id of this event: the key to drop one already handled.
    pub fn webhook_event_id(&self) -> &str {
        match self {
            Self::Follow {
                webhook_event_id, ..
            }
            | Self::Unfollow {
                webhook_event_id, ..
            }
            | Self::AccountLink {
                webhook_event_id, ..
            }
            | Self::Message {
                webhook_event_id, ..
            }
            | Self::Other {
                webhook_event_id, ..
            } => webhook_event_id,
        }
    }

    /// Whether LINE says this is a redelivery of an event sent before.
    pub fn is_redelivery(&self) -> bool {
        match self {
            Self::Follow { is_redelivery, .. }
            | Self::Unfollow { is_redelivery, .. }
            | Self::AccountLink { is_redelivery, .. }
            | Self::Message { is_redelivery, .. }
            | Self::Other { is_redelivery, .. } => *is_redelivery,
        }
    }
}

#[derive(Deserialize)]
struct Callback {
    events: Vec<RawEvent>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawEvent {
    r#type: String,
    webhook_event_id: String,
    delivery_context: DeliveryContext,
    source: Option<Source>,
    link: Option<Link>,
    message: Option<RawMessage>,
}

#[derive(Deserialize)]
struct RawMessage {
    r#type: String,
    text: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeliveryContext {
    is_redelivery: bool,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    r#type: String,
    user_id: Option<String>,
}

#[derive(Deserialize)]
struct Link {
    result: LinkResult,
    nonce: String,
}

/// The events of a webhook request body (`{"destination": …, "events": [...]}`), in order. An
/// empty list is LINE checking that the endpoint answers.
pub fn parse_webhook(raw_body: &[u8]) -> Result<Vec<LineEvent>, WebhookParseError> {
    let callback: Callback = serde_json::from_slice(raw_body)?;
    Ok(callback.events.into_iter().map(LineEvent::from).collect())
}

impl From<RawEvent> for LineEvent {
    fn from(event: RawEvent) -> Self {
        let webhook_event_id = event.webhook_event_id;
        let is_redelivery = event.delivery_context.is_redelivery;
        let user_id = event
            .source
            .filter(|source| source.r#type == "user")
            .and_then(|source| source.user_id);
        let text = event
            .message
            .filter(|message| message.r#type == "text")
            .and_then(|message| message.text);
        match (event.r#type.as_str(), user_id, event.link, text) {
            ("follow", Some(user_id), _, _) => Self::Follow {
                user_id,
                webhook_event_id,
                is_redelivery,
            },
            ("unfollow", Some(user_id), _, _) => Self::Unfollow {
                user_id,
                webhook_event_id,
                is_redelivery,
            },
            ("accountLink", Some(user_id), Some(link), _) => Self::AccountLink {
                user_id,
                nonce: link.nonce,
                result: link.result,
                webhook_event_id,
                is_redelivery,
            },
            ("message", Some(user_id), _, Some(text)) => Self::Message {
                user_id,
                text,
                webhook_event_id,
                is_redelivery,
            },
            _ => Self::Other {
                kind: event.r#type,
                webhook_event_id,
                is_redelivery,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_key_is_a_version_4_uuid_fixed_by_the_outbox_key() {
        let key = retry_key("outbox-1");
        assert_eq!(key, retry_key("outbox-1"));
        assert_ne!(key, retry_key("outbox-2"));
        let parts: Vec<&str> = key.split('-').collect();
        assert_eq!(
            parts.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(parts[2].starts_with('4'), "{key}");
        assert!(matches!(&parts[3][..1], "8" | "9" | "a" | "b"), "{key}");
    }

    #[test]
    fn a_text_that_fits_is_left_alone_and_a_long_one_is_cut_with_a_note() {
        assert_eq!(fit_text("こんにちは"), "こんにちは");
        let exact = "あ".repeat(MAX_TEXT_LEN);
        assert_eq!(fit_text(&exact), exact);

        let long = "あ".repeat(MAX_TEXT_LEN + 1);
        let cut = fit_text(&long);
        assert_eq!(cut.encode_utf16().count(), MAX_TEXT_LEN);
        assert!(cut.ends_with(TRUNCATION_NOTE));

        // A character outside the BMP counts twice and is never split.
        let emoji = "😀".repeat(MAX_TEXT_LEN);
        let cut = fit_text(&emoji);
        assert!(cut.encode_utf16().count() <= MAX_TEXT_LEN);
        assert!(cut.ends_with(TRUNCATION_NOTE));
    }

    #[test]
    fn follow_unfollow_account_link_and_text_message_events_are_read_with_their_replay_markers() {
        let body = r#"{
          "destination": "U0123456789abcdef0123456789abcdef",
          "events": [
            {"type": "follow", "mode": "active", "timestamp": 1, "replyToken": "r",
             "webhookEventId": "01FOLLOW", "deliveryContext": {"isRedelivery": false},
             "source": {"type": "user", "userId": "Uaaa"}, "follow": {"isUnblocked": false}},
            {"type": "unfollow", "mode": "active", "timestamp": 2,
             "webhookEventId": "01UNFOLLOW", "deliveryContext": {"isRedelivery": true},
             "source": {"type": "user", "userId": "Ubbb"}},
            {"type": "accountLink", "mode": "active", "timestamp": 3,
             "webhookEventId": "01LINK", "deliveryContext": {"isRedelivery": false},
             "source": {"type": "user", "userId": "Uccc"},
             "link": {"result": "failed", "nonce": "n-1"}},
            {"type": "message", "mode": "active", "timestamp": 4, "replyToken": "r",
             "webhookEventId": "01MSG", "deliveryContext": {"isRedelivery": false},
             "source": {"type": "group", "groupId": "Cddd", "userId": "Uddd"},
             "message": {"type": "text", "id": "1", "text": "こんにちは"}},
            {"type": "follow", "mode": "active", "timestamp": 5,
             "webhookEventId": "01NOSOURCE", "deliveryContext": {"isRedelivery": false}},
            {"type": "message", "mode": "active", "timestamp": 6, "replyToken": "r",
             "webhookEventId": "01TEXT", "deliveryContext": {"isRedelivery": false},
             "source": {"type": "user", "userId": "Ueee"},
             "message": {"type": "text", "id": "2", "quoteToken": "q", "text": "ABCD2345"}},
            {"type": "message", "mode": "active", "timestamp": 7, "replyToken": "r",
             "webhookEventId": "01STICKER", "deliveryContext": {"isRedelivery": false},
             "source": {"type": "user", "userId": "Ueee"},
             "message": {"type": "sticker", "id": "3", "packageId": "1", "stickerId": "1",
                         "stickerResourceType": "STATIC"}}
          ]
        }"#;
        let events = parse_webhook(body.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            events,
            [
                LineEvent::Follow {
                    user_id: "Uaaa".to_owned(),
                    webhook_event_id: "01FOLLOW".to_owned(),
                    is_redelivery: false,
                },
                LineEvent::Unfollow {
                    user_id: "Ubbb".to_owned(),
                    webhook_event_id: "01UNFOLLOW".to_owned(),
                    is_redelivery: true,
                },
                LineEvent::AccountLink {
                    user_id: "Uccc".to_owned(),
                    nonce: "n-1".to_owned(),
                    result: LinkResult::Failed,
                    webhook_event_id: "01LINK".to_owned(),
                    is_redelivery: false,
                },
                LineEvent::Other {
                    kind: "message".to_owned(),
                    webhook_event_id: "01MSG".to_owned(),
                    is_redelivery: false,
                },
                LineEvent::Other {
                    kind: "follow".to_owned(),
                    webhook_event_id: "01NOSOURCE".to_owned(),
                    is_redelivery: false,
                },
                LineEvent::Message {
                    user_id: "Ueee".to_owned(),
                    text: "ABCD2345".to_owned(),
                    webhook_event_id: "01TEXT".to_owned(),
                    is_redelivery: false,
                },
                LineEvent::Other {
                    kind: "message".to_owned(),
                    webhook_event_id: "01STICKER".to_owned(),
                    is_redelivery: false,
                },
            ]
        );
        assert_eq!(events[1].webhook_event_id(), "01UNFOLLOW");
        assert!(events[1].is_redelivery());
    }

    #[test]
    fn an_empty_event_list_is_fine_and_a_foreign_body_is_an_error() {
        let empty = parse_webhook(br#"{"destination":"Uxxx","events":[]}"#);
        assert!(empty.is_ok_and(|events| events.is_empty()));
        assert!(parse_webhook(b"{}").is_err());
        assert!(parse_webhook(b"not json").is_err());
    }
}
