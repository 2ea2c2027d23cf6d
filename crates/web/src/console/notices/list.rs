//! `GET /console/notices` (閲覧以上): every notice newest first with its figures, the
//! outbox's counts above them, the link 「お知らせを作成」 (職員以上), and whether the
//! redirect records who clicked — which 管理者 switch with
//! `POST /console/notices/click-recording`.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::staff::{Action, Role};
use madoguchi_store::{OutboxCounts, RECORD_SUBSCRIBER_CLICKS};
use serde::Deserialize;

use super::view::NoticeRow;
use crate::console::frame::Frame;
use crate::console::paging::PageWindow;
use crate::console::staff::Staff;
use crate::http::form::FormData;
use crate::{AppError, AppState};

const PAGE_SIZE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    page: Option<String>,
    saved: Option<String>,
    done: Option<String>,
}

#[derive(Template)]
#[template(path = "console/notices/list.html")]
struct ListPage {
    frame: Option<Frame>,
    csrf: String,
    counts: OutboxCounts,
    notices: Vec<NoticeRow>,
    total: u64,
    page: u64,
    pages: u64,
    records_subscribers: bool,
    may_switch_recording: bool,
    may_requeue: bool,
    /// 職員以上 write notices of their own (「お知らせを作成」).
    may_compose: bool,
    saved: bool,
    discarded: bool,
}

/// `GET /console/notices`.
pub async fn list_notices(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let store = state.store();
    let total = store.count_notices().await?;
    let PageWindow {
        page,
        pages,
        offset,
    } = PageWindow::of(total, PAGE_SIZE, query.page.as_deref());
    let notices = store.notice_summaries(PAGE_SIZE, offset).await?;
    let view = ListPage {
        frame: Some(staff.frame("/console/notices")),
        csrf: staff.csrf.clone(),
        counts: store.outbox_counts().await?,
        notices: notices.iter().map(NoticeRow::of).collect(),
        total,
        page,
        pages,
        records_subscribers: store.records_subscriber_clicks().await?,
        may_switch_recording: staff.account.role.allows(Role::Admin),
        may_requeue: staff.account.role.allows(Role::Staff),
        may_compose: staff.account.role.allows(Role::Staff),
        saved: query.saved.is_some(),
        discarded: query.done.as_deref() == Some("discarded"),
    };
    Ok(Html(view.render()?).into_response())
}

/// `POST /console/notices/click-recording` (管理者): `record=on` turns recording who
/// clicked on, anything else off.
pub async fn set_click_recording(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Admin, &form)?;
    let on = form.get("record") == Some("on");
    state
        .store()
        .set_setting(
            RECORD_SUBSCRIBER_CLICKS,
            if on { "true" } else { "false" },
            Some(&staff.account.id),
        )
        .await?;
    let detail = if on {
        "お知らせのリンクを開いた登録者を記録するようにしました"
    } else {
        "お知らせのリンクを開いた登録者を記録しないようにしました（集計のみ）"
    };
    staff
        .audit(
            &state,
            Action::SettingChange,
            Some(RECORD_SUBSCRIBER_CLICKS),
            detail,
        )
        .await?;
    Ok(Redirect::to("/console/notices?saved=1").into_response())
}
