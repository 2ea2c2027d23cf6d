//! Outgoing webhooks signed the Standard Webhooks way, and the check a receiver makes.
//!
//! A message is `POST`ed as JSON with three headers:
//!
//! - `webhook-id`: the outbox key, the same on every try, so that a receiver drops repeats;
//! - `webhook-timestamp`: unix seconds when this try was signed;
//! - `webhook-signature`: `v1,` then base64(HMAC-SHA256(secret, `"{id}.{timestamp}.{body}"`)).
//!
//! The secret is written `whsec_` followed by base64 of its bytes. The body is
//! `{"type": "madoguchi.message", "timestamp": RFC 3339, "data": {"subject", "text", "html"}}`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::{ConfigError, Message, Recipient, SendError, Sent, Timeouts, http, signing};

/// How far a receiver lets a timestamp stray from its own clock (Standard Webhooks' default).
pub const TOLERANCE: Duration = Duration::from_secs(5 * 60);

/// A webhook signing secret, from its `whsec_<base64>` form. Never shown in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct WebhookSecret(Vec<u8>);

impl WebhookSecret {
    /// Reads `whsec_` followed by base64 (of at least 16 bytes).
    pub fn parse(secret: &str) -> Result<Self, ConfigError> {
        let bad = |why: &str| ConfigError::WebhookSecret(why.to_owned());
        let encoded = secret
            .trim()
            .strip_prefix("whsec_")
            .ok_or_else(|| bad("it must start with whsec_"))?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| bad("what follows whsec_ is not base64"))?;
        if bytes.len() < 16 {
            return Err(bad("it must be at least 16 bytes"));
        }
        Ok(Self(bytes))
    }
}

impl fmt::Debug for WebhookSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("WebhookSecret(…)")
    }
}

/// The webhook channel: one secret signs every message, whatever URL it goes to.
#[derive(Debug, Clone)]
pub struct Webhook {
    secret: WebhookSecret,
    client: reqwest::Client,
}

#[derive(Serialize)]
struct Payload<'a> {
    r#type: &'static str,
    timestamp: String,
    data: Data<'a>,
}

#[derive(Serialize)]
struct Data<'a> {
    subject: &'a str,
    text: &'a str,
    html: Option<&'a str>,
}

impl Webhook {
    /// A channel that signs with `secret`.
    pub fn new(secret: WebhookSecret) -> Result<Self, ConfigError> {
        Ok(Self {
            secret,
            client: http::client(Timeouts::default())?,
        })
    }

    /// Replaces the default deadlines (see [`Timeouts`]).
    pub fn with_timeouts(mut self, timeouts: Timeouts) -> Result<Self, ConfigError> {
        self.client = http::client(timeouts)?;
        Ok(self)
    }

    /// Posts `message` to its [`Recipient::Webhook`] URL. 2xx is sent; 429, 5xx, timeouts and
    /// connection failures are worth another try (the receiver drops repeats by `webhook-id`);
    /// any other status is final.
    pub async fn send(&self, message: &Message) -> Result<Sent, SendError> {
        let Recipient::Webhook { url } = &message.to else {
            return Err(SendError::permanent(
                "the webhook channel only sends to webhook recipients",
            ));
        };
        let url = reqwest::Url::parse(url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https"))
            .ok_or_else(|| SendError::permanent(format!("invalid webhook URL {url:?}")))?;
        let now = OffsetDateTime::now_utc();
        let body = serde_json::to_vec(&Payload {
            r#type: "madoguchi.message",
            timestamp: now.format(&Rfc3339).unwrap_or_default(),
            data: Data {
                subject: &message.subject,
                text: &message.text,
                html: message.html.as_deref(),
            },
        })
        .map_err(|e| SendError::permanent(format!("webhook body: {e}")))?;
        let timestamp = now.unix_timestamp().to_string();
        let signature = sign(&self.secret, &message.key, &timestamp, &body);

        let request = self
            .client
            .post(url)
            .header("webhook-id", &message.key)
            .header("webhook-timestamp", &timestamp)
            .header("webhook-signature", signature)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let answer = http::exchange(request, "webhook").await?;
        if answer.status.is_success() {
            Ok(Sent { already: false })
        } else {
            Err(answer.failure("webhook"))
        }
    }
}

/// The `webhook-signature` header value: `v1,<base64 HMAC-SHA256(secret, "{id}.{timestamp}.{body}")>`.
pub fn sign(secret: &WebhookSecret, id: &str, timestamp: &str, body: &[u8]) -> String {
    let signature = signing::sign(&secret.0, &signed_parts(id, timestamp, body));
    format!("v1,{signature}")
}

fn signed_parts<'a>(id: &'a str, timestamp: &'a str, body: &'a [u8]) -> [&'a [u8]; 5] {
    [id.as_bytes(), b".", timestamp.as_bytes(), b".", body]
}

/// Why a received webhook was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// `webhook-timestamp` is not unix seconds.
    #[error("webhook-timestamp is not a unix time in seconds")]
    BadTimestamp,
    /// The timestamp is further than [`TOLERANCE`] from now: a replay, or a clock far off.
    #[error("webhook-timestamp is too far from the current time")]
    Stale,
    /// No `v1` signature in `webhook-signature` matches the id, timestamp and body.
    #[error("no webhook-signature matches")]
    NoMatch,
}

/// A receiver's check of the three headers against the raw body, at time `now`. The signature
/// header may list several space-separated signatures (during a key rotation); one `v1` match
/// suffices. Comparison is in constant time.
pub fn verify(
    secret: &WebhookSecret,
    id: &str,
    timestamp: &str,
    signatures: &str,
    body: &[u8],
    now: SystemTime,
) -> Result<(), VerifyError> {
    let sent = timestamp
        .trim()
        .parse::<u64>()
        .map_err(|_| VerifyError::BadTimestamp)?;
    let now = now
        .duration_since(UNIX_EPOCH)
        .map_err(|_| VerifyError::Stale)?
        .as_secs();
    if sent.abs_diff(now) > TOLERANCE.as_secs() {
        return Err(VerifyError::Stale);
    }
    let parts = signed_parts(id, timestamp.trim(), body);
    let matches = signatures
        .split_whitespace()
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .any(|signature| signing::verify(&secret.0, &parts, signature));
    if matches {
        Ok(())
    } else {
        Err(VerifyError::NoMatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> WebhookSecret {
        WebhookSecret::parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn the_signature_matches_the_standard_webhooks_example() {
        // The example of the Standard Webhooks specification.
        let body = br#"{"test": 2432232314}"#;
        assert_eq!(
            sign(
                &secret(),
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                "1614265330",
                body
            ),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn a_signed_request_verifies_and_a_changed_or_stale_one_does_not() {
        let at = |seconds: u64| UNIX_EPOCH + Duration::from_secs(seconds);
        let body = br#"{"a":1}"#;
        let signature = sign(&secret(), "id-1", "1700000000", body);
        let check = |id: &str, ts: &str, sig: &str, body: &[u8], now| {
            verify(&secret(), id, ts, sig, body, at(now))
        };
        assert_eq!(
            check("id-1", "1700000000", &signature, body, 1_700_000_100),
            Ok(())
        );
        let rotated = format!("v1,bm90IGl0 {signature}");
        assert_eq!(
            check("id-1", "1700000000", &rotated, body, 1_700_000_000),
            Ok(())
        );
        assert_eq!(
            check(
                "id-1",
                "1700000000",
                &signature,
                br#"{"a":2}"#,
                1_700_000_000
            ),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            check("id-2", "1700000000", &signature, body, 1_700_000_000),
            Err(VerifyError::NoMatch)
        );
        assert_eq!(
            check("id-1", "1700000000", &signature, body, 1_700_000_301),
            Err(VerifyError::Stale)
        );
        assert_eq!(
            check("id-1", "soon", &signature, body, 1_700_000_000),
            Err(VerifyError::BadTimestamp)
        );
    }

    #[test]
    fn a_secret_must_be_whsec_and_base64() {
        assert!(WebhookSecret::parse("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").is_err());
        assert!(WebhookSecret::parse("whsec_not base64!").is_err());
        assert!(WebhookSecret::parse("whsec_c2hvcnQ=").is_err());
        assert_eq!(format!("{:?}", secret()), "WebhookSecret(…)");
    }
}
