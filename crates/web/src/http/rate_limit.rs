//! A limit on diagnoses per client, so one script cannot starve the desk for everyone else.
//!
//! A token bucket per client address: a burst of `capacity` diagnoses, then `refill_per_minute`.
//! The addresses are kept only as long as their bucket is not full again, and never logged.
//! Each process keeps its own buckets: a diagnosis costs CPU on the process that runs it,
//! so a limit per process is what protects it. (Console sign-ins are limited in the
//! database instead, see `console::login_limit`, since there the total is what matters.)

use std::collections::HashMap;
use std::fmt;
use std::net::IpAddr;
use std::str::FromStr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::http::client::{Client, counted_as};
use crate::http::error::{AppError, Problem};

/// Buckets kept at most: bounds memory under many clients.
const MAX_TRACKED: usize = 10_000;

/// How often a full table may be swept of buckets that filled up again: a sweep reads
/// every bucket, so it must not run on every request of a flood.
const SWEEP_EVERY: Duration = Duration::from_secs(1);

/// The limit an operator sets (`--diagnose-limit`): `BURST/PER_MINUTE`, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RateLimit {
    /// No limit at all: for a desk behind its own limiter, or a load test.
    Off,
    /// `burst` requests at once per client, then `per_minute` more each minute.
    PerClient { burst: u32, per_minute: u32 },
}

impl Default for RateLimit {
    /// 30 diagnoses at once, then 30 a minute: far above a person, well below a script.
    fn default() -> Self {
        Self::PerClient {
            burst: 30,
            per_minute: 30,
        }
    }
}

impl fmt::Display for RateLimit {
    /// The same text `from_str` reads: `30/30` or `off`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Off => f.write_str("off"),
            Self::PerClient { burst, per_minute } => write!(f, "{burst}/{per_minute}"),
        }
    }
}

/// A `--diagnose-limit` value that cannot be read; the message says how to write it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "診断の回数制限「{0}」を読み取れません。「最初に続けて受け付ける回数/1分ごとに増える回数」（例：60/30）、\
     又は制限しない場合は off と指定してください。最初の回数は1以上です。"
)]
pub struct RateLimitError(String);

impl FromStr for RateLimit {
    type Err = RateLimitError;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        let text = raw.trim();
        if text.eq_ignore_ascii_case("off") {
            return Ok(Self::Off);
        }
        let error = || RateLimitError(raw.to_owned());
        let (burst, per_minute) = text.split_once('/').ok_or_else(error)?;
        let number = |part: &str| {
            let part = part.trim();
            // `u32::from_str` takes a leading `+`; an operator never means one.
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(error());
            }
            part.parse::<u32>().map_err(|_| error())
        };
        let burst = number(burst)?;
        let per_minute = number(per_minute)?;
        if burst == 0 {
            return Err(error());
        }
        Ok(Self::PerClient { burst, per_minute })
    }
}

/// Per-client token buckets, or nothing at all when the limit is off.
#[derive(Debug)]
pub struct RateLimiter {
    buckets: Option<TokenBuckets>,
}

#[derive(Debug)]
struct TokenBuckets {
    capacity: f64,
    refill_per_sec: f64,
    table: Mutex<Table>,
}

/// Whose bucket a request takes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    /// An IPv4 address, or an IPv6 /64: one subscriber line is given a whole /64, so
    /// counting IPv6 per address would let one client be unlimited clients.
    Client(IpAddr),
    /// No address known.
    Unknown,
    /// Every new client while the table is full of live buckets: they share one bucket
    /// until a sweep makes room, so a flood of addresses cannot grow the table.
    Overflow,
}

impl Key {
    fn of(client: Option<IpAddr>) -> Self {
        client.map_or(Self::Unknown, |ip| Self::Client(counted_as(ip)))
    }
}

#[derive(Debug, Default)]
struct Table {
    buckets: HashMap<Key, Bucket>,
    swept_at: Option<Instant>,
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
            buckets: Some(TokenBuckets {
                capacity: f64::from(capacity.max(1)),
                refill_per_sec: f64::from(refill_per_minute) / 60.0,
                table: Mutex::new(Table::default()),
            }),
        }
    }

    /// Lets every request through and keeps no addresses.
    pub fn off() -> Self {
        Self { buckets: None }
    }

    /// Takes one token for `client`, or says how long until one is available.
    pub(crate) fn take(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        match &self.buckets {
            None => Ok(()),
            Some(buckets) => buckets.take(client, now),
        }
    }
}

impl From<RateLimit> for RateLimiter {
    fn from(limit: RateLimit) -> Self {
        match limit {
            RateLimit::Off => Self::off(),
            RateLimit::PerClient { burst, per_minute } => Self::new(burst, per_minute),
        }
    }
}

impl Default for RateLimiter {
    fn default() -> Self {
        Self::from(RateLimit::default())
    }
}

impl TokenBuckets {
    /// O(1) per request, apart from a sweep of the table at most once a [`SWEEP_EVERY`]
    /// while it is full; the table never holds more than [`MAX_TRACKED`] buckets (and the
    /// overflow one).
    fn take(&self, client: Option<IpAddr>, now: Instant) -> Result<(), Duration> {
        let mut table = match self.table.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut key = Key::of(client);
        if !table.buckets.contains_key(&key) && table.buckets.len() >= MAX_TRACKED {
            let due = table
                .swept_at
                .is_none_or(|at| now.saturating_duration_since(at) >= SWEEP_EVERY);
            if due {
                table.swept_at = Some(now);
                table
                    .buckets
                    .retain(|k, b| *k == Key::Overflow || self.level(b, now) < self.capacity);
            }
            if table.buckets.len() >= MAX_TRACKED {
                key = Key::Overflow;
            }
        }
        let bucket = table.buckets.entry(key).or_insert(Bucket {
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

/// Middleware on the diagnosis routes: 429 with `Retry-After` and a Japanese message, as
/// problem+json on the API and as a page on the site.
pub async fn limit_diagnoses(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let Client(client) = Client::of(
        request.headers(),
        request.extensions(),
        state.trusted_proxies(),
    );
    match state.diagnose_limit().take(client, Instant::now()) {
        Ok(()) => next.run(request).await,
        Err(wait) => {
            let refused = AppError::TooManyRequests(wait.as_secs().max(1));
            if request.uri().path().starts_with("/api/") {
                Problem::from(refused).into_response()
            } else {
                refused.into_response()
            }
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

    #[test]
    fn an_operator_limit_is_read_as_burst_slash_per_minute_or_off() {
        assert_eq!(
            "60/30".parse(),
            Ok(RateLimit::PerClient {
                burst: 60,
                per_minute: 30
            })
        );
        assert_eq!(
            " 5 / 0 ".parse(),
            Ok(RateLimit::PerClient {
                burst: 5,
                per_minute: 0
            })
        );
        assert_eq!("off".parse(), Ok(RateLimit::Off));
        assert_eq!("OFF".parse(), Ok(RateLimit::Off));
        for shown in [RateLimit::Off, RateLimit::default()] {
            assert_eq!(shown.to_string().parse(), Ok(shown));
        }
    }

    #[test]
    fn a_malformed_limit_is_refused_with_a_japanese_message_quoting_it() {
        for bad in [
            "",
            "60",
            "60/",
            "/30",
            "a/b",
            "0/30",
            "-1/30",
            "+5/30",
            "60/30/1",
            "60:30",
            "99999999999/1",
            "none",
        ] {
            let err = bad.parse::<RateLimit>().unwrap_err();
            let message = err.to_string();
            assert!(message.contains(&format!("「{bad}」")), "{message}");
            assert!(message.contains("例：60/30"), "{message}");
        }
    }

    #[test]
    fn ipv6_clients_are_counted_per_64_and_ipv4_mapped_as_ipv4() {
        let limiter = RateLimiter::new(2, 0);
        let now = Instant::now();
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let same_64: IpAddr = "2001:db8:1:2:ffff:ffff:ffff:ffff".parse().unwrap();
        let other_64: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert!(limiter.take(Some(a), now).is_ok());
        assert!(limiter.take(Some(same_64), now).is_ok());
        assert!(
            limiter.take(Some(same_64), now).is_err(),
            "another address of the same /64 is the same client"
        );
        assert!(limiter.take(Some(other_64), now).is_ok());

        let v4: IpAddr = "192.0.2.9".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.9".parse().unwrap();
        assert!(limiter.take(Some(v4), now).is_ok());
        assert!(limiter.take(Some(mapped), now).is_ok());
        assert!(limiter.take(Some(v4), now).is_err());
    }

    fn tracked(limiter: &RateLimiter) -> usize {
        let buckets = limiter.buckets.as_ref().unwrap();
        buckets.table.lock().unwrap().buckets.len()
    }

    #[test]
    fn a_flood_of_addresses_never_grows_the_table_past_its_bound() {
        let limiter = RateLimiter::new(5, 1);
        let now = Instant::now();
        for n in 0..(2 * MAX_TRACKED as u32) {
            let client = IpAddr::V4(std::net::Ipv4Addr::from(0x0a00_0000 + n));
            let _ = limiter.take(Some(client), now);
        }
        let size = tracked(&limiter);
        assert!(size <= MAX_TRACKED + 1, "{size} buckets");
        // The newcomers share one bucket: its burst is spent, so they are limited.
        let newcomer = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 1));
        assert!(limiter.take(Some(newcomer), now).is_err());
        // An hour on, the sweep drops buckets that filled up again, and there is room.
        let later = now + Duration::from_secs(3600);
        assert!(limiter.take(Some(newcomer), later).is_ok());
        let size = tracked(&limiter);
        assert!(size < MAX_TRACKED, "{size} buckets after the sweep");
    }

    #[test]
    fn an_off_limiter_lets_every_request_through() {
        let limiter = RateLimiter::from(RateLimit::Off);
        let now = Instant::now();
        for _ in 0..1000 {
            assert!(limiter.take(None, now).is_ok());
        }
    }
}
