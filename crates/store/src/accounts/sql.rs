//! The statements on `accounts`, written once for both backends (see `db` for why
//! one text serves both). Times come in already cut to whole seconds in UTC.

use time::OffsetDateTime;

use super::{AccountRow, NewAccount};
use crate::StoreError;
use crate::db::{Db, query};

const COLUMNS: &str = "id, login, display_name, role, password_hash, created_at, disabled_at, \
    failed_logins, locked_until, password_changed_at, must_change_password";

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
             failed_logins, password_changed_at, must_change_password)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $6, $7)
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

/// Counts one failure in the same statement that reads the count, so that failures from
/// several processes at once are all counted; the one that reaches `lock_after` (and each
/// after it) locks the account until `lock_until`.
pub(crate) async fn count_failure(
    db: Db<'_>,
    id: &str,
    lock_after: i64,
    lock_until: OffsetDateTime,
) -> Result<Option<(i64, Option<OffsetDateTime>)>, StoreError> {
    query(
        "UPDATE accounts SET failed_logins = failed_logins + 1,
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
         WHERE id = $1
         RETURNING failed_logins, locked_until",
    )
    .bind(id)
    .bind(lock_after)
    .bind(lock_until)
    .fetch_optional(db)
    .await
}

/// Clears the failure count and any lock.
pub(crate) async fn clear_failures(db: Db<'_>, id: &str) -> Result<u64, StoreError> {
    query("UPDATE accounts SET failed_logins = 0, locked_until = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await
}

/// A new password hash, temporary or the holder's own; failures and any lock are cleared
/// with it.
pub(crate) async fn set_password(
    db: Db<'_>,
    id: &str,
    password_hash: &str,
    at: OffsetDateTime,
    temporary: bool,
) -> Result<u64, StoreError> {
    query(
        "UPDATE accounts SET password_hash = $2, password_changed_at = $3,
             failed_logins = 0, locked_until = NULL, must_change_password = $4
         WHERE id = $1",
    )
    .bind(id)
    .bind(password_hash)
    .bind(at)
    .bind(temporary)
    .execute(db)
    .await
}
