//! What an HTTP exchange means for the outbox, shared by LINE and webhooks: one client setup, one
//! way to post a body, one sorting of statuses into retry and park.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{RequestBuilder, StatusCode};

use crate::{ConfigError, SendError, Timeouts};

/// How much of an error answer is kept for the log.
const BODY_IN_REASON: usize = 300;
/// How much of any answer is read at all: the counterpart is not trusted to be brief.
const BODY_READ_LIMIT: usize = 64 * 1024;

/// One client per channel: deadlines from `timeouts`, no redirects (a signed POST is not
/// re-sent to wherever a 3xx points), proxies from the environment as usual.
pub(crate) fn client(timeouts: Timeouts) -> Result<reqwest::Client, ConfigError> {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .timeout(timeouts.connect + timeouts.response)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("madoguchi/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| ConfigError::HttpClient(e.to_string()))
}

/// The status, headers and (the start of) the body of an answer.
#[derive(Debug)]
pub(crate) struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// Anything but 2xx, sorted: 429 and 5xx are worth another try (after `Retry-After` when
    /// given; a 429 without it waits [`RATE_LIMIT_WAIT`]), every other status will not change
    /// by itself. Callers handle their own special statuses (LINE's 409, its message quota)
    /// before this.
    pub fn failure(&self, what: &str) -> SendError {
        let body = String::from_utf8_lossy(&self.body);
        let mut excerpt: String = body.chars().take(BODY_IN_REASON).collect();
        if excerpt.len() < body.len() {
            excerpt.push('…');
        }
        let reason = format!("{what}: HTTP {}: {excerpt}", self.status);
        if self.status == StatusCode::TOO_MANY_REQUESTS || self.status.is_server_error() {
            let asked = retry_after(&self.headers, SystemTime::now());
            SendError::Retry {
                reason,
                // A 429 says the counterpart is up and wants less: a wait, not a failure,
                // whether or not it said how long (LINE does not), so no try is used up.
                after: asked
                    .or((self.status == StatusCode::TOO_MANY_REQUESTS).then_some(RATE_LIMIT_WAIT)),
            }
        } else {
            SendError::permanent(reason)
        }
    }
}

/// Sends a prepared request and reads its answer. A request that could not be built is a
/// mistake that will not go away; every failure on the way (refused, reset, timed out) is worth
/// another try, since every body sent here carries its idempotency key.
pub(crate) async fn exchange(request: RequestBuilder, what: &str) -> Result<Answer, SendError> {
    let mut response = request.send().await.map_err(|e| {
        if e.is_builder() {
            SendError::permanent(format!("{what}: {e}"))
        } else {
            SendError::retry(format!("{what}: {}", describe(&e)))
        }
    })?;
    let status = response.status();
    let headers = response.headers().clone();
    let mut body = Vec::new();
    // A body cut off on the way still leaves the status, which is what decides.
    while let Ok(Some(chunk)) = response.chunk().await {
        body.extend_from_slice(&chunk);
        if body.len() >= BODY_READ_LIMIT {
            break;
        }
    }
    Ok(Answer {
        status,
        headers,
        body,
    })
}

/// reqwest's own message plus the innermost cause, which is where "connection refused" is.
fn describe(e: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = e;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    if e.is_timeout() {
        format!("no answer in time ({e})")
    } else {
        format!("{e}: {cause}")
    }
}

/// How long a 429 without `Retry-After` waits: LINE's limits are per second, per minute or
/// per hour, and a minute clears the first two without holding a queue back for long.
pub const RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// `Retry-After` as delay-seconds or as an HTTP date (RFC 9110 §10.2.3); a date in the past is
/// no wait at all.
pub(crate) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    Some(date.duration_since(now).unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(retry_after: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_str(retry_after).unwrap_or_else(|e| panic!("{e}")),
        );
        headers
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_a_date() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT")
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            retry_after(&headers("120"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:51:37 GMT"), now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            retry_after(&headers("Sun, 06 Nov 1994 08:00:00 GMT"), now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after(&headers("soon"), now), None);
        assert_eq!(retry_after(&HeaderMap::new(), now), None);
    }

    #[test]
    fn statuses_are_sorted_into_retry_and_park() {
        let answer = |status: u16| Answer {
            status: StatusCode::from_u16(status).unwrap_or_else(|e| panic!("{e}")),
            headers: headers("7"),
            body: br#"{"message":"x"}"#.to_vec(),
        };
        for status in [429, 500, 502, 503] {
            assert!(
                matches!(
                    answer(status).failure("test"),
                    SendError::Retry { after: Some(after), .. } if after == Duration::from_secs(7)
                ),
                "{status}"
            );
        }
        let silent = |status: u16| Answer {
            headers: HeaderMap::new(),
            ..answer(status)
        };
        assert!(matches!(
            silent(429).failure("test"),
            SendError::Retry { after: Some(after), .. } if after == RATE_LIMIT_WAIT
        ));
        assert!(matches!(
            silent(503).failure("test"),
            SendError::Retry { after: None, .. }
        ));
        for status in [301, 400, 401, 403, 404, 409, 413] {
            assert!(
                matches!(answer(status).failure("test"), SendError::Permanent { .. }),
                "{status}"
            );
        }
    }
}
