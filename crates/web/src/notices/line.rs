//! The LINE official account's side of notices: the webhook LINE calls, and the page that
//! shows a person the code that links their LINE account to a subscription.
//!
//! The site never asks for a LINE user id: choosing LINE on the subscribe form makes a pending
//! subscription with a short code (`Store::subscribe_line`), the person follows the official
//! account and sends the code in the chat (or goes through account linking with it as the
//! nonce), and the webhook links the subscription to the user id LINE vouches for. A call is
//! trusted only when `x-line-signature` is the HMAC of its raw body with the channel secret.
//! Replies go through the outbox like every message; the webhook answers at once.

use std::sync::Once;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use madoguchi_channels::line::{parse_webhook, verify_signature};
use madoguchi_channels::{LineEvent, LinkResult};
use madoguchi_core::calendar::{JstDateTime, wareki};
use madoguchi_core::notices::Address;
use madoguchi_store::{LINE_CODE_ALPHABET, LINE_CODE_LEN, MessageBody, OutboxMessage};

use super::keys::Purpose;
use crate::http::security;
use crate::{AppError, AppState};

/// The largest webhook body taken. LINE sends a few events per call, far below this.
pub const MAX_WEBHOOK_BYTES: usize = 1024 * 1024;

/// The setting that holds the official account's friend-add URL (`https://lin.ee/…`),
/// shown on the code page; nothing is shown while it is unset.
pub const FRIEND_URL_SETTING: &str = "notices.line_friend_url";

/// Codes tried from one chat message at most, so that a message cannot probe many.
const MAX_CODES_PER_MESSAGE: usize = 3;

/// The webhook's route and the code page.
pub fn routes() -> Router<AppState> {
    // The webhook is a server-to-server POST from LINE: no cookie, no form, no CSRF token;
    // the signature is its whole authority.
    let webhook = Router::new().route(
        "/line/webhook",
        post(webhook).layer(DefaultBodyLimit::max(MAX_WEBHOOK_BYTES)),
    );
    let page = Router::new()
        .route("/notices/line/{token}", get(show_code))
        .layer(middleware::map_response(security::never_cached));
    webhook.merge(page)
}

/// `POST /line/webhook`: checks the signature on the raw body, then handles each event not
/// seen before. Every verified call is answered 200, replays included, or LINE sends it again.
pub async fn webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let Some(secret) = state.line_channel_secret() else {
        static WARNED: Once = Once::new();
        WARNED.call_once(|| {
            tracing::warn!(
                "a LINE webhook call was refused: no channel secret is set (--line-channel-secret)"
            );
        });
        return Ok(plain(
            StatusCode::FORBIDDEN,
            "LINE webhook is not configured",
        ));
    };
    let body = match body {
        Ok(body) => body,
        Err(rejection) => return Ok(plain(rejection.status(), "body refused")),
    };
    let signed = headers
        .get("x-line-signature")
        .and_then(|value| value.to_str().ok())
        .is_some_and(|signature| verify_signature(secret, &body, signature));
    if !signed {
        return Ok(plain(StatusCode::UNAUTHORIZED, "bad signature"));
    }
    let Ok(events) = parse_webhook(&body) else {
        return Ok(plain(StatusCode::BAD_REQUEST, "not a LINE webhook body"));
    };
    for event in &events {
        // An event is marked seen before it is handled: a handling that fails (the database
        // gone) is not retried by a redelivery, which is the lesser harm than sending twice.
        if state
            .store()
            .first_sight_of_line_event(event.webhook_event_id())
            .await?
        {
            handle(&state, event).await?;
        }
    }
    Ok(plain(StatusCode::OK, "ok"))
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    (status, text).into_response()
}

/// Acts on one event seen for the first time.
async fn handle(state: &AppState, event: &LineEvent) -> Result<(), AppError> {
    match event {
        LineEvent::Follow {
            user_id,
            webhook_event_id,
            ..
        } => {
            let greeting = reply(
                format!("line-follow:{webhook_event_id}"),
                user_id,
                None,
                GREETING.to_owned(),
            );
            state.store().enqueue(&[greeting]).await?;
        }
        LineEvent::Unfollow { user_id, .. } => {
            let forgotten = state.store().forget_line_user(user_id).await?;
            tracing::info!(
                forgotten,
                "a LINE user blocked the account; their subscriptions were deleted"
            );
        }
        LineEvent::Message {
            user_id,
            text,
            webhook_event_id,
            ..
        } => {
            let codes = codes_in(text);
            let text = if codes.is_empty() {
                HOW_TO_LINK.to_owned()
            } else {
                NOT_FOUND.to_owned()
            };
            link(state, webhook_event_id, user_id, &codes, text).await?;
        }
        LineEvent::AccountLink {
            user_id,
            nonce,
            result: LinkResult::Ok,
            webhook_event_id,
            ..
        } => {
            link(
                state,
                webhook_event_id,
                user_id,
                std::slice::from_ref(nonce),
                NOT_FOUND.to_owned(),
            )
            .await?;
        }
        LineEvent::AccountLink { .. } | LineEvent::Other { .. } => {}
    }
    Ok(())
}

/// Links the first of `codes` that is live to `user_id` and queues the confirmation, or
/// queues `otherwise` when none is.
async fn link(
    state: &AppState,
    webhook_event_id: &str,
    user_id: &str,
    codes: &[String],
    otherwise: String,
) -> Result<(), AppError> {
    let key = format!("line-reply:{webhook_event_id}");
    for code in codes {
        if let Some(id) = state.store().link_line_account(code, user_id).await? {
            let manage = state.job_notice_links().manage(&id);
            let text = format!(
                "お知らせの登録が完了しました。条件に合う支援制度の情報を、このトークでお知らせします。\n\n登録内容の確認・変更・停止はこちらから：\n{manage}"
            );
            let done = reply(key, user_id, Some(id), text);
            state.store().enqueue(&[done]).await?;
            return Ok(());
        }
    }
    state
        .store()
        .enqueue(&[reply(key, user_id, None, otherwise)])
        .await?;
    Ok(())
}

fn reply(
    key: String,
    user_id: &str,
    subscription_id: Option<String>,
    text: String,
) -> OutboxMessage {
    OutboxMessage {
        key,
        channel: "line",
        recipient: user_id.to_owned(),
        subscription_id,
        notice_id: None,
        body: MessageBody {
            subject: String::new(),
            text,
            html: None,
            unsubscribe: None,
        },
    }
}

/// Sent when someone adds the account as a friend.
const GREETING: &str = "友だち追加ありがとうございます。\n支援制度のお知らせをLINEで受け取るには、サイトのお知らせ登録で「LINE」を選んでください。画面に表示される8文字のコードを、このトークに送ると登録が完了します。";

/// Sent when a message holds a code that links nothing.
const NOT_FOUND: &str = "送られたコードが見つからないか、有効期限（発行から24時間）が切れています。\nサイトに表示された8文字のコードを、もう一度そのまま送ってください。期限が切れた場合は、お手数ですがサイトでもう一度登録してください。";

/// Sent when a message holds nothing that reads as a code.
const HOW_TO_LINK: &str = "このアカウントでは、支援制度のお知らせをお送りしています。\nお知らせを受け取るには、サイトのお知らせ登録で「LINE」を選び、表示された8文字のコードをこのトークに送ってください。";

/// The codes a chat message may hold, as typed on a phone: full-width letters and digits,
/// small letters, a hyphen or a space in the middle all read as the code.
fn codes_in(text: &str) -> Vec<String> {
    let normal: String = text
        .chars()
        .map(half_width)
        .collect::<String>()
        .to_ascii_uppercase();
    let mut found: Vec<String> = Vec::new();
    let mut keep = |candidate: String| {
        if is_code(&candidate) && !found.contains(&candidate) {
            found.push(candidate);
        }
    };
    // Runs of letters, digits and hyphens, hyphens dropped: 「ABCD-2345です」 holds ABCD2345.
    for run in normal.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-')) {
        keep(run.chars().filter(|c| *c != '-').collect());
    }
    // Typed in pieces (「ABCD 2345」): the message's letters and digits together.
    keep(normal.chars().filter(char::is_ascii_alphanumeric).collect());
    found.truncate(MAX_CODES_PER_MESSAGE);
    found
}

/// Full-width ASCII as ASCII, and the dashes a Japanese keyboard offers as a hyphen.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(u32::from(c) - 0xFEE0).unwrap_or(c),
        'ー' | '‐' | '‑' | '–' | '—' | '−' | '―' => '-',
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_code(candidate: &str) -> bool {
    candidate.len() == LINE_CODE_LEN && candidate.bytes().all(|b| LINE_CODE_ALPHABET.contains(&b))
}

/// The code page in one of its three states.
#[derive(Template)]
#[template(path = "notices/line.html")]
struct CodePage {
    state: CodeState,
    /// This page again, to see whether the account was linked.
    this_page: String,
    /// The page that manages the subscription.
    manage: String,
    /// The official account's friend-add URL, when set.
    friend_url: Option<String>,
}

enum CodeState {
    /// Waiting for the code, which expires at the time shown.
    Waiting { code: String, expires: String },
    /// Linked: notices go to the LINE account.
    Linked,
    /// No such subscription (deleted, or its code expired and it was cleaned up).
    Missing,
}

/// `GET /notices/line/{token}`: the code to send, or that the account is linked.
pub async fn show_code(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let keys = state.notice_keys();
    let found = match keys.open(Purpose::Manage, &token) {
        Some(id) => state.store().subscription(id).await?,
        None => None,
    };
    let manage = format!("/notices/manage/{token}");
    let this_page = format!("/notices/line/{token}");
    let (code_state, status) = match found {
        None => (CodeState::Missing, StatusCode::NOT_FOUND),
        Some(subscription) if !matches!(subscription.address, Address::Line(_)) => {
            return Ok(Redirect::to(&manage).into_response());
        }
        Some(subscription) if subscription.confirmed => (CodeState::Linked, StatusCode::OK),
        Some(subscription) => match state.store().line_code_of(&subscription.id).await? {
            Some(code) => (
                CodeState::Waiting {
                    code: code.code,
                    expires: expiry_label(code.expires_at),
                },
                StatusCode::OK,
            ),
            None => (CodeState::Missing, StatusCode::NOT_FOUND),
        },
    };
    let friend_url = state
        .store()
        .setting(FRIEND_URL_SETTING)
        .await?
        .map(|setting| setting.value)
        .filter(|url| is_friend_url(url));
    let page = CodePage {
        state: code_state,
        this_page,
        manage,
        friend_url,
    };
    Ok((status, Html(Template::render(&page)?)).into_response())
}

/// Only an https URL is put in a link, whatever was typed into the setting.
fn is_friend_url(url: &str) -> bool {
    url.starts_with("https://")
        && url.len() <= 500
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

/// 「2026年8月22日（令和8年）14時05分まで」 in JST.
fn expiry_label(at: time::OffsetDateTime) -> String {
    let at = JstDateTime::from_offset(at).as_offset();
    format!(
        "{}{}時{:02}分まで",
        wareki::format_date(at.date()),
        at.hour(),
        at.minute()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_read_however_a_phone_typed_it() {
        for typed in [
            "ABCD2345",
            "abcd2345",
            "ＡＢＣＤ２３４５",
            "ABCD-2345",
            "ABCDー2345",
            "コードはABCD2345です",
            "ABCD 2345",
            "ＡＢＣＤ　２３４５",
            "  abcd2345\n",
        ] {
            assert_eq!(codes_in(typed), ["ABCD2345"], "{typed}");
        }
    }

    #[test]
    fn what_cannot_be_a_code_is_not_one() {
        for typed in [
            "",
            "こんにちは",
            "ABCD234",
            "ABCD23456",
            // 0, O, 1, I and L are never in a code.
            "ABCD0345",
            "OBCD2345",
            "ABCD1345",
        ] {
            assert!(codes_in(typed).is_empty(), "{typed}");
        }
    }

    #[test]
    fn a_message_yields_at_most_three_distinct_codes() {
        let text = "ABCD2345 ABCD2345 BCDE3456 CDEF4567 DEFG5678";
        assert_eq!(codes_in(text), ["ABCD2345", "BCDE3456", "CDEF4567"]);
    }

    #[test]
    fn only_an_https_friend_url_is_linked() {
        assert!(is_friend_url("https://lin.ee/AbCdEf"));
        assert!(!is_friend_url("javascript:alert(1)"));
        assert!(!is_friend_url("http://lin.ee/AbCdEf"));
        assert!(!is_friend_url("https://lin.ee/a b"));
    }

    #[test]
    fn the_expiry_is_shown_in_japan_time() {
        let at = time::macros::datetime!(2026-08-21 15:05:00 UTC);
        let label = expiry_label(at);
        assert!(label.starts_with("2026年8月22日"), "{label}");
        assert!(label.ends_with("0時05分まで"), "{label}");
    }
}
