//! The store's whole public API, in one place, the same for both backends.
//!
//! Each method checks its input, asks the backend module for rows and turns the rows into
//! domain values; nothing here knows SQL, and nothing in the backends knows the API. The
//! staff console's part of the API (accounts, the audit log, settings, sign-in attempts)
//! is in the child modules beside, one per table.

mod accounts;
mod audit;
mod drafts;
mod login_attempts;
mod pending_imports;
mod settings;

use std::fmt;
use std::path::{Path, PathBuf};

use madoguchi_core::program::{Program, ProgramId};
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;
use time::{Date, OffsetDateTime};

use crate::import_run::{ImportRun, NewImportRun};
use crate::outcome::{ProgramDates, SaveOutcome, SaveSummary, VersionInfo};
use crate::pending_import::ImportEnd;
use crate::plan::{Prepared, check_origin, prepare, prepare_expecting};
use crate::portable::SessionKey;
use crate::record::{decode_body, decode_dates, decode_history};
use crate::session::{NewSession, Session, check_new, check_token_hash};
use crate::target::{Target, redact_url};
use crate::timestamp::whole_second_utc;
use crate::{StoreError, portable, postgres, sqlite};

/// The database behind madoguchi. Cheap to clone: clones share one connection pool.
#[derive(Clone)]
pub struct Store {
    backend: Backend,
    /// What to show for this store in logs: the file, or the URL without its password.
    label: String,
}

#[derive(Clone)]
enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
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
            }),
        }
    }

    /// Opens the SQLite file, creating it and its folder if missing. Does not migrate.
    pub async fn open_sqlite(path: &Path) -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::open(path).await?),
            label: path.display().to_string(),
        })
    }

    /// A private SQLite database in memory, gone when the last clone is dropped (for tests
    /// and demonstrations).
    pub async fn open_sqlite_in_memory() -> Result<Self, StoreError> {
        Ok(Self {
            backend: Backend::Sqlite(sqlite::open_in_memory().await?),
            label: ":memory:".to_owned(),
        })
    }

    /// `"sqlite"` or `"postgresql"`.
    pub fn backend_name(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgresql",
        }
    }

    /// Whether other connections can write while a long transaction is open: PostgreSQL
    /// locks rows, SQLite has one writer for the whole file.
    pub fn writes_beside_transactions(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// The PostgreSQL pool, if the store is PostgreSQL.
    pub(crate) fn postgres_pool(&self) -> Option<&PgPool> {
        match &self.backend {
            Backend::Postgres(pool) => Some(pool),
            Backend::Sqlite(_) => None,
        }
    }

    /// The SQLite file in use, if the store is a SQLite file.
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::database_file(pool),
            Backend::Postgres(_) => None,
        }
    }

    /// Brings the schema up to date. Safe to run again, and from several processes at once.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::migrate(pool).await,
            Backend::Postgres(pool) => postgres::migrate(pool).await,
        }
    }

    /// Succeeds when the database answers, for readiness checks.
    pub async fn ping(&self) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => portable::ping(pool).await,
            Backend::Postgres(pool) => portable::ping(pool).await,
        }
    }

    /// Closes every connection; later calls fail. Waits for running queries to finish.
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(pool) => close_fully(pool).await,
            Backend::Postgres(pool) => close_fully(pool).await,
        }
    }

    /// Saves one program; see [`Store::save_programs`].
    pub async fn save_program(
        &self,
        program: &Program,
        origin: &str,
    ) -> Result<SaveOutcome, StoreError> {
        let summary = self
            .save_programs(std::slice::from_ref(program), origin, &mut |_| {})
            .await?;
        only_outcome(summary, program)
    }

    /// Saves a batch in one transaction: all programs land, or none do.
    ///
    /// A new program gets version 1; a changed one its next version; one that differs only
    /// in `version` or `source.fetched_at` is left alone ([`Program::same_content_as`]).
    /// The `version` field of the input is ignored. `origin` says who saved
    /// (`import:jgrants`, `cli`, `web`). `progress` hears how many programs are done.
    pub async fn save_programs(
        &self,
        programs: &[Program],
        origin: &str,
        progress: &mut (dyn FnMut(usize) + Send),
    ) -> Result<SaveSummary, StoreError> {
        let prepared = prepare(programs)?;
        self.save_prepared(&prepared, origin, progress, None).await
    }

    /// Saves one program only if its stored version is still `expected_version` (0: only
    /// if the program is new), in the same transaction that writes it: two people who
    /// opened the same version cannot both save, and the second learns it with
    /// [`StoreError::Stale`] instead of overwriting the first.
    pub async fn save_program_expecting(
        &self,
        program: &Program,
        expected_version: u32,
        origin: &str,
    ) -> Result<SaveOutcome, StoreError> {
        let prepared = prepare_expecting(program, expected_version)?;
        let summary = self
            .save_prepared(&prepared, origin, &mut |_| {}, None)
            .await?;
        only_outcome(summary, program)
    }

    /// Records that staff checked the program against its official page on `on` (a JST
    /// date): a new version with `last_verified` set, if `expected_version` is still the
    /// current one. Checking twice on one day changes nothing the second time
    /// ([`SaveOutcome::Unchanged`]); who checked belongs in the audit log.
    pub async fn mark_verified(
        &self,
        id: &ProgramId,
        expected_version: u32,
        on: Date,
        origin: &str,
    ) -> Result<SaveOutcome, StoreError> {
        let mut program = self
            .program(id)
            .await?
            .ok_or_else(|| StoreError::UnknownProgram(id.clone()))?;
        program.last_verified = Some(on);
        self.save_program_expecting(&program, expected_version, origin)
            .await
    }

    async fn save_prepared(
        &self,
        prepared: &[Prepared<'_>],
        origin: &str,
        progress: &mut (dyn FnMut(usize) + Send),
        import: Option<&ImportEnd<'_>>,
    ) -> Result<SaveSummary, StoreError> {
        let origin = check_origin(origin)?;
        let saved_at = now();
        match &self.backend {
            Backend::Sqlite(pool) => {
                sqlite::save(pool, prepared, origin, saved_at, progress, import).await
            }
            Backend::Postgres(pool) => {
                postgres::save(pool, prepared, origin, saved_at, progress, import).await
            }
        }
    }

    /// The current version of a program, with `version` set.
    pub async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError> {
        let row = match &self.backend {
            Backend::Sqlite(pool) => portable::latest(pool, id.as_str()).await?,
            Backend::Postgres(pool) => portable::latest(pool, id.as_str()).await?,
        };
        row.map(decode_body).transpose()
    }

    /// One version of a program as it was saved.
    pub async fn program_version(
        &self,
        id: &ProgramId,
        version: u32,
    ) -> Result<Option<Program>, StoreError> {
        let version = i64::from(version);
        let row = match &self.backend {
            Backend::Sqlite(pool) => portable::version(pool, id.as_str(), version).await?,
            Backend::Postgres(pool) => portable::version(pool, id.as_str(), version).await?,
        };
        row.map(decode_body).transpose()
    }

    /// A program's history, oldest first; empty for an unknown program.
    pub async fn program_versions(&self, id: &ProgramId) -> Result<Vec<VersionInfo>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => portable::history(pool, id.as_str()).await?,
            Backend::Postgres(pool) => portable::history(pool, id.as_str()).await?,
        };
        rows.into_iter()
            .map(|row| decode_history(id.as_str(), row))
            .collect()
    }

    /// The current version of every program, ordered by id (byte order, as `ProgramId` sorts).
    pub async fn programs(&self) -> Result<Vec<Program>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => portable::all_latest(pool).await?,
            Backend::Postgres(pool) => portable::all_latest(pool).await?,
        };
        rows.into_iter().map(decode_body).collect()
    }

    /// When every program was first saved and last changed, ordered by id, in one query.
    pub async fn program_dates(&self) -> Result<Vec<ProgramDates>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => portable::program_dates(pool).await?,
            Backend::Postgres(pool) => portable::program_dates(pool).await?,
        };
        rows.into_iter().map(decode_dates).collect()
    }

    /// Programs whose title or summary contains every word (SQL `LIKE '%word%'`), by id, at
    /// most `limit`: the naive keyword search, kept as the baseline that madoguchi's search
    /// is measured against (`crates/search/tests/relevance.rs`). Not used to serve pages.
    pub async fn search_like(
        &self,
        words: &[&str],
        limit: u32,
    ) -> Result<Vec<ProgramId>, StoreError> {
        let patterns: Vec<String> = words
            .iter()
            .filter(|w| !w.is_empty())
            .map(|w| format!("%{}%", escape_like(w)))
            .collect();
        let limit = i64::from(limit);
        let ids = match &self.backend {
            Backend::Sqlite(pool) => {
                portable::search_like(pool, "json_extract(v.body, '$.summary')", &patterns, limit)
                    .await?
            }
            Backend::Postgres(pool) => {
                portable::search_like(pool, "(v.body::jsonb ->> 'summary')", &patterns, limit)
                    .await?
            }
        };
        ids.iter()
            .map(|id| {
                ProgramId::parse(id).map_err(|e| StoreError::CorruptRecord {
                    table: "programs",
                    key: id.clone(),
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// How many programs the catalogue holds.
    pub async fn count_programs(&self) -> Result<u64, StoreError> {
        let count = match &self.backend {
            Backend::Sqlite(pool) => portable::count(pool).await?,
            Backend::Postgres(pool) => portable::count(pool).await?,
        };
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Logs an import run, stamped with the current time.
    pub async fn record_import_run(&self, run: &NewImportRun) -> Result<ImportRun, StoreError> {
        let recorded_at = now();
        let row = match &self.backend {
            Backend::Sqlite(pool) => portable::insert_import_run(pool, run, recorded_at).await?,
            Backend::Postgres(pool) => portable::insert_import_run(pool, run, recorded_at).await?,
        };
        ImportRun::from_row(row)
    }

    /// Every logged import run, newest first.
    pub async fn import_runs(&self) -> Result<Vec<ImportRun>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => portable::import_runs(pool).await?,
            Backend::Postgres(pool) => portable::import_runs(pool).await?,
        };
        rows.into_iter().map(ImportRun::from_row).collect()
    }

    /// Creates a session seen at `now`. A key already in use (even by an expired session)
    /// is refused with [`StoreError::SessionExists`]. Times are kept to the whole second.
    pub async fn create_session(
        &self,
        new: &NewSession,
        now: OffsetDateTime,
    ) -> Result<(), StoreError> {
        check_new(new)?;
        let (now, expires_at) = (whole_second_utc(now), whole_second_utc(new.expires_at));
        let inserted = match &self.backend {
            Backend::Sqlite(pool) => portable::insert_session(pool, new, now, expires_at)
                .await?
                .rows_affected(),
            Backend::Postgres(pool) => portable::insert_session(pool, new, now, expires_at)
                .await?
                .rows_affected(),
        };
        if inserted == 0 {
            return Err(StoreError::SessionExists);
        }
        Ok(())
    }

    /// The session under `token_hash`; `None` when there is none or it has expired by `now`.
    pub async fn session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
    ) -> Result<Option<Session>, StoreError> {
        let token_hash = check_token_hash(token_hash)?;
        let now = whole_second_utc(now);
        let row = match &self.backend {
            Backend::Sqlite(pool) => portable::live_session(pool, token_hash, now).await?,
            Backend::Postgres(pool) => portable::live_session(pool, token_hash, now).await?,
        };
        Ok(row.map(Session::from_row))
    }

    /// Replaces a live session's data, marks it seen at `now` and moves its expiry to
    /// `expires_at`. False when the session is gone or has expired: it is never revived.
    pub async fn update_session(
        &self,
        token_hash: &str,
        data: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.refresh_session(token_hash, Some(data), now, expires_at)
            .await
    }

    /// Like [`Store::update_session`], keeping the data: for a request that only reads.
    pub async fn touch_session(
        &self,
        token_hash: &str,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        self.refresh_session(token_hash, None, now, expires_at)
            .await
    }

    async fn refresh_session(
        &self,
        token_hash: &str,
        data: Option<&str>,
        now: OffsetDateTime,
        expires_at: OffsetDateTime,
    ) -> Result<bool, StoreError> {
        let token_hash = check_token_hash(token_hash)?;
        let (now, expires_at) = (whole_second_utc(now), whole_second_utc(expires_at));
        let updated = match &self.backend {
            Backend::Sqlite(pool) => {
                portable::refresh_session(pool, token_hash, data, now, expires_at)
                    .await?
                    .rows_affected()
            }
            Backend::Postgres(pool) => {
                portable::refresh_session(pool, token_hash, data, now, expires_at)
                    .await?
                    .rows_affected()
            }
        };
        Ok(updated > 0)
    }

    /// Signs one session out. True when a row was removed (live or expired).
    pub async fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        let token_hash = check_token_hash(token_hash)?;
        let removed = self
            .delete_sessions_where(SessionKey::TokenHash, token_hash)
            .await?;
        Ok(removed > 0)
    }

    /// "Log out everywhere": removes every session of one staff account, returning how many.
    pub async fn delete_sessions_of(&self, subject: &str) -> Result<u64, StoreError> {
        if subject.is_empty() {
            return Err(StoreError::InvalidSession("利用者IDが空です"));
        }
        self.delete_sessions_where(SessionKey::Subject, subject)
            .await
    }

    async fn delete_sessions_where(&self, key: SessionKey, value: &str) -> Result<u64, StoreError> {
        Ok(match &self.backend {
            Backend::Sqlite(pool) => portable::delete_sessions_where(pool, key, value)
                .await?
                .rows_affected(),
            Backend::Postgres(pool) => portable::delete_sessions_where(pool, key, value)
                .await?
                .rows_affected(),
        })
    }

    /// Removes every session that has expired by `now`, returning how many: for a periodic
    /// sweep, since expired sessions are already invisible to reads.
    pub async fn delete_expired_sessions(&self, now: OffsetDateTime) -> Result<u64, StoreError> {
        let now = whole_second_utc(now);
        Ok(match &self.backend {
            Backend::Sqlite(pool) => portable::delete_expired_sessions(pool, now)
                .await?
                .rows_affected(),
            Backend::Postgres(pool) => portable::delete_expired_sessions(pool, now)
                .await?
                .rows_affected(),
        })
    }

    /// Writes a consistent copy of the SQLite database to a new file while the store keeps
    /// serving. Refuses to overwrite a file. On PostgreSQL, points to pg_dump.
    ///
    /// Sessions are left out of the copy: they last hours, a restore would otherwise revive
    /// sign-ins that were ended since ("log out everywhere"), and a backup file kept for
    /// months should not carry visitors' wizard answers.
    pub async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::backup_to(pool, path).await,
            Backend::Postgres(_) => Err(StoreError::NotSupportedOnPostgres),
        }
    }
}

/// The outcome of a save of one program.
pub(crate) fn only_outcome(
    summary: SaveSummary,
    program: &Program,
) -> Result<SaveOutcome, StoreError> {
    summary
        .outcomes
        .first()
        .map(|(_, outcome)| *outcome)
        .ok_or_else(|| StoreError::Encode {
            id: program.id.clone(),
            reason: "保存結果がありません".to_owned(),
        })
}

/// Closes a pool until no connection is left.
///
/// `Pool::close` (sqlx 0.8) can return while a connection that was just handed back is
/// still being pinged by its return task; that connection then lands in the idle queue and
/// stays open. Closing again until the pool is empty makes "closed" mean closed, which
/// restoring a SQLite file right after relies on.
async fn close_fully<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) {
    pool.close().await;
    while pool.size() > 0 {
        tokio::task::yield_now().await;
        pool.close().await;
    }
}

/// The time stamped on rows: UTC, to the microsecond (what PostgreSQL keeps), so that both
/// backends read back the very value written.
pub(crate) fn now() -> OffsetDateTime {
    let now = OffsetDateTime::now_utc();
    now.replace_nanosecond(now.nanosecond() / 1_000 * 1_000)
        .unwrap_or(now)
}

/// `word` with the `LIKE` wildcards and the escape character taken literally.
fn escape_like(word: &str) -> String {
    word.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
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
        assert_send(store.apply_due_changes(now));
        assert_send(store.catalog_revision());
        assert_send(store.program_entries());
        assert_send(store.watch_catalog(std::time::Duration::from_secs(1)));
        assert_send(store.accounts());
        assert_send(store.account(""));
        let lockout = crate::Lockout {
            after_failures: 5,
            duration: time::Duration::minutes(15),
        };
        assert_send(store.record_login_failure("", now, lockout));
        assert_send(store.set_password("", ""));
        let limit = crate::AttemptLimit {
            max_attempts: 10,
            window: time::Duration::minutes(10),
        };
        let client = std::net::IpAddr::from([192, 0, 2, 1]);
        assert_send(store.admit_login_attempt(client, now, limit));
        assert_send(store.forget_login_attempt(crate::LoginAttempt(1)));
        assert_send(store.delete_old_login_attempts(now, limit));
        assert_send(store.audit_entries(&crate::AuditFilter::default()));
        assert_send(store.count_audit_entries(&crate::AuditFilter::default()));
        assert_send(store.set_setting("k", "v", None));
    }
}
