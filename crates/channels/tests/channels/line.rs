//! LINE: a stand-in for the Messaging API on loopback that implements the documented request and
//! response shapes of push and multicast (`messaging-api.yml`), checks what LINE checks (bearer
//! token, body shape and limits, a UUID retry key), remembers retry keys as LINE does (409 with
//! the documented body for a repeat), and fails on demand (429 with `Retry-After`, 500).

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse as _, Response};
use axum::routing::post;
use madoguchi_channels::line::{self, MAX_MULTICAST, MAX_TEXT_LEN};
use madoguchi_channels::{Channels, Line, Recipient, SendError, Sent};
use serde_json::{Value, json};

use crate::{QUICK, closed_port, message, serve};

const TOKEN: &str = "test-channel-access-token";

/// One request the stand-in received, whatever it answered.
#[derive(Debug, Clone)]
struct Call {
    path: String,
    retry_key: String,
    to: Vec<String>,
    text: String,
    status: u16,
}

#[derive(Default)]
struct Inner {
    /// Statuses to answer with before anything else, one per request; `None` is "as LINE would".
    script: VecDeque<Option<u16>>,
    /// Sent with every 429.
    retry_after: Option<u64>,
    /// The message of scripted failures, "scripted failure" when unset.
    failure_message: Option<&'static str>,
    accepted_keys: HashSet<String>,
    /// How many messages each user received.
    delivered: HashMap<String, usize>,
    calls: Vec<Call>,
}

#[derive(Clone)]
struct StandIn {
    inner: Arc<Mutex<Inner>>,
    base_url: String,
}

impl StandIn {
    async fn start() -> Self {
        let inner = Arc::new(Mutex::new(Inner::default()));
        let app = Router::new()
            .route("/v2/bot/message/push", post(answer))
            .route("/v2/bot/message/multicast", post(answer))
            .with_state(Arc::clone(&inner));
        let address = serve(app).await;
        Self {
            inner,
            base_url: format!("http://{address}"),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn calls(&self) -> Vec<Call> {
        self.with(|inner| inner.calls.clone())
    }

    fn line(&self) -> Line {
        self.line_with_token(TOKEN)
    }

    fn line_with_token(&self, token: &str) -> Line {
        Line::new(&self.base_url, token)
            .and_then(|line| line.with_timeouts(QUICK))
            .unwrap_or_else(|e| panic!("{e}"))
    }
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({ "message": message }))).into_response()
}

/// Push and multicast, as the API documents them.
async fn answer(
    State(inner): State<Arc<Mutex<Inner>>>,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let multicast = path.ends_with("/multicast");
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let retry_key = header("x-line-retry-key").unwrap_or_default();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let to: Vec<String> = match &request["to"] {
        Value::String(one) if !multicast => vec![one.clone()],
        Value::Array(many) if multicast => many
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    let messages = request["messages"].as_array().cloned().unwrap_or_default();
    let text = messages
        .first()
        .and_then(|m| m["text"].as_str())
        .unwrap_or_default()
        .to_owned();

    {
        let mut inner = inner.lock().unwrap_or_else(PoisonError::into_inner);
        let scripted = inner.script.pop_front().flatten();
        let response = if header("authorization").as_deref() != Some(&format!("Bearer {TOKEN}")) {
            error(
                StatusCode::UNAUTHORIZED,
                "Authentication failed. Confirm that the access token in the authorization header is valid.",
            )
        } else if header("content-type").as_deref() != Some("application/json") {
            error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "Unsupported media type")
        } else if uuid::Uuid::parse_str(&retry_key).is_err() {
            error(
                StatusCode::BAD_REQUEST,
                "The value for the 'X-Line-Retry-Key' header is invalid",
            )
        } else if to.is_empty()
            || to.len() > MAX_MULTICAST
            || messages.is_empty()
            || messages.len() > 5
            || messages.iter().any(|m| {
                m["type"] != "text"
                    || m["text"]
                        .as_str()
                        .is_none_or(|t| t.is_empty() || t.encode_utf16().count() > MAX_TEXT_LEN)
            })
        {
            error(StatusCode::BAD_REQUEST, "The request body has 1 error(s)")
        } else if let Some(status) = scripted {
            let status = StatusCode::from_u16(status).unwrap_or_else(|e| panic!("{e}"));
            let mut response = error(status, inner.failure_message.unwrap_or("scripted failure"));
            if let Some(seconds) = inner.retry_after.filter(|_| status == 429) {
                response.headers_mut().insert(
                    "retry-after",
                    seconds
                        .to_string()
                        .parse()
                        .unwrap_or_else(|e| panic!("{e}")),
                );
            }
            response
        } else if !inner.accepted_keys.insert(retry_key.clone()) {
            let mut body = json!({ "message": "The retry key is already accepted" });
            if !multicast {
                body["sentMessages"] =
                    json!([{ "id": "461230966842064897", "quoteToken": "IStG5h1Tz7b" }]);
            }
            (StatusCode::CONFLICT, axum::Json(body)).into_response()
        } else {
            for user in &to {
                *inner.delivered.entry(user.clone()).or_default() += 1;
            }
            let body = if multicast {
                json!({})
            } else {
                json!({ "sentMessages": [{ "id": "461230966842064897", "quoteToken": "IStG5h1Tz7b" }] })
            };
            (StatusCode::OK, axum::Json(body)).into_response()
        };
        inner.calls.push(Call {
            path,
            retry_key,
            to,
            text,
            status: response.status().as_u16(),
        });
        response
    }
}

fn users(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("U{i:032x}")).collect()
}

#[tokio::test]
async fn a_push_carries_the_bearer_token_a_uuid_retry_key_and_one_text_message() {
    let stand_in = StandIn::start().await;
    let channels = Channels {
        line: Some(stand_in.line()),
        ..Channels::default()
    };
    let message = message("outbox-1", Recipient::Line("Uaaaa".to_owned()));

    assert_eq!(channels.send(&message).await, Ok(Sent { already: false }));

    let calls = stand_in.calls();
    assert_eq!(calls.len(), 1, "{calls:?}");
    let call = &calls[0];
    assert_eq!(
        (call.path.as_str(), call.status),
        ("/v2/bot/message/push", 200)
    );
    assert_eq!(call.to, ["Uaaaa"]);
    assert_eq!(
        call.text,
        format!("{}\n\n{}", message.subject, message.text)
    );
    let key = uuid::Uuid::parse_str(&call.retry_key).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(key.get_version_num(), 4);
    assert_eq!(call.retry_key, line::retry_key("outbox-1"));
}

#[tokio::test]
async fn a_rate_limited_push_is_retried_after_the_given_time_with_the_same_key_and_a_repeat_is_already_sent()
 {
    let stand_in = StandIn::start().await;
    stand_in.with(|inner| {
        inner.script.extend([Some(429), Some(503)]);
        inner.retry_after = Some(3);
    });
    let line = stand_in.line();
    let message = message("outbox-2", Recipient::Line("Ubbbb".to_owned()));

    let limited = line.send(&message).await;
    assert!(
        matches!(limited, Err(SendError::Retry { after: Some(after), .. }) if after == Duration::from_secs(3)),
        "{limited:?}"
    );
    let unavailable = line.send(&message).await;
    assert!(
        matches!(unavailable, Err(SendError::Retry { after: None, .. })),
        "{unavailable:?}"
    );
    assert_eq!(line.send(&message).await, Ok(Sent { already: false }));
    assert_eq!(line.send(&message).await, Ok(Sent { already: true }));

    let calls = stand_in.calls();
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        [429, 503, 200, 409]
    );
    assert!(calls.iter().all(|c| c.retry_key == calls[0].retry_key));
    assert_eq!(stand_in.with(|inner| inner.delivered["Ubbbb"]), 1);
}

#[tokio::test]
async fn a_rate_limit_without_a_time_waits_a_minute_and_a_spent_monthly_quota_is_parked() {
    let stand_in = StandIn::start().await;
    stand_in.with(|inner| inner.script.push_back(Some(429)));
    let line = stand_in.line();
    let message = message("outbox-4", Recipient::Line("Ucccc".to_owned()));
    let limited = line.send(&message).await;
    assert!(
        matches!(limited, Err(SendError::Retry { after: Some(after), .. }) if after == Duration::from_secs(60)),
        "{limited:?}"
    );
    stand_in.with(|inner| {
        inner.script.push_back(Some(429));
        inner.failure_message = Some("You have reached your monthly limit.");
    });
    let spent = line.send(&message).await;
    assert!(
        matches!(&spent, Err(SendError::Permanent { reason }) if reason.contains("今月送信できる通数の上限")),
        "{spent:?}"
    );
    assert_eq!(line.send(&message).await, Ok(Sent { already: false }));
    assert_eq!(stand_in.with(|inner| inner.delivered["Ucccc"]), 1);
}

#[tokio::test]
async fn a_multicast_to_1234_users_goes_as_500_500_and_234_each_with_its_own_retry_key() {
    let stand_in = StandIn::start().await;
    let line = stand_in.line();
    let everyone = users(1234);

    let sent = line.multicast("notice-1", &everyone, "お知らせです").await;
    assert_eq!(sent, Ok(Sent { already: false }));

    let calls = stand_in.calls();
    assert_eq!(
        calls.iter().map(|c| c.to.len()).collect::<Vec<_>>(),
        [500, 500, 234]
    );
    assert!(calls.iter().all(|c| c.path == "/v2/bot/message/multicast"));
    assert_eq!(
        calls.iter().flat_map(|c| c.to.clone()).collect::<Vec<_>>(),
        everyone,
        "every user once, in order"
    );
    let keys: HashSet<&str> = calls.iter().map(|c| c.retry_key.as_str()).collect();
    assert_eq!(keys.len(), 3);

    // The same multicast again is refused by LINE as a repeat, request by request.
    assert_eq!(
        line.multicast("notice-1", &everyone, "お知らせです").await,
        Ok(Sent { already: true })
    );
    let again: Vec<String> = stand_in.calls()[3..]
        .iter()
        .map(|c| c.retry_key.clone())
        .collect();
    assert_eq!(
        again,
        calls
            .iter()
            .map(|c| c.retry_key.clone())
            .collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn a_multicast_cut_short_by_a_server_error_resumes_without_sending_anyone_a_second_copy() {
    let stand_in = StandIn::start().await;
    stand_in.with(|inner| inner.script.extend([None, Some(500)]));
    let line = stand_in.line();
    let everyone = users(1234);

    let cut = line.multicast("notice-2", &everyone, "お知らせです").await;
    assert!(
        matches!(&cut, Err(SendError::Retry { reason, .. }) if reason.contains("request 2 of 3")),
        "{cut:?}"
    );
    assert_eq!(
        line.multicast("notice-2", &everyone, "お知らせです").await,
        Ok(Sent { already: false })
    );
    assert_eq!(
        stand_in
            .calls()
            .iter()
            .map(|c| c.status)
            .collect::<Vec<_>>(),
        [200, 500, 409, 200, 200]
    );
    let delivered = stand_in.with(|inner| inner.delivered.clone());
    assert_eq!(delivered.len(), 1234);
    assert!(delivered.values().all(|&n| n == 1));
}

#[tokio::test]
async fn a_text_over_the_limit_is_cut_to_what_line_accepts_with_a_note() {
    let stand_in = StandIn::start().await;
    let long = "長".repeat(MAX_TEXT_LEN + 100);
    assert_eq!(
        stand_in.line().push("outbox-3", "Ucccc", &long).await,
        Ok(Sent { already: false })
    );
    let text = &stand_in.calls()[0].text;
    assert_eq!(text.encode_utf16().count(), MAX_TEXT_LEN);
    assert!(text.ends_with("以降を省略しました）"), "{text}");
}

#[tokio::test]
async fn a_rejected_token_is_permanent_and_an_unreachable_api_is_retried() {
    let stand_in = StandIn::start().await;
    let rejected = stand_in
        .line_with_token("expired")
        .push("outbox-4", "Udddd", "こんにちは")
        .await;
    assert!(
        matches!(&rejected, Err(SendError::Permanent { reason }) if reason.contains("401")),
        "{rejected:?}"
    );

    let unreachable = Line::new(&format!("http://127.0.0.1:{}", closed_port()), TOKEN)
        .unwrap_or_else(|e| panic!("{e}"))
        .push("outbox-5", "Udddd", "こんにちは")
        .await;
    assert!(
        matches!(unreachable, Err(SendError::Retry { .. })),
        "{unreachable:?}"
    );
}

#[test]
fn a_correct_line_signature_verifies_and_a_wrong_one_or_a_changed_body_does_not() {
    let secret = "8c570fa6dd201bb328f1c1eac23a96d8";
    let body = br#"{"destination":"U0123456789abcdef0123456789abcdef","events":[]}"#;
    // Computed apart from this crate, with Python's hmac module.
    let signature = "j2zwSWvscnRkmVay2eMQI+B6oSOp3bA8F1CD3kPwJNo=";

    assert!(line::verify_signature(secret, body, signature));
    assert!(!line::verify_signature(
        secret,
        body,
        "k2zwSWvscnRkmVay2eMQI+B6oSOp3bA8F1CD3kPwJNo="
    ));
    assert!(!line::verify_signature(secret, body, "not base64"));
    assert!(!line::verify_signature(
        "another-channel-secret",
        body,
        signature
    ));
    let changed = br#"{"destination":"U0123456789abcdef0123456789abcdef","events":[{}]}"#;
    assert!(!line::verify_signature(secret, changed, signature));
}
