//! `GET /r/{link}/{token}`: every link in a notice goes through here, so that clicks can be
//! counted without learning who clicked.
//!
//! The link id names a URL stored for one notice (`notice_links`); the redirect goes there
//! and nowhere else, whatever the request carries, and an unknown id is a 404 page. The
//! token is `{channel}.{mark}.{check}`: `mark` is an HMAC of the link and the recipient
//! (opaque, different on every link, so it cannot follow a person from one notice to the
//! next), `check` an HMAC over the link, channel and mark that proves this site made the
//! token. A genuine token counts its recipient once per link (a unique click); a token that
//! does not prove genuine still redirects (the link is public anyway) and counts as a click
//! with no recipient, under the channel `unknown`. Only while staff turned on recording
//! which subscriber clicked do message makers add `.{subscription}` to the token (signed by
//! `check`, and `mark` must be that subscription's): without it the server cannot tell who
//! clicked short of recomputing the mark for every subscription, which nothing here does.
//!
//! Not counted: HEAD requests, prefetches and previews (`Sec-Purpose`/`Purpose`/`X-Moz:
//! prefetch`, `X-Purpose: preview`), requests without a `User-Agent`, and the link
//! scanners and preview bots named in [`SCANNERS`]. Counting never delays or fails the
//! redirect beyond its write: a failure is logged and the visitor is sent on.

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use madoguchi_store::{Click, NoticeLink};

use super::keys::{NoticeKeys, Purpose};
use crate::http::clock;
use crate::site::listing::percent_encode_unsafe;
use crate::{AppError, AppState};

/// Said on the subscription pages while [`madoguchi_store::RECORD_SUBSCRIBER_CLICKS`] is on.
pub const SUBSCRIBER_CLICKS_NOTICE: &str = "この窓口では、お知らせの中のリンクをどの登録者が開いたかを記録しています。記録は、お知らせをよりよく届けるためにだけ使います。";

/// Parts of a `User-Agent` (compared in lower case) that mark a link scanner or a preview
/// fetcher rather than a person: crawlers and bots by name, chat apps' link previews, and
/// the mail security gateways that open every link of a message on arrival.
pub const SCANNERS: [&str; 12] = [
    "bot",
    "crawler",
    "spider",
    "preview",
    "facebookexternalhit",
    "slack",
    "whatsapp",
    "skypeuripreview",
    "barracuda",
    "mimecast",
    "proofpoint",
    "python-requests",
];

pub fn routes() -> Router<AppState> {
    Router::new().route("/r/{link}/{token}", get(follow_link))
}

/// The channel letters of a token.
const CHANNELS: [(&str, &str); 4] = [
    ("e", "email"),
    ("l", "line"),
    ("w", "webhook"),
    ("x", "unknown"),
];

/// The token of a tracked link on `channel` (`email`, `line`, `webhook`; anything else is
/// `unknown`) for `recipient`, naming the recipient only when `name_recipient`.
pub fn make_token(
    keys: &NoticeKeys,
    channel: &str,
    link_id: &str,
    recipient: &str,
    name_recipient: bool,
) -> String {
    let letter = CHANNELS
        .iter()
        .find(|(_, name)| *name == channel)
        .map_or("x", |(letter, _)| letter);
    let mark = keys.sign(Purpose::Click, &[link_id, recipient]);
    if name_recipient {
        let check = keys.sign(Purpose::Click, &[link_id, letter, &mark, recipient]);
        format!("{letter}.{mark}.{check}.{recipient}")
    } else {
        let check = keys.sign(Purpose::Click, &[link_id, letter, &mark]);
        format!("{letter}.{mark}.{check}")
    }
}

/// What a token proved about the click.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Clicker {
    channel: &'static str,
    mark: String,
    /// The subscription the token named, its mark checked.
    subscriber: Option<String>,
}

/// Reads a token made by [`make_token`] for `link_id`; `None` if this site did not make it.
fn read_token(keys: &NoticeKeys, link_id: &str, token: &str) -> Option<Clicker> {
    let mut parts = token.split('.');
    let (letter, mark, check) = (parts.next()?, parts.next()?, parts.next()?);
    let named = parts.next();
    if parts.next().is_some() {
        return None;
    }
    let channel = CHANNELS.iter().find(|(l, _)| *l == letter)?.1;
    let subscriber = match named {
        None => {
            keys.verify(Purpose::Click, &[link_id, letter, mark], check)
                .then_some(())?;
            None
        }
        Some(recipient) => {
            let genuine = keys.verify(Purpose::Click, &[link_id, letter, mark, recipient], check)
                && keys.verify(Purpose::Click, &[link_id, recipient], mark);
            genuine.then_some(())?;
            Some(recipient.to_owned())
        }
    };
    Some(Clicker {
        channel,
        mark: mark.to_owned(),
        subscriber,
    })
}

/// Whether a request is a person following the link, not a HEAD, a prefetch, a preview or
/// a scanner.
fn is_a_person(method: &Method, headers: &HeaderMap) -> bool {
    if method != Method::GET {
        return false;
    }
    let says = |name: &str, word: &str| {
        headers
            .get_all(name)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .any(|v| v.to_ascii_lowercase().contains(word))
    };
    let prefetch = says("sec-purpose", "prefetch")
        || says("purpose", "prefetch")
        || says("x-moz", "prefetch")
        || says("x-purpose", "preview");
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let scanner = agent.trim().is_empty() || SCANNERS.iter().any(|s| agent.contains(s));
    !prefetch && !scanner
}

/// Subscription ids are 32 hex digits; anything else a token names is not recorded.
fn is_subscription_id(text: &str) -> bool {
    text.len() == 32 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Link ids are short hex; anything else cannot be stored and need not be looked up.
fn is_link_id(text: &str) -> bool {
    (1..=64).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_alphanumeric())
}

async fn follow_link(
    State(state): State<AppState>,
    method: Method,
    headers: HeaderMap,
    Path((link_id, token)): Path<(String, String)>,
) -> Result<Response, AppError> {
    if !is_link_id(&link_id) {
        return Err(AppError::NotFound);
    }
    let link = state
        .store()
        .find_notice_link(&link_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(location) = location_of(&link.url) else {
        tracing::warn!(link = %link.id, "a stored notice link is not an http(s) URL");
        return Err(AppError::NotFound);
    };
    if is_a_person(&method, &headers)
        && let Err(err) = count(&state, &link, &token).await
    {
        tracing::warn!(link = %link.id, error = %err, "a click was not counted");
    }
    Ok((
        StatusCode::SEE_OTHER,
        [
            (header::LOCATION, location),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
    )
        .into_response())
}

async fn count(
    state: &AppState,
    link: &NoticeLink,
    token: &str,
) -> Result<(), madoguchi_store::StoreError> {
    let clicker = read_token(state.notice_keys(), &link.id, token);
    let subscriber = match clicker.as_ref().and_then(|c| c.subscriber.as_deref()) {
        Some(id) if is_subscription_id(id) && state.store().records_subscriber_clicks().await? => {
            Some(id)
        }
        _ => None,
    };
    let click = Click {
        link_id: &link.id,
        channel: clicker.as_ref().map_or("unknown", |c| c.channel),
        mark: clicker.as_ref().map(|c| c.mark.as_str()),
        subscriber,
    };
    state.store().record_click(&click, clock::now()).await?;
    Ok(())
}

/// The stored URL as a `Location` header: only `http(s)` URLs, with any byte a header
/// cannot carry (Japanese in a path, say) percent-encoded.
fn location_of(url: &str) -> Option<HeaderValue> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    HeaderValue::from_str(&percent_encode_unsafe(url)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_proves_its_link_channel_and_named_recipient() {
        let keys = NoticeKeys::from_secret(b"k");
        let plain = make_token(&keys, "line", "l1", "sub", false);
        let read = read_token(&keys, "l1", &plain).unwrap();
        assert_eq!(read.channel, "line");
        assert_eq!(read.subscriber, None);
        assert_eq!(read_token(&keys, "l2", &plain), None, "another link");
        assert_eq!(
            read_token(&NoticeKeys::from_secret(b"j"), "l1", &plain),
            None
        );
        let moved = plain.replacen('l', "e", 1);
        assert_eq!(read_token(&keys, "l1", &moved), None, "channel changed");

        let named = make_token(&keys, "email", "l1", "sub", true);
        let read_named = read_token(&keys, "l1", &named).unwrap();
        assert_eq!(read_named.subscriber.as_deref(), Some("sub"));
        assert_eq!(read_named.mark, read.mark, "the same recipient counts once");
        let other = named.replace(".sub", ".bus");
        assert_eq!(read_token(&keys, "l1", &other), None, "another subscriber");
        for bad in ["", "e", "e..", "q.a.b", &format!("{plain}.x.y")] {
            assert_eq!(read_token(&keys, "l1", bad), None, "{bad}");
        }
        assert_eq!(
            make_token(&keys, "fax", "l1", "s", false).chars().next(),
            Some('x')
        );
    }

    #[test]
    fn heads_prefetches_previews_and_scanners_are_not_people() {
        let with = |pairs: &[(&'static str, &'static str)]| {
            let mut headers = HeaderMap::new();
            for (name, value) in pairs {
                headers.append(*name, HeaderValue::from_static(value));
            }
            headers
        };
        let browser = ("user-agent", "Mozilla/5.0 (iPhone) Safari/604.1 Line/14.0");
        assert!(is_a_person(&Method::GET, &with(&[browser])));
        assert!(!is_a_person(&Method::HEAD, &with(&[browser])));
        assert!(!is_a_person(&Method::GET, &with(&[])));
        for extra in [
            ("sec-purpose", "prefetch;prerender"),
            ("purpose", "prefetch"),
            ("x-moz", "prefetch"),
            ("x-purpose", "preview"),
        ] {
            assert!(
                !is_a_person(&Method::GET, &with(&[browser, extra])),
                "{extra:?}"
            );
        }
        for agent in [
            "Slackbot-LinkExpanding 1.0",
            "facebookexternalhit/1.1",
            "Googlebot/2.1",
        ] {
            assert!(
                !is_a_person(&Method::GET, &with(&[("user-agent", agent)])),
                "{agent}"
            );
        }
    }

    #[test]
    fn only_http_urls_become_a_location_and_unsafe_bytes_are_encoded() {
        assert_eq!(
            location_of("https://example.jp/補助金?a=1 b").unwrap(),
            "https://example.jp/%E8%A3%9C%E5%8A%A9%E9%87%91?a=1%20b"
        );
        assert!(location_of("javascript:alert(1)").is_none());
        assert!(location_of("//evil.example").is_none());
        assert!(location_of("HTTP://example.jp/").is_some());
    }
}
