//! Changing a case: one step of the workflow (or an edit of its notes), checked against
//! where the case stands, written with its history entry and audit entry in one
//! transaction, and only if nobody changed the case since the revision the caller read.

use madoguchi_core::desk::{CaseStep, Category, add_tag_keys, next_state};
use madoguchi_core::staff::Action;
use time::Date;

use super::{Case, DeskActor, sql};
use crate::audit;
use crate::db::WriteLock;
use crate::timestamp::now_whole_second;
use crate::{Store, StoreError};

/// What someone does to a case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseChange<'a> {
    /// Staff reached the requester: the hearing begins (the first contact).
    StartHearing,
    /// The hearing notes, tags (as typed) and category, as staff rewrote them.
    Note {
        category: Category,
        tags: &'a [&'a str],
        notes: &'a str,
    },
    /// Staff confirm an expert, with the reasons the proposal gave (kept for good).
    Refer {
        expert_id: &'a str,
        reasons: &'a str,
    },
    /// The expert takes the case on.
    Accept,
    /// The expert declines, with a reason; the case goes back to the hearing.
    Decline { reason: &'a str },
    /// Staff take the case back from its expert, with a reason (担当替え); the case goes
    /// back to the hearing.
    Reassign { reason: &'a str },
    /// A consultation session took place on `on`.
    RecordSession { on: Date, summary: &'a str },
    /// Done: the action plan, programs applied for, next steps.
    Close { outcome: &'a str },
    /// The requester withdrew, with the reason.
    Withdraw { reason: &'a str },
    /// A duplicate: withdrawn into the case with this receipt.
    MergeInto { receipt: &'a str },
}

const MAX_NOTES_CHARS: usize = 10_000;
const MAX_TEXT_CHARS: usize = 4_000;
const MAX_TAGS: usize = 20;

impl CaseChange<'_> {
    fn step(&self) -> Option<CaseStep> {
        Some(match self {
            Self::StartHearing => CaseStep::StartHearing,
            Self::Note { .. } => return None,
            Self::Refer { .. } => CaseStep::Refer,
            Self::Accept => CaseStep::Accept,
            Self::Decline { .. } => CaseStep::Decline,
            Self::Reassign { .. } => CaseStep::Reassign,
            Self::RecordSession { .. } => CaseStep::RecordSession,
            Self::Close { .. } => CaseStep::Close,
            Self::Withdraw { .. } | Self::MergeInto { .. } => CaseStep::Withdraw,
        })
    }

    fn action(&self) -> Action {
        match self {
            Self::StartHearing => Action::CaseHearing,
            Self::Note { .. } => Action::CaseNote,
            Self::Refer { .. } => Action::CaseRefer,
            Self::Accept => Action::CaseAccept,
            Self::Decline { .. } => Action::CaseDecline,
            Self::Reassign { .. } => Action::CaseReassign,
            Self::RecordSession { .. } => Action::CaseSession,
            Self::Close { .. } => Action::CaseClose,
            Self::Withdraw { .. } => Action::CaseWithdraw,
            Self::MergeInto { .. } => Action::CaseMerge,
        }
    }

    /// The step's name in the case's history.
    fn event(&self) -> &'static str {
        match self {
            Self::StartHearing => "hearing",
            Self::Note { .. } => "note",
            Self::Refer { .. } => "refer",
            Self::Accept => "accept",
            Self::Decline { .. } => "decline",
            Self::Reassign { .. } => "reassign",
            Self::RecordSession { .. } => "session",
            Self::Close { .. } => "close",
            Self::Withdraw { .. } => "withdraw",
            Self::MergeInto { .. } => "merge",
        }
    }
}

/// Refuses empty required text and text too long to be a note, naming the field.
fn check_text(label: &str, text: &str, required: bool, max: usize) -> Result<(), StoreError> {
    let count = text.chars().count();
    if required && text.trim().is_empty() {
        return Err(StoreError::InvalidDesk(format!(
            "{label}を入力してください"
        )));
    }
    if count > max {
        return Err(StoreError::InvalidDesk(format!(
            "{label}は{max}文字以内にしてください（いまは{count}文字です）"
        )));
    }
    Ok(())
}

impl Store {
    /// Applies `change` to the case at `revision`. Refused, with nothing written, when the
    /// case moved on since ([`StoreError::StaleCase`]), when its workflow does not allow
    /// the step from where it stands ([`StoreError::CaseStep`]), or when a text is missing
    /// or too long. The expert a case is introduced to must be registered; whether they
    /// fit (category, area, availability, conflicts) is matching's to say before this.
    pub async fn change_case(
        &self,
        id: i64,
        revision: u32,
        change: &CaseChange<'_>,
        actor: &DeskActor,
    ) -> Result<Case, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
        let row = sql::find_case(tx.db(), id).await?;
        let mut case = row
            .map(sql::case_from_row)
            .transpose()?
            .ok_or(StoreError::UnknownCase(id))?;
        if case.revision != revision {
            return Err(StoreError::StaleCase {
                receipt: case.receipt,
            });
        }
        if let Some(step) = change.step() {
            case.state = next_state(case.state, step, case.sessions, case.max_sessions)?;
        } else if !case.state.is_open() {
            return Err(StoreError::InvalidDesk(
                "終わった相談の記録は変更できません".to_owned(),
            ));
        }
        let mut event_expert = case.expert_id.clone();
        let mut text = String::new();
        match change {
            CaseChange::StartHearing => case.first_contact_at = Some(at),
            CaseChange::Note {
                category,
                tags,
                notes,
            } => {
                check_text("ヒアリングの記録", notes, false, MAX_NOTES_CHARS)?;
                if tags.len() > MAX_TAGS {
                    return Err(StoreError::InvalidDesk(format!(
                        "タグは{MAX_TAGS}個までにしてください"
                    )));
                }
                case.category = category.clone();
                case.tags.clear();
                add_tag_keys(&mut case.tags, tags.iter().copied());
                case.record.notes = (*notes).to_owned();
            }
            CaseChange::Refer { expert_id, reasons } => {
                check_text("紹介の理由", reasons, true, MAX_TEXT_CHARS)?;
                if sql::find_expert(tx.db(), "id", expert_id).await?.is_none() {
                    return Err(StoreError::UnknownExpert((*expert_id).to_owned()));
                }
                case.expert_id = Some((*expert_id).to_owned());
                case.referred_at = Some(at);
                event_expert = case.expert_id.clone();
                text = (*reasons).to_owned();
            }
            CaseChange::Accept => {}
            CaseChange::Decline { reason } | CaseChange::Reassign { reason } => {
                let label = match change {
                    CaseChange::Decline { .. } => "辞退の理由",
                    _ => "担当替えの理由",
                };
                check_text(label, reason, true, MAX_TEXT_CHARS)?;
                case.expert_id = None;
                case.referred_at = None;
                text = (*reason).to_owned();
            }
            CaseChange::RecordSession { on, summary } => {
                check_text("相談の記録", summary, true, MAX_TEXT_CHARS)?;
                case.sessions += 1;
                text = format!("{on}：{summary}");
            }
            CaseChange::Close { outcome } => {
                check_text("相談の結果", outcome, true, MAX_NOTES_CHARS)?;
                case.closed_at = Some(at);
                case.record.outcome = (*outcome).to_owned();
            }
            CaseChange::Withdraw { reason } => {
                check_text("取下げの理由", reason, true, MAX_TEXT_CHARS)?;
                case.closed_at = Some(at);
                case.record.end_reason = (*reason).to_owned();
                text = (*reason).to_owned();
            }
            CaseChange::MergeInto { receipt } => {
                let receipt = receipt.trim().to_ascii_uppercase();
                if receipt == case.receipt || sql::case_id_of(tx.db(), &receipt).await?.is_none() {
                    return Err(StoreError::InvalidDesk(format!(
                        "統合先の受付番号「{receipt}」の相談が見つかりません"
                    )));
                }
                case.closed_at = Some(at);
                case.record.end_reason = format!("受付番号 {receipt} と重複");
                text.clone_from(&case.record.end_reason);
                case.record.merged_into = Some(receipt);
            }
        }
        case.revision += 1;
        let audit_entry = audit::prepare(&actor.audit(
            change.action(),
            Some(&case.receipt),
            format!("{}（{}）", change.action().label(), case.state.label()),
        ))?;
        let written = sql::update_case(tx.db(), &case, revision).await?;
        if written == 0 {
            return Err(StoreError::StaleCase {
                receipt: case.receipt,
            });
        }
        sql::insert_event(
            tx.db(),
            id,
            at,
            &actor.name,
            change.event(),
            event_expert.as_deref(),
            &text,
        )
        .await?;
        audit::sql::append(tx.db(), &audit_entry, at).await?;
        tx.commit().await?;
        Ok(case)
    }
}
