//! Webhooks: a receiver on loopback that checks the Standard Webhooks signature with this crate's
//! own [`verify`] (as a receiver would), answers as scripted, and keeps what it accepted.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use madoguchi_channels::webhook::{VerifyError, verify};
use madoguchi_channels::{Channels, Recipient, SendError, Sent, Webhook, WebhookSecret};
use serde_json::Value;

use crate::{QUICK, message, serve, sorted};

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

/// What the receiver does with one request once the signature checked out.
#[derive(Clone, Copy)]
enum Behaviour {
    Answer(u16),
    /// Answers 200, but later than the sender waits.
    Slow,
}

/// One request as received.
#[derive(Debug, Clone)]
struct Received {
    id: String,
    verified: Result<(), VerifyError>,
    body: Value,
}

#[derive(Default)]
struct Inner {
    script: VecDeque<Behaviour>,
    received: Vec<Received>,
}

struct Receiver {
    inner: Arc<Mutex<Inner>>,
    url: String,
}

impl Receiver {
    async fn start(script: &[Behaviour]) -> Self {
        let inner = Arc::new(Mutex::new(Inner {
            script: script.iter().copied().collect(),
            received: Vec::new(),
        }));
        let app = Router::new()
            .route("/hooks/madoguchi", post(receive))
            .with_state(Arc::clone(&inner));
        let address = serve(app).await;
        Self {
            inner,
            url: format!("http://{address}/hooks/madoguchi"),
        }
    }

    fn received(&self) -> Vec<Received> {
        self.inner
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .received
            .clone()
    }
}

fn secret() -> WebhookSecret {
    WebhookSecret::parse(SECRET).unwrap_or_else(|e| panic!("{e}"))
}

/// A receiver as its documentation would tell one to be written: verify first, on the raw body.
async fn receive(
    State(inner): State<Arc<Mutex<Inner>>>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    let id = header("webhook-id");
    let verified = verify(
        &secret(),
        &id,
        &header("webhook-timestamp"),
        &header("webhook-signature"),
        &body,
        SystemTime::now(),
    );
    let behaviour = {
        let mut inner = inner.lock().unwrap_or_else(PoisonError::into_inner);
        inner.received.push(Received {
            id,
            verified,
            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
        });
        if verified.is_err() {
            return StatusCode::UNAUTHORIZED;
        }
        inner.script.pop_front().unwrap_or(Behaviour::Answer(200))
    };
    match behaviour {
        Behaviour::Answer(status) => StatusCode::from_u16(status).unwrap_or_else(|e| panic!("{e}")),
        Behaviour::Slow => {
            tokio::time::sleep(QUICK.connect + QUICK.response + Duration::from_secs(2)).await;
            StatusCode::OK
        }
    }
}

fn webhook(secret: WebhookSecret) -> Webhook {
    Webhook::new(secret)
        .and_then(|webhook| webhook.with_timeouts(QUICK))
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test]
async fn a_signed_message_that_meets_a_500_is_retried_and_then_accepted_under_the_same_id() {
    let receiver = Receiver::start(&[Behaviour::Answer(500)]).await;
    let channels = Channels {
        webhook: Some(webhook(secret())),
        ..Channels::default()
    };
    let mut message = message(
        "outbox-1",
        Recipient::Webhook {
            url: receiver.url.clone(),
        },
    );
    message.html = Some("<p>ご相談を受け付けました。</p>".to_owned());

    let first = channels.send(&message).await;
    assert!(matches!(first, Err(SendError::Retry { .. })), "{first:?}");
    assert_eq!(channels.send(&message).await, Ok(Sent { already: false }));

    let received = receiver.received();
    assert_eq!(received.len(), 2);
    for request in &received {
        assert_eq!(request.id, "outbox-1");
        assert_eq!(request.verified, Ok(()));
        assert_eq!(request.body["type"], "madoguchi.message");
        assert_eq!(request.body["data"]["subject"], message.subject.as_str());
        assert_eq!(request.body["data"]["text"], message.text.as_str());
        assert_eq!(
            request.body["data"]["html"],
            "<p>ご相談を受け付けました。</p>"
        );
    }
}

#[tokio::test]
async fn a_receiver_with_another_secret_refuses_and_that_is_permanent() {
    let receiver = Receiver::start(&[]).await;
    let other = WebhookSecret::parse("whsec_c2VjcmV0LW9mLWFub3RoZXItc2VuZGVy")
        .unwrap_or_else(|e| panic!("{e}"));
    let to = Recipient::Webhook {
        url: receiver.url.clone(),
    };
    let outcome = webhook(other).send(&message("outbox-2", to)).await;
    assert!(
        matches!(&outcome, Err(SendError::Permanent { reason }) if reason.contains("401")),
        "{outcome:?}"
    );
    assert_eq!(receiver.received()[0].verified, Err(VerifyError::NoMatch));
}

#[tokio::test]
async fn statuses_and_a_slow_receiver_are_sorted_into_retry_and_park() {
    let cases = [
        (Behaviour::Answer(204), "sent"),
        (Behaviour::Answer(429), "retry"),
        (Behaviour::Answer(503), "retry"),
        (Behaviour::Answer(400), "park"),
        (Behaviour::Answer(410), "park"),
        (Behaviour::Answer(302), "park"),
        (Behaviour::Slow, "retry"),
    ];
    let webhook = webhook(secret());
    for (behaviour, expected) in cases {
        let receiver = Receiver::start(&[behaviour]).await;
        let to = Recipient::Webhook {
            url: receiver.url.clone(),
        };
        let outcome = webhook.send(&message("outbox-3", to)).await;
        assert_eq!(sorted(&outcome), expected, "{outcome:?}");
    }
}

#[tokio::test]
async fn a_url_that_is_not_http_is_permanent() {
    let outcome = webhook(secret())
        .send(&message(
            "outbox-4",
            Recipient::Webhook {
                url: "ftp://127.0.0.1/hook".to_owned(),
            },
        ))
        .await;
    assert!(
        matches!(outcome, Err(SendError::Permanent { .. })),
        "{outcome:?}"
    );
}
