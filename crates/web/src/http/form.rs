//! Posted forms, read by hand rather than into a struct.
//!
//! A wizard step posts repeated keys (checkboxes) and fields that depend on the question, and
//! a tampered or mis-encoded body must become a Japanese message, not a rejection the visitor
//! cannot read. So the body is split into pairs once, bytes that are not UTF-8 are replaced
//! (and then fail validation like any other wrong value), and handlers ask for what they need.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::StatusCode;

use crate::AppError;

/// The most a page form may send: the longest wizard answer is a few hundred bytes.
pub const MAX_FORM_BYTES: usize = 16 * 1024;

/// The name of the hidden field that carries the session's CSRF token.
pub const CSRF_FIELD: &str = "_csrf";

/// The pairs of one posted form, in order.
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Reads an `application/x-www-form-urlencoded` body, or says why it cannot.
    pub fn read(body: Result<Bytes, BytesRejection>) -> Result<Self, AppError> {
        let body = body.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::BadRequest(
                    "送信された内容を読み取れませんでした。もう一度お試しください。".to_owned(),
                )
            }
        })?;
        Ok(Self(
            form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        ))
    }

    /// A form from pairs already split (for tests, re-reads and the fuzzing campaign).
    pub fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        Self(pairs)
    }

    /// A form from literal pairs, for tests.
    #[cfg(test)]
    pub fn of_strs(pairs: &[(&str, &str)]) -> Self {
        Self(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        )
    }

    /// Every pair, in the order posted.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Every value of `name`, in order.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The CSRF token the form sent, or an empty string.
    pub fn csrf(&self) -> &str {
        self.get(CSRF_FIELD).unwrap_or_default()
    }
}
