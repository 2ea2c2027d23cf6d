//! The rules that keep the console manageable whoever changes an account: nobody disables
//! themselves, and the last active 管理者 can be neither disabled nor demoted — else nobody
//! could add or repair accounts from the console again. Pure functions over the accounts
//! they are given; the use cases in madoguchi-staff load the accounts and apply them for
//! the console and the command line alike.

use super::role::Role;

/// What these rules need to know of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member<'a> {
    /// The account's id in the store.
    pub id: &'a str,
    pub role: Role,
    /// Not disabled.
    pub active: bool,
}

/// Why a change to an account is refused, said to the person who asked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("自分自身を無効にすることはできません。")]
    DisableSelf,
    #[error("最後の管理者は無効にできません。先に別の管理者を追加してください。")]
    DisableLastAdmin,
    #[error("最後の管理者の役割は変更できません。先に別の管理者を追加してください。")]
    DemoteLastAdmin,
}

/// Whether `account` is an active 管理者 and no other account in `accounts` is one.
pub fn is_last_active_admin<'a>(
    accounts: impl IntoIterator<Item = Member<'a>>,
    account: Member<'_>,
) -> bool {
    account.role == Role::Admin
        && account.active
        && !accounts
            .into_iter()
            .any(|a| a.id != account.id && a.role == Role::Admin && a.active)
}

/// Whether `target` may be disabled by the account `by` (`None`: not an account, such as
/// the command line), among `accounts` (every account, `target` included or not).
pub fn check_disable<'a>(
    accounts: impl IntoIterator<Item = Member<'a>>,
    target: Member<'_>,
    by: Option<&str>,
) -> Result<(), Refusal> {
    if by == Some(target.id) {
        return Err(Refusal::DisableSelf);
    }
    if is_last_active_admin(accounts, target) {
        return Err(Refusal::DisableLastAdmin);
    }
    Ok(())
}

/// Whether `target` may be given the role `to`, among `accounts`.
pub fn check_role_change<'a>(
    accounts: impl IntoIterator<Item = Member<'a>>,
    target: Member<'_>,
    to: Role,
) -> Result<(), Refusal> {
    if to != Role::Admin && is_last_active_admin(accounts, target) {
        return Err(Refusal::DemoteLastAdmin);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: &str, role: Role, active: bool) -> Member<'_> {
        Member { id, role, active }
    }

    #[test]
    fn the_last_active_administrator_is_the_only_active_admin() {
        let admin = member("a", Role::Admin, true);
        let staff = member("s", Role::Staff, true);
        let disabled_admin = member("d", Role::Admin, false);
        let other_admin = member("b", Role::Admin, true);

        assert!(is_last_active_admin([admin], admin));
        assert!(is_last_active_admin([admin, staff, disabled_admin], admin));
        // The target need not be in the list it is compared with.
        assert!(is_last_active_admin([staff], admin));
        assert!(!is_last_active_admin([admin, other_admin], admin));
        // Only an active 管理者 can be the last one.
        assert!(!is_last_active_admin([staff], staff));
        assert!(!is_last_active_admin(
            [disabled_admin, staff],
            disabled_admin
        ));
    }

    #[test]
    fn nobody_disables_themselves_or_the_last_active_administrator() {
        let admin = member("a", Role::Admin, true);
        let other_admin = member("b", Role::Admin, true);
        let staff = member("s", Role::Staff, true);

        assert_eq!(
            check_disable([admin, staff], admin, None),
            Err(Refusal::DisableLastAdmin),
            "the command line too"
        );
        assert_eq!(
            check_disable([admin, staff], staff, Some("a")),
            Ok(()),
            "anyone else may be disabled"
        );
        assert_eq!(
            check_disable([admin, other_admin], other_admin, Some("b")),
            Err(Refusal::DisableSelf),
            "not even with another 管理者 left"
        );
        assert_eq!(
            check_disable([admin, other_admin], other_admin, Some("a")),
            Ok(())
        );
        assert_eq!(
            check_disable([admin, other_admin], other_admin, None),
            Ok(())
        );
        // A disabled 管理者 can be disabled again: nothing changes.
        let disabled = member("d", Role::Admin, false);
        assert_eq!(check_disable([admin, disabled], disabled, None), Ok(()));
        assert!(
            Refusal::DisableLastAdmin
                .to_string()
                .contains("最後の管理者")
        );
    }

    #[test]
    fn the_last_active_administrator_keeps_the_role() {
        let admin = member("a", Role::Admin, true);
        let other_admin = member("b", Role::Admin, true);
        let staff = member("s", Role::Staff, true);
        for to in [Role::Staff, Role::Viewer] {
            assert_eq!(
                check_role_change([admin, staff], admin, to),
                Err(Refusal::DemoteLastAdmin)
            );
            assert_eq!(check_role_change([admin, other_admin], admin, to), Ok(()));
        }
        assert_eq!(check_role_change([admin], admin, Role::Admin), Ok(()));
        assert_eq!(
            check_role_change([admin, staff], staff, Role::Admin),
            Ok(())
        );
        assert_eq!(
            check_role_change([admin, staff], staff, Role::Viewer),
            Ok(())
        );
    }
}
