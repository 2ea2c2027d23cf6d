//! What can go wrong with the database, said once, in Japanese.
//!
//! Driver errors are translated here and nowhere else: a locked SQLite file becomes
//! [`StoreError::Busy`], a missing table becomes [`StoreError::NotMigrated`], a unique key
//! broken by a concurrent writer becomes [`StoreError::Conflict`]. Variants a person can act
//! on (a URL, a file, a retry) are apart from internal ones (a bug or a damaged database):
//! [`StoreError::kind`] sorts every variant into an [`ErrorKind`], exhaustively, for the
//! HTTP edge to map with no catch-all. No variant holds a database URL that still has its
//! password.

use std::path::PathBuf;

use madoguchi_core::program::{ModelError, ProgramId};
use thiserror::Error;

/// A failed store operation.
#[derive(Debug, Error)]
pub enum StoreError {
    // ---- Errors a person can act on ----
    /// The URL is neither `sqlite:…` nor `postgres://…` (held redacted).
    #[error(
        "データベースの指定「{0}」を読み取れません。--database-url は「sqlite:ファイルのパス」または「postgres://ユーザー@ホスト/データベース名」の形で指定してください。"
    )]
    UnsupportedUrl(String),
    /// The server did not answer or refused us (`target` is redacted).
    #[error(
        "データベースに接続できません（{target}：{reason}）。--database-url を確認してください。"
    )]
    Unreachable { target: String, reason: String },
    /// The SQLite file or its folder cannot be opened or created.
    #[error(
        "データベースファイル「{}」を開けません（{reason}）。パスと書き込み権限を確認してください。",
        path.display()
    )]
    CannotOpenFile { path: PathBuf, reason: String },
    /// The schema is missing: `migrate` was never run on this database.
    #[error("データベースの準備ができていません。先に `madoguchi migrate` を実行してください。")]
    NotMigrated,
    /// The database was migrated by a newer madoguchi than this one.
    #[error(
        "このデータベースは新しい版の madoguchi で更新されています（スキーマ版 {found}、この madoguchi は {known} まで）。madoguchi を更新してください。"
    )]
    SchemaTooNew { found: i64, known: i64 },
    /// A program in the batch breaks a rule of the model.
    #[error("制度「{id}」は保存できません。{source}")]
    InvalidProgram {
        id: ProgramId,
        #[source]
        source: ModelError,
    },
    /// One batch names the same program twice, so neither order would be right.
    #[error(
        "制度ID「{0}」が一度の保存に2回以上含まれています。重複を取り除いてからもう一度実行してください。"
    )]
    DuplicateInBatch(ProgramId),
    /// The change origin (`import:jgrants`, `cli`, `web`) is empty or too long.
    #[error(
        "変更元「{0}」は使えません。「import:jgrants」のように、空白を含まない64文字以内の半角英数字・記号で指定してください。"
    )]
    InvalidOrigin(String),
    /// A session's key is not a token hash, or a session lacks what it must carry.
    #[error("セッションを保存できません。{0}。")]
    InvalidSession(&'static str),
    /// A new session's key is taken: draw a new token and create it again.
    #[error("同じ鍵のセッションが既にあります。新しいトークンで作り直してください。")]
    SessionExists,
    /// A staff account's login, name, role or password hash is not acceptable.
    #[error("利用者を保存できません。{0}。")]
    InvalidAccount(String),
    /// Another account already has this login.
    #[error("ログインID「{0}」は既に使われています。別のログインIDを指定してください。")]
    LoginTaken(String),
    /// An audit entry lacks what every entry must say.
    #[error("監査ログに記録できません。{0}。")]
    InvalidAuditEntry(String),
    /// A setting's key or value is not acceptable.
    #[error("設定を保存できません。{0}。")]
    InvalidSetting(String),
    /// No program has this id.
    #[error("制度「{0}」は見つかりません。一覧から選び直してください。")]
    UnknownProgram(ProgramId),
    /// The program changed since the version the caller read: nothing was saved.
    #[error(
        "制度「{id}」は、開いた後に他の人が更新しました（開いた版 {expected}、現在の版 {current}）。最新の内容を確かめてから、もう一度操作してください。"
    )]
    Stale {
        id: ProgramId,
        expected: u32,
        current: u32,
    },
    /// The case changed since the revision the caller read: nothing was saved.
    #[error(
        "この相談（受付番号 {receipt}）は、開いた後に他の人が更新しました。上書きはしていません。画面を開き直して、今の状態を確かめてからもう一度操作してください。"
    )]
    StaleCase { receipt: String },
    /// No case has this id.
    #[error("相談（番号 {0}）は見つかりません。")]
    UnknownCase(i64),
    /// No expert is registered under this id.
    #[error("専門家「{0}」は登録されていません。")]
    UnknownExpert(String),
    /// A step the case's workflow refuses from where it stands.
    #[error(transparent)]
    CaseStep(#[from] madoguchi_core::desk::CaseError),
    /// The side-job project changed since the revision the caller read: nothing was saved.
    #[error(
        "この副業案件（番号 {id}）は、開いた後に他の人が更新しました。上書きはしていません。画面を開き直して、今の状態を確かめてからもう一度操作してください。"
    )]
    StaleProject { id: i64 },
    /// No side-job project has this id.
    #[error("副業案件（番号 {0}）は見つかりません。")]
    UnknownProject(i64),
    /// A step the project's workflow refuses from where it stands.
    #[error(transparent)]
    ProjectStep(#[from] madoguchi_core::desk::ProjectError),
    /// No notice has this id (or it is not one staff wrote).
    #[error("お知らせ（{0}）は見つかりません。一覧から選び直してください。")]
    UnknownNotice(String),
    /// The staff notice changed since the caller read it: nothing was saved.
    #[error(
        "このお知らせは、開いた後に他の人が変更しました。上書きはしていません。画面を開き直して、今の内容を確かめてからもう一度操作してください。"
    )]
    StaleNotice,
    /// The staff notice's state does not allow the step asked for.
    #[error(
        "このお知らせは「{state}」のため、{step}はできません。画面を開き直して、今の状態を確かめてください。"
    )]
    NoticeState {
        state: &'static str,
        step: &'static str,
    },
    /// A registry entry or case field that breaks a rule; the message says which.
    #[error("{0}")]
    InvalidDesk(String),
    /// The draft changed since the revision the caller read: nothing was saved.
    #[error(
        "制度「{id}」の下書きは、開いた後に他の人が保存しました（開いた改訂 {expected}、現在の改訂 {current}）。上書きはしていません。違いを確かめてから、もう一度保存してください。"
    )]
    StaleDraft {
        id: ProgramId,
        expected: u32,
        current: u32,
    },
    /// The program has no draft (it was published or discarded meanwhile).
    #[error("制度「{0}」の下書きはありません。公開されたか、破棄された可能性があります。")]
    NoDraft(ProgramId),
    /// The draft's state does not allow the step asked for.
    #[error("制度「{id}」の下書きは「{state}」のため、{step}はできません。")]
    DraftState {
        id: ProgramId,
        state: &'static str,
        step: &'static str,
    },
    /// A confirmed import was no longer running when its save was to commit (it had been
    /// given up as interrupted), so nothing was saved.
    #[error(
        "取り込み（番号 {0}）は中断されたものとして扱われていたため、保存しませんでした。もう一度アップロードしてください。"
    )]
    ImportNotRunning(i64),
    /// Another import is being saved into the same SQLite database (imports there are staged
    /// one at a time).
    #[error(
        "別の取り込みを保存している最中のため、取り込みを始めていません。その取り込みが終わってから、もう一度実行してください。"
    )]
    ImportInProgress,
    /// A program of an import was changed by someone else while the import was being saved:
    /// nothing of the import was saved.
    #[error(
        "取り込みの保存中に、制度「{0}」が他の操作で更新されました。その変更を上書きしないよう、取り込みは何も変更せずに中止しました。もう一度取り込んでください。"
    )]
    ChangedDuringImport(String),
    /// A staged save was used again after one of its chunks failed and it was undone.
    #[error("この保存は途中で失敗して取り消されています。最初からやり直してください。")]
    SaveEnded,
    /// Another writer holds the database longer than we wait.
    #[error("データベースが他の処理で使用中です。しばらく待ってからもう一度実行してください。")]
    Busy,
    /// Another process changed the same rows at the same moment.
    #[error(
        "他の処理が同時に同じ制度を更新しました。最新の状態を読み込んでからもう一度実行してください。"
    )]
    Conflict,
    /// `backup_to` never overwrites.
    #[error(
        "バックアップ先「{}」には既にファイルがあります。別のファイル名を指定してください。",
        .0.display()
    )]
    BackupExists(PathBuf),
    /// Backup and restore of PostgreSQL belong to PostgreSQL's own tools.
    #[error(
        "PostgreSQL のデータベースは madoguchi ではバックアップ・復元できません。バックアップは pg_dump、復元は pg_restore をお使いください。"
    )]
    NotSupportedOnPostgres,
    /// The file given to restore is not a healthy madoguchi database.
    #[error(
        "「{}」は復元に使えません（{reason}）。madoguchi backup で作ったファイルを指定してください。",
        path.display()
    )]
    InvalidBackup { path: PathBuf, reason: String },
    /// Restore would pull the file from under a running server.
    #[error(
        "データベース「{}」は使用中です。madoguchi のサーバーなどを止めてから復元してください。",
        .0.display()
    )]
    DatabaseInUse(PathBuf),
    /// A path SQLite cannot be given (not valid UTF-8).
    #[error(
        "パス「{}」は使えません。日本語を含む場合はUTF-8のパスを指定してください。",
        .0.display()
    )]
    UnusablePath(PathBuf),
    /// Reading, writing or renaming a file during backup or restore failed.
    #[error("ファイル「{}」を操作できません（{source}）。パスと権限、空き容量を確認してください。", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    // ---- Internal errors: a bug, a damaged database or a lost server ----
    /// A stored row no longer reads as the value it was written from.
    #[error("データベースの {table} の「{key}」を読み取れません（{reason}）。")]
    CorruptRecord {
        table: &'static str,
        key: String,
        reason: String,
    },
    /// A program could not be written as JSON.
    #[error("制度「{id}」をJSONに変換できません（{reason}）。")]
    Encode { id: ProgramId, reason: String },
    /// An applied migration's text differs from the one built into this binary.
    #[error(
        "適用済みのマイグレーション {version}（{name}）の内容が、この madoguchi に組み込まれたものと異なります。"
    )]
    MigrationChanged { version: i64, name: String },
    /// A row broke a foreign key, NOT NULL or CHECK constraint: our SQL is wrong.
    #[error("データベースの制約「{constraint}」に反する書き込みがありました。")]
    ConstraintViolated { constraint: String },
    /// The system's random source failed (an id could not be drawn).
    #[error("乱数を取得できません（{0}）。")]
    Random(String),
    /// Anything else the driver reported.
    #[error("データベースの処理に失敗しました（{0}）。")]
    Database(#[source] sqlx::Error),
}

/// Who can answer a [`StoreError`], and how: what a person can fix (the first five) apart
/// from what they cannot ([`ErrorKind::Internal`]). Every variant has exactly one kind,
/// decided in [`StoreError::kind`] by a match with no catch-all, so a new variant must be
/// given one, and a caller that matches on the kind (the HTTP edge) handles it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// What was asked for does not exist: choose another.
    NotFound,
    /// Something already there, or another writer changing the same rows at the same
    /// moment, is in the way: read again, or pick another key or file.
    Conflict,
    /// It changed since the caller read it (a newer version or draft revision, a job that
    /// moved on): read it again before acting.
    StaleRevision,
    /// The input breaks a rule (a value, a URL, a path, a file): the message says which.
    Invalid,
    /// The database or a file cannot be used now or as things stand (busy, unreachable,
    /// not migrated, from a newer madoguchi, not readable): wait, or whoever runs
    /// madoguchi fixes it.
    Unavailable,
    /// A bug, a damaged database or a lost server: log it, show a generic message.
    Internal,
}

impl StoreError {
    /// Which kind of failure this is; see [`ErrorKind`].
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::UnknownProgram(_)
            | Self::UnknownCase(_)
            | Self::UnknownExpert(_)
            | Self::UnknownProject(_)
            | Self::UnknownNotice(_) => ErrorKind::NotFound,
            Self::SessionExists
            | Self::Conflict
            | Self::BackupExists(_)
            | Self::DatabaseInUse(_)
            | Self::ImportInProgress => ErrorKind::Conflict,
            Self::Stale { .. }
            | Self::StaleCase { .. }
            | Self::CaseStep(_)
            | Self::StaleProject { .. }
            | Self::ProjectStep(_)
            | Self::StaleDraft { .. }
            | Self::NoDraft(_)
            | Self::DraftState { .. }
            | Self::StaleNotice
            | Self::NoticeState { .. }
            | Self::ImportNotRunning(_)
            | Self::ChangedDuringImport(_) => ErrorKind::StaleRevision,
            // A login already in use is a value to change, as the message says.
            Self::UnsupportedUrl(_)
            | Self::InvalidProgram { .. }
            | Self::InvalidDesk(_)
            | Self::DuplicateInBatch(_)
            | Self::InvalidOrigin(_)
            | Self::InvalidSession(_)
            | Self::InvalidAccount(_)
            | Self::LoginTaken(_)
            | Self::InvalidAuditEntry(_)
            | Self::InvalidSetting(_)
            | Self::NotSupportedOnPostgres
            | Self::InvalidBackup { .. }
            | Self::UnusablePath(_) => ErrorKind::Invalid,
            Self::Busy
            | Self::Unreachable { .. }
            | Self::CannotOpenFile { .. }
            | Self::NotMigrated
            | Self::SchemaTooNew { .. }
            | Self::File { .. } => ErrorKind::Unavailable,
            Self::CorruptRecord { .. }
            | Self::Encode { .. }
            | Self::MigrationChanged { .. }
            | Self::ConstraintViolated { .. }
            | Self::Random(_)
            | Self::SaveEnded
            | Self::Database(_) => ErrorKind::Internal,
        }
    }

    /// True for a bug, a damaged database or a lost server: log it, show a generic message.
    /// False when the message tells the person what to change or to try again.
    pub fn is_internal(&self) -> bool {
        self.kind() == ErrorKind::Internal
    }

    pub(crate) fn file(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::File { path, source }
    }
}

/// SQLite's primary result codes for "someone else holds the lock".
const SQLITE_BUSY: i64 = 5;
const SQLITE_LOCKED: i64 = 6;

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        let Some(db) = err.as_database_error() else {
            return match err {
                sqlx::Error::PoolTimedOut => Self::Busy,
                other => Self::Database(other),
            };
        };
        let code = db.code().unwrap_or_default();
        let sqlite_primary = code.parse::<i64>().ok().map(|c| c & 0xff);
        if matches!(sqlite_primary, Some(SQLITE_BUSY | SQLITE_LOCKED))
            // PostgreSQL: serialization_failure, deadlock_detected, lock_not_available.
            || matches!(code.as_ref(), "40001" | "40P01" | "55P03")
        {
            return Self::Busy;
        }
        if code == "42P01" || db.message().starts_with("no such table") {
            return Self::NotMigrated;
        }
        let constraint = || db.constraint().unwrap_or(db.message()).to_owned();
        match db.kind() {
            sqlx::error::ErrorKind::UniqueViolation => Self::Conflict,
            sqlx::error::ErrorKind::ForeignKeyViolation
            | sqlx::error::ErrorKind::NotNullViolation
            | sqlx::error::ErrorKind::CheckViolation => Self::ConstraintViolated {
                constraint: constraint(),
            },
            _ => Self::Database(err),
        }
    }
}
