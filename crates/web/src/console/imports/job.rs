//! The background job that saves a confirmed import whole: the transaction that makes its
//! programs public also marks the job done, so a failed or interrupted job changes nothing; its state and counts go to the
//! import's row, so that every app process can show how it went; then the catalogue
//! reloads and the import is logged.

use madoguchi_core::program::{Program, SourceKind};
use madoguchi_core::staff::Action;
use madoguchi_store::{
    DoneAudit, ImportEnding, ImportJobState, NewImportRun, PendingImport, SaveSummary,
};

use super::preview::Preview;
use super::progress::Tracker;
use crate::AppState;
use crate::console::staff::Staff;

/// Starts the job of a confirmed (queued) import and returns at once.
pub fn start(state: AppState, staff: Staff, pending: PendingImport, preview: Preview) {
    tokio::spawn(async move {
        if let Err(err) = run(&state, &staff, &pending, &preview).await {
            tracing::error!(import = pending.id, error = %err, "import job could not record its end");
        }
    });
}

async fn run(
    state: &AppState,
    staff: &Staff,
    pending: &PendingImport,
    preview: &Preview,
) -> Result<(), crate::AppError> {
    let store = state.store();
    let id = pending.id;
    let (queued, running) = (ImportJobState::Queued, ImportJobState::Running);
    if !store.advance_import(id, queued, running, 0, "").await? {
        return Ok(());
    }
    let mut tracker = state.import_progress().track(id);
    tracker.start_heartbeat(store);
    let target = id.to_string();
    // The entry is written in the save's own transaction: a crash can never leave an
    // import saved but unaudited.
    let audit = |_: &SaveSummary, message: &str| {
        let detail = format!("{}：{message}", pending.file_name);
        staff.audit_entry(Action::ImportDone, Some(&target), detail)
    };
    let saved = save(state, pending, preview, &tracker, &audit).await;
    match saved {
        Ok(summary) => {
            // The programs are saved and the row marked 完了 with them; logging the run
            // and reloading come after, and a failure there is added to the message.
            let mut message = done_message(&summary);
            let after = after_save(state, pending, preview, &summary).await;
            // This process's page says 完了 only now, when its catalogue shows the programs.
            drop(tracker);
            if let Err(err) = after {
                tracing::error!(import = id, error = %err, "import saved, but its aftermath failed");
                message.push_str("（取り込み後の記録または再読み込みに失敗しました。管理者に連絡してください。）");
                let done = ImportJobState::Done;
                store
                    .advance_import(
                        id,
                        done,
                        done,
                        u64::try_from(summary.total()).unwrap_or(u64::MAX),
                        &message,
                    )
                    .await?;
            }
        }
        Err(reason) => {
            drop(tracker);
            let message = format!("取り込みに失敗したため、何も変更していません。{reason}");
            // Already failed when it was given up as interrupted: its message stays.
            store
                .advance_import(id, running, ImportJobState::Failed, 0, &message)
                .await?;
            let detail = format!("{}：{message}", pending.file_name);
            staff
                .audit(state, Action::ImportFail, Some(&target), detail)
                .await?;
        }
    }
    Ok(())
}

/// What the finished job says.
fn done_message(summary: &SaveSummary) -> String {
    format!(
        "新規 {}件、更新 {}件、変更なし {}件を取り込みました。",
        summary.created, summary.updated, summary.unchanged
    )
}

/// Logs the import run and reloads the catalogue.
async fn after_save(
    state: &AppState,
    pending: &PendingImport,
    preview: &Preview,
    summary: &SaveSummary,
) -> Result<(), crate::AppError> {
    let counts = summary.import_counts(preview.counts.skipped, preview.counts.invalid);
    state
        .store()
        .record_import_run(&NewImportRun {
            source_kind: pending.source_kind,
            file_name: pending.file_name.clone(),
            counts,
        })
        .await?;
    state.catalog_changed().await?;
    Ok(())
}

/// Saves the kept programs whole, ending the job in the same last transaction, counting progress
/// as it goes; the error says why, in Japanese.
async fn save(
    state: &AppState,
    pending: &PendingImport,
    preview: &Preview,
    tracker: &Tracker,
    audit: DoneAudit<'_>,
) -> Result<SaveSummary, String> {
    let store = state.store();
    let body = store
        .pending_import_body(pending.id)
        .await
        .map_err(|err| err.to_string())?
        .ok_or_else(|| "取り込む内容が見つかりませんでした。".to_owned())?;
    let programs: Vec<Program> = serde_json::from_str(&body)
        .map_err(|err| format!("保存してあった取り込み内容を読み取れませんでした（{err}）。"))?;
    let mut progress = |done: usize| tracker.set(u64::try_from(done).unwrap_or(u64::MAX));
    store
        .save_import(
            pending.id,
            &programs,
            &preview.basis,
            origin(pending.source_kind),
            &mut progress,
            ImportEnding {
                message: &done_message,
                audit: Some(audit),
            },
        )
        .await
        .map_err(|err| err.to_string())
}

/// Who saved, as the program history names it (the same words as the command line's).
fn origin(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::Jgrants => "import:jgrants",
        SourceKind::Jnet21 => "import:jnet21",
        _ => "import:programs",
    }
}
