//! The channels against real counterparts on loopback, started by the tests: an SMTP server
//! (aiosmtpd) and scripted misbehaving relays, a stand-in for LINE's Messaging API, and a webhook
//! receiver. One test binary, one module per channel; nothing here reaches beyond 127.0.0.1.

mod line;
mod smtp;
mod webhook;

use std::time::Duration;

use madoguchi_channels::{Message, Recipient, SendError, Sent, Timeouts};

/// Short deadlines, so that the tests of hanging counterparts finish quickly.
pub const QUICK: Timeouts = Timeouts {
    connect: Duration::from_secs(2),
    response: Duration::from_secs(1),
};

/// A message with Japanese text, as the desk sends them.
pub fn message(key: &str, to: Recipient) -> Message {
    Message {
        key: key.to_owned(),
        to,
        subject: "【窓口】ご相談を受け付けました".to_owned(),
        text: "山田様\n\nご相談を受け付けました。担当者からご連絡します。".to_owned(),
        html: None,
        unsubscribe: None,
    }
}

/// What the outbox would do with an outcome.
pub fn sorted(outcome: &Result<Sent, SendError>) -> &'static str {
    match outcome {
        Ok(_) => "sent",
        Err(SendError::Retry { .. }) => "retry",
        Err(SendError::Permanent { .. }) => "park",
        Err(SendError::Unknown { .. }) => "unknown",
    }
}

/// A loopback port nobody listens on: one bound and let go.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap_or_else(|e| panic!("{e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port()
}

/// Serves `app` on a free loopback port for the rest of the test; returns its address.
pub async fn serve(app: axum::Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let address = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    address
}
