//! Notices that staff write to a segment of the subscribers, from the first draft to the
//! transaction that queues one message per recipient.
//!
//! A staff notice is a row of `notices` with kind `staff`: its title and body, the segment
//! it goes to (JSON the web layer reads), when to send it and who wrote and approved it.
//! It moves `draft` → (`pending_approval` →) `scheduled` → `sent`; `pending_approval` and
//! `scheduled` may go back to `draft`, and anything not yet sent may be discarded. Every
//! change names the revision its page showed ([`StaffNotice::revision`], a fingerprint of
//! what the row holds), so a page left open while someone else acted changes nothing, and
//! every change is written with its audit entry in one transaction.
//!
//! Sending is [`Store::deliver_staff_notice`]: the notice turns `sent` (with how many it
//! reached) and its messages enter the outbox together, once — a second process, or a rerun
//! after a crash, finds it sent and writes nothing, and every message key is unique besides.

use sha2::{Digest, Sha256};
use time::OffsetDateTime;

use super::events::enqueue_many;
use super::{OutboxMessage, new_id};
use crate::audit::{self, NewAuditEntry};
use crate::db::{Db, WriteLock, WriteTx, query};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

/// Where a staff notice stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffNoticeState {
    Draft,
    /// Sent for another person's approval (the second-approval setting is on).
    PendingApproval,
    /// Approved: the notices job sends it once `scheduled_at` has come.
    Scheduled,
    Sent,
}

impl StaffNoticeState {
    pub const ALL: [Self; 4] = [
        Self::Draft,
        Self::PendingApproval,
        Self::Scheduled,
        Self::Sent,
    ];

    /// As stored in `notices.state`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::PendingApproval => "pending_approval",
            Self::Scheduled => "scheduled",
            Self::Sent => "sent",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "下書き",
            Self::PendingApproval => "承認待ち",
            Self::Scheduled => "送信予約",
            Self::Sent => "送信済み",
        }
    }
}

/// A notice written by staff, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaffNotice {
    pub id: String,
    pub title: String,
    pub body: String,
    /// The segment as JSON (`madoguchi_core::notices::Segment`).
    pub segment: String,
    pub state: StaffNoticeState,
    /// When to send it; `None` for 今すぐ (set to the moment of approval when approved).
    pub scheduled_at: Option<OffsetDateTime>,
    /// How many subscriptions it reached, once sent.
    pub recipients: u64,
    /// Whoever last saved its content (an account id): the author the second-approval
    /// rule keeps from approving it, as a program draft's last saver is.
    pub author: String,
    /// Who approved it (an account id); none before approval.
    pub approved_by: Option<String>,
    pub created_at: OffsetDateTime,
    pub sent_at: Option<OffsetDateTime>,
}

impl StaffNotice {
    /// A fingerprint of everything the row holds that a person acts on: a page carries it,
    /// and a change is refused when the notice no longer has it.
    pub fn revision(&self) -> String {
        let mut hash = Sha256::new();
        let scheduled = self
            .scheduled_at
            .map(|at| whole_second_utc(at).unix_timestamp().to_string())
            .unwrap_or_default();
        for part in [
            self.title.as_str(),
            self.body.as_str(),
            self.segment.as_str(),
            self.state.code(),
            scheduled.as_str(),
            self.author.as_str(),
            self.approved_by.as_deref().unwrap_or_default(),
        ] {
            hash.update(part.as_bytes());
            hash.update([0]);
        }
        hash.finalize()[..8]
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// What staff write: the words, the segment and when to send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaffNoticeContent<'a> {
    pub title: &'a str,
    pub body: &'a str,
    /// The segment as JSON.
    pub segment: &'a str,
    /// `None`: as soon as it is approved.
    pub scheduled_at: Option<OffsetDateTime>,
}

/// A move of a staff notice's workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StaffNoticeStep<'a> {
    /// `draft` → `pending_approval`.
    RequestApproval,
    /// `draft` or `pending_approval` → `scheduled`, approved by this account; a notice
    /// set for 今すぐ is scheduled for now. Who may approve is the caller's rule.
    Schedule { approver: &'a str },
    /// `pending_approval` or `scheduled` → `draft` (approval refused, schedule cancelled).
    ReturnToDraft,
}

impl StaffNoticeStep<'_> {
    fn allowed_from(self) -> &'static [StaffNoticeState] {
        match self {
            Self::RequestApproval => &[StaffNoticeState::Draft],
            Self::Schedule { .. } => &[StaffNoticeState::Draft, StaffNoticeState::PendingApproval],
            Self::ReturnToDraft => &[
                StaffNoticeState::PendingApproval,
                StaffNoticeState::Scheduled,
            ],
        }
    }

    fn label(self) -> &'static str {
        match self {
            Self::RequestApproval => "承認の依頼",
            Self::Schedule { .. } => "承認・送信の予約",
            Self::ReturnToDraft => "下書きへの差し戻し",
        }
    }
}

/// What sending one staff notice produced, to be written in one transaction.
#[derive(Debug, Clone)]
pub struct StaffDelivery<'a> {
    pub notice_id: &'a str,
    /// Subscriptions the segment reached (one message each).
    pub messages: &'a [OutboxMessage],
    /// The entry that records the sending.
    pub audit: Option<&'a NewAuditEntry>,
}

/// `(id, title, body, segment, state, scheduled_at, recipients, created_by, approved_by,
/// created_at, sent_at)`.
type StaffRow = (
    String,
    String,
    String,
    String,
    String,
    Option<OffsetDateTime>,
    i64,
    Option<String>,
    Option<String>,
    OffsetDateTime,
    Option<OffsetDateTime>,
);

const STAFF_COLUMNS: &str = "id, title, body, segment, state, scheduled_at, recipients, \
     created_by, approved_by, created_at, sent_at";

fn from_row(row: StaffRow) -> Result<StaffNotice, StoreError> {
    let (
        id,
        title,
        body,
        segment,
        state,
        scheduled_at,
        recipients,
        author,
        approved_by,
        created_at,
        sent_at,
    ) = row;
    let state = StaffNoticeState::parse(&state).ok_or_else(|| StoreError::CorruptRecord {
        table: "notices",
        key: id.clone(),
        reason: format!("状態「{state}」"),
    })?;
    Ok(StaffNotice {
        id,
        title,
        body,
        segment,
        state,
        scheduled_at,
        recipients: u64::try_from(recipients).unwrap_or_default(),
        author: author.unwrap_or_default(),
        approved_by,
        created_at,
        sent_at,
    })
}

async fn find(db: Db<'_>, id: &str) -> Result<Option<StaffNotice>, StoreError> {
    let sql = format!("SELECT {STAFF_COLUMNS} FROM notices WHERE id = $1 AND kind = 'staff'");
    let row: Option<StaffRow> = query(&sql).bind(id).fetch_optional(db).await?;
    row.map(from_row).transpose()
}

/// The notice as the page that acts on it showed it: found, and still at `revision`.
async fn expect(tx: &mut WriteTx, id: &str, revision: &str) -> Result<StaffNotice, StoreError> {
    let notice = find(tx.db(), id)
        .await?
        .ok_or_else(|| StoreError::UnknownNotice(id.to_owned()))?;
    if notice.revision() != revision {
        return Err(StoreError::StaleNotice);
    }
    Ok(notice)
}

async fn append_audit(
    tx: &mut WriteTx,
    entry: &NewAuditEntry,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    let entry = audit::prepare(entry)?;
    audit::sql::append(tx.db(), &entry, at).await?;
    Ok(())
}

impl Store {
    /// Keeps a new staff notice as a draft written by `author` (an account id), with the
    /// audit entry `audit` makes from the new id, in one transaction. Returns it.
    pub async fn create_staff_notice(
        &self,
        content: &StaffNoticeContent<'_>,
        author: &str,
        audit: impl FnOnce(&str) -> NewAuditEntry,
    ) -> Result<StaffNotice, StoreError> {
        let id = format!("staff-{}", new_id()?);
        let entry = audit(&id);
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        query(
            "INSERT INTO notices (id, kind, title, body, segment, state, scheduled_at, recipients,
                 created_by, created_at)
             VALUES ($1, 'staff', $2, $3, $4, 'draft', $5, 0, $6, $7)",
        )
        .bind(id.as_str())
        .bind(content.title)
        .bind(content.body)
        .bind(content.segment)
        .bind(content.scheduled_at.map(whole_second_utc))
        .bind(author)
        .bind(at)
        .execute(tx.db())
        .await?;
        append_audit(&mut tx, &entry, at).await?;
        let notice = find(tx.db(), &id)
            .await?
            .ok_or_else(|| StoreError::UnknownNotice(id.clone()))?;
        tx.commit().await?;
        Ok(notice)
    }

    /// The staff notice under `id` (`None` for none, or for a program's notice).
    pub async fn staff_notice(&self, id: &str) -> Result<Option<StaffNotice>, StoreError> {
        find(self.db(), id).await
    }

    /// Replaces a draft's content, saved by `author`, if it is still at `revision` and
    /// still a draft; with its audit entry, in one transaction.
    pub async fn save_staff_notice(
        &self,
        id: &str,
        revision: &str,
        content: &StaffNoticeContent<'_>,
        author: &str,
        audit: &NewAuditEntry,
    ) -> Result<StaffNotice, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let notice = expect(&mut tx, id, revision).await?;
        if notice.state != StaffNoticeState::Draft {
            return Err(StoreError::NoticeState {
                state: notice.state.label(),
                step: "内容の変更",
            });
        }
        query(
            "UPDATE notices SET title = $2, body = $3, segment = $4, scheduled_at = $5,
                 created_by = $6
             WHERE id = $1 AND kind = 'staff' AND state = 'draft'",
        )
        .bind(id)
        .bind(content.title)
        .bind(content.body)
        .bind(content.segment)
        .bind(content.scheduled_at.map(whole_second_utc))
        .bind(author)
        .execute(tx.db())
        .await?;
        append_audit(&mut tx, audit, at).await?;
        let saved = find(tx.db(), id)
            .await?
            .ok_or_else(|| StoreError::UnknownNotice(id.to_owned()))?;
        tx.commit().await?;
        Ok(saved)
    }

    /// Moves a staff notice still at `revision` one step of its workflow, with its audit
    /// entry, in one transaction. Returns it as it now stands.
    pub async fn step_staff_notice(
        &self,
        id: &str,
        revision: &str,
        step: StaffNoticeStep<'_>,
        audit: &NewAuditEntry,
    ) -> Result<StaffNotice, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let notice = expect(&mut tx, id, revision).await?;
        if !step.allowed_from().contains(&notice.state) {
            return Err(StoreError::NoticeState {
                state: notice.state.label(),
                step: step.label(),
            });
        }
        let change = match step {
            StaffNoticeStep::RequestApproval => query(
                "UPDATE notices SET state = 'pending_approval', approved_by = NULL WHERE id = $1",
            )
            .bind(id),
            StaffNoticeStep::Schedule { approver } => query(
                "UPDATE notices SET state = 'scheduled', approved_by = $2,
                     scheduled_at = COALESCE(scheduled_at, $3)
                 WHERE id = $1",
            )
            .bind(id)
            .bind(approver)
            .bind(at),
            StaffNoticeStep::ReturnToDraft => {
                query("UPDATE notices SET state = 'draft', approved_by = NULL WHERE id = $1")
                    .bind(id)
            }
        };
        change.execute(tx.db()).await?;
        append_audit(&mut tx, audit, at).await?;
        let moved = find(tx.db(), id)
            .await?
            .ok_or_else(|| StoreError::UnknownNotice(id.to_owned()))?;
        tx.commit().await?;
        Ok(moved)
    }

    /// Deletes a staff notice not yet sent, still at `revision`, with its audit entry.
    pub async fn discard_staff_notice(
        &self,
        id: &str,
        revision: &str,
        audit: &NewAuditEntry,
    ) -> Result<(), StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let notice = expect(&mut tx, id, revision).await?;
        if notice.state == StaffNoticeState::Sent {
            return Err(StoreError::NoticeState {
                state: notice.state.label(),
                step: "破棄",
            });
        }
        // An unsent notice has no messages; its links, if a send was cut short, go with it.
        query("DELETE FROM notice_links WHERE notice_id = $1")
            .bind(id)
            .execute(tx.db())
            .await?;
        query("DELETE FROM notices WHERE id = $1 AND kind = 'staff' AND state <> 'sent'")
            .bind(id)
            .execute(tx.db())
            .await?;
        append_audit(&mut tx, audit, at).await?;
        tx.commit().await
    }

    /// Staff notices approved and due by `now`, the earliest first.
    pub async fn due_staff_notices(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<StaffNotice>, StoreError> {
        let sql = format!(
            "SELECT {STAFF_COLUMNS} FROM notices
             WHERE kind = 'staff' AND state = 'scheduled' AND scheduled_at <= $1
             ORDER BY scheduled_at, id"
        );
        let rows: Vec<StaffRow> = query(&sql)
            .bind(whole_second_utc(now))
            .fetch_all(self.db())
            .await?;
        rows.into_iter().map(from_row).collect()
    }

    /// Sends a scheduled staff notice: it turns `sent` with the number of its messages, and
    /// the messages enter the outbox, in one transaction that first claims the notice
    /// (`state = 'scheduled'`). False, with nothing written, when it is no longer scheduled
    /// (another process sent it, or staff took it back meanwhile).
    pub async fn deliver_staff_notice(
        &self,
        delivery: &StaffDelivery<'_>,
    ) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let recipients = i64::try_from(delivery.messages.len()).unwrap_or(i64::MAX);
        let claimed = query(
            "UPDATE notices SET state = 'sent', sent_at = $2, recipients = $3
             WHERE id = $1 AND kind = 'staff' AND state = 'scheduled'",
        )
        .bind(delivery.notice_id)
        .bind(at)
        .bind(recipients)
        .execute(tx.db())
        .await?;
        if claimed == 0 {
            return Ok(false);
        }
        enqueue_many(tx.db(), delivery.messages, at).await?;
        if let Some(entry) = delivery.audit {
            append_audit(&mut tx, entry, at).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn notice() -> StaffNotice {
        StaffNotice {
            id: "staff-1".to_owned(),
            title: "説明会".to_owned(),
            body: "本文".to_owned(),
            segment: "{}".to_owned(),
            state: StaffNoticeState::Draft,
            scheduled_at: None,
            recipients: 0,
            author: "a".to_owned(),
            approved_by: None,
            created_at: OffsetDateTime::UNIX_EPOCH,
            sent_at: None,
        }
    }

    #[test]
    fn the_revision_changes_with_anything_a_person_acts_on() {
        let base = notice();
        let same = notice();
        assert_eq!(base.revision(), same.revision());
        assert_eq!(base.revision().len(), 16);
        let changed = [
            StaffNotice {
                title: "説明会のご案内".to_owned(),
                ..notice()
            },
            StaffNotice {
                state: StaffNoticeState::PendingApproval,
                ..notice()
            },
            StaffNotice {
                scheduled_at: Some(OffsetDateTime::UNIX_EPOCH),
                ..notice()
            },
            StaffNotice {
                author: "b".to_owned(),
                ..notice()
            },
            // Parts are kept apart: moving text from title to body is a change.
            StaffNotice {
                title: "説明".to_owned(),
                body: "会本文".to_owned(),
                ..notice()
            },
        ];
        for other in changed {
            assert_ne!(base.revision(), other.revision(), "{other:?}");
        }
    }
}
