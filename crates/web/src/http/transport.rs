//! How the site is reached, as its operator configured it: over HTTP and HTTPS alike (behind
//! a proxy that says which), or over HTTPS only.
//!
//! It decides the session cookies' names and `Secure` flag and whether browsers are told to
//! use HTTPS from then on (HSTS). `X-Forwarded-Proto` alone can be sent by any client, so a
//! site on the internet should say `--https-only`: then no cookie ever goes out without
//! `Secure`, whatever a request's headers claim.

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::http::header::STRICT_TRANSPORT_SECURITY;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// Browsers keep to HTTPS for a year after any answer that says so.
const HSTS: &str = "max-age=31536000";

/// How the site is reached.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Transport {
    /// HTTP, or HTTPS ended at a proxy: a cookie is `Secure` when the request says it came
    /// over HTTPS (`X-Forwarded-Proto: https`).
    #[default]
    Either,
    /// HTTPS only (`--https-only`): every cookie is `Secure` and named `__Host-…`, which a
    /// browser accepts only over HTTPS, for the whole host, from this host itself (no
    /// sibling domain can plant one); every answer carries HSTS.
    HttpsOnly,
}

impl Transport {
    pub fn https_only(self) -> bool {
        self == Self::HttpsOnly
    }
}

/// Adds `Strict-Transport-Security` to every answer of a site served over HTTPS only.
pub async fn strict_transport(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    if state.transport().https_only() {
        response
            .headers_mut()
            .insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    response
}
