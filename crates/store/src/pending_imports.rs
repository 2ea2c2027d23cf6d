//! Imports uploaded in the staff console, between the preview and the saved catalogue.
//!
//! The parsed programs wait here as JSON until someone confirms them; the background job
//! that saves them then reports its state and progress in the same row, so that any app
//! process (not only the one that runs the job) can show how far it got. The store keeps
//! the programs and the preview summary as text: what they mean belongs to the caller.
//!
//! The uploaded programs are kept only while they may still be saved: a job that ends
//! (done or failed) forgets them in the same statement, and a preview nobody confirms is
//! given up after a while ([`Store::expire_pending_imports`]), so that uploaded data
//! does not live on in the database and its backups.

use std::collections::BTreeMap;

use madoguchi_core::program::{Program, SourceKind};
use time::OffsetDateTime;

use crate::audit::{self, NewAuditEntry};
use crate::catalogue::prepare;
use crate::db::Db;
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{SaveSummary, Store, StoreError};

/// Where an uploaded import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportJobState {
    /// Previewed, waiting for confirmation; nothing saved.
    Pending,
    /// Confirmed; the job has not started yet.
    Queued,
    Running,
    Done,
    /// The job stopped; nothing it was to save was saved.
    Failed,
}

impl ImportJobState {
    pub fn code(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Queued => "queued",
            Self::Running => "running",
            Self::Done => "done",
            Self::Failed => "failed",
        }
    }

    /// What staff read.
    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "確認待ち",
            Self::Queued => "開始待ち",
            Self::Running => "取り込み中",
            Self::Done => "完了",
            Self::Failed => "失敗",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [
            Self::Pending,
            Self::Queued,
            Self::Running,
            Self::Done,
            Self::Failed,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    /// Whether the job is still to finish (a status page keeps refreshing).
    pub fn is_active(self) -> bool {
        matches!(self, Self::Queued | Self::Running)
    }
}

/// An upload about to be kept for confirmation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPendingImport {
    /// The account that uploaded it.
    pub created_by: String,
    pub source_kind: SourceKind,
    pub file_name: String,
    /// The programs to save, as a JSON array.
    pub body: String,
    /// What the preview showed, as the caller's JSON.
    pub summary: String,
    /// How many programs the body holds.
    pub total: u64,
}

/// A kept upload and its job (without the programs: [`crate::Store::pending_import_body`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingImport {
    pub id: i64,
    pub created_by: String,
    pub created_at: OffsetDateTime,
    pub source_kind: SourceKind,
    pub file_name: String,
    pub summary: String,
    pub state: ImportJobState,
    pub done: u64,
    pub total: u64,
    /// The job's last word (why it failed, or what it saved).
    pub message: String,
    pub updated_at: OffsetDateTime,
}

/// `(id, created_by, created_at, source_kind, file_name, summary, state, done, total,
/// message, updated_at)`.
pub(crate) type PendingImportRow = (
    i64,
    String,
    OffsetDateTime,
    String,
    String,
    String,
    String,
    i64,
    i64,
    String,
    OffsetDateTime,
);

impl PendingImport {
    pub(crate) fn from_row(row: PendingImportRow) -> Result<Self, StoreError> {
        let (
            id,
            created_by,
            created_at,
            source_kind,
            file_name,
            summary,
            state,
            done,
            total,
            message,
            updated_at,
        ) = row;
        let corrupt = |reason: String| StoreError::CorruptRecord {
            table: "pending_imports",
            key: id.to_string(),
            reason,
        };
        let count = |n: i64| u64::try_from(n).map_err(|_| corrupt(format!("件数 {n} が負です")));
        Ok(Self {
            id,
            created_by,
            created_at,
            source_kind: SourceKind::parse(&source_kind).map_err(|err| corrupt(err.to_string()))?,
            file_name,
            summary,
            state: ImportJobState::parse(&state)
                .ok_or_else(|| corrupt(format!("状態「{state}」は不明です")))?,
            done: count(done)?,
            total: count(total)?,
            message,
            updated_at,
        })
    }
}

/// A count as the database stores it.
pub(crate) fn column(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// What the job says when its programs are saved, given what the save did.
pub type DoneMessage<'a> = &'a (dyn Fn(&SaveSummary) -> String + Sync);

/// The audit entry of a finished import, given what the save did and what the job says.
pub type DoneAudit<'a> = &'a (dyn Fn(&SaveSummary, &str) -> NewAuditEntry + Sync);

/// How a confirmed import ends once its programs are saved, written in the save's own
/// transaction: what its row says and, so that a crash can never leave an import saved but
/// unaudited, its audit entry.
#[derive(Clone, Copy)]
pub struct ImportEnding<'a> {
    pub message: DoneMessage<'a>,
    pub audit: Option<DoneAudit<'a>>,
}

impl std::fmt::Debug for ImportEnding<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImportEnding")
            .field("audit", &self.audit.is_some())
            .finish_non_exhaustive()
    }
}

/// The confirmed import a catalogue save completes. Its row moves from running to done in
/// the save's own transaction: after a crash the row never says 取り込み中 about programs
/// that were in fact saved, and a job given up as interrupted cannot save afterwards.
pub(crate) struct ImportEnd<'a> {
    pub id: i64,
    pub message: DoneMessage<'a>,
    pub audit: Option<DoneAudit<'a>>,
}

impl ImportEnd<'_> {
    pub(crate) async fn record(
        &self,
        db: Db<'_>,
        summary: &SaveSummary,
        at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let done = summary.total();
        let done = i64::try_from(done).unwrap_or(i64::MAX);
        let (from, to) = (ImportJobState::Running.code(), ImportJobState::Done.code());
        let (message, at) = ((self.message)(summary), whole_second_utc(at));
        let mut db = db;
        if sql::advance(db.reborrow(), self.id, from, to, done, &message, at).await? != 1 {
            return Err(StoreError::ImportNotRunning(self.id));
        }
        if let Some(audit) = self.audit {
            let entry = audit::prepare(&audit(summary, &message))?;
            audit::sql::append(db, &entry, at).await?;
        }
        Ok(())
    }
}

impl Store {
    /// Keeps an upload for confirmation, in state [`ImportJobState::Pending`].
    pub async fn create_pending_import(
        &self,
        new: &NewPendingImport,
    ) -> Result<PendingImport, StoreError> {
        let at = now_whole_second();
        let (by, kind, name) = (
            new.created_by.as_str(),
            new.source_kind.code(),
            new.file_name.as_str(),
        );
        let (body, summary, total) = (new.body.as_str(), new.summary.as_str(), column(new.total));
        let row = sql::insert(self.db(), by, kind, name, body, summary, total, at).await?;
        PendingImport::from_row(row)
    }

    /// One upload and its job, without the programs.
    pub async fn pending_import(&self, id: i64) -> Result<Option<PendingImport>, StoreError> {
        let row = sql::find(self.db(), id).await?;
        row.map(PendingImport::from_row).transpose()
    }

    /// The newest `limit` uploads, newest first.
    pub async fn pending_imports(&self, limit: usize) -> Result<Vec<PendingImport>, StoreError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        let rows = sql::recent(self.db(), limit).await?;
        rows.into_iter().map(PendingImport::from_row).collect()
    }

    /// The programs of an upload, as the JSON array it was kept with; `None` once its job
    /// ended or its preview expired (the programs are forgotten then).
    pub async fn pending_import_body(&self, id: i64) -> Result<Option<String>, StoreError> {
        let body = sql::body(self.db(), id).await?;
        Ok(body.filter(|body| !body.is_empty()))
    }

    /// Gives up every preview made before `before` that nobody confirmed: it fails with
    /// `message` and its programs are forgotten. Returns the ids given up.
    pub async fn expire_pending_imports(
        &self,
        before: OffsetDateTime,
        message: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let (before, at) = (whole_second_utc(before), now_whole_second());
        sql::give_up(self.db(), sql::GiveUp::Unconfirmed, before, message, at).await
    }

    /// Moves an import from `from` to `to`, with `done` programs saved and a message.
    /// Returns `false` (and changes nothing) when it was not in `from`: of two people who
    /// confirm the same upload at once, only one starts a job.
    pub async fn advance_import(
        &self,
        id: i64,
        from: ImportJobState,
        to: ImportJobState,
        done: u64,
        message: &str,
    ) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let (from, to, done) = (from.code(), to.code(), column(done));
        let rows = sql::advance(self.db(), id, from, to, done, message, at).await?;
        Ok(rows == 1)
    }

    /// Saves a running import's programs whole, marking the job done in the transaction
    /// that makes them public, as `ending` says (its message and audit entry, from what
    /// was saved). Fails with [`StoreError::ImportNotRunning`], saving nothing, when the
    /// job is no longer running: one given up as interrupted never saves afterwards.
    /// `basis` names, by id, the published version each program was compared with when the
    /// upload was previewed; if one of them is no longer the stored version, nothing is saved
    /// ([`StoreError::Stale`]). A program not in `basis`, or at 0 there (it was not on the
    /// public site), saves over any version.
    pub async fn save_import(
        &self,
        id: i64,
        programs: &[Program],
        basis: &BTreeMap<String, u32>,
        origin: &str,
        progress: &mut (dyn FnMut(usize) + Send),
        ending: ImportEnding<'_>,
    ) -> Result<SaveSummary, StoreError> {
        let mut prepared = prepare(programs)?;
        for item in &mut prepared {
            item.expected_version = basis
                .get(item.program.id.as_str())
                .copied()
                .filter(|&version| version > 0);
        }
        let end = ImportEnd {
            id,
            message: ending.message,
            audit: ending.audit,
        };
        self.save_prepared(&prepared, origin, progress, Some(&end))
            .await
    }

    /// Records how many programs a running job has saved so far, which also shows that the
    /// job is alive. `false` once it no longer runs.
    ///
    /// Only for a store that [writes beside a long transaction](Store::writes_beside_transactions):
    /// on SQLite the job's own transaction holds the only write lock, so this would wait
    /// for the job to end.
    pub async fn import_heartbeat(&self, id: i64, done: u64) -> Result<bool, StoreError> {
        let running = ImportJobState::Running;
        self.advance_import(id, running, running, done, "").await
    }

    /// Gives up every queued or running job last heard of before `before` (its process
    /// stopped): the job fails with `message`, and since its save never committed, nothing
    /// changed. Returns the ids given up.
    pub async fn interrupt_stale_imports(
        &self,
        before: OffsetDateTime,
        message: &str,
    ) -> Result<Vec<i64>, StoreError> {
        let (before, at) = (whole_second_utc(before), now_whole_second());
        sql::give_up(self.db(), sql::GiveUp::Stopped, before, message, at).await
    }
}

/// The statements on `pending_imports`, written once for both backends. A state change
/// names the state it leaves in its `WHERE`, so two confirmations start one job only.
mod sql {
    use time::OffsetDateTime;

    use super::PendingImportRow;
    use crate::StoreError;
    use crate::db::{Db, query};

    const COLUMNS: &str = "id, created_by, created_at, source_kind, file_name, summary, state, \
        done, total, message, updated_at";

    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn insert(
        db: Db<'_>,
        created_by: &str,
        source_kind: &str,
        file_name: &str,
        body: &str,
        summary: &str,
        total: i64,
        at: OffsetDateTime,
    ) -> Result<PendingImportRow, StoreError> {
        let sql = format!(
            "INSERT INTO pending_imports (created_by, created_at, source_kind, file_name, body,
                 summary, state, done, total, message, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, '', $2)
             RETURNING {COLUMNS}"
        );
        query(&sql)
            .bind(created_by)
            .bind(at)
            .bind(source_kind)
            .bind(file_name)
            .bind(body)
            .bind(summary)
            .bind(total)
            .fetch_one(db)
            .await
    }

    pub(crate) async fn find(db: Db<'_>, id: i64) -> Result<Option<PendingImportRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM pending_imports WHERE id = $1");
        query(&sql).bind(id).fetch_optional(db).await
    }

    /// The newest `limit` uploads first.
    pub(crate) async fn recent(
        db: Db<'_>,
        limit: i64,
    ) -> Result<Vec<PendingImportRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM pending_imports ORDER BY id DESC LIMIT $1");
        query(&sql).bind(limit).fetch_all(db).await
    }

    pub(crate) async fn body(db: Db<'_>, id: i64) -> Result<Option<String>, StoreError> {
        let row: Option<(String,)> = query("SELECT body FROM pending_imports WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?;
        Ok(row.map(|(body,)| body))
    }

    /// Moves an import from state `from` to `to` with its progress; 0 rows when it was not
    /// in `from` (already confirmed, or unknown). A job that ends forgets its programs.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn advance(
        db: Db<'_>,
        id: i64,
        from: &str,
        to: &str,
        done: i64,
        message: &str,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        let done = query(
            "UPDATE pending_imports SET state = $3, done = $4, message = $5, updated_at = $6,
                 body = CASE WHEN $3 IN ('done', 'failed') THEN '' ELSE body END
             WHERE id = $1 AND state = $2",
        )
        .bind(id)
        .bind(from)
        .bind(to)
        .bind(done)
        .bind(message)
        .bind(at)
        .execute(db)
        .await?;
        Ok(done)
    }

    /// Which imports are given up, failed with their programs forgotten.
    #[derive(Debug, Clone, Copy)]
    pub(crate) enum GiveUp {
        /// Queued or running jobs last heard of before the time: their process stopped.
        Stopped,
        /// Previews made before the time that nobody confirmed.
        Unconfirmed,
    }

    /// Fails the imports `which` names as of `before`, returning their ids.
    pub(crate) async fn give_up(
        db: Db<'_>,
        which: GiveUp,
        before: OffsetDateTime,
        message: &str,
        at: OffsetDateTime,
    ) -> Result<Vec<i64>, StoreError> {
        let condition = match which {
            GiveUp::Stopped => "state IN ('queued', 'running') AND updated_at < $1",
            GiveUp::Unconfirmed => "state = 'pending' AND created_at < $1",
        };
        let sql = format!(
            "UPDATE pending_imports SET state = 'failed', message = $2, updated_at = $3, body = ''
             WHERE {condition}
             RETURNING id"
        );
        let rows: Vec<(i64,)> = query(&sql)
            .bind(before)
            .bind(message)
            .bind(at)
            .fetch_all(db)
            .await?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }
}
