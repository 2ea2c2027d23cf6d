//! Keeping this process's catalogue snapshot in step with every other process, and
//! carrying out the changes staff scheduled.
//!
//! A publish swaps the snapshot of the process that handled it at once
//! ([`AppState::catalog_changed`]); every other process hears of it through the store's
//! catalogue watch (PostgreSQL NOTIFY, or a poll of the revision counter on SQLite) and
//! reloads within moments. Scheduled publishing and unpublishing run from every process;
//! the store makes each change happen once.

use std::time::Duration;

use madoguchi_core::staff::Action;
use madoguchi_store::DueChange;

use crate::AppState;
use crate::console::{Actor, Client};
use crate::http::clock;

/// How often a SQLite store's revision is read: one indexed row, and a change found is
/// taken in program by program, so other processes on the file show a publish within
/// about a tenth of a second.
pub const POLL_EVERY: Duration = Duration::from_millis(50);

/// How often scheduled changes are looked for.
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(30);

/// How long to wait before trying again after the database failed to answer.
const RETRY_AFTER: Duration = Duration::from_secs(5);

/// Reloads the snapshot whenever another process changed the catalogue, for as long as
/// the server runs.
pub async fn follow_catalog(state: AppState, every: Duration) {
    loop {
        let mut watch = match state.store().watch_catalog(every).await {
            Ok(watch) => watch,
            Err(err) => {
                tracing::warn!(%err, "cannot watch the catalogue; trying again");
                tokio::time::sleep(RETRY_AFTER).await;
                continue;
            }
        };
        loop {
            match watch.changed().await {
                Ok(revision) => {
                    if let Err(err) = state.catalog_changed().await {
                        tracing::warn!(%err, "cannot reload the catalogue");
                    } else {
                        tracing::info!(revision, "catalogue reloaded");
                    }
                }
                Err(err) => {
                    tracing::warn!(%err, "lost the catalogue watch; starting again");
                    tokio::time::sleep(RETRY_AFTER).await;
                    break;
                }
            }
        }
    }
}

/// Carries out scheduled publishing and unpublishing every `every`, for as long as the
/// server runs.
pub async fn run_schedule(state: AppState, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        if let Err(err) = apply_due_changes(&state).await {
            tracing::warn!(%err, "scheduled changes failed; trying again later");
        }
    }
}

/// The scheduler as the audit log names it.
const SCHEDULER: Actor<'static> = Actor {
    id: None,
    name: "公開予約の処理",
};

/// Applies what is due now, records each change in the audit log and reloads the
/// snapshot if anything changed. Returns the changes.
pub async fn apply_due_changes(state: &AppState) -> Result<Vec<DueChange>, crate::AppError> {
    let changes = state.store().apply_due_changes(clock::now()).await?;
    for change in &changes {
        let (action, id, detail) = match change {
            DueChange::Published {
                id,
                version,
                reviewer,
            } => (
                Action::ProgramPublish,
                id,
                format!(
                    "予約どおり第{version}版を公開しました（承認：{}）",
                    reviewer.as_deref().unwrap_or("不明")
                ),
            ),
            DueChange::Unpublished { id } => (
                Action::ProgramUnpublish,
                id,
                "予約どおり公開を終了しました".to_owned(),
            ),
            DueChange::Held { id } => (
                Action::ProgramReturn,
                id,
                "予約した公開の前に制度が更新されたため、公開せずに下書きに戻しました".to_owned(),
            ),
        };
        crate::console::action::record(
            state,
            SCHEDULER,
            action,
            Some(id.as_str()),
            detail,
            Client(None),
        )
        .await?;
    }
    if !changes.is_empty() {
        state.catalog_changed().await?;
    }
    Ok(changes)
}
