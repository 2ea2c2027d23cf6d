//! The store's API for staff accounts.

use time::OffsetDateTime;

use super::{Backend, Store};
use crate::StoreError;
use crate::account::sql::{self, AccountKey};
use crate::account::{
    Account, Lockout, Login, LoginFailures, NewAccount, check_password_hash, new_account_id,
};
use crate::timestamp::{now_whole_second, whole_second_utc};

impl Store {
    /// Creates an account with a new random id. A login already in use (case-folded) is
    /// refused with [`StoreError::LoginTaken`].
    pub async fn create_account(&self, new: &NewAccount) -> Result<Account, StoreError> {
        check_password_hash(&new.password_hash)?;
        let id = new_account_id()?;
        let now = now_whole_second();
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::insert(pool, &id, new, now).await?,
            Backend::Postgres(pool) => sql::insert(pool, &id, new, now).await?,
        };
        let row = row.ok_or_else(|| StoreError::LoginTaken(new.login.to_string()))?;
        Account::from_row(row)
    }

    /// The account with this id, disabled or not.
    pub async fn account(&self, id: &str) -> Result<Option<Account>, StoreError> {
        self.find_account(AccountKey::Id, id).await
    }

    /// The account with this login, disabled or not.
    pub async fn account_by_login(&self, login: &Login) -> Result<Option<Account>, StoreError> {
        self.find_account(AccountKey::Login, login.as_str()).await
    }

    async fn find_account(
        &self,
        key: AccountKey,
        value: &str,
    ) -> Result<Option<Account>, StoreError> {
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::find(pool, key, value).await?,
            Backend::Postgres(pool) => sql::find(pool, key, value).await?,
        };
        row.map(Account::from_row).transpose()
    }

    /// Every account, disabled ones too, ordered by login.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => sql::all(pool).await?,
            Backend::Postgres(pool) => sql::all(pool).await?,
        };
        rows.into_iter().map(Account::from_row).collect()
    }

    /// Changes an account's role. False when there is no such account.
    pub async fn set_role(&self, id: &str, role: crate::Role) -> Result<bool, StoreError> {
        let done = match &self.backend {
            Backend::Sqlite(pool) => sql::set_role(pool, id, role.code()).await?.rows_affected(),
            Backend::Postgres(pool) => sql::set_role(pool, id, role.code()).await?.rows_affected(),
        };
        Ok(done > 0)
    }

    /// Disables an account: it can no longer sign in. Its sessions are the caller's to end
    /// ([`Store::delete_sessions_of`]). False when there is no such account.
    pub async fn disable_account(&self, id: &str) -> Result<bool, StoreError> {
        self.set_disabled(id, Some(now_whole_second())).await
    }

    /// Lets a disabled account sign in again. False when there is no such account.
    pub async fn enable_account(&self, id: &str) -> Result<bool, StoreError> {
        self.set_disabled(id, None).await
    }

    async fn set_disabled(&self, id: &str, at: Option<OffsetDateTime>) -> Result<bool, StoreError> {
        let done = match &self.backend {
            Backend::Sqlite(pool) => sql::set_disabled(pool, id, at).await?.rows_affected(),
            Backend::Postgres(pool) => sql::set_disabled(pool, id, at).await?.rows_affected(),
        };
        Ok(done > 0)
    }

    /// Counts a failed sign-in at `now`; the failure that reaches `lockout.after_failures`
    /// (and each one after it, until a success) locks the account for `lockout.duration`.
    /// `None` when there is no such account.
    pub async fn record_login_failure(
        &self,
        id: &str,
        now: OffsetDateTime,
        lockout: Lockout,
    ) -> Result<Option<LoginFailures>, StoreError> {
        let lock_after = i64::from(lockout.after_failures.max(1));
        let lock_until = whole_second_utc(now + lockout.duration);
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::count_failure(pool, id, lock_after, lock_until).await?,
            Backend::Postgres(pool) => sql::count_failure(pool, id, lock_after, lock_until).await?,
        };
        row.map(|(count, locked_until)| {
            let count = u32::try_from(count).map_err(|err| StoreError::CorruptRecord {
                table: "accounts",
                key: id.to_owned(),
                reason: err.to_string(),
            })?;
            Ok(LoginFailures {
                count,
                locked_until,
            })
        })
        .transpose()
    }

    /// A successful sign-in: the failure count and any lock are cleared.
    pub async fn record_login_success(&self, id: &str) -> Result<bool, StoreError> {
        let done = match &self.backend {
            Backend::Sqlite(pool) => sql::clear_failures(pool, id).await?.rows_affected(),
            Backend::Postgres(pool) => sql::clear_failures(pool, id).await?.rows_affected(),
        };
        Ok(done > 0)
    }

    /// Replaces the password hash (a PHC string) and clears failures and any lock. Sessions
    /// are the caller's to end. False when there is no such account.
    pub async fn set_password(&self, id: &str, password_hash: &str) -> Result<bool, StoreError> {
        let hash = check_password_hash(password_hash)?;
        let now = now_whole_second();
        let done = match &self.backend {
            Backend::Sqlite(pool) => sql::set_password(pool, id, hash, now)
                .await?
                .rows_affected(),
            Backend::Postgres(pool) => sql::set_password(pool, id, hash, now)
                .await?
                .rows_affected(),
        };
        Ok(done > 0)
    }
}
