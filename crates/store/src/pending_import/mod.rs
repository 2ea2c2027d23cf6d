//! Imports uploaded in the staff console, between the preview and the saved catalogue.
//!
//! The parsed programs wait here as JSON until someone confirms them; the background job
//! that saves them then reports its state and progress in the same row, so that any app
//! process (not only the one that runs the job) can show how far it got. The store keeps
//! the programs and the preview summary as text: what they mean belongs to the caller.

pub(crate) mod sql;

use madoguchi_core::program::SourceKind;
use sqlx::{Database, Encode, Executor, IntoArguments, Type};
use time::OffsetDateTime;

use crate::draft::sql::RowsAffected;
use crate::timestamp::whole_second_utc;
use crate::{SaveSummary, StoreError};

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

/// The confirmed import a catalogue save completes. Its row moves from running to done in
/// the save's own transaction: after a crash the row never says 取り込み中 about programs
/// that were in fact saved, and a job given up as interrupted cannot save afterwards.
pub(crate) struct ImportEnd<'a> {
    pub id: i64,
    pub message: DoneMessage<'a>,
}

impl ImportEnd<'_> {
    pub(crate) async fn record<'e, DB, E>(
        &self,
        db: E,
        summary: &SaveSummary,
        at: OffsetDateTime,
    ) -> Result<(), StoreError>
    where
        DB: Database,
        E: Executor<'e, Database = DB>,
        for<'q> DB::Arguments<'q>: IntoArguments<'q, DB>,
        DB::QueryResult: RowsAffected,
        for<'q> &'q str: Encode<'q, DB> + Type<DB>,
        for<'q> i64: Encode<'q, DB> + Type<DB>,
        for<'q> OffsetDateTime: Encode<'q, DB> + Type<DB>,
    {
        let done = summary.total();
        let done = i64::try_from(done).unwrap_or(i64::MAX);
        let (from, to) = (ImportJobState::Running.code(), ImportJobState::Done.code());
        let (message, at) = ((self.message)(summary), whole_second_utc(at));
        match sql::advance(db, self.id, from, to, done, &message, at).await? {
            1 => Ok(()),
            _ => Err(StoreError::ImportNotRunning(self.id)),
        }
    }
}
