//! Staff accounts as the store keeps them: who may sign in to the console, in which role,
//! and where their sign-in stands (failures counted, a temporary lock, disabled).
//!
//! The store never sees a password: it keeps the PHC string the web layer's argon2id made
//! and hands it back for verification. Logins are case-folded here, once, so that
//! 「Tanaka」, 「tanaka」 and 「ｔａｎａｋａ」 (typed with the IME on) are one account.

pub(crate) mod sql;

use std::fmt;

use time::{Duration, OffsetDateTime};

use crate::StoreError;

/// What an account may do in the console. Ordered: a role allows all a lower one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// 閲覧: reads the console, changes nothing.
    Viewer,
    /// 職員: edits, publishes and imports programs.
    Staff,
    /// 管理者: everything, and accounts and settings besides.
    Admin,
}

impl Role {
    /// Highest first, as lists and forms offer them.
    pub const ALL: [Role; 3] = [Role::Admin, Role::Staff, Role::Viewer];

    /// The code kept in the database and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Viewer => "viewer",
            Self::Staff => "staff",
            Self::Admin => "admin",
        }
    }

    /// The name staff see.
    pub fn label(self) -> &'static str {
        match self {
            Self::Viewer => "閲覧",
            Self::Staff => "職員",
            Self::Admin => "管理者",
        }
    }

    /// The role a code names.
    pub fn parse(code: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|role| role.code() == code.trim())
            .ok_or_else(|| {
                StoreError::InvalidAccount(
                    "役割は「admin」（管理者）、「staff」（職員）、「viewer」（閲覧）のいずれかで指定してください"
                        .to_owned(),
                )
            })
    }

    /// Whether this role may do what `needed` may.
    pub fn allows(self, needed: Role) -> bool {
        self >= needed
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A login name: 1–64 of `a-z 0-9 . _ - @`, case-folded; full-width letters are read as
/// their half-width forms.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Login(String);

impl Login {
    const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        let folded: String = raw.trim().chars().map(half_width).collect();
        let folded = folded.to_ascii_lowercase();
        let ok = !folded.is_empty()
            && folded.len() <= Self::MAX_LEN
            && folded
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-@".contains(&b));
        if ok {
            Ok(Self(folded))
        } else {
            Err(StoreError::InvalidAccount(
                "ログインIDは、半角の英字・数字と「. _ - @」を使って64文字以内で指定してください"
                    .to_owned(),
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Login {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Full-width ASCII (U+FF01–U+FF5E) as its half-width form; anything else unchanged.
fn half_width(c: char) -> char {
    match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// The name shown for an account: 1–50 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DisplayName(String);

impl DisplayName {
    const MAX_CHARS: usize = 50;

    pub fn parse(raw: &str) -> Result<Self, StoreError> {
        let name = raw.trim();
        let count = name.chars().count();
        if count == 0 || count > Self::MAX_CHARS || name.chars().any(char::is_control) {
            return Err(StoreError::InvalidAccount(
                "表示名は1文字以上50文字以内で指定してください（改行などは使えません）".to_owned(),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

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
    fn roles_are_ordered_so_that_a_higher_one_allows_a_lower_ones_work() {
        assert!(Role::Admin.allows(Role::Staff));
        assert!(Role::Staff.allows(Role::Staff));
        assert!(!Role::Viewer.allows(Role::Staff));
        assert!(!Role::Staff.allows(Role::Admin));
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()).unwrap(), role);
        }
        assert!(Role::parse("root").is_err());
    }

    #[test]
    fn logins_are_case_folded_and_full_width_letters_read_as_half_width() {
        assert_eq!(Login::parse(" Tanaka ").unwrap().as_str(), "tanaka");
        assert_eq!(Login::parse("ｔａｎａｋａ").unwrap().as_str(), "tanaka");
        assert_eq!(Login::parse("K.Sato@city").unwrap().as_str(), "k.sato@city");
        for bad in ["", "田中", "a b", "a/b", &"a".repeat(65)] {
            let err = Login::parse(bad).unwrap_err();
            assert!(err.to_string().contains("ログインID"), "{bad}: {err}");
        }
    }

    #[test]
    fn a_display_name_is_short_and_on_one_line() {
        assert_eq!(
            DisplayName::parse(" 田中 一郎 ").unwrap().as_str(),
            "田中 一郎"
        );
        assert!(DisplayName::parse("").is_err());
        assert!(DisplayName::parse("田中\n一郎").is_err());
        assert!(DisplayName::parse(&"あ".repeat(51)).is_err());
    }

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
