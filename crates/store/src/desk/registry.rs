//! The registry of experts as the store keeps it, and each expert's standing (how much
//! they took on this month and this fiscal year, how many similar cases they closed),
//! counted from the cases' history for matching.

use std::collections::HashMap;

use madoguchi_core::desk::{Category, Expert, Standing};
use madoguchi_core::staff::Action;
use time::OffsetDateTime;

use super::{DeskActor, sql};
use crate::audit;
use crate::db::WriteLock;
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

/// One registered expert: what matching reads, and what only staff see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertEntry {
    pub expert: Expert,
    /// How staff reach them (an e-mail address, a phone number); never public.
    pub contact: String,
    /// Their public profile; empty for none.
    pub profile: String,
    /// The console account they sign in with (role 専門家), if any.
    pub account_id: Option<String>,
}

const MAX_NAME_CHARS: usize = 100;
const MAX_PROFILE_CHARS: usize = 4_000;

/// Checks an entry's id and sizes before it is kept.
fn check(entry: &ExpertEntry) -> Result<(), StoreError> {
    let id = &entry.expert.id;
    let id_ok = !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if !id_ok {
        return Err(StoreError::InvalidDesk(format!(
            "専門家のID「{}」は、半角英小文字・数字・ハイフンの40文字以内にしてください",
            id.chars().take(50).collect::<String>()
        )));
    }
    let name = entry.expert.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StoreError::InvalidDesk(format!(
            "専門家「{id}」の名前は1〜{MAX_NAME_CHARS}文字にしてください"
        )));
    }
    if entry.profile.chars().count() > MAX_PROFILE_CHARS {
        return Err(StoreError::InvalidDesk(format!(
            "専門家「{id}」の紹介文は{MAX_PROFILE_CHARS}文字以内にしてください"
        )));
    }
    Ok(())
}

impl Store {
    /// Registers an expert, or replaces the entry under the same id, with its audit entry
    /// (`expert.save`) in one transaction.
    pub async fn save_expert(
        &self,
        entry: &ExpertEntry,
        actor: &DeskActor,
    ) -> Result<(), StoreError> {
        check(entry)?;
        let body = serde_json::to_string(&entry.expert)
            .map_err(|err| StoreError::InvalidDesk(err.to_string()))?;
        let at = now_whole_second();
        let audit_entry = audit::prepare(&actor.audit(
            Action::ExpertSave,
            Some(&entry.expert.id),
            entry.expert.name.clone(),
        ))?;
        let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
        sql::upsert_expert(tx.db(), entry, &body, at).await?;
        audit::sql::append(tx.db(), &audit_entry, at).await?;
        tx.commit().await
    }

    /// Every registered expert, by id.
    pub async fn experts(&self) -> Result<Vec<ExpertEntry>, StoreError> {
        let rows = sql::all_experts(self.db()).await?;
        rows.into_iter().map(sql::expert_from_row).collect()
    }

    /// The expert registered under `id`.
    pub async fn expert(&self, id: &str) -> Result<Option<ExpertEntry>, StoreError> {
        let row = sql::find_expert(self.db(), "id", id).await?;
        row.map(sql::expert_from_row).transpose()
    }

    /// The expert who signs in with this console account.
    pub async fn expert_of_account(
        &self,
        account_id: &str,
    ) -> Result<Option<ExpertEntry>, StoreError> {
        let row = sql::find_expert(self.db(), "account_id", account_id).await?;
        row.map(sql::expert_from_row).transpose()
    }

    /// Each expert's standing for a case of `category`: introductions in `month` and in
    /// `fiscal_year` (each a half-open range of time), and cases of the category they
    /// closed. Experts with none of these are left out (their standing is all zero).
    pub async fn standings(
        &self,
        category: &Category,
        month: (OffsetDateTime, OffsetDateTime),
        fiscal_year: (OffsetDateTime, OffsetDateTime),
    ) -> Result<HashMap<String, Standing>, StoreError> {
        let utc = |(from, to): (OffsetDateTime, OffsetDateTime)| {
            (whole_second_utc(from), whole_second_utc(to))
        };
        let mut standings: HashMap<String, Standing> = HashMap::new();
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        for (id, n) in sql::introductions(self.db(), utc(month)).await? {
            standings.entry(id).or_default().this_month = count(n);
        }
        for (id, n) in sql::introductions(self.db(), utc(fiscal_year)).await? {
            standings.entry(id).or_default().this_fiscal_year = count(n);
        }
        for (id, n) in sql::closed_in_category(self.db(), category.as_str()).await? {
            standings.entry(id).or_default().similar_closed = count(n);
        }
        Ok(standings)
    }
}
