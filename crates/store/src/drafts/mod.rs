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
//!
//! Here: the workflow's types and its part of the `Store` API (drafts, publishing,
//! scheduled changes, taking programs off the site). The console's program list, which
//! shows programs with their drafts, is in `list`; the statements on drafts in `sql`.

mod list;
mod list_search;
pub(crate) mod sql;

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use crate::audit::{self, NewAuditEntry};
use crate::catalogue::{check_origin, now, version_number};
use crate::db::{Db, WriteLock};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{SaveOutcome, Store, StoreError};

pub use list::{ENTRIES_COUNTED_UP_TO, EntryPage, EntryQuery, EntryShow, ProgramEntry};

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

pub(super) fn corrupt(key: &str, reason: impl Into<String>) -> StoreError {
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
pub(crate) async fn ready_to_publish(
    mut conn: Db<'_>,
    id: &ProgramId,
    revision: u32,
) -> Result<Draft, StoreError> {
    let row = sql::find(conn.reborrow(), id.as_str()).await?;
    let draft = row.map(Draft::from_row).transpose()?;
    check_revision(id, draft.as_ref().map(|d| d.revision), revision)?;
    let draft = draft.ok_or_else(|| StoreError::NoDraft(id.clone()))?;
    let current = sql::current_version(conn.reborrow(), id.as_str())
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

/// How a draft is published: by whom, when the program is to leave the site, and the audit
/// entry that is written in the same transaction, so that a publication nobody can trace
/// cannot exist: if the entry cannot be written, nothing is published.
#[derive(Clone, Copy)]
pub struct Publication<'a> {
    /// Who: `console:<account id>`, or `schedule:<account id>` for a planned publication.
    pub origin: &'a str,
    /// When the program leaves the site. `None` keeps the draft's own date if it has one,
    /// else the date already planned for the program, if any.
    pub unpublish_at: Option<OffsetDateTime>,
    /// The entry for the version published, given its number.
    pub audit: Option<&'a (dyn Fn(u32) -> NewAuditEntry + Sync)>,
}

impl std::fmt::Debug for Publication<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publication")
            .field("origin", &self.origin)
            .field("unpublish_at", &self.unpublish_at)
            .field("audit", &self.audit.is_some())
            .finish()
    }
}

impl<'a> Publication<'a> {
    /// Published by `origin`, keeping any planned take-down, with no entry of its own.
    pub fn by(origin: &'a str) -> Self {
        Self {
            origin,
            unpublish_at: None,
            audit: None,
        }
    }
}

/// A change to when a published program leaves the public site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TakeDown {
    /// Off the site now.
    Now,
    /// Off the site at this moment.
    At(OffsetDateTime),
    /// The planned take-down is cancelled.
    Cancel,
}

/// The audit entry of a take-down, given whether it changed anything (taking down a
/// program already off the site changes nothing, and says so).
pub type TakeDownAudit<'a> = dyn Fn(bool) -> NewAuditEntry + Sync + 'a;

/// Appends a take-down's audit entry, if it has one, in the caller's transaction.
pub(crate) async fn audit_take_down(
    db: Db<'_>,
    audit: Option<&TakeDownAudit<'_>>,
    changed: bool,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    if let Some(audit) = audit {
        let entry = audit::prepare(&audit(changed))?;
        audit::sql::append(db, &entry, whole_second_utc(at)).await?;
    }
    Ok(())
}

/// After the draft's body was saved as the program's next version (`outcome`), in the same
/// transaction: the draft goes, the program is on the public site, leaving it at the
/// publication's date, else the draft's, else the date already planned, and the audit
/// entry is appended.
pub(crate) async fn finish_publishing(
    mut conn: Db<'_>,
    draft: &Draft,
    outcome: SaveOutcome,
    publication: &Publication<'_>,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let id = draft.program.id.as_str();
    sql::delete(conn.reborrow(), id, i64::from(draft.revision)).await?;
    let unpublish_at = publication.unpublish_at.map(whole_second_utc);
    sql::republish(conn.reborrow(), id, unpublish_at.or(draft.unpublish_at)).await?;
    if let Some(audit) = publication.audit {
        let entry = audit::prepare(&audit(outcome.version()))?;
        audit::sql::append(conn, &entry, whole_second_utc(at)).await?;
    }
    Ok(())
}

impl Store {
    /// The program's draft, if it has one.
    pub async fn draft(&self, id: &ProgramId) -> Result<Option<Draft>, StoreError> {
        let row = sql::find(self.db(), id.as_str()).await?;
        row.map(Draft::from_row).transpose()
    }

    /// Every draft, the most recently changed first.
    pub async fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let rows = sql::all(self.db()).await?;
        rows.into_iter().map(Draft::from_row).collect()
    }

    /// Saves `program` as its draft, made by `author` (an account id) from the published
    /// `base_version` (0: a new program) on draft `revision` (0: no draft yet). Refused
    /// with [`StoreError::StaleDraft`] when someone saved the draft since that revision,
    /// and with [`StoreError::Stale`] when the program was published since that version:
    /// nothing is overwritten. A draft saved again on the current version after such a
    /// refusal (having seen the other change) is based on that version from then on. The
    /// draft goes back to 下書き. Returns it as stored.
    pub async fn save_draft(
        &self,
        program: &Program,
        base_version: u32,
        revision: u32,
        author: &str,
    ) -> Result<Draft, StoreError> {
        program
            .validate()
            .map_err(|source| StoreError::InvalidProgram {
                id: program.id.clone(),
                source,
            })?;
        check_origin(author)?;
        let id = &program.id;
        let current = self.published_version(id).await?;
        if current != base_version {
            return Err(StoreError::Stale {
                id: id.clone(),
                expected: base_version,
                current,
            });
        }
        let mut body = program.clone();
        body.version = base_version;
        let body = encode(&body)?;
        let at = now_whole_second();
        let (key, rev) = (id.as_str(), i64::from(revision));
        let base = i64::from(base_version);
        let text = (body.as_str(), program.title.as_str());
        let written = if revision == 0 {
            sql::insert(self.db(), key, base, text, author, at).await?
        } else {
            sql::update_body(self.db(), key, rev, base, text, author, at).await?
        };
        self.written_or_stale(id, revision, written).await
    }

    /// Starts (or, at `revision`, replaces) the draft with the content of an old
    /// `version`, to be reviewed and published like any edit.
    pub async fn restore_version(
        &self,
        id: &ProgramId,
        version: u32,
        revision: u32,
        author: &str,
    ) -> Result<Draft, StoreError> {
        let old = self
            .program_version(id, version)
            .await?
            .ok_or_else(|| StoreError::UnknownProgram(id.clone()))?;
        let current = self.published_version(id).await?;
        self.save_draft(&old, current, revision, author).await
    }

    /// Moves a draft one step along the workflow, if it is still at `revision` and its
    /// state allows the step ([`StoreError::DraftState`] otherwise).
    pub async fn change_draft(
        &self,
        id: &ProgramId,
        revision: u32,
        step: DraftStep<'_>,
    ) -> Result<Draft, StoreError> {
        self.change_draft_audited(id, revision, step, None).await
    }

    /// [`Store::change_draft`] with `audit` appended in the same write transaction: an
    /// approval or a schedule nobody can trace cannot exist.
    pub async fn change_draft_audited(
        &self,
        id: &ProgramId,
        revision: u32,
        step: DraftStep<'_>,
        audit: Option<&NewAuditEntry>,
    ) -> Result<Draft, StoreError> {
        let entry = audit.map(audit::prepare).transpose()?;
        let (reviewer, publish_at, unpublish_at) = match step {
            DraftStep::Schedule {
                reviewer,
                publish_at,
                unpublish_at,
            } => {
                check_origin(reviewer)?;
                (
                    Some(reviewer),
                    Some(whole_second_utc(publish_at)),
                    unpublish_at.map(whole_second_utc),
                )
            }
            DraftStep::RequestReview | DraftStep::ReturnToDraft => (None, None, None),
        };
        let at = now_whole_second();
        let (key, rev) = (id.as_str(), i64::from(revision));
        let mut tx = self.backend.begin_write(WriteLock::Drafts).await?;
        let row = sql::find(tx.db(), key).await?;
        let draft = row.map(Draft::from_row).transpose()?;
        check_revision(id, draft.as_ref().map(|d| d.revision), revision)?;
        let draft = draft.ok_or_else(|| StoreError::NoDraft(id.clone()))?;
        let state = check_step(&draft, &step)?.code();
        let written = sql::set_state(
            tx.db(),
            key,
            rev,
            state,
            reviewer,
            publish_at,
            unpublish_at,
            at,
        )
        .await?;
        if written > 0
            && let Some(entry) = &entry
        {
            audit::sql::append(tx.db(), entry, at).await?;
        }
        tx.commit().await?;
        self.written_or_stale(id, revision, written).await
    }

    /// Publishes the draft at `revision`: its body becomes the program's next version
    /// (or version 1) and the draft is deleted, in one transaction. `origin` says who
    /// (`console:<account id>`). Refused, with nothing changed, if the draft moved on or
    /// the program was published by someone else since the draft was started.
    pub async fn publish_draft(
        &self,
        id: &ProgramId,
        revision: u32,
        origin: &str,
    ) -> Result<SaveOutcome, StoreError> {
        self.publish(id, revision, &Publication::by(origin)).await
    }

    /// [`Store::publish_draft`] with the take-down date and the audit entry of
    /// `publication` written in the same transaction: all of it, or none of it.
    pub async fn publish(
        &self,
        id: &ProgramId,
        revision: u32,
        publication: &Publication<'_>,
    ) -> Result<SaveOutcome, StoreError> {
        check_origin(publication.origin)?;
        let saved_at = now();
        self.backend
            .publish(id, revision, publication, saved_at)
            .await
    }

    /// Deletes the draft at `revision`; the published program is untouched.
    pub async fn discard_draft(&self, id: &ProgramId, revision: u32) -> Result<(), StoreError> {
        let rev = i64::from(revision);
        let deleted = sql::delete(self.db(), id.as_str(), rev).await?;
        if deleted > 0 {
            return Ok(());
        }
        self.written_or_stale(id, revision, deleted)
            .await
            .map(|_| ())
    }

    /// Takes a program off the public site now (its versions stay). False when it was off
    /// already or does not exist.
    pub async fn unpublish_program(&self, id: &ProgramId) -> Result<bool, StoreError> {
        let now = now_whole_second();
        self.backend.unpublish(id.as_str(), now, None).await
    }

    /// Takes a program off the site now, plans when it leaves, or cancels the plan, with
    /// the entry `audit` makes (from whether anything changed) in the same transaction.
    /// Answers whether anything changed; a program that does not exist is
    /// [`StoreError::UnknownProgram`].
    pub async fn take_down(
        &self,
        id: &ProgramId,
        change: TakeDown,
        audit: &TakeDownAudit<'_>,
    ) -> Result<bool, StoreError> {
        let now = now_whole_second();
        let at = match change {
            TakeDown::Now => {
                if self.program(id).await?.is_none() {
                    return Err(StoreError::UnknownProgram(id.clone()));
                }
                return self.backend.unpublish(id.as_str(), now, Some(audit)).await;
            }
            TakeDown::At(at) => Some(whole_second_utc(at)),
            TakeDown::Cancel => None,
        };
        let mut tx = self.backend.begin_write(WriteLock::Catalogue).await?;
        let set = sql::set_unpublish_at(tx.db(), id.as_str(), at).await?;
        if set == 0 {
            return Err(StoreError::UnknownProgram(id.clone()));
        }
        audit_take_down(tx.db(), Some(audit), true, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// Plans when a published program leaves the site; `None` cancels the plan.
    pub async fn schedule_unpublish(
        &self,
        id: &ProgramId,
        at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let at = at.map(whole_second_utc);
        let set = sql::set_unpublish_at(self.db(), id.as_str(), at).await?;
        if set == 0 {
            return Err(StoreError::UnknownProgram(id.clone()));
        }
        Ok(())
    }

    /// Carries out every scheduled change due by `now`: approved drafts are published and
    /// programs leave the site. Safe to run from several processes at once: each change
    /// happens once. A scheduled draft that can no longer be published as approved (the
    /// program changed meanwhile) goes back to 下書き and is reported as held.
    pub async fn apply_due_changes(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<DueChange>, StoreError> {
        let now = whole_second_utc(now);
        let mut done = Vec::new();
        let due = sql::due_drafts(self.db(), now).await?;
        for (raw_id, revision) in due {
            let Ok(id) = ProgramId::parse(&raw_id) else {
                continue;
            };
            let revision = version_number(&raw_id, revision)?;
            let Some(draft) = self.draft(&id).await?.filter(|d| d.revision == revision) else {
                continue;
            };
            let reviewer = draft.reviewer.clone();
            let origin = format!("schedule:{}", reviewer.as_deref().unwrap_or("unknown"));
            let origin: String = origin.chars().take(64).collect();
            match self.publish_draft(&id, revision, &origin).await {
                Ok(outcome) => done.push(DueChange::Published {
                    id,
                    version: outcome.version(),
                    reviewer,
                }),
                // Another process got there first.
                Err(StoreError::StaleDraft { .. } | StoreError::NoDraft(_)) => {}
                Err(StoreError::Stale { .. }) => {
                    if self
                        .change_draft(&id, revision, DraftStep::ReturnToDraft)
                        .await
                        .is_ok()
                    {
                        done.push(DueChange::Held { id });
                    }
                }
                Err(other) => return Err(other),
            }
        }
        let leaving = sql::due_unpublish(self.db(), now).await?;
        for raw_id in leaving {
            let Ok(id) = ProgramId::parse(&raw_id) else {
                continue;
            };
            let changed = self.backend.unpublish(&raw_id, now, None).await?;
            if changed {
                done.push(DueChange::Unpublished { id });
            }
        }
        Ok(done)
    }

    async fn published_version(&self, id: &ProgramId) -> Result<u32, StoreError> {
        let version = sql::current_version(self.db(), id.as_str()).await?;
        version
            .map(|v| version_number(id.as_str(), v))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// The draft after a write that touched `written` rows: none means someone else
    /// changed it first.
    async fn written_or_stale(
        &self,
        id: &ProgramId,
        revision: u32,
        written: u64,
    ) -> Result<Draft, StoreError> {
        let draft = self.draft(id).await?;
        if written == 0 {
            let current = draft.as_ref().map_or(0, |d| d.revision);
            if draft.is_none() && revision > 0 {
                return Err(StoreError::NoDraft(id.clone()));
            }
            return Err(StoreError::StaleDraft {
                id: id.clone(),
                expected: revision,
                current,
            });
        }
        draft.ok_or_else(|| StoreError::NoDraft(id.clone()))
    }
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
