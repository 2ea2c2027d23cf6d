//! Where the visitor reached the site: the scheme and host behind the city's proxy.
//!
//! Links that leave the site (in a feed or a calendar) need an absolute URL, and cookies need
//! `Secure` when the visitor came over HTTPS, though a TLS-terminating proxy forwards plain HTTP.

use axum::http::HeaderMap;
use axum::http::header::HOST;

/// Whether the visitor's own connection was HTTPS, as the proxy reports it.
pub fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|h| h.to_str().ok())
        .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https"))
}

/// The site's absolute base URL (`https://madoguchi.example.jp`, no trailing slash).
///
/// Taken from the request's `Host`; a host that is not a plain host name is ignored so that a
/// forged header cannot put markup in a feed. A configured public URL, when there is one,
/// belongs here.
pub fn site_base(headers: &HeaderMap) -> String {
    let host = headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| is_plain_host(h))
        .unwrap_or("localhost");
    let scheme = if is_https(headers) { "https" } else { "http" };
    format!("{scheme}://{host}")
}

fn is_plain_host(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 255
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}
