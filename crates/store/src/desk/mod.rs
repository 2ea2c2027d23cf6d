//! The consultation desk's data: the registry of experts, the cases filed on the public
//! form, and what happened to each case.
//!
//! A case's personal data (who, how to reach them, what they wrote, what a diagnosis
//! attached) is one JSON document beside the columns the desk filters and counts on, so
//! that purging it after its retention period, or erasing one person's cases on request,
//! empties exactly that and leaves the figures. Reading a case always goes with an audit
//! entry naming who read it ([`Store::open_case`]); lists carry no personal data.
//!
//! Every change names the revision it was made on and lands in one transaction with its
//! history entry and its audit entry, so two staff confirming different experts at once
//! cannot both win, and nothing happens to a case that the log does not show.

mod change;
mod project;
mod registry;
pub(crate) mod sql;

use std::fmt;

use madoguchi_core::calendar::JST;
use madoguchi_core::desk::{CaseState, CaseTimes, Category, Intake, Requester};
use madoguchi_core::staff::Action;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::audit::{self, NewAuditEntry};
use crate::db::WriteLock;
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

pub use change::CaseChange;
pub use project::{ProjectChange, ProjectEntry, ProjectPage, ProjectQuery};
pub use registry::ExpertEntry;

/// Who acts on the desk, for its history and the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskActor {
    /// The console account; `None` for the public form, a command or a scheduled job.
    pub account_id: Option<String>,
    /// The name to show: a staff member's, 「相談者」, 「コマンドライン」.
    pub name: String,
    /// The client's address, when the action came over HTTP.
    pub client: Option<String>,
}

impl DeskActor {
    fn audit(&self, action: Action, target: Option<&str>, detail: String) -> NewAuditEntry {
        NewAuditEntry {
            actor_id: self.account_id.clone(),
            actor_name: self.name.clone(),
            action: action.code().to_owned(),
            target: target.map(str::to_owned),
            detail,
            client: self.client.clone(),
        }
    }
}

/// What staff and the expert wrote on a case, kept together and purged together. Its
/// `Debug` leaves the texts out: they may name the requester.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseRecord {
    /// Hearing notes.
    #[serde(default)]
    pub notes: String,
    /// The action plan, programs applied for and next steps, written when it closed.
    #[serde(default)]
    pub outcome: String,
    /// Why it was withdrawn (or whose duplicate it was).
    #[serde(default)]
    pub end_reason: String,
    /// The receipt of the case this one was merged into.
    #[serde(default)]
    pub merged_into: Option<String>,
}

impl fmt::Debug for CaseRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseRecord")
            .field("merged_into", &self.merged_into)
            .finish_non_exhaustive()
    }
}

/// One case. Times are in UTC, to the whole second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    pub id: i64,
    /// The number the requester was given.
    pub receipt: String,
    pub state: CaseState,
    /// Bumped by every change; a change names the revision it was made on.
    pub revision: u32,
    pub requester: Requester,
    pub category: Category,
    /// The expert introduced, while introduced or consulting, and after.
    pub expert_id: Option<String>,
    pub sessions: u32,
    pub max_sessions: u32,
    /// Skill tags, folded.
    pub tags: Vec<String>,
    pub received_at: OffsetDateTime,
    /// When staff first reached the requester (the hearing began).
    pub first_contact_at: Option<OffsetDateTime>,
    pub referred_at: Option<OffsetDateTime>,
    pub closed_at: Option<OffsetDateTime>,
    /// The personal data; `None` in lists, and once purged or erased.
    pub personal: Option<Intake>,
    pub record: CaseRecord,
}

/// One entry of a case's history. Its `Debug` leaves the text out: it may name the
/// requester.
#[derive(Clone, PartialEq, Eq)]
pub struct CaseEvent {
    pub at: OffsetDateTime,
    pub actor: String,
    /// `file`, `hearing`, `note`, `refer`, `accept`, `decline`, `session`, `close`,
    /// `withdraw`, `merge`.
    pub step: String,
    pub expert_id: Option<String>,
    /// The reasons of an introduction, a decline's reason, a session's summary; empty once
    /// purged.
    pub text: String,
}

impl fmt::Debug for CaseEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CaseEvent")
            .field("at", &self.at)
            .field("step", &self.step)
            .field("expert_id", &self.expert_id)
            .finish_non_exhaustive()
    }
}

/// Which cases a list shows. Filters combine; everything is done in the database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseQuery {
    pub state: Option<CaseState>,
    /// Only cases still needing someone (not closed, not withdrawn).
    pub open_only: bool,
    pub category: Option<Category>,
    /// Only the cases introduced to this expert.
    pub expert_id: Option<String>,
    /// Only cases not yet contacted and received before this time (the overdue list: the
    /// web layer turns the service level into this cut-off on the business calendar).
    pub uncontacted_before: Option<OffsetDateTime>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// One page of cases, newest first, and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CasePage {
    pub cases: Vec<Case>,
    pub total: u64,
}

/// What the retention job purges: the personal data of cases that ended before these
/// times. Open cases are never purged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retention {
    pub closed_before: OffsetDateTime,
    pub withdrawn_before: OffsetDateTime,
}

/// One person's cases as exported on request: each case with its history.
pub type PersonExport = Vec<(Case, Vec<CaseEvent>)>;

/// Sessions a case may have at most, whatever the desk configures.
const MAX_SESSIONS_LIMIT: u32 = 20;
const RECEIPT_ALPHABET: &[u8] = b"ACDEFGHJKLMNPRTUVWXY3479";

/// A new receipt number, `XXXX-XXXX` from letters and digits that cannot be misread.
fn new_receipt() -> Result<String, StoreError> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|err| StoreError::Random(err.to_string()))?;
    let mut receipt = String::with_capacity(9);
    for (i, b) in bytes.iter().enumerate() {
        if i == 4 {
            receipt.push('-');
        }
        let index = usize::from(*b) % RECEIPT_ALPHABET.len();
        receipt.push(char::from(RECEIPT_ALPHABET[index]));
    }
    Ok(receipt)
}

impl Store {
    /// Files a consultation from the public form as 受付, with its history entry and an
    /// audit entry (`case.file`, no personal data in it), in one transaction. Returns the
    /// case as stored, with its receipt number.
    pub async fn file_case(
        &self,
        intake: &Intake,
        max_sessions: u32,
        actor: &DeskActor,
    ) -> Result<Case, StoreError> {
        if !(1..=MAX_SESSIONS_LIMIT).contains(&max_sessions) {
            return Err(StoreError::InvalidDesk(format!(
                "相談の回数の上限は1〜{MAX_SESSIONS_LIMIT}回にしてください"
            )));
        }
        let personal = serde_json::to_string(intake)
            .map_err(|err| StoreError::InvalidDesk(err.to_string()))?;
        let at = now_whole_second();
        // A receipt collision is a one-in-a-hundred-billion event: one more try.
        let mut last = None;
        for _ in 0..2 {
            let receipt = new_receipt()?;
            let entry = audit::prepare(&actor.audit(
                Action::CaseFile,
                Some(&receipt),
                format!(
                    "分野 {}・{}",
                    intake.category.as_str(),
                    intake.requester.label()
                ),
            ))?;
            let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
            let filed = sql::insert_case(
                tx.db(),
                &sql::NewCaseRow {
                    receipt: &receipt,
                    requester: intake.requester.code(),
                    category: intake.category.as_str(),
                    max_sessions,
                    personal: &personal,
                    email_key: intake.email_key(),
                    phone_key: intake.phone_key(),
                    at,
                },
            )
            .await;
            match filed {
                Ok(id) => {
                    sql::insert_event(tx.db(), id, at, &actor.name, "file", None, "").await?;
                    audit::sql::append(tx.db(), &entry, at).await?;
                    tx.commit().await?;
                    return self.case_unaudited(id).await;
                }
                Err(StoreError::Conflict) => last = Some(StoreError::Conflict),
                Err(err) => return Err(err),
            }
        }
        Err(last.unwrap_or(StoreError::Conflict))
    }

    /// The case with its personal data, for someone to read: the read is audit-logged
    /// (`case.view`) before the case is returned.
    pub async fn open_case(&self, id: i64, actor: &DeskActor) -> Result<Case, StoreError> {
        let case = self.case_unaudited(id).await?;
        self.append_audit(&actor.audit(
            Action::CaseView,
            Some(&case.receipt),
            "相談の内容を表示".to_owned(),
        ))
        .await?;
        Ok(case)
    }

    /// The case, without an audit entry: for the store itself and for checks that show
    /// nothing of it (whose case it is, its state).
    pub(crate) async fn case_unaudited(&self, id: i64) -> Result<Case, StoreError> {
        let row = sql::find_case(self.db(), id).await?;
        row.map(sql::case_from_row)
            .transpose()?
            .ok_or(StoreError::UnknownCase(id))
    }

    /// Who a case is introduced to and where it stands, without its personal data and
    /// without an audit entry: for deciding whether someone may open it at all.
    pub async fn case_standing(&self, id: i64) -> Result<Case, StoreError> {
        let mut case = self.case_unaudited(id).await?;
        case.personal = None;
        case.record = CaseRecord::default();
        Ok(case)
    }

    /// A case's history, oldest first.
    pub async fn case_events(&self, id: i64) -> Result<Vec<CaseEvent>, StoreError> {
        let rows = sql::events(self.db(), id).await?;
        Ok(rows.into_iter().map(sql::event_from_row).collect())
    }

    /// One page of cases matching `query`, newest first, without personal data.
    pub async fn cases(&self, query: &CaseQuery) -> Result<CasePage, StoreError> {
        let per_page = query.per_page.clamp(1, 200);
        let offset = i64::from(query.page.max(1) - 1) * i64::from(per_page);
        let total = sql::count_cases(self.db(), query).await?;
        let rows = sql::list_cases(self.db(), query, i64::from(per_page), offset).await?;
        let cases = rows
            .into_iter()
            .map(sql::case_from_row)
            .collect::<Result<_, _>>()?;
        Ok(CasePage {
            cases,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// The times of every case received since `since` (JST dates), without personal data:
    /// what the supervisor's service figures are computed from.
    pub async fn case_times(&self, since: OffsetDateTime) -> Result<Vec<CaseTimes>, StoreError> {
        let rows = sql::cases_since(self.db(), whole_second_utc(since)).await?;
        let day = |at: OffsetDateTime| at.to_offset(JST).date();
        rows.into_iter()
            .map(|row| {
                let case = sql::case_from_row(row)?;
                Ok(CaseTimes {
                    category: case.category,
                    expert_id: case.expert_id,
                    state: case.state,
                    received: day(case.received_at),
                    first_contact: case.first_contact_at.map(day),
                    closed: case.closed_at.map(day),
                })
            })
            .collect()
    }

    /// How many cases match `query` (its page is ignored): the console's counts.
    pub async fn count_cases(&self, query: &CaseQuery) -> Result<u64, StoreError> {
        let total = sql::count_cases(self.db(), query).await?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    /// Empties the personal data, notes and history texts of cases that ended before the
    /// retention's cut-offs, with one audit entry (`case.purge`) for the run. Returns how
    /// many cases were purged.
    pub async fn purge_cases(
        &self,
        retention: Retention,
        actor: &DeskActor,
    ) -> Result<u64, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
        let ids = sql::ended_before(tx.db(), retention).await?;
        for id in &ids {
            sql::purge(tx.db(), *id, at).await?;
        }
        if !ids.is_empty() {
            let entry = audit::prepare(&actor.audit(
                Action::CasePurge,
                None,
                format!("{}件の相談の個人情報を消去", ids.len()),
            ))?;
            audit::sql::append(tx.db(), &entry, at).await?;
        }
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// Every case filed with this e-mail address or phone number, with its history, for
    /// handing to the person on request (`person.export` is logged).
    pub async fn export_person(
        &self,
        contact: &str,
        actor: &DeskActor,
    ) -> Result<PersonExport, StoreError> {
        let ids = self.person_case_ids(contact).await?;
        self.append_audit(&actor.audit(
            Action::PersonExport,
            None,
            format!("{}件の相談を書き出し", ids.len()),
        ))
        .await?;
        let mut export = Vec::with_capacity(ids.len());
        for id in ids {
            export.push((self.case_unaudited(id).await?, self.case_events(id).await?));
        }
        Ok(export)
    }

    /// Erases the personal data of every case filed with this e-mail address or phone
    /// number, as a purge does, in one transaction with its audit entry (`person.erase`).
    /// Returns how many cases were erased.
    pub async fn erase_person(&self, contact: &str, actor: &DeskActor) -> Result<u64, StoreError> {
        let ids = self.person_case_ids(contact).await?;
        let at = now_whole_second();
        let entry = audit::prepare(&actor.audit(
            Action::PersonErase,
            None,
            format!("{}件の相談の個人情報を消去", ids.len()),
        ))?;
        let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
        for id in &ids {
            sql::purge(tx.db(), *id, at).await?;
        }
        audit::sql::append(tx.db(), &entry, at).await?;
        tx.commit().await?;
        Ok(ids.len() as u64)
    }

    /// The cases filed with this contact, by e-mail address (folded) or phone digits.
    async fn person_case_ids(&self, contact: &str) -> Result<Vec<i64>, StoreError> {
        let email = madoguchi_core::desk::email_key(contact);
        let phone = madoguchi_core::desk::phone_key(contact);
        if email.is_none() && phone.is_none() {
            return Err(StoreError::InvalidDesk(
                "メールアドレスか電話番号を入力してください".to_owned(),
            ));
        }
        sql::cases_of_person(self.db(), email.as_deref(), phone.as_deref()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipts_are_two_groups_of_unambiguous_characters() {
        let receipt = new_receipt().unwrap();
        assert_eq!(receipt.len(), 9);
        assert_eq!(&receipt[4..5], "-");
        assert!(
            receipt
                .bytes()
                .filter(|b| *b != b'-')
                .all(|b| RECEIPT_ALPHABET.contains(&b))
        );
        assert_ne!(new_receipt().unwrap(), receipt);
    }
}
