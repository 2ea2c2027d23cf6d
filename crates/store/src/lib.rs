//! madoguchi-store: everything in madoguchi that touches the database.
//!
//! One [`Store`] hides which backend is in use: an embedded SQLite file (the default, one
//! process) or a shared PostgreSQL (several app processes). The crate is laid out by what
//! it keeps, one module per entity, each holding its types, its part of the `Store` API
//! and its SQL: the catalogue (`catalogue`) and the older versions of its programs
//! (`versions`), the import log (`import_runs`), imports waiting for confirmation
//! (`pending_imports`), server-side sessions (`sessions`), and the staff console's
//! accounts (`accounts`), append-only audit log (`audit`), drafts and publishing
//! (`drafts`), settings (`settings`) and sign-in attempts (`login_attempts`); and the
//! consultation desk's registry, cases and their history (`desk`).
//!
//! The statements both backends run alike are written once, as plain functions over the
//! one seam in `db`, where the backend is chosen; what truly differs (connecting, locking,
//! bulk writes, notices, backup) is in `sqlite` and `postgres`, each with its own
//! append-only migrations (`migrations`).
//!
//! The catalogue is versioned: every save that changes a program adds a version, and every
//! version stays readable. A batch of saves lands whole or not at all.

mod accounts;
mod analytics;
mod audit;
mod catalogue;
mod db;
mod desk;
mod drafts;
mod error;
mod import_runs;
mod login_attempts;
mod migrations;
mod notices;
mod pending_imports;
mod postgres;
mod restore;
mod sessions;
mod settings;
mod sqlite;
mod target;
pub mod testing;
mod timestamp;
mod versions;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

pub use accounts::{Account, AccountChange, DisplayName, Login, NewAccount, Role};
pub use audit::{AuditEntry, AuditFilter, NewAuditEntry};
pub use catalogue::{
    CatalogChanges, CatalogWatch, CatalogueSave, ProgramDates, SaveOutcome, SaveSummary,
};
pub use desk::{
    Case, CaseChange, CaseEvent, CasePage, CaseQuery, CaseRecord, DeskActor, ExpertEntry,
    PersonExport, Retention,
};
pub use desk::{ProjectChange, ProjectEntry, ProjectPage, ProjectQuery};
pub use drafts::{
    Draft, DraftState, DraftStep, DueChange, ENTRIES_COUNTED_UP_TO, EntryPage, EntryQuery,
    EntryShow, ProgramEntry, Publication, TakeDown, TakeDownAudit,
};
pub use error::{ErrorKind, StoreError};
pub use import_runs::{ImportCounts, ImportRun, NewImportRun};
pub use login_attempts::{Admission, AttemptLimit, AttemptOf, LoginAttempt};
pub use notices::{
    ActiveSubscriptions, DigestItem, EventDelivery, NoticeEvent, ProgramNotice, program_notice_id,
};
pub use notices::{CLICK_CHANNELS, Click, ClickCount, RECORD_SUBSCRIBER_CLICKS};
pub use notices::{
    ChannelFigures, DayFigures, LinkFigures, NoticeFigures, NoticeReport, NoticeSummary,
};
pub use notices::{
    Delivery, FINISH_AT_ONCE, MessageBody, NoticeLink, OutboxCounts, OutboxItem, OutboxMessage,
    RETAKEN, Subscription,
};
pub use notices::{DueDigest, WaitingItem};
pub use notices::{
    LINE_CODE_ALPHABET, LINE_CODE_LEN, LINE_CODE_LIFETIME, LINE_EVENT_MEMORY, LineCode, LineLink,
};
pub use notices::{
    StaffDelivery, StaffNotice, StaffNoticeContent, StaffNoticeState, StaffNoticeStep,
};
pub use pending_imports::{
    DoneAudit, DoneMessage, ImportEnding, ImportJobState, NewPendingImport, PendingImport,
};
pub use restore::restore_sqlite;
pub use sessions::{NewSession, Session};
pub use settings::Setting;
pub use target::redact_url;
pub use versions::VersionInfo;

use db::{Backend, Db, Dialect, query};
use target::Target;

/// The database behind madoguchi. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// What to show for this store in logs: the file, or the URL without its password.
    label: String,
    /// Set while this process stages an import into a SQLite database (`catalogue::staging`).
    import_lock: Arc<AtomicBool>,
}

impl fmt::Debug for Store {
    /// The pools' own `Debug` would print connection options, password included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store")
            .field("backend", &self.backend_name())
            .field("database", &self.label)
            .finish()
    }
}

impl Store {
    /// Opens the database a URL names: `sqlite:path`, `sqlite://path`, `sqlite::memory:`,
    /// `postgres://…` or `postgresql://…`. Does not migrate.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        match Target::parse(url)? {
            Target::SqliteFile(path) => Self::open_sqlite(&path).await,
            Target::SqliteMemory => Self::open_sqlite_in_memory().await,
            Target::Postgres(url) => Ok(Self {
                backend: Backend::Postgres(postgres::connect(&url).await?),
                label: redact_url(&url),
                import_lock: Arc::default(),
            }),
        }
    }

    /// Opens the SQLite file, creating it and its folder if missing. Does not migrate.
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::open(path).await?),
            label: path.display().to_string(),
            import_lock: Arc::default(),
        })
    }

    /// A private SQLite database in memory, gone when the last clone is dropped (for tests
    /// and demonstrations).
    pub async fn open_sqlite_in_memory() -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::open_in_memory().await?),
            label: ":memory:".to_owned(),
            import_lock: Arc::default(),
        })
    }

    /// `"sqlite"` or `"postgresql"`.
    pub fn backend_name(&self) -> &'static str {
        self.backend.name()
    }

    /// Whether other connections can write while a long transaction is open: PostgreSQL
    /// locks rows, SQLite has one writer for the whole file.
    pub fn writes_beside_transactions(&self) -> bool {
        self.backend.dialect() == Dialect::Postgres
    }

    /// The PostgreSQL pool, if the store is PostgreSQL.
    pub(crate) fn postgres_pool(&self) -> Option<&sqlx::PgPool> {
        self.backend.postgres()
    }

    /// The SQLite file in use, if the store is a SQLite file.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        self.backend.sqlite_file()
    }

    /// Brings the schema up to date, and removes what an import left half-staged when its
    /// process died (SQLite). Safe to run again, and from several processes at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.backend.migrate().await?;
        self.discard_abandoned_imports().await
    }

    /// Succeeds when the database answers, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        query("SELECT 1").execute(self.db()).await?;
        Ok(())
    }

    /// Closes every connection; later calls fail. Waits for running queries to finish.
    pub async fn close(&self) {
        self.backend.close().await
    }

    /// Writes a consistent copy of the SQLite database to a new file while the store keeps
    /// serving. Refuses to overwrite a file. On PostgreSQL, points to pg_dump.
    ///
    /// Sessions are left out of the copy: they last hours, a restore would otherwise revive
    /// sign-ins that were ended since ("log out everywhere"), and a backup file kept for
    /// months should not carry visitors' wizard answers.
    pub async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        self.backend.backup_to(path).await
    }

    /// Where one statement runs: the store's pool.
    fn db(&self) -> Db<'_> {
        self.backend.db()
    }
}

#[cfg(test)]
mod tests {
    use madoguchi_core::program::ProgramId;

    use super::Store;

    fn assert_send<T: Send>(_: T) {}

    /// Handlers run on a multi-threaded runtime: every future the store returns must be Send.
    /// Compiling this is the test; the futures are never polled.
    #[test]
    fn every_store_future_can_cross_threads() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let store = runtime.block_on(Store::open_sqlite_in_memory()).unwrap();
        let id = ProgramId::parse("demo-send").unwrap();
        assert_send(store.migrate());
        assert_send(store.ping());
        assert_send(store.program(&id));
        assert_send(store.program_version(&id, 1));
        assert_send(store.program_versions(&id));
        assert_send(store.programs());
        assert_send(store.count_programs());
        assert_send(store.import_runs());
        assert_send(store.program_dates());
        let now = time::OffsetDateTime::UNIX_EPOCH;
        assert_send(store.session("", now));
        assert_send(store.update_session("", "{}", now, now));
        assert_send(store.delete_sessions_of("staff"));
        assert_send(store.delete_expired_sessions(now));
        assert_send(store.save_programs(&[], "cli", &mut |_| {}));
        assert_send(store.mark_verified(&id, 1, now.date(), "web"));
        let program = crate::testing::synthetic_program(1);
        assert_send(store.save_draft(&program, 0, 0, "a"));
        assert_send(store.change_draft(&id, 1, crate::DraftStep::RequestReview));
        assert_send(store.publish_draft(&id, 1, "web"));
        assert_send(store.discard_draft(&id, 1));
        assert_send(store.unpublish_program(&id));
        assert_send(store.publish(&id, 1, &crate::Publication::by("console:a")));
        assert_send(store.apply_due_changes(now));
        assert_send(store.catalog_revision());
        assert_send(store.program_entries());
        assert_send(store.watch_catalog(std::time::Duration::from_secs(1)));
        assert_send(store.accounts());
        assert_send(store.account(""));
        assert_send(store.set_password("", ""));
        let limit = crate::AttemptLimit {
            max_attempts: 10,
            window: time::Duration::minutes(10),
        };
        let client = std::net::IpAddr::from([192, 0, 2, 1]);
        assert_send(store.admit_login_attempt(crate::AttemptOf::Address(client), now, limit));
        assert_send(store.forget_login_attempt(crate::LoginAttempt(1)));
        assert_send(store.delete_old_login_attempts(now, limit));
        assert_send(store.audit_entries(&crate::AuditFilter::default()));
        assert_send(store.count_audit_entries(&crate::AuditFilter::default()));
        assert_send(store.set_setting("k", "v", None));
    }
}
