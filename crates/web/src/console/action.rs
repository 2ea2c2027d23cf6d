//! The one function that records an action of the console in the audit log, and who it
//! names as having acted.
//!
//! The actions themselves, their codes and labels and the least role that may do each, are
//! the domain's: [`madoguchi_core::staff::Action`]. Changes to accounts are recorded by the
//! use cases in madoguchi-staff, which the command line shares.

use madoguchi_core::staff::Action;
use madoguchi_store::NewAuditEntry;

use crate::http::client::Client;
use crate::{AppError, AppState};

/// Who acted, as the log names them.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The account id; `None` for an unknown login or the app itself (the scheduler, the
    /// import watcher).
    pub id: Option<&'a str>,
    pub name: &'a str,
}

impl<'a> Actor<'a> {
    /// An account, by its id and display name.
    pub fn of(account: &'a madoguchi_store::Account) -> Self {
        Self {
            id: Some(&account.id),
            name: &account.display_name,
        }
    }
}

/// Appends one entry. `detail` is a plain Japanese summary; never put a password in it.
pub async fn record(
    state: &AppState,
    actor: Actor<'_>,
    action: Action,
    target: Option<&str>,
    detail: impl Into<String>,
    client: Client,
) -> Result<(), AppError> {
    state
        .store()
        .append_audit(&entry(actor, action, target, detail, client))
        .await?;
    Ok(())
}

/// The entry [`record`] appends, for a change the store writes with its entry in one
/// transaction.
pub fn entry(
    actor: Actor<'_>,
    action: Action,
    target: Option<&str>,
    detail: impl Into<String>,
    client: Client,
) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: actor.id.map(str::to_owned),
        actor_name: actor.name.to_owned(),
        action: action.code().to_owned(),
        target: target.map(str::to_owned),
        detail: detail.into(),
        client: client.for_audit(),
    }
}
