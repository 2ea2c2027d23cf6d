//! The publishing workflow's data: one draft per program beside its published versions.
//!
//! A draft holds the whole program as the editor saved it, the published version it was
//! started from (`base_version`) and its own `revision`, bumped by every change. Every
//! change names the revision it was made on, so two people editing at once cannot
//! overwrite each other: the second is refused ([`StoreError::StaleDraft`], or
//! [`StoreError::Stale`] when the program itself was published meanwhile) and can be shown
//! both versions. Publishing writes the body as the program's next version and deletes the
//! draft in one transaction. A draft moves 下書き → 確認依頼 → (公開予約) → 公開; editing it
//! again sends it back to 下書き, since an approval is of what was seen.

pub(crate) mod list;
pub(crate) mod sql;

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use crate::StoreError;
use crate::record::version_number;

/// Where a draft stands in the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftState {
    /// 下書き: being written.
    Draft,
    /// 確認依頼中: waiting for someone to approve it.
    Review,
    /// 公開予約済み: approved, to be published at `publish_at`.
    Scheduled,
}

impl DraftState {
    pub const ALL: [DraftState; 3] = [Self::Draft, Self::Review, Self::Scheduled];

    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Review => "review",
            Self::Scheduled => "scheduled",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "下書き",
            Self::Review => "確認依頼中",
            Self::Scheduled => "公開予約済み",
        }
    }

    fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One program's draft.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    /// The program as the editor saved it (its `version` is the base version).
    pub program: Program,
    /// The published version the draft was started from; 0 for a new program.
    pub base_version: u32,
    pub revision: u32,
    pub state: DraftState,
    /// The account that last changed the body.
    pub author: String,
    /// The account that approved it, once scheduled.
    pub reviewer: Option<String>,
    /// UTC, whole seconds.
    pub updated_at: OffsetDateTime,
    pub publish_at: Option<OffsetDateTime>,
    /// When the program, once published, leaves the public site.
    pub unpublish_at: Option<OffsetDateTime>,
}

/// A change a draft's state may take, with what it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftStep<'a> {
    /// 確認を依頼する: 下書き → 確認依頼中.
    RequestReview,
    /// 差し戻す / 予約を取り消す: 確認依頼中 or 公開予約済み → 下書き.
    ReturnToDraft,
    /// 承認して公開を予約する: 確認依頼中 → 公開予約済み, by `reviewer`, published at
    /// `publish_at`; the program leaves the site at `unpublish_at`, if given.
    Schedule {
        reviewer: &'a str,
        publish_at: OffsetDateTime,
        unpublish_at: Option<OffsetDateTime>,
    },
}

impl DraftStep<'_> {
    /// The states the step starts from.
    fn from(&self) -> &'static [DraftState] {
        match self {
            Self::RequestReview => &[DraftState::Draft],
            Self::ReturnToDraft => &[DraftState::Review, DraftState::Scheduled],
            Self::Schedule { .. } => &[DraftState::Review],
        }
    }

    fn to(&self) -> DraftState {
        match self {
            Self::RequestReview => DraftState::Review,
            Self::ReturnToDraft => DraftState::Draft,
            Self::Schedule { .. } => DraftState::Scheduled,
        }
    }

    fn label(&self) -> &'static str {
        match self {
            Self::RequestReview => "確認の依頼",
            Self::ReturnToDraft => "下書きへの差し戻し",
            Self::Schedule { .. } => "公開の予約",
        }
    }
}

/// Something the scheduler did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DueChange {
    /// A scheduled draft was published as `version`, approved by `reviewer`.
    Published {
        id: ProgramId,
        version: u32,
        reviewer: Option<String>,
    },
    /// A program left the public site as planned.
    Unpublished { id: ProgramId },
    /// A scheduled draft could not be published as approved (the program was published
    /// by someone else since) and went back to 下書き.
    Held { id: ProgramId },
}

/// A program in the console's list: published, unpublished or only drafted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramEntry {
    pub id: ProgramId,
    pub title: String,
    /// The status code of the current version (`open`, `closed_budget`, …).
    pub status: String,
    /// 0 for a program that only exists as a draft.
    pub version: u32,
    pub updated_at: Option<OffsetDateTime>,
    pub unpublish_at: Option<OffsetDateTime>,
    pub unpublished_at: Option<OffsetDateTime>,
    pub draft_state: Option<DraftState>,
}

/// `(program_id, base_version, revision, body, state, author, reviewer, updated_at,
/// publish_at, unpublish_at)`.
pub(crate) type DraftRow = (
    String,
    i64,
    i64,
    String,
    String,
    String,
    Option<String>,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

/// `(id, title, status, current_version, updated_at, unpublish_at, unpublished_at,
/// draft state)`; a draft-only program has no version and no status of its own, and its
/// title is the draft's.
pub(crate) type EntryRow = (
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<String>,
);

/// Which programs the console's list shows, by where they stand in the workflow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntryShow {
    /// Every program and every new program's draft.
    #[default]
    All,
    /// Programs with a draft, in any state.
    WithDraft,
    /// Programs whose draft waits for approval.
    InReview,
    /// Programs whose draft is approved and scheduled.
    Scheduled,
    /// Programs taken off the public site.
    Unpublished,
    /// New programs, only drafted so far.
    NeverPublished,
}

impl EntryShow {
    pub const ALL: [EntryShow; 6] = [
        Self::All,
        Self::WithDraft,
        Self::InReview,
        Self::Scheduled,
        Self::Unpublished,
        Self::NeverPublished,
    ];

    /// The code the list's URL carries (`show=review`); empty for every program.
    pub fn code(self) -> &'static str {
        match self {
            Self::All => "",
            Self::WithDraft => "draft",
            Self::InReview => "review",
            Self::Scheduled => "scheduled",
            Self::Unpublished => "unpublished",
            Self::NeverPublished => "unpublished_never",
        }
    }

    /// The filter a code names; `None` for an unknown one.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One page of the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPage {
    pub entries: Vec<ProgramEntry>,
    /// How many entries the query finds in all.
    pub total: u64,
    /// The page shown, from 1: the one asked for, or the last when that is past the end.
    pub page: u64,
}

/// What the console's list asks for: programs whose title or id contains `text` (ASCII
/// letters in either case; `%` and `_` as themselves; empty: every program), narrowed by
/// `show`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryQuery {
    pub text: String,
    pub show: EntryShow,
}

fn corrupt(key: &str, reason: impl Into<String>) -> StoreError {
    StoreError::CorruptRecord {
        table: "program_drafts",
        key: key.to_owned(),
        reason: reason.into(),
    }
}

impl Draft {
    pub(crate) fn from_row(row: DraftRow) -> Result<Self, StoreError> {
        let (
            id,
            base,
            revision,
            body,
            state,
            author,
            reviewer,
            updated_at,
            publish_at,
            unpublish_at,
        ) = row;
        let mut program: Program =
            serde_json::from_str(&body).map_err(|e| corrupt(&id, e.to_string()))?;
        let base_version = version_number(&id, base)?;
        program.version = base_version;
        Ok(Self {
            program,
            base_version,
            revision: u32::try_from(revision).map_err(|_| corrupt(&id, "改訂番号が範囲外です"))?,
            state: DraftState::parse(&state)
                .ok_or_else(|| corrupt(&id, format!("状態「{state}」")))?,
            author,
            reviewer,
            updated_at,
            publish_at,
            unpublish_at,
        })
    }
}

impl ProgramEntry {
    pub(crate) fn from_row(row: EntryRow) -> Result<Self, StoreError> {
        let (id, title, status, version, updated_at, unpublish_at, unpublished_at, state) = row;
        let program_id = ProgramId::parse(&id).map_err(|e| corrupt(&id, e.to_string()))?;
        Ok(Self {
            title,
            status: status.unwrap_or_default(),
            version: version
                .map(|v| version_number(&id, v))
                .transpose()?
                .unwrap_or(0),
            updated_at,
            unpublish_at,
            unpublished_at,
            draft_state: state.as_deref().and_then(DraftState::parse),
            id: program_id,
        })
    }
}

/// The body a draft keeps: the program as JSON, its version left at the base.
pub(crate) fn encode(program: &Program) -> Result<String, StoreError> {
    serde_json::to_string(program).map_err(|e| StoreError::Encode {
        id: program.id.clone(),
        reason: e.to_string(),
    })
}

/// Refuses a change made on another revision than the stored one.
pub(crate) fn check_revision(
    id: &ProgramId,
    stored: Option<u32>,
    expected: u32,
) -> Result<(), StoreError> {
    if stored.unwrap_or(0) == expected {
        Ok(())
    } else {
        Err(StoreError::StaleDraft {
            id: id.clone(),
            expected,
            current: stored.unwrap_or(0),
        })
    }
}

/// Refuses a step the draft's state does not allow.
pub(crate) fn check_step(draft: &Draft, step: &DraftStep<'_>) -> Result<DraftState, StoreError> {
    if step.from().contains(&draft.state) {
        Ok(step.to())
    } else {
        Err(StoreError::DraftState {
            id: draft.program.id.clone(),
            state: draft.state.label(),
            step: step.label(),
        })
    }
}

/// The draft to publish, read inside the publishing transaction and checked: it is still
/// at `revision`, and the program was not published by anyone else since it was started.
pub(crate) async fn ready_to_publish<'c, DB, C>(
    conn: &'c mut C,
    id: &ProgramId,
    revision: u32,
) -> Result<Draft, StoreError>
where
    DB: sqlx::Database,
    C: Send,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DraftRow: for<'r> sqlx::FromRow<'r, DB::Row>,
    (i64,): for<'r> sqlx::FromRow<'r, DB::Row>,
{
    let row = sql::find(&mut *conn, id.as_str()).await?;
    let draft = row.map(Draft::from_row).transpose()?;
    check_revision(id, draft.as_ref().map(|d| d.revision), revision)?;
    let draft = draft.ok_or_else(|| StoreError::NoDraft(id.clone()))?;
    let current = sql::current_version(&mut *conn, id.as_str())
        .await?
        .map(|v| version_number(id.as_str(), v))
        .transpose()?
        .unwrap_or(0);
    if current != draft.base_version {
        return Err(StoreError::Stale {
            id: id.clone(),
            expected: draft.base_version,
            current,
        });
    }
    Ok(draft)
}

/// After the draft's body was saved as the program's next version, in the same
/// transaction: the draft goes, and the program is on the public site (leaving it at the
/// draft's `unpublish_at`, if any).
pub(crate) async fn finish_publishing<'c, DB, C>(
    conn: &'c mut C,
    draft: &Draft,
) -> Result<(), StoreError>
where
    DB: sqlx::Database,
    C: Send,
    for<'e> &'e mut C: sqlx::Executor<'e, Database = DB>,
    for<'q> DB::Arguments<'q>: sqlx::IntoArguments<'q, DB>,
    for<'q> &'q str: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> i64: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    for<'q> Option<OffsetDateTime>: sqlx::Encode<'q, DB> + sqlx::Type<DB>,
    DB::QueryResult: sql::RowsAffected,
{
    let id = draft.program.id.as_str();
    sql::delete(&mut *conn, id, i64::from(draft.revision)).await?;
    sql::republish(&mut *conn, id, draft.unpublish_at).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_moves_from_and_to_the_states_of_the_workflow() {
        let now = OffsetDateTime::UNIX_EPOCH;
        let schedule = DraftStep::Schedule {
            reviewer: "b",
            publish_at: now,
            unpublish_at: None,
        };
        assert_eq!(DraftStep::RequestReview.to(), DraftState::Review);
        assert_eq!(DraftStep::ReturnToDraft.to(), DraftState::Draft);
        assert_eq!(schedule.to(), DraftState::Scheduled);
        assert!(!schedule.from().contains(&DraftState::Draft));
        for state in DraftState::ALL {
            assert_eq!(DraftState::parse(state.code()), Some(state));
        }
    }
}
