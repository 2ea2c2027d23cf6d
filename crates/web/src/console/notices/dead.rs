//! `GET /console/notices/dead` (閲覧以上): the messages that failed for good — to whom
//! (masked), what, how many tries and why — and `POST` (職員以上), which puts the chosen
//! ones back in the outbox, due now. One button per row sends that row's id; the button
//! under the table sends the ids of every row shown, so it never requeues a letter that
//! died after the page was read.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::notices::Address;
use madoguchi_core::staff::{Action, Role};
use madoguchi_store::OutboxItem;
use serde::Deserialize;

use super::view::channel_label;
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::http::form::FormData;
use crate::{AppError, AppState};

/// The most dead letters a page shows (newest first).
const SHOWN: u32 = 100;

/// One dead letter as staff see it.
#[derive(Debug)]
pub struct DeadRow {
    pub id: i64,
    pub channel: &'static str,
    /// `ta***@example.jp`, `LINE（…a1b2）`, or a webhook's site.
    pub to: String,
    pub subject: String,
    pub attempts: u32,
    pub last_error: String,
}

impl DeadRow {
    fn of(item: &OutboxItem) -> Self {
        Self {
            id: item.id,
            channel: channel_label(&item.channel),
            to: masked_recipient(&item.channel, &item.recipient),
            subject: if item.body.subject.is_empty() {
                "（件名なし）".to_owned()
            } else {
                item.body.subject.clone()
            },
            attempts: item.attempts,
            last_error: if item.last_error.is_empty() {
                "（理由は記録されていません）".to_owned()
            } else {
                item.last_error.clone()
            },
        }
    }
}

/// A recipient shown to staff: enough to recognise, not enough to copy.
fn masked_recipient(channel: &str, recipient: &str) -> String {
    if recipient.is_empty() {
        return "（登録解除により消去済み）".to_owned();
    }
    match channel {
        "email" => Address::Email(recipient.to_owned()).masked(),
        "line" => Address::Line(recipient.to_owned()).masked(),
        // A webhook's address is another municipal system's, not a person's: its site.
        _ => {
            let rest = recipient.split_once("://").map_or(recipient, |(_, r)| r);
            let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
            format!("{host}（連携システム）")
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct DeadQuery {
    requeued: Option<u64>,
    stale: Option<String>,
}

#[derive(Template)]
#[template(path = "console/notices/dead.html")]
struct DeadPage {
    frame: Option<Frame>,
    csrf: String,
    rows: Vec<DeadRow>,
    total: u64,
    shown_limit: u32,
    may_requeue: bool,
    requeued: Option<u64>,
    stale: bool,
}

/// `GET /console/notices/dead`.
pub async fn list_dead_letters(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<DeadQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let store = state.store();
    let rows = store.dead_letters(SHOWN).await?;
    let view = DeadPage {
        frame: Some(staff.frame("/console/notices")),
        csrf: staff.csrf.clone(),
        rows: rows.iter().map(DeadRow::of).collect(),
        total: store.outbox_counts().await?.dead,
        shown_limit: SHOWN,
        may_requeue: staff.account.role.allows(Role::Staff),
        requeued: query.requeued,
        stale: query.stale.is_some(),
    };
    Ok(Html(view.render()?).into_response())
}

/// `POST /console/notices/dead`: requeues every `message` id the form sends.
pub async fn requeue_dead_letters(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let ids = form
        .all("message")
        .into_iter()
        .map(|id| id.trim().parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            AppError::BadRequest(
                "再送するお知らせの番号を読み取れませんでした。画面を開き直して、もう一度押してください。"
                    .to_owned(),
            )
        })?;
    if ids.is_empty() {
        return Err(AppError::BadRequest(
            "再送するお知らせが選ばれていません。一覧の「再送する」ボタンを押してください。"
                .to_owned(),
        ));
    }
    let mut requeued = Vec::new();
    for id in ids {
        if state.store().requeue_dead(id).await? {
            requeued.push(id.to_string());
        }
    }
    if requeued.is_empty() {
        // Someone requeued them first: nothing changed, nothing to audit.
        return Ok(Redirect::to("/console/notices/dead?stale=1").into_response());
    }
    let target = (requeued.len() == 1).then(|| requeued[0].as_str());
    let detail = format!(
        "送信できなかったお知らせ{}件を送信待ちに戻しました（番号：{}）",
        requeued.len(),
        requeued.join("、")
    );
    staff
        .audit(&state, Action::NoticeRequeue, target, detail)
        .await?;
    Ok(Redirect::to(&format!(
        "/console/notices/dead?requeued={}",
        requeued.len()
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recipients_are_masked_by_channel() {
        assert_eq!(
            masked_recipient("email", "taro@example.jp"),
            "ta***@example.jp"
        );
        assert_eq!(masked_recipient("line", "U1234abcd"), "LINE（…abcd）");
        assert_eq!(
            masked_recipient("webhook", "https://hook.example.lg.jp/in?key=secret"),
            "hook.example.lg.jp（連携システム）"
        );
        assert_eq!(masked_recipient("email", ""), "（登録解除により消去済み）");
    }
}
