//! The channels against real counterparts on loopback, started by the tests: an SMTP server
//! (aiosmtpd) and scripted misbehaving relays, a stand-in for LINE's Messaging API, and a webhook
//! receiver. One test binary, one module per channel; nothing here reaches beyond 127.0.0.1.

mod smtp;

use std::time::Duration;

use madoguchi_channels::{Message, Recipient, Timeouts};

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
