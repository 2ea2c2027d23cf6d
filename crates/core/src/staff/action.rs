//! What the audit log records, by code, and who may do it.
//!
//! Codes are stable (they are filtered on and exported); labels are what staff read. Each
//! part of the console adds its own variants here, so that the audit page can name every
//! action it lists; a code this build does not know is shown as the code itself.
//!
//! [`Action::least_role`] is the permission table: the least role that may ask for each
//! action. The console's handlers check the same roles on their routes; the use cases in
//! madoguchi-staff check this table for whoever asks, so that a change to an account is
//! refused the same way whichever shell it comes through.

use super::role::Role;

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
    /// A consultation filed on the public form (nobody in the console asks for it).
    CaseFile,
    CaseView,
    CaseHearing,
    /// Hearing notes, tags or category changed.
    CaseNote,
    CaseRefer,
    CaseAccept,
    CaseDecline,
    /// Staff took a case back from its expert (担当替え).
    CaseReassign,
    CaseSession,
    CaseClose,
    CaseWithdraw,
    CaseMerge,
    /// The retention job (or command) purged personal data.
    CasePurge,
    PersonExport,
    PersonErase,
    ExpertSave,
    /// A side-job project posted for a business.
    ProjectCreate,
    /// A coordinator approved a professional for a project (応募).
    ProjectApprove,
    /// A project moved on (面談, 合意, 実施中, 完了 with the reviews), back to 募集中, or
    /// was cancelled.
    ProjectStep,
    /// Dead letters of notices put back in the outbox.
    NoticeRequeue,
    /// A notice written by staff saved (or started) as a draft.
    NoticeDraftSave,
    /// A staff notice sent for another person's approval.
    NoticeReviewRequest,
    /// A staff notice approved and scheduled (at once, or for a set time).
    NoticeSchedule,
    /// A staff notice sent back to 下書き (approval refused, or the schedule cancelled).
    NoticeReturn,
    NoticeDiscard,
    /// A scheduled staff notice sent by the notices job (nobody asks for it).
    NoticeSend,
}

impl Action {
    pub const ALL: [Action; 53] = [
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
        Action::CaseFile,
        Action::CaseView,
        Action::CaseHearing,
        Action::CaseNote,
        Action::CaseRefer,
        Action::CaseAccept,
        Action::CaseDecline,
        Action::CaseReassign,
        Action::CaseSession,
        Action::CaseClose,
        Action::CaseWithdraw,
        Action::CaseMerge,
        Action::CasePurge,
        Action::PersonExport,
        Action::PersonErase,
        Action::ExpertSave,
        Action::ProjectCreate,
        Action::ProjectApprove,
        Action::ProjectStep,
        Action::NoticeRequeue,
        Action::NoticeDraftSave,
        Action::NoticeReviewRequest,
        Action::NoticeSchedule,
        Action::NoticeReturn,
        Action::NoticeDiscard,
        Action::NoticeSend,
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
            Self::CaseFile => "case.file",
            Self::CaseView => "case.view",
            Self::CaseHearing => "case.hearing",
            Self::CaseNote => "case.note",
            Self::CaseRefer => "case.refer",
            Self::CaseAccept => "case.accept",
            Self::CaseDecline => "case.decline",
            Self::CaseReassign => "case.reassign",
            Self::CaseSession => "case.session",
            Self::CaseClose => "case.close",
            Self::CaseWithdraw => "case.withdraw",
            Self::CaseMerge => "case.merge",
            Self::CasePurge => "case.purge",
            Self::PersonExport => "person.export",
            Self::PersonErase => "person.erase",
            Self::ExpertSave => "expert.save",
            Self::ProjectCreate => "project.create",
            Self::ProjectApprove => "project.approve",
            Self::ProjectStep => "project.step",
            Self::NoticeRequeue => "notice.requeue",
            Self::NoticeDraftSave => "notice.draft_save",
            Self::NoticeReviewRequest => "notice.review_request",
            Self::NoticeSchedule => "notice.schedule",
            Self::NoticeReturn => "notice.return",
            Self::NoticeDiscard => "notice.discard",
            Self::NoticeSend => "notice.send",
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
            Self::CaseFile => "相談の受付",
            Self::CaseView => "相談の閲覧",
            Self::CaseHearing => "ヒアリングの開始",
            Self::CaseNote => "相談の記録の更新",
            Self::CaseRefer => "専門家への紹介",
            Self::CaseAccept => "相談の引き受け",
            Self::CaseDecline => "相談の辞退",
            Self::CaseReassign => "相談の担当替え",
            Self::CaseSession => "相談の実施記録",
            Self::CaseClose => "相談の完了",
            Self::CaseWithdraw => "相談の取下げ",
            Self::CaseMerge => "重複した相談の統合",
            Self::CasePurge => "保存期間を過ぎた個人情報の消去",
            Self::PersonExport => "本人の情報の書き出し",
            Self::PersonErase => "本人の求めによる消去",
            Self::ExpertSave => "専門家の登録・変更",
            Self::ProjectCreate => "副業案件の登録",
            Self::ProjectApprove => "副業人材のマッチングの承認",
            Self::ProjectStep => "副業案件の状態の変更",
            Self::NoticeRequeue => "お知らせの再送",
            Self::NoticeDraftSave => "お知らせの下書きの保存",
            Self::NoticeReviewRequest => "お知らせの承認の依頼",
            Self::NoticeSchedule => "お知らせの送信の承認・予約",
            Self::NoticeReturn => "お知らせの差し戻し",
            Self::NoticeDiscard => "お知らせの下書きの破棄",
            Self::NoticeSend => "お知らせの送信",
        }
    }

    /// The least role that may do this action, or `None` for what nobody asks for — it
    /// happens to an account or a job (a sign-in, a lock, an import ending) and is
    /// recorded when it does.
    pub fn least_role(self) -> Option<Role> {
        match self {
            Self::LoginSuccess
            | Self::LoginFailure
            | Self::AccountLock
            | Self::ImportDone
            | Self::ImportFail
            | Self::CaseFile
            | Self::CasePurge
            | Self::NoticeSend => None,
            Self::Logout | Self::LogoutEverywhere | Self::PasswordChange => Some(Role::Expert),
            Self::ProgramVerify
            | Self::ProgramDraftSave
            | Self::ProgramReviewRequest
            | Self::ProgramReturn
            | Self::ProgramSchedule
            | Self::ProgramPublish
            | Self::ProgramDiscard
            | Self::ProgramRestore
            | Self::ProgramUnpublish
            | Self::ProgramUnpublishSchedule
            | Self::ProgramCloseBudget
            | Self::ImportConfirm
            | Self::CaseView
            | Self::CaseHearing
            | Self::CaseNote
            | Self::CaseRefer
            | Self::CaseAccept
            | Self::CaseDecline
            | Self::CaseReassign
            | Self::CaseSession
            | Self::CaseClose
            | Self::CaseWithdraw
            | Self::CaseMerge
            | Self::ProjectCreate
            | Self::ProjectApprove
            | Self::ProjectStep
            | Self::NoticeRequeue
            | Self::NoticeDraftSave
            | Self::NoticeReviewRequest
            | Self::NoticeSchedule
            | Self::NoticeReturn
            | Self::NoticeDiscard => Some(Role::Staff),
            Self::AccountCreate
            | Self::AccountRole
            | Self::AccountDisable
            | Self::AccountEnable
            | Self::AccountPasswordReset
            | Self::SettingChange
            | Self::AuditExport
            | Self::PersonExport
            | Self::PersonErase
            | Self::ExpertSave => Some(Role::Admin),
        }
    }

    /// What a 専門家 may do on a case introduced to them, beside what their role allows:
    /// read it, take it on or decline it, record its sessions and close it. Whose case it
    /// is, the desk checks; 閲覧 never sees consultations, which hold personal data.
    pub fn expert_may_on_own_case(self) -> bool {
        matches!(
            self,
            Self::CaseView
                | Self::CaseAccept
                | Self::CaseDecline
                | Self::CaseSession
                | Self::CaseClose
        )
    }

    /// The label of a stored code, or the code itself if this build does not know it.
    pub fn label_of(code: &str) -> String {
        Self::ALL
            .into_iter()
            .find(|a| a.code() == code)
            .map_or_else(|| code.to_owned(), |a| a.label().to_owned())
    }
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

    /// The permission table, as docs/console.md describes the roles: 管理者 manages
    /// accounts, settings and the audit log; 職員 edits, publishes and imports; 閲覧
    /// changes only their own password.
    #[test]
    fn each_role_may_do_what_the_table_gives_it_and_what_a_lower_role_may() {
        let may = |role: Role| -> Vec<&str> {
            Action::ALL
                .into_iter()
                .filter(|a| role.may(*a))
                .map(Action::code)
                .collect()
        };
        assert_eq!(
            may(Role::Viewer),
            ["logout", "logout.everywhere", "account.password_change"]
        );
        let staff = may(Role::Staff);
        assert!(staff.contains(&"program.publish") && staff.contains(&"import.confirm"));
        assert!(staff.contains(&"program.verify") && staff.contains(&"program.draft_save"));
        assert!(
            !staff
                .iter()
                .any(|c| c.starts_with("account.") && *c != "account.password_change")
        );
        assert!(!staff.contains(&"setting.change") && !staff.contains(&"audit.export"));
        let admin = may(Role::Admin);
        for code in [
            "account.create",
            "account.role",
            "account.disable",
            "account.enable",
            "account.password_reset",
            "setting.change",
            "audit.export",
        ] {
            assert!(admin.contains(&code) && !staff.contains(&code), "{code}");
        }
        for role in Role::ALL {
            for lower in Role::ALL.into_iter().filter(|r| role.allows(*r)) {
                assert!(
                    may(lower).iter().all(|c| may(role).contains(c)),
                    "{role} ⊇ {lower}"
                );
            }
        }
        // Events nobody asks for: nobody may "do" them, not even 管理者.
        for event in [
            Action::LoginSuccess,
            Action::LoginFailure,
            Action::AccountLock,
            Action::ImportDone,
            Action::ImportFail,
        ] {
            assert_eq!(event.least_role(), None);
            assert!(!Role::Admin.may(event));
        }
        // 専門家 signs out and changes their password; consultations only as their own.
        assert_eq!(may(Role::Expert), may(Role::Viewer));
        assert!(!may(Role::Viewer).iter().any(|c| c.starts_with("case.")));
        assert!(Action::CaseAccept.expert_may_on_own_case());
        assert!(!Action::CaseRefer.expert_may_on_own_case());
        assert!(!Action::CaseMerge.expert_may_on_own_case());
    }
}
