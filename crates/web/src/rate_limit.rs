//! A limit on diagnoses per client, so one script cannot starve the desk for everyone else.
//!
//! A token bucket per client address: a burst of `capacity` diagnoses, then `refill_per_minute`.
//! The addresses are kept only as long as their bucket is not full again, and never logged.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::api::Problem;
use crate::{AppError, AppState};

/// Buckets kept before full ones are dropped: bounds memory under many clients.
const MAX_TRACKED: usize = 10_000;

/// Per-client token buckets.
#[derive(Debug)]
pub struct RateLimiter {
    capacity: f64,
    refill_per_sec: f64,
    buckets: Mutex<HashMap<Option<IpAddr>, Bucket>>,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl RateLimiter {
    /// `capacity` requests at once, then `refill_per_minute` more each minute.
    pub fn new(capacity: u32, refill_per_minute: u32) -> Self {
        Self {
            capacity: f64::from(capacity.max(1)),
            refill_per_sec: f64::from(refill_per_minute) / 60.0,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `client`, or says how long until one is available.
    fn take(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut buckets = match self.buckets.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if buckets.len() >= MAX_TRACKED {
            buckets.retain(|_, b| self.level(b, now) < self.capacity);
        }
        let bucket = buckets.entry(client).or_insert(Bucket {
            tokens: self.capacity,
            at: now,
        });
        bucket.tokens = self.level(bucket, now);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        if self.refill_per_sec <= 0.0 {
            return Err(Duration::from_secs(3600));
        }
        Err(Duration::from_secs_f64(
            (1.0 - bucket.tokens) / self.refill_per_sec,
        ))
    }

    fn level(&self, bucket: &Bucket, now: Instant) -> f64 {
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        (bucket.tokens + elapsed * self.refill_per_sec).min(self.capacity)
    }
}

impl Default for RateLimiter {
    /// 30 diagnoses at once, then 30 a minute: far above a person, well below a script.
    fn default() -> Self {
        Self::new(30, 30)
    }
}

/// Middleware on the diagnosis routes: 429 with `Retry-After` and a Japanese message, as
/// problem+json on the API and as a page on the site.
pub async fn limit_diagnoses(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let client = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    match state.diagnose_limit().take(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let seconds = wait.as_secs().max(1);
            if !request.uri().path().starts_with("/api/") {
                return AppError::TooManyRequests(seconds).into_response();
            }
            let problem = Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "診断の回数が多すぎます",
                format!(
                    "短い時間に多くの診断が行われました。{seconds}秒ほど待ってから、もう一度お試しください。"
                ),
            );
            let mut response = problem.into_response();
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_until_tokens_return() {
        let limiter = RateLimiter::new(2, 60);
        let start = Instant::now();
        let client = Some(IpAddr::from([192, 0, 2, 1]));
        assert!(limiter.take(client, start).is_ok());
        assert!(limiter.take(client, start).is_ok());
        let wait = limiter.take(client, start).unwrap_err();
        assert_eq!(wait, Duration::from_secs(1));
        assert!(limiter.take(client, start + Duration::from_secs(1)).is_ok());
        // Another client has its own bucket.
        assert!(
            limiter
                .take(Some(IpAddr::from([192, 0, 2, 2])), start)
                .is_ok()
        );
    }
}
