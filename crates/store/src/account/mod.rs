//! Staff accounts as the store keeps them: who may sign in to the console, in which role,
//! and where their sign-in stands (failures counted, a temporary lock, disabled).
//!
//! The store never sees a password: it keeps the PHC string madoguchi-staff's argon2id made
//! and hands it back for verification. Logins, display names and roles are the domain's
//! (`madoguchi_core::staff`), re-exported here because accounts and the `Store` API speak
//! them; a login is case-folded when it is parsed, so that 「Tanaka」, 「tanaka」 and
//! 「ｔａｎａｋａ」 (typed with the IME on) are one account.

pub(crate) mod sql;

use std::fmt;

pub use madoguchi_core::staff::{DisplayName, Login, Role};
use time::{Duration, OffsetDateTime};

use crate::StoreError;

/// An account about to be created.
#[derive(Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub login: Login,
    pub display_name: DisplayName,
    pub role: Role,
    /// A PHC string such as `$argon2id$v=19$…`, never a password.
    pub password_hash: String,
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
    /// Failed sign-ins since the last success or password change.
    pub failed_logins: u32,
    pub locked_until: Option<OffsetDateTime>,
    pub password_changed_at: OffsetDateTime,
}

impl Account {
    /// Whether the account may sign in at all (it has not been disabled).
    pub fn is_active(&self) -> bool {
        self.disabled_at.is_none()
    }

    /// Whether sign-in is refused at `now` because of repeated failures.
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
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
            .field("failed_logins", &self.failed_logins)
            .field("locked_until", &self.locked_until)
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

/// When repeated failures lock an account, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    /// The failure that reaches this count locks the account; so does each one after it,
    /// until a success or a new password resets the count.
    pub after_failures: u32,
    pub duration: Duration,
}

/// Where an account stands after a failed sign-in was counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginFailures {
    pub count: u32,
    pub locked_until: Option<OffsetDateTime>,
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

/// `(id, login, display_name, role, password_hash, created_at, disabled_at, failed_logins,
/// locked_until, password_changed_at)`, as both backends select an account.
pub(crate) type AccountRow = (
    String,
    String,
    String,
    String,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    i64,
    Option<OffsetDateTime>,
    OffsetDateTime,
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
            failed_logins,
            locked_until,
            password_changed_at,
        ) = row;
        let corrupt = |reason: String| StoreError::CorruptRecord {
            table: "accounts",
            key: id.clone(),
            reason,
        };
        let login = Login::parse(&login).map_err(|e| corrupt(e.to_string()))?;
        let role = Role::parse(&role).map_err(|e| corrupt(e.to_string()))?;
        let failed_logins = u32::try_from(failed_logins).map_err(|e| corrupt(e.to_string()))?;
        Ok(Self {
            id,
            login,
            display_name,
            role,
            password_hash,
            created_at,
            disabled_at,
            failed_logins,
            locked_until,
            password_changed_at,
        })
    }
}

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
