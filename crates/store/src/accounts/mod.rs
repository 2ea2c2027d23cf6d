//! Staff accounts as the store keeps them: who may sign in to the console, in which role,
//! whether they are disabled, and whether their password is a temporary one to change.
//!
//! The store never sees a password: it keeps the PHC string madoguchi-staff's argon2id made
//! and hands it back for verification. Logins, display names and roles are the domain's
//! (`madoguchi_core::staff`), re-exported here because accounts and the `Store` API speak
//! them; a login is case-folded when it is parsed, so that 「Tanaka」, 「tanaka」 and
//! 「ｔａｎａｋａ」 (typed with the IME on) are one account.

use std::fmt;

pub use madoguchi_core::staff::{DisplayName, Login, Role};
use time::OffsetDateTime;

use crate::timestamp::now_whole_second;
use crate::{Store, StoreError};
use sql::AccountKey;

/// An account about to be created.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub login: Login,
    pub display_name: DisplayName,
    pub role: Role,
    /// A PHC string such as `$argon2id$v=19$…`, never a password.
    pub password_hash: String,
    /// Whether someone else chose the password, so that its holder must change it at
    /// their first sign-in.
    pub must_change_password: bool,
}

/// A stored account. Times are in UTC, to the whole second.
#[derive(Clone, PartialEq, Eq)]
pub struct Account {
    /// Random, 32 lowercase hex digits.
    pub id: String,
    pub login: Login,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: OffsetDateTime,
    pub disabled_at: Option<OffsetDateTime>,
    pub password_changed_at: OffsetDateTime,
    /// The password was set by someone else: the console asks for a new one first.
    pub must_change_password: bool,
}

impl Account {
    /// Whether the account may sign in at all (it has not been disabled).
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }
}

/// Debug output ends up in logs: the password hash stays out.
impl fmt::Debug for Account {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Account")
            .field("id", &self.id)
            .field("login", &self.login)
            .field("role", &self.role)
            .field("disabled_at", &self.disabled_at)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for NewAccount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewAccount")
            .field("login", &self.login)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

/// Refuses anything that is not a PHC string: a password must never reach the table.
pub(crate) fn check_password_hash(hash: &str) -> Result<&str, StoreError> {
    let ok = hash.starts_with('$')
        && hash.len() >= 32
        && hash.len() <= 512
        && hash.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(hash)
    } else {
        Err(StoreError::InvalidAccount(
            "パスワードはハッシュ（PHC 形式）にしてから保存してください".to_owned(),
        ))
    }
}

/// A new account id: 128 random bits as hex.
pub(crate) fn new_account_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|err| StoreError::Random(err.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// `(id, login, display_name, role, password_hash, created_at, disabled_at,
/// password_changed_at, must_change_password)`, as both backends select an account.
pub(crate) type AccountRow = (
    String,
    String,
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    OffsetDateTime,
    bool,
);

impl Account {
    pub(crate) fn from_row(row: AccountRow) -> Result<Self, StoreError> {
        let (
            id,
            login,
            display_name,
            role,
            password_hash,
            created_at,
            disabled_at,
            password_changed_at,
            must_change_password,
        ) = row;
        let corrupt = |reason: String| StoreError::CorruptRecord {
            table: "accounts",
            key: id.clone(),
            reason,
        };
        let login = Login::parse(&login).map_err(|e| corrupt(e.to_string()))?;
        let role = Role::parse(&role).map_err(|e| corrupt(e.to_string()))?;
        Ok(Self {
            id,
            login,
            display_name,
            role,
            password_hash,
            created_at,
            disabled_at,
            password_changed_at,
            must_change_password,
        })
    }
}

impl Store {
    /// Creates an account with a new random id. A login already in use (case-folded) is
    /// refused with [`StoreError::LoginTaken`].
    pub async fn create_account(&self, new: &NewAccount) -> Result<Account, StoreError> {
        check_password_hash(&new.password_hash)?;
        let id = new_account_id()?;
        let now = now_whole_second();
        let row = sql::insert(self.db(), &id, new, now).await?;
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
        let row = sql::find(self.db(), key, value).await?;
        row.map(Account::from_row).transpose()
    }

    /// Every account, disabled ones too, ordered by login.
    pub async fn accounts(&self) -> Result<Vec<Account>, StoreError> {
        let rows = sql::all(self.db()).await?;
        rows.into_iter().map(Account::from_row).collect()
    }

    /// Changes an account's role. False when there is no such account.
    pub async fn set_role(&self, id: &str, role: crate::Role) -> Result<bool, StoreError> {
        let done = sql::set_role(self.db(), id, role.code()).await?;
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
        let done = sql::set_disabled(self.db(), id, at).await?;
        Ok(done > 0)
    }

    /// Replaces the password hash (a PHC string) with one of the holder's own. Sessions are
    /// the caller's to end. False when there is no such account.
    pub async fn set_password(&self, id: &str, password_hash: &str) -> Result<bool, StoreError> {
        let hash = check_password_hash(password_hash)?;
        let now = now_whole_second();
        let done = sql::set_password(self.db(), id, hash, now, false).await?;
        Ok(done > 0)
    }
}

mod change;
mod sql;

pub use change::AccountChange;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_phc_string_is_taken_as_a_password_hash() {
        let phc = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA";
        assert!(check_password_hash(phc).is_ok());
        for bad in ["correct horse battery staple", "", "$short"] {
            assert!(check_password_hash(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn account_ids_are_random_hex() {
        let (a, b) = (new_account_id().unwrap(), new_account_id().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
    }
}
