//! A change to a staff account, made together with its audit entry in one write transaction.
//!
//! Two reasons it is one transaction. An account change that is not audited must not exist:
//! if the entry cannot be written, the change is undone. And a rule over all accounts (the
//! last active 管理者 stays) must hold after two administrators act at the same instant:
//! the caller's check runs on the accounts as read under the accounts' write lock, so a
//! second change waits for the first and is checked against its result.

use time::OffsetDateTime;

use super::{Account, check_password_hash, sql};
use crate::audit::{self, NewAuditEntry};
use crate::db::WriteLock;
use crate::sessions::{self, SessionKey};
use crate::timestamp::now_whole_second;
use crate::{Role, Store, StoreError};

/// What is done to one account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange<'a> {
    /// Takes a new role.
    Role(Role),
    /// Can no longer sign in; its sessions end.
    Disable,
    /// Can sign in again.
    Enable,
    /// A new password (a PHC string); its sessions end.
    /// `temporary` when someone else chose it: its holder must change it first thing.
    Password { hash: &'a str, temporary: bool },
}

impl AccountChange<'_> {
    /// Whether the account's open sessions end with the change: access taken away, or a
    /// password someone else may have known replaced.
    fn ends_sessions(self) -> bool {
        matches!(self, Self::Disable | Self::Password { .. })
    }
}

impl Store {
    /// Applies `change` to the account `id`, in one write transaction: `allow` first sees
    /// every account as it is now and may refuse (nothing is written then); the change is
    /// made; the account's sessions end if the change takes access away; and the entry
    /// that `audit` writes from how many sessions ended is appended. Answers that count.
    /// An account that does not exist is [`StoreError::InvalidAccount`].
    pub async fn change_account<E: From<StoreError>>(
        &self,
        id: &str,
        change: AccountChange<'_>,
        allow: impl FnOnce(&[Account]) -> Result<(), E>,
        audit: impl FnOnce(u64) -> NewAuditEntry,
    ) -> Result<u64, E> {
        let now = now_whole_second();
        if let AccountChange::Password { hash, .. } = change {
            check_password_hash(hash)?;
        }
        let mut tx = self.backend.begin_write(WriteLock::Accounts).await?;
        let rows = sql::all(tx.db()).await?;
        let accounts = rows
            .into_iter()
            .map(Account::from_row)
            .collect::<Result<Vec<_>, _>>()?;
        if !accounts.iter().any(|a| a.id == id) {
            return Err(
                StoreError::InvalidAccount(format!("利用者（{id}）が見つかりません。")).into(),
            );
        }
        allow(&accounts)?;
        apply(&mut tx, id, change, now).await?;
        let ended = if change.ends_sessions() {
            sessions::sql::delete_sessions_where(tx.db(), SessionKey::Subject, id).await?
        } else {
            0
        };
        let entry = audit::prepare(&audit(ended))?;
        audit::sql::append(tx.db(), &entry, now).await?;
        tx.commit().await?;
        Ok(ended)
    }
}

async fn apply(
    tx: &mut crate::db::WriteTx,
    id: &str,
    change: AccountChange<'_>,
    now: OffsetDateTime,
) -> Result<u64, StoreError> {
    match change {
        AccountChange::Role(role) => sql::set_role(tx.db(), id, role.code()).await,
        AccountChange::Disable => sql::set_disabled(tx.db(), id, Some(now)).await,
        AccountChange::Enable => sql::set_disabled(tx.db(), id, None).await,
        AccountChange::Password { hash, temporary } => {
            sql::set_password(tx.db(), id, hash, now, temporary).await
        }
    }
}
