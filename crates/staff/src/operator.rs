//! Who asks for a change to an account: a signed-in member of staff in the console, or
//! someone at the server's command line. The permission table applies to the first; the
//! audit log names both.

use madoguchi_core::staff::{Action, Role};
use madoguchi_store::Account;

use crate::StaffError;

/// Who asks for a use case, as the permission table and the audit log see them.
#[derive(Debug, Clone)]
pub enum Operator<'a> {
    /// `madoguchi user` on the server. Whoever runs it holds the database already, so the
    /// permission table does not apply (it makes the first 管理者); the audit log names it
    /// 「コマンドライン」, without an account or an address.
    CommandLine,
    /// A signed-in member of staff, and the address their request came from (as the audit
    /// log records it; `None` if unknown).
    Console {
        account: &'a Account,
        client: Option<String>,
    },
}

impl Operator<'_> {
    /// How the audit log names changes made at the command line.
    pub const COMMAND_LINE: &'static str = "コマンドライン";

    /// Whether a password this operator sets for an account is temporary. In the console
    /// it is: an administrator chose it, and its holder must replace it with their own. At
    /// the command line it is not: that is how the first 管理者, or one who forgot their
    /// password, gets in, and whoever runs it holds the server already.
    pub fn sets_temporary_passwords(&self) -> bool {
        matches!(self, Self::Console { .. })
    }

    /// The account that asks, if an account asks.
    pub fn account(&self) -> Option<&Account> {
        match self {
            Self::CommandLine => None,
            Self::Console { account, .. } => Some(account),
        }
    }

    /// Refuses unless this operator may do `action` (see [`Action::least_role`]).
    pub fn check(&self, action: Action) -> Result<(), StaffError> {
        match self {
            Self::CommandLine => Ok(()),
            Self::Console { account, .. } if account.role.may(action) => Ok(()),
            Self::Console { .. } => Err(StaffError::NotAllowed {
                needed: action.least_role().unwrap_or(Role::Admin),
            }),
        }
    }

    pub(crate) fn actor_id(&self) -> Option<String> {
        self.account().map(|a| a.id.clone())
    }

    pub(crate) fn actor_name(&self) -> String {
        self.account()
            .map_or_else(|| Self::COMMAND_LINE.to_owned(), |a| a.display_name.clone())
    }

    pub(crate) fn client(&self) -> Option<String> {
        match self {
            Self::CommandLine => None,
            Self::Console { client, .. } => client.clone(),
        }
    }
}
