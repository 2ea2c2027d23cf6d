//! The names an account goes by: its login (what is typed to sign in, one account per
//! login whatever the case or width it is typed in) and its display name (what the
//! console and the audit log show).

use std::fmt;

/// Why an account's login, display name or role is not acceptable. Said to the person who
/// typed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("利用者を保存できません。{}。", self.reason())]
pub enum AccountError {
    Login,
    DisplayName,
    Role,
}

impl AccountError {
    /// What to type instead, without the 「利用者を保存できません。」 lead (for a message
    /// beside a form field).
    pub fn reason(self) -> &'static str {
        match self {
            Self::Login => {
                "ログインIDは、半角の英字・数字と「. _ - @」を使って64文字以内で指定してください"
            }
            Self::DisplayName => {
                "表示名は1文字以上50文字以内で指定してください（改行などは使えません）"
            }
            Self::Role => {
                "役割は「admin」（管理者）、「staff」（職員）、「viewer」（閲覧）のいずれかで指定してください"
            }
        }
    }
}

/// A login name: 1–64 of `a-z 0-9 . _ - @`, case-folded; full-width letters are read as
/// their half-width forms, so that 「Tanaka」, 「tanaka」 and 「ｔａｎａｋａ」 (typed with the
/// IME on) are one account.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Login(String);

impl Login {
    const MAX_LEN: usize = 64;

    pub fn parse(raw: &str) -> Result<Self, AccountError> {
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
            Err(AccountError::Login)
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

    pub fn parse(raw: &str) -> Result<Self, AccountError> {
        let name = raw.trim();
        let count = name.chars().count();
        if count == 0 || count > Self::MAX_CHARS || name.chars().any(char::is_control) {
            return Err(AccountError::DisplayName);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn an_error_reads_as_the_store_said_it_and_gives_its_reason_alone_for_a_field() {
        let err = Login::parse("田中").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("利用者を保存できません。{}。", err.reason())
        );
        assert!(!err.reason().contains("保存できません"));
    }
}
