//! Import jobs whose process stopped (a crash, a restart, a deploy) are given up, so that
//! their page says what happened instead of 取り込み中 for ever.
//!
//! Nothing needs undoing: the transaction that makes a job's programs public also marks it
//! done, so a job still marked running saved nothing (what a SQLite job had staged is
//! removed by the store when the next process starts). Which jobs no process runs any more depends on the
//! store. On PostgreSQL every running job beats (`progress`); one not heard of for
//! [`STALE_AFTER`] is given up, checked every [`CHECK_EVERY`] by every process. With SQLite
//! one process serves, so when it starts no job of an earlier process is running.
//!
//! The same watch gives up previews that nobody confirmed within [`PREVIEW_KEPT`], on
//! either store: their uploaded programs are forgotten, so that they do not live on in the
//! database and its backups.

use std::time::Duration;

use madoguchi_core::staff::Action;
use madoguchi_store::Store;
use time::OffsetDateTime;

use crate::console::{Actor, Client};
use crate::http::clock;
use crate::{AppError, AppState};

/// A job not heard of for this long has stopped (many missed heartbeats).
pub const STALE_AFTER: Duration = Duration::from_secs(60);

/// How often each PostgreSQL process looks for stopped jobs.
pub const CHECK_EVERY: Duration = Duration::from_secs(30);

/// What the job's page says afterwards.
pub const INTERRUPTED: &str = "取り込みの処理が途中で止まったため（サーバーの再起動など）、何も変更していません。もう一度アップロードしてください。";

/// How long an unconfirmed preview keeps the uploaded programs.
pub const PREVIEW_KEPT: Duration = Duration::from_secs(24 * 60 * 60);

/// What an expired preview's page says afterwards.
pub const EXPIRED: &str = "確認されないまま24時間が過ぎたため、アップロードされた内容を破棄しました。取り込むには、もう一度アップロードしてください。";

/// The check as the audit log names it.
const WATCHER: Actor<'static> = Actor {
    id: None,
    name: "取り込みの見回り",
};

/// While the server runs: on PostgreSQL, keeps looking for stopped jobs (call
/// [`give_up_stopped`] once before serving, on either store); on both, expires previews
/// nobody confirmed.
pub async fn watch(state: AppState) {
    let mut ticks = tokio::time::interval(CHECK_EVERY);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        if state.store().writes_beside_transactions()
            && let Err(err) = give_up_stopped(&state).await
        {
            tracing::warn!(%err, "could not look for stopped import jobs");
        }
        if let Err(err) = expire_unconfirmed(&state, clock::now()).await {
            tracing::warn!(%err, "could not expire unconfirmed imports");
        }
    }
}

/// Gives up every preview made more than [`PREVIEW_KEPT`] before `now` that nobody
/// confirmed, logging each; returns their ids.
pub async fn expire_unconfirmed(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<Vec<i64>, AppError> {
    let ids = state
        .store()
        .expire_pending_imports(now - PREVIEW_KEPT, EXPIRED)
        .await?;
    record_each(state, &ids, EXPIRED).await?;
    Ok(ids)
}

/// Gives up every job no process runs any more, logging each; returns their ids.
pub async fn give_up_stopped(state: &AppState) -> Result<Vec<i64>, AppError> {
    let cutoff = stopped_before(state.store(), clock::now());
    let ids = state
        .store()
        .interrupt_stale_imports(cutoff, INTERRUPTED)
        .await?;
    for id in &ids {
        tracing::warn!(import = id, "import job stopped with its process; given up");
    }
    record_each(state, &ids, INTERRUPTED).await?;
    Ok(ids)
}

/// One audit entry per import given up, by the watch, saying why.
async fn record_each(state: &AppState, ids: &[i64], why: &str) -> Result<(), AppError> {
    for id in ids {
        crate::console::action::record(
            state,
            WATCHER,
            Action::ImportFail,
            Some(&id.to_string()),
            why,
            Client(None),
        )
        .await?;
    }
    Ok(())
}

/// Jobs last heard of before this time have stopped.
fn stopped_before(store: &Store, now: OffsetDateTime) -> OffsetDateTime {
    if store.writes_beside_transactions() {
        now - STALE_AFTER
    } else {
        // One SQLite process: whatever was running before it started has stopped. The
        // second ahead covers a job marked in the very second the check runs, as stored
        // times drop their fraction.
        now + Duration::from_secs(1)
    }
}
