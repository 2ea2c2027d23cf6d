//! Where the visitor reached the site: the scheme and host behind the city's proxy, and
//! whether the request was sent by a page of another site.
//!
//! Links that leave the site (in a feed or a calendar) need an absolute URL, and cookies need
//! `Secure` when the visitor came over HTTPS, though a TLS-terminating proxy forwards plain HTTP.
//!
//! A form posted from another site arrives without the SameSite session cookies; answering it
//! with a new session would replace the visitor's (or the member of staff's) cookie, and so end
//! their session from afar. Such posts are refused before any handler runs.

use axum::extract::Request;
use axum::http::header::{HOST, ORIGIN};
use axum::http::{HeaderMap, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppError;

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

/// Whether a page of another site sent the request: the browser says so (`Sec-Fetch-Site:
/// cross-site`), or, from a browser that does not say, the `Origin` names another host.
/// A request with neither (a typed URL, a bookmark, a script) is not.
pub fn cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return site.as_bytes().eq_ignore_ascii_case(b"cross-site");
    }
    let Some(origin) = headers.get(ORIGIN).and_then(|o| o.to_str().ok()) else {
        return false;
    };
    let host = headers.get(HOST).and_then(|h| h.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    match (origin_host, host) {
        (Some(from), Some(host)) => !from.eq_ignore_ascii_case(host),
        // `Origin: null` (a sandboxed page, a file) or no host to compare with.
        _ => true,
    }
}

/// Refuses a form posted from another site, before it can touch a session or its cookie.
pub async fn refuse_cross_site_forms(request: Request, next: Next) -> Response {
    let reads_only = matches!(*request.method(), Method::GET | Method::HEAD);
    if !reads_only && cross_site(request.headers()) {
        return AppError::Forbidden(
            "別のサイトから送られた操作のため、受け付けませんでした。このサイトの画面から、もう一度操作してください。"
                .to_owned(),
        )
        .into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for (name, value) in pairs {
            headers.insert(*name, HeaderValue::from_static(value));
        }
        headers
    }

    #[test]
    fn the_browsers_own_word_decides_when_it_gives_one() {
        assert!(cross_site(&headers(&[("sec-fetch-site", "cross-site")])));
        for own in ["same-origin", "same-site", "none"] {
            assert!(!cross_site(&headers(&[("sec-fetch-site", own)])), "{own}");
        }
        // Even if the Origin looks foreign: the browser knows better (a proxy rewrote Host).
        let said = headers(&[
            ("sec-fetch-site", "same-origin"),
            ("origin", "https://madoguchi.example.jp"),
            ("host", "10.0.0.5:8080"),
        ]);
        assert!(!cross_site(&said));
    }

    #[test]
    fn otherwise_the_origin_is_compared_with_the_host() {
        let host = ("host", "madoguchi.example.jp");
        assert!(!cross_site(&headers(&[host])));
        assert!(!cross_site(&headers(&[
            host,
            ("origin", "https://madoguchi.example.jp")
        ])));
        assert!(cross_site(&headers(&[
            host,
            ("origin", "https://evil.example")
        ])));
        assert!(cross_site(&headers(&[host, ("origin", "null")])));
    }
}
