//! What the audit log records, by code, and the one function that records it.
//!
//! Codes are stable (they are filtered on and exported); labels are what staff read. Each
//! part of the console adds its own variants here, so that the audit page can name every
//! action it lists; a code this build does not know is shown as the code itself.

use madoguchi_store::NewAuditEntry;

use crate::client::Client;
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
    /// A draft saved (or started) in the program editor.
    ProgramDraftSave,
    ProgramReviewRequest,
    /// A draft sent back to 下書き (or a scheduled publish cancelled).
    ProgramReturn,
    ProgramSchedule,
    ProgramPublish,
    ProgramDiscard,
    ProgramRestore,
    ProgramUnpublish,
    ProgramUnpublishSchedule,
    ProgramCloseBudget,
    /// An uploaded import confirmed: its job starts.
    ImportConfirm,
    ImportDone,
    ImportFail,
}

impl Action {
    pub const ALL: [Action; 27] = [
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
        Action::ProgramDraftSave,
        Action::ProgramReviewRequest,
        Action::ProgramReturn,
        Action::ProgramSchedule,
        Action::ProgramPublish,
        Action::ProgramDiscard,
        Action::ProgramRestore,
        Action::ProgramUnpublish,
        Action::ProgramUnpublishSchedule,
        Action::ProgramCloseBudget,
        Action::ImportConfirm,
        Action::ImportDone,
        Action::ImportFail,
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
            Self::ProgramDraftSave => "program.draft_save",
            Self::ProgramReviewRequest => "program.review_request",
            Self::ProgramReturn => "program.return",
            Self::ProgramSchedule => "program.schedule",
            Self::ProgramPublish => "program.publish",
            Self::ProgramDiscard => "program.discard",
            Self::ProgramRestore => "program.restore",
            Self::ProgramUnpublish => "program.unpublish",
            Self::ProgramUnpublishSchedule => "program.unpublish_schedule",
            Self::ProgramCloseBudget => "program.close_budget",
            Self::ImportConfirm => "import.confirm",
            Self::ImportDone => "import.done",
            Self::ImportFail => "import.fail",
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
            Self::ProgramDraftSave => "下書きの保存",
            Self::ProgramReviewRequest => "確認の依頼",
            Self::ProgramReturn => "下書きへの差し戻し",
            Self::ProgramSchedule => "公開の予約",
            Self::ProgramPublish => "公開",
            Self::ProgramDiscard => "下書きの破棄",
            Self::ProgramRestore => "過去の版の復元",
            Self::ProgramUnpublish => "公開の終了",
            Self::ProgramUnpublishSchedule => "公開終了の予約",
            Self::ProgramCloseBudget => "予算上限による受付終了",
            Self::ImportConfirm => "取り込みの確定",
            Self::ImportDone => "取り込みの完了",
            Self::ImportFail => "取り込みの失敗",
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
