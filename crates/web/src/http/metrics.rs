//! Request counters and latency in the Prometheus text format, for the city's monitoring.
//!
//! Only the route pattern (`/programs/{id}`) and the status class are recorded, never a
//! concrete path or query, so no business's input ends up in the metrics.
//!
//! The figures are for the city's monitoring, not the public: by default only a connection
//! from this machine (loopback, not forwarded by a proxy) reads them; with a token set
//! (`--metrics-token`), a request bearing it does, from anywhere. Anyone else is told the
//! page does not exist.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderMap, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];
const STATUS_CLASSES: [&str; 5] = ["1xx", "2xx", "3xx", "4xx", "5xx"];

/// Counters shared by every request of one process.
#[derive(Debug, Default)]
pub struct Metrics {
    by_status: [AtomicU64; 5],
    bucket_counts: [AtomicU64; BUCKETS.len()],
    duration_micros: AtomicU64,
    count: AtomicU64,
}

impl Metrics {
    pub fn shared() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn record(&self, status: u16, seconds: f64) {
        let class = usize::from(status / 100).clamp(1, 5) - 1;
        self.by_status[class].fetch_add(1, Ordering::Relaxed);
        for (bound, counter) in BUCKETS.iter().zip(&self.bucket_counts) {
            if seconds <= *bound {
                counter.fetch_add(1, Ordering::Relaxed);
            }
        }
        self.duration_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        self.count.fetch_add(1, Ordering::Relaxed);
    }

    /// The Prometheus exposition text.
    pub fn render(&self, catalog_size: usize) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP madoguchi_http_requests_total HTTP requests answered, by status class.\n",
        );
        out.push_str("# TYPE madoguchi_http_requests_total counter\n");
        for (class, counter) in STATUS_CLASSES.iter().zip(&self.by_status) {
            let n = counter.load(Ordering::Relaxed);
            out.push_str(&format!(
                "madoguchi_http_requests_total{{status=\"{class}\"}} {n}\n"
            ));
        }
        out.push_str("# HELP madoguchi_http_request_duration_seconds Time to answer a request.\n");
        out.push_str("# TYPE madoguchi_http_request_duration_seconds histogram\n");
        for (bound, counter) in BUCKETS.iter().zip(&self.bucket_counts) {
            let n = counter.load(Ordering::Relaxed);
            out.push_str(&format!(
                "madoguchi_http_request_duration_seconds_bucket{{le=\"{bound}\"}} {n}\n"
            ));
        }
        let count = self.count.load(Ordering::Relaxed);
        let sum = self.duration_micros.load(Ordering::Relaxed) as f64 / 1e6;
        out.push_str(&format!(
            "madoguchi_http_request_duration_seconds_bucket{{le=\"+Inf\"}} {count}\n"
        ));
        out.push_str(&format!(
            "madoguchi_http_request_duration_seconds_sum {sum}\n"
        ));
        out.push_str(&format!(
            "madoguchi_http_request_duration_seconds_count {count}\n"
        ));
        out.push_str("# HELP madoguchi_catalog_programs Programs in the in-memory catalogue.\n");
        out.push_str("# TYPE madoguchi_catalog_programs gauge\n");
        out.push_str(&format!("madoguchi_catalog_programs {catalog_size}\n"));
        out
    }
}

/// Times every request and logs it by route pattern only.
pub async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().clone();
    // `MatchedPath` shares its text: cloning it allocates nothing.
    let route = request.extensions().get::<MatchedPath>().cloned();
    let route = route.as_ref().map_or("(unmatched)", MatchedPath::as_str);
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics().record(status, seconds);
    tracing::info!(%method, %route, status, millis = seconds * 1000.0, "request");
    response
}

/// `GET /metrics`.
pub async fn show_metrics(State(state): State<AppState>, request: Request) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if !state.metrics_access().allows(peer, request.headers()) {
        return crate::http::error::not_found().await.into_response();
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics().render(state.catalog().len()),
    )
        .into_response()
}

/// Who may read `/metrics`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum MetricsAccess {
    /// A connection from this machine that no proxy forwarded.
    #[default]
    Loopback,
    /// A request with `Authorization: Bearer <token>`, from anywhere (and loopback as above).
    Token(String),
}

impl MetricsAccess {
    /// Whether a request from the TCP peer `peer` with `headers` may read the figures.
    pub fn allows(&self, peer: Option<std::net::IpAddr>, headers: &HeaderMap) -> bool {
        let forwarded =
            headers.contains_key("x-forwarded-for") || headers.contains_key("forwarded");
        let local = peer.is_some_and(|ip| ip.is_loopback()) && !forwarded;
        match self {
            Self::Loopback => local,
            Self::Token(token) => {
                let given = headers
                    .get(header::AUTHORIZATION)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .unwrap_or_default();
                local || constant_time_eq(given.as_bytes(), token.as_bytes())
            }
        }
    }
}

/// Compares without stopping at the first difference, so the time taken tells nothing of
/// how much of a guess was right.
fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
