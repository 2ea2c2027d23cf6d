//! The statements on `accounts`, written once for both backends (see `db` for why
//! one text serves both). Times come in already cut to whole seconds in UTC.

use time::OffsetDateTime;

use super::{AccountRow, NewAccount};
use crate::StoreError;
use crate::db::{Db, query};

// `failed_logins` and `locked_until` are left from when sign-in locked accounts; nothing
// reads or writes them since migration 10.
const COLUMNS: &str = "id, login, display_name, role, password_hash, created_at, disabled_at, \
    password_changed_at, must_change_password";

/// Which column picks an account.
#[derive(Debug, Clone, Copy)]
pub(crate) enum AccountKey {
    Id,
    Login,
}

/// Inserts an account unless its login is taken; `None` means it was.
pub(crate) async fn insert(
    db: Db<'_>,
    id: &str,
    new: &NewAccount,
    now: OffsetDateTime,
) -> Result<Option<AccountRow>, StoreError> {
    let sql = format!(
        "INSERT INTO accounts (id, login, display_name, role, password_hash, created_at,
             password_changed_at, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
         ON CONFLICT (login) DO NOTHING
         RETURNING {COLUMNS}"
    );
    query(&sql)
        .bind(id)
        .bind(new.login.as_str())
        .bind(new.display_name.as_str())
        .bind(new.role.code())
        .bind(new.password_hash.as_str())
        .bind(now)
        .bind(new.must_change_password)
        .fetch_optional(db)
        .await
}

/// The account whose `key` column is `value`.
pub(crate) async fn find(
    db: Db<'_>,
    key: AccountKey,
    value: &str,
) -> Result<Option<AccountRow>, StoreError> {
    let column = match key {
        AccountKey::Id => "id",
        AccountKey::Login => "login",
    };
    let sql = format!("SELECT {COLUMNS} FROM accounts WHERE {column} = $1");
    query(&sql).bind(value).fetch_optional(db).await
}

/// Every account, by login.
pub(crate) async fn all(db: Db<'_>) -> Result<Vec<AccountRow>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM accounts ORDER BY login");
    query(&sql).fetch_all(db).await
}

pub(crate) async fn set_role(db: Db<'_>, id: &str, role: &str) -> Result<u64, StoreError> {
    query("UPDATE accounts SET role = $2 WHERE id = $1")
        .bind(id)
        .bind(role)
        .execute(db)
        .await
}

/// Disables at `at` (keeping an earlier time if already disabled), or enables with `None`.
pub(crate) async fn set_disabled(
    db: Db<'_>,
    id: &str,
    at: Option<OffsetDateTime>,
) -> Result<u64, StoreError> {
    let sql = if at.is_some() {
        "UPDATE accounts SET disabled_at = COALESCE(disabled_at, $2) WHERE id = $1"
    } else {
        "UPDATE accounts SET disabled_at = $2 WHERE id = $1"
    };
    query(sql).bind(id).bind(at).execute(db).await
}

/// A new password hash, temporary or the holder's own.
pub(crate) async fn set_password(
    db: Db<'_>,
    id: &str,
    password_hash: &str,
    at: OffsetDateTime,
    temporary: bool,
) -> Result<u64, StoreError> {
    query(
        "UPDATE accounts SET password_hash = $2, password_changed_at = $3,
             must_change_password = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .bind(at)
    .bind(temporary)
    .execute(db)
    .await
}
