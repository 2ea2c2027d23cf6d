//! The password policy: what a new password must be before it is hashed. Checked the same
//! way for a password chosen in the console, reset by an administrator or given to
//! `madoguchi user`.

use std::fmt;

use super::login::Login;

/// The fewest characters a password may have.
pub const MIN_CHARS: usize = 12;
/// The most: enough for any passphrase, few enough to bound the work per attempt.
pub const MAX_CHARS: usize = 256;

/// Why a new password is refused, said to the person choosing it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("パスワードは{MIN_CHARS}文字以上にしてください。")]
    TooShort,
    #[error("パスワードは{MAX_CHARS}文字以内にしてください。")]
    TooLong,
    #[error("ログインIDと同じパスワードは使えません。")]
    SameAsLogin,
}

/// A password that meets the policy, about to be hashed. Never printed.
#[derive(Clone)]
pub struct NewPassword(String);

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword(***)")
    }
}

impl NewPassword {
    /// Checks the policy. Spaces count like any character: a passphrase is welcome.
    pub fn parse(raw: &str, login: &Login) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if chars < MIN_CHARS || raw.trim().is_empty() {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_CHARS {
            return Err(PasswordError::TooLong);
        }
        if raw.trim().eq_ignore_ascii_case(login.as_str()) {
            return Err(PasswordError::SameAsLogin);
        }
        Ok(Self(raw.to_owned()))
    }

    /// The password itself, for the hasher and nothing else.
    pub fn reveal(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn login() -> Login {
        Login::parse("tanaka").unwrap()
    }

    #[test]
    fn a_new_password_needs_twelve_characters_and_not_the_login() {
        assert_eq!(
            NewPassword::parse("短いパスワード", &login()).unwrap_err(),
            PasswordError::TooShort
        );
        assert!(PasswordError::TooShort.to_string().contains("12文字以上"));
        assert!(NewPassword::parse(&" ".repeat(20), &login()).is_err());
        assert!(NewPassword::parse(&"x".repeat(MAX_CHARS + 1), &login()).is_err());
        assert!(NewPassword::parse("いろはにほへとちりぬるを", &login()).is_ok());
        let same = Login::parse("tanaka.ichiro").unwrap();
        assert_eq!(
            NewPassword::parse("Tanaka.Ichiro", &same).unwrap_err(),
            PasswordError::SameAsLogin
        );
    }

    #[test]
    fn a_new_password_is_never_printed() {
        let password = NewPassword::parse("correct horse battery", &login()).unwrap();
        assert!(!format!("{password:?}").contains("horse"));
        assert_eq!(password.reveal(), "correct horse battery");
    }
}
