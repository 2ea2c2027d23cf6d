//! The delivery channels of madoguchi behind one message model.
//!
//! The outbox worker knows one thing to send, a [`Message`] to one [`Recipient`], and four outcomes:
//! sent ([`Sent`]), try again later, park it, or "may have gone out" ([`SendError`]). Which wire
//! protocol carries the message (SMTP, LINE's Messaging API, a signed webhook) is decided here, by
//! [`Channels::send`], from the recipient alone.
//!
//! There is no `Channel` trait: the three channels have different setup and different extra
//! operations (LINE multicast, webhook verification), and one struct that dispatches on the
//! recipient is all the worker needs. Each channel still has the same inherent method,
//! `send(&self, &Message) -> Result<Sent, SendError>`, whose future is `Send`, so that a worker can
//! also hold one channel alone.
//!
//! Every send is idempotent by [`Message::key`]: the SMTP `Message-ID`, the LINE retry key and the
//! webhook id are all derived from it, so a resend after [`SendError::Retry`] or
//! [`SendError::Unknown`] is recognisable as the same message by whoever receives it.

mod http;
pub mod line;
mod signing;
pub mod smtp;
pub mod webhook;

use std::time::Duration;

pub use line::{Line, LineEvent, LinkResult};
pub use smtp::{Smtp, TlsMode};
pub use webhook::{Webhook, WebhookSecret};

/// One message to one recipient on one channel.
///
/// `key` is stable for the outbox row: it is the idempotency key of every channel (the SMTP
/// `Message-ID`, LINE's `X-Line-Retry-Key`, the webhook's `webhook-id`), so a resend of the same
/// row is recognisable as the same message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Stable per outbox row; never reused for another message.
    pub key: String,
    /// Who gets it, which also decides the channel.
    pub to: Recipient,
    /// The e-mail subject; the first line of a LINE message; `subject` in a webhook's body.
    pub subject: String,
    /// The plain-text body, always sent.
    pub text: String,
    /// An HTML alternative for e-mail (and webhooks); LINE has no use for it.
    pub html: Option<String>,
    /// Links for the e-mail headers of RFC 8058 (one-click unsubscribe); other channels ignore it.
    pub unsubscribe: Option<Unsubscribe>,
}

/// Where a recipient unsubscribes, for the `List-Unsubscribe` headers of an e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    /// The `https` one-click target: mail clients `POST` `List-Unsubscribe=One-Click` to it.
    pub url: String,
    /// An optional `mailto:` address (with or without the `mailto:` prefix) for clients without
    /// one-click support.
    pub mailto: Option<String>,
}

/// Who a message goes to, and so which channel carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recipient {
    /// An e-mail address, sent over SMTP.
    Email(String),
    /// A LINE `userId` (as given in webhook events), sent as a push message.
    Line(String),
    /// A receiver's URL, sent as a signed JSON `POST`.
    Webhook {
        /// The `http(s)` URL the message is posted to.
        url: String,
    },
}

/// A message went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Sent {
    /// The counterpart says it had already accepted this very message earlier (LINE answers 409
    /// to a retry key it has seen): nothing new went out this time.
    pub already: bool,
}

/// Why a message did not (certainly) go out, sorted by what the outbox worker should do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later: connection refused or lost before the message was handed over, a timeout,
    /// SMTP 4xx, HTTP 5xx or 429 (with the counterpart's `Retry-After`, when it gave one).
    #[error("temporary failure, try again later: {reason}")]
    Retry {
        /// What happened, for the log.
        reason: String,
        /// How long the counterpart asked us to wait, if it said.
        after: Option<Duration>,
    },
    /// Will never succeed as it is (invalid address, SMTP 5xx, HTTP 4xx other than 409 and 429,
    /// a channel that is not configured): park it.
    #[error("permanent failure: {reason}")]
    Permanent {
        /// What happened, for the log.
        reason: String,
    },
    /// The message may or may not have gone out (the SMTP connection was lost or went quiet once
    /// the message itself was being sent, before the relay confirmed it): report it, don't
    /// blindly resend.
    #[error("outcome unknown, the message may have been delivered: {reason}")]
    Unknown {
        /// What happened, for the log.
        reason: String,
    },
}

impl SendError {
    pub(crate) fn retry(reason: impl Into<String>) -> Self {
        Self::Retry {
            reason: reason.into(),
            after: None,
        }
    }

    pub(crate) fn permanent(reason: impl Into<String>) -> Self {
        Self::Permanent {
            reason: reason.into(),
        }
    }

    pub(crate) fn unknown(reason: impl Into<String>) -> Self {
        Self::Unknown {
            reason: reason.into(),
        }
    }
}

/// How long a channel waits on its counterpart before a send fails with [`SendError::Retry`] (or
/// [`SendError::Unknown`] when an SMTP relay goes quiet after the whole message was sent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To open the TCP connection (and, for `smtps://`, the TLS session).
    pub connect: Duration,
    /// For each SMTP reply; for HTTP, for the whole exchange once connected.
    pub response: Duration,
}

impl Default for Timeouts {
    /// 10 s to connect, 60 s for a reply: relays that scan a message before they accept it take
    /// their time, and every timeout after the message body is an outcome nobody knows.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(10),
            response: Duration::from_secs(60),
        }
    }
}

/// SHA-256 of the outbox key: the one source of every derived identifier (Message-ID, LINE retry
/// key), so that the same row always yields the same ones and the key itself is not shown.
pub(crate) fn key_digest(key: &str) -> [u8; 32] {
    use sha2::Digest as _;
    sha2::Sha256::digest(key.as_bytes()).into()
}

/// [`key_digest`] in lower-case hex.
pub(crate) fn key_hex(key: &str) -> String {
    key_digest(key).iter().map(|b| format!("{b:02x}")).collect()
}

/// A channel's configuration could not be used as given. Raised at start-up, never per message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The SMTP URL does not have the documented form (see [`Smtp::from_url`]).
    #[error("invalid SMTP URL: {0}")]
    SmtpUrl(String),
    /// The sender's address or name cannot be used in a `From` header.
    #[error("invalid sender address: {0}")]
    Sender(String),
    /// LINE's base URL is not an absolute `http(s)` URL.
    #[error("invalid LINE base URL: {0}")]
    LineBaseUrl(String),
    /// A webhook secret is not `whsec_` followed by base64.
    #[error("invalid webhook secret: {0}")]
    WebhookSecret(String),
    /// The HTTP client could not be built (TLS roots unreadable, for instance).
    #[error("HTTP client: {0}")]
    HttpClient(String),
}

/// The configured channels; the outbox worker's one way to send.
///
/// A channel left `None` is not configured: messages for it fail with [`SendError::Permanent`].
#[derive(Debug, Default)]
pub struct Channels {
    /// E-mail, for [`Recipient::Email`].
    pub smtp: Option<Smtp>,
    /// LINE push messages, for [`Recipient::Line`].
    pub line: Option<Line>,
    /// Signed webhooks, for [`Recipient::Webhook`].
    pub webhook: Option<Webhook>,
}

impl Channels {
    /// Sends one message on the channel its recipient names.
    pub async fn send(&self, message: &Message) -> Result<Sent, SendError> {
        match &message.to {
            Recipient::Email(_) => match &self.smtp {
                Some(smtp) => smtp.send(message).await,
                None => Err(not_configured("e-mail (SMTP)")),
            },
            Recipient::Line(_) => match &self.line {
                Some(line) => line.send(message).await,
                None => Err(not_configured("LINE")),
            },
            Recipient::Webhook { .. } => match &self.webhook {
                Some(webhook) => webhook.send(message).await,
                None => Err(not_configured("webhook")),
            },
        }
    }
}

fn not_configured(channel: &str) -> SendError {
    SendError::permanent(format!(
        "the {channel} channel is not configured on this server"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(to: Recipient) -> Message {
        Message {
            key: "outbox-1".to_owned(),
            to,
            subject: "件名".to_owned(),
            text: "本文".to_owned(),
            html: None,
            unsubscribe: None,
        }
    }

    #[tokio::test]
    async fn a_channel_that_is_not_configured_parks_the_message_with_a_clear_reason() {
        let channels = Channels::default();
        for (to, name) in [
            (Recipient::Email("a@example.jp".to_owned()), "e-mail (SMTP)"),
            (Recipient::Line("U0123".to_owned()), "LINE"),
            (
                Recipient::Webhook {
                    url: "http://127.0.0.1:9/".to_owned(),
                },
                "webhook",
            ),
        ] {
            let outcome = channels.send(&message(to)).await;
            assert_eq!(
                outcome,
                Err(SendError::Permanent {
                    reason: format!("the {name} channel is not configured on this server")
                })
            );
        }
    }

    #[test]
    fn sending_is_a_send_future_so_that_a_worker_can_spawn_it() {
        fn assert_send<T: Send>(_: &T) {}
        let channels = Channels::default();
        let message = message(Recipient::Line("U0123".to_owned()));
        assert_send(&channels.send(&message));
    }
}
