//! The use cases on a staff account, each written once for the console and the command
//! line: check who asks against the permission table, apply the domain's rules, change the
//! account through the store, then write the audit entry (its text is here and nowhere
//! else; the account's login is its target; no password ever reaches it).
//!
//! A change, the sessions it ends and its audit entry are one transaction of the store
//! ([`Store::change_account`]): a change is never left unaudited, and the rules over all
//! accounts (the last active 管理者) are checked on the accounts as they are inside it, so
//! two administrators acting at the same instant cannot together break them. Nothing of a
//! refused use case is written.

use madoguchi_core::staff::{
    Action, DisplayName, Login, Member, NewPassword, Role, check_disable, check_role_change,
};
use madoguchi_store::{Account, AccountChange, NewAccount, NewAuditEntry, Store};

use crate::{Operator, StaffError, password};

/// An account to add, as typed and checked.
#[derive(Debug, Clone)]
pub struct NewMember {
    pub login: Login,
    pub display_name: DisplayName,
    pub role: Role,
    pub password: NewPassword,
}

/// Adds an account with its first password. A login already taken is refused with
/// `StoreError::LoginTaken`.
pub async fn add(
    store: &Store,
    operator: &Operator<'_>,
    new: NewMember,
) -> Result<Account, StaffError> {
    operator.check(Action::AccountCreate)?;
    let account = NewAccount {
        login: new.login,
        display_name: new.display_name,
        role: new.role,
        password_hash: password::hash_off_thread(new.password).await?,
        must_change_password: operator.sets_temporary_passwords(),
    };
    let account = store.create_account(&account).await?;
    let detail = format!(
        "利用者「{}」（{}、{}）を追加しました",
        account.login,
        account.display_name,
        account.role.label()
    );
    record(store, operator, Action::AccountCreate, &account, detail).await?;
    Ok(account)
}

/// Gives `target` the role `role`; false, and nothing recorded, if it has it already.
/// The last active 管理者 keeps the role.
pub async fn change_role(
    store: &Store,
    operator: &Operator<'_>,
    target: &Account,
    role: Role,
) -> Result<bool, StaffError> {
    operator.check(Action::AccountRole)?;
    if role == target.role {
        return Ok(false);
    }
    let detail = format!(
        "役割を{}から{}に変更しました",
        target.role.label(),
        role.label()
    );
    store
        .change_account(
            &target.id,
            AccountChange::Role(role),
            |accounts| {
                check_role_change(members(accounts), current(accounts, target), role)
                    .map_err(StaffError::from)
            },
            |_| entry(operator, Action::AccountRole, target, detail),
        )
        .await?;
    Ok(true)
}

/// Disables `target` — it can no longer sign in, at once — and ends all its sessions;
/// answers how many ended. Nobody disables themselves, and the last active 管理者 stays.
pub async fn disable(
    store: &Store,
    operator: &Operator<'_>,
    target: &Account,
) -> Result<u64, StaffError> {
    operator.check(Action::AccountDisable)?;
    let by = operator.account().map(|a| a.id.as_str());
    store
        .change_account(
            &target.id,
            AccountChange::Disable,
            |accounts| {
                check_disable(members(accounts), current(accounts, target), by)
                    .map_err(StaffError::from)
            },
            |ended| {
                let detail = format!("利用者を無効にしました（終了したセッション {ended}件）");
                entry(operator, Action::AccountDisable, target, detail)
            },
        )
        .await
}

/// Lets a disabled `target` sign in again.
pub async fn enable(
    store: &Store,
    operator: &Operator<'_>,
    target: &Account,
) -> Result<(), StaffError> {
    operator.check(Action::AccountEnable)?;
    let detail = "利用者を有効にしました".to_owned();
    store
        .change_account(
            &target.id,
            AccountChange::Enable,
            |_| Ok::<_, StaffError>(()),
            |_| entry(operator, Action::AccountEnable, target, detail),
        )
        .await?;
    Ok(())
}

/// Sets `target`'s password and ends all its sessions; answers
/// how many ended. Set in the console, it is temporary: the person must change it at
/// their next sign-in.
pub async fn reset_password(
    store: &Store,
    operator: &Operator<'_>,
    target: &Account,
    password: NewPassword,
) -> Result<u64, StaffError> {
    operator.check(Action::AccountPasswordReset)?;
    let hash = password::hash_off_thread(password).await?;
    store
        .change_account(
            &target.id,
            AccountChange::Password {
                hash: &hash,
                temporary: operator.sets_temporary_passwords(),
            },
            |_| Ok::<_, StaffError>(()),
            |ended| {
                let detail = format!("パスワードを再設定しました（終了したセッション {ended}件）");
                entry(operator, Action::AccountPasswordReset, target, detail)
            },
        )
        .await
}

/// What the domain's rules know of an account.
fn member(account: &Account) -> Member<'_> {
    Member {
        id: &account.id,
        role: account.role,
        active: account.is_active(),
    }
}

fn members(accounts: &[Account]) -> impl Iterator<Item = Member<'_>> {
    accounts.iter().map(member)
}

/// `target` as the store has it now (the caller may have read it a moment ago).
fn current<'a>(accounts: &'a [Account], target: &'a Account) -> Member<'a> {
    member(
        accounts
            .iter()
            .find(|a| a.id == target.id)
            .unwrap_or(target),
    )
}

/// Appends the use case's audit entry, naming the operator and the account's login.
async fn record(
    store: &Store,
    operator: &Operator<'_>,
    action: Action,
    target: &Account,
    detail: String,
) -> Result<(), StaffError> {
    store
        .append_audit(&entry(operator, action, target, detail))
        .await?;
    Ok(())
}

/// The use case's audit entry, naming the operator and the account's login.
fn entry(
    operator: &Operator<'_>,
    action: Action,
    target: &Account,
    detail: String,
) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: operator.actor_id(),
        actor_name: operator.actor_name(),
        action: action.code().to_owned(),
        target: Some(target.login.to_string()),
        detail,
        client: operator.client(),
    }
}
