//! What the audit log records, by code, and the one function that records it.
//!
//! Codes are stable (they are filtered on and exported); labels are what staff read. Each
//! part of the console adds its own variants here, so that the audit page can name every
//! action it lists; a code this build does not know is shown as the code itself.

use madoguchi_store::NewAuditEntry;

use super::client::Client;
use crate::{AppError, AppState};

/// Every action the console records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    LoginSuccess,
    LoginFailure,
    /// Repeated failures locked an account.
    AccountLock,
    Logout,
    LogoutEverywhere,
    AccountCreate,
    AccountRole,
    AccountDisable,
    AccountEnable,
    /// An administrator set someone's password.
    AccountPasswordReset,
    /// Someone changed their own password.
    PasswordChange,
    SettingChange,
    ProgramVerify,
    AuditExport,
}

impl Action {
    pub const ALL: [Action; 14] = [
        Action::LoginSuccess,
        Action::LoginFailure,
        Action::AccountLock,
        Action::Logout,
        Action::LogoutEverywhere,
        Action::AccountCreate,
        Action::AccountRole,
        Action::AccountDisable,
        Action::AccountEnable,
        Action::AccountPasswordReset,
        Action::PasswordChange,
        Action::SettingChange,
        Action::ProgramVerify,
        Action::AuditExport,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Self::LoginSuccess => "login.success",
            Self::LoginFailure => "login.failure",
            Self::AccountLock => "account.lock",
            Self::Logout => "logout",
            Self::LogoutEverywhere => "logout.everywhere",
            Self::AccountCreate => "account.create",
            Self::AccountRole => "account.role",
            Self::AccountDisable => "account.disable",
            Self::AccountEnable => "account.enable",
            Self::AccountPasswordReset => "account.password_reset",
            Self::PasswordChange => "account.password_change",
            Self::SettingChange => "setting.change",
            Self::ProgramVerify => "program.verify",
            Self::AuditExport => "audit.export",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::LoginSuccess => "ログイン",
            Self::LoginFailure => "ログイン失敗",
            Self::AccountLock => "ログインの一時停止",
            Self::Logout => "ログアウト",
            Self::LogoutEverywhere => "すべての端末からログアウト",
            Self::AccountCreate => "利用者の追加",
            Self::AccountRole => "役割の変更",
            Self::AccountDisable => "利用者の無効化",
            Self::AccountEnable => "利用者の有効化",
            Self::AccountPasswordReset => "パスワードの再設定",
            Self::PasswordChange => "パスワードの変更",
            Self::SettingChange => "設定の変更",
            Self::ProgramVerify => "制度の確認",
            Self::AuditExport => "監査ログの書き出し",
        }
    }

    /// The label of a stored code, or the code itself if this build does not know it.
    pub fn label_of(code: &str) -> String {
        Self::ALL
            .into_iter()
            .find(|a| a.code() == code)
            .map_or_else(|| code.to_owned(), |a| a.label().to_owned())
    }
}

/// Who acted, as the log names them.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The account id; `None` for an unknown login or the command line.
    pub id: Option<&'a str>,
    pub name: &'a str,
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
    let entry = NewAuditEntry {
        actor_id: actor.id.map(str::to_owned),
        actor_name: actor.name.to_owned(),
        action: action.code().to_owned(),
        target: target.map(str::to_owned),
        detail: detail.into(),
        client: client.for_audit(),
    };
    state.store().append_audit(&entry).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct_and_valid_for_the_store() {
        let mut codes: Vec<&str> = Action::ALL.iter().map(|a| a.code()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Action::ALL.len());
        assert!(codes.iter().all(|c| {
            c.bytes()
                .all(|b| b.is_ascii_lowercase() || b"._".contains(&b))
        }));
        assert_eq!(Action::label_of("login.failure"), "ログイン失敗");
        assert_eq!(Action::label_of("import.run"), "import.run");
    }
}
