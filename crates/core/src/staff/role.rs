//! The roles of the console. Ordered: a role allows all a lower one does. 専門家 (an
//! expert of the consultation desk) is the lowest: they sign in for their own cases only.

use std::fmt;

use super::action::Action;
use super::login::AccountError;

/// What an account may do in the console. Ordered: a role allows all a lower one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 専門家: an advisor, partner company or side-job professional of the desk; sees and
    /// answers only the cases introduced to them (the desk checks whose case it is).
    Expert,
    /// 閲覧: reads the console, changes nothing.
    Viewer,
    /// 職員: edits, publishes and imports programs.
    Staff,
    /// 管理者: everything, and accounts and settings besides.
    Admin,
}

impl Role {
    /// Highest first, as lists and forms offer them.
    pub const ALL: [Role; 4] = [Role::Admin, Role::Staff, Role::Viewer, Role::Expert];

    /// The code kept in the database and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Expert => "expert",
            Self::Viewer => "viewer",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    /// The name staff see.
    pub fn label(self) -> &'static str {
        match self {
            Self::Expert => "専門家",
            Self::Viewer => "閲覧",
            Self::Staff => "職員",
            Self::Admin => "管理者",
        }
    }

    /// The role a code names.
    pub fn parse(code: &str) -> Result<Self, AccountError> {
        Self::ALL
            .into_iter()
            .find(|role| role.code() == code.trim())
            .ok_or(AccountError::Role)
    }

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }

    /// Whether this role may do `action` at all (see [`Action::least_role`]).
    pub fn may(self, action: Action) -> bool {
        action
            .least_role()
            .is_some_and(|needed| self.allows(needed))
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_ordered_so_that_a_higher_one_allows_a_lower_ones_work() {
        assert!(Role::Admin.allows(Role::Staff));
        assert!(Role::Staff.allows(Role::Staff));
        assert!(!Role::Viewer.allows(Role::Staff));
        assert!(!Role::Staff.allows(Role::Admin));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()).unwrap(), role);
        }
        assert_eq!(Role::parse(" staff ").unwrap(), Role::Staff);
        let err = Role::parse("root").unwrap_err();
        assert!(err.to_string().contains("役割は"), "{err}");
    }
}
