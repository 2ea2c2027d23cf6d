//! A SQLite import saved without holding the database's one write lock for its whole length.
//!
//! SQLite lets one writer in at a time for the whole file, so an import of 100,000 programs
//! in one transaction kept every other writer (a sign-in, a consultation, a staff edit)
//! waiting for seconds. Here each chunk is its own short transaction: its new versions go
//! straight into `program_versions`, where nobody sees them until a `programs` row points at
//! them, its notice events straight into `notice_events`, where the matcher passes over them
//! while the import is staged (migration 0021), and its `programs` rows wait in a staging
//! table (migration 0018). One short last transaction checks that nobody changed those
//! programs meanwhile, copies the staged rows in, marks the import public (its events with
//! it), counts the revision and ends the import: readers see the whole import or none of it.
//! The staging rows are removed after it, a chunk at a time. A failed or abandoned import
//! removes what it staged the same way; the rows of one whose process died are removed by
//! the next import or the next start.
//!
//! Between chunks other writers run; the import steps aside now and then to make sure of it
//! ([`HOLD_AT_MOST`]). A writer that saves a program this import has staged writes over the
//! staged version (the same number: `sqlite::write_versions`), and the last
//! transaction then finds the program moved and refuses the import
//! ([`StoreError::ChangedDuringImport`]) rather than overwrite what was saved meanwhile.

use std::time::{Duration, Instant};

use sqlx::SqlitePool;
use time::OffsetDateTime;

use super::import_lock::ImportLock;
use super::sql::{self as catalogue_sql, program_columns};
use super::{Destination, Prepared, SaveSummary};
use crate::db::{Db, query};
use crate::pending_imports::ImportEnd;
use crate::{Store, StoreError, sqlite};

/// Staged programs (and events) removed per transaction when an import is undone.
const DISCARD_CHUNK: i64 = 2_000;

/// How long an import may hold the write lock, over its chunks, before it steps aside.
///
/// Chunks come back to back when the file is read faster than it is saved, and SQLite lets
/// a waiting writer in only when its busy handler happens to retry in the moment between two
/// chunks: it retries at most 100 ms apart (`sqlite3_busy_timeout`'s handler), so with the
/// import holding the lock most of the time a writer could wait for seconds.
const HOLD_AT_MOST: Duration = Duration::from_millis(400);

/// The imports still staged: their notice events (`notice_events.import_id`) are not public
/// yet, and go if the import does (migration 0021).
pub(crate) const IMPORTS_NOT_PUBLIC: &str =
    "SELECT id FROM catalogue_imports WHERE published_at IS NULL";

/// How long the import leaves the lock free when it steps aside: longer than the busy
/// handler's longest pause, so that every writer waiting then gets its turn.
const STEP_ASIDE: Duration = Duration::from_millis(120);

/// An import being staged; see the module documentation.
#[derive(Debug)]
pub(crate) struct Staging {
    pool: SqlitePool,
    import: i64,
    pace: Pace,
    /// Held while the staged rows exist; `None` once they are public or gone.
    lock: Option<ImportLock>,
}

impl Staging {
    /// Takes the import lock (refused while another import holds it), removes what a dead
    /// import left, and opens a new import.
    pub(crate) async fn begin(
        store: &Store,
        pool: &SqlitePool,
        origin: &str,
        at: OffsetDateTime,
    ) -> Result<Self, StoreError> {
        let lock = ImportLock::try_take(&store.import_lock, store.sqlite_file().as_deref())?
            .ok_or(StoreError::ImportInProgress)?;
        discard_all(pool).await?;
        // Numbered after every import an event still names: a number come round again
        // would hide a published import's unmatched events behind this one. (`IS NOT NULL`
        // lets the partial index answer; without it SQLite reads every event.)
        let import = query(
            "INSERT INTO catalogue_imports (id, origin, started_at)
             VALUES (1 + MAX(COALESCE((SELECT MAX(id) FROM catalogue_imports), 0),
                             COALESCE((SELECT MAX(import_id) FROM notice_events
                                       WHERE import_id IS NOT NULL), 0)),
                     $1, $2)
             RETURNING id",
        )
        .bind(origin)
        .bind(at)
        .fetch_scalar(Db::SqlitePool(pool))
        .await?;
        Ok(Self {
            pool: pool.clone(),
            import,
            pace: Pace::default(),
            lock: Some(lock),
        })
    }

    /// Stages one chunk in its own short write transaction, as a save in one transaction
    /// would decide for each program.
    pub(crate) async fn stage(
        &mut self,
        prepared: &[Prepared<'_>],
        origin: &str,
        saved_at: OffsetDateTime,
    ) -> Result<SaveSummary, StoreError> {
        self.pace.take_turn().await;
        let started = Instant::now();
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let destination = Destination::Staged {
            import: self.import,
        };
        let summary = sqlite::save_chunk(&mut tx, prepared, origin, saved_at, destination).await?;
        tx.commit().await?;
        self.pace.held(started);
        let (import, programs) = (self.import, prepared.len());
        let ms = started.elapsed().as_millis();
        tracing::debug!(import, programs, ms, "staged a chunk of an import");
        Ok(summary)
    }

    /// Makes every staged program public in one transaction (ending the console's import
    /// job `import`, if given, in it). On failure nothing is public and the staged rows go.
    ///
    /// The staging rows are removed after that transaction, a chunk at a time, so that it
    /// stays short; until they are, the lock is held. Removing them cannot touch a version
    /// now public, so a crash in between leaves nothing wrong for the next start to remove.
    pub(crate) async fn publish(
        mut self,
        summary: &SaveSummary,
        import: Option<&ImportEnd<'_>>,
        saved_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        // The last transaction is the longest: writers kept waiting by the chunks go first.
        self.pace.step_aside().await;
        let started = Instant::now();
        let published = self.publish_at_once(summary, import, saved_at).await;
        // The removal after it goes on from here: a writer that waited through the last
        // transaction gets its turn before the removal's first.
        self.pace.held(started);
        if let Err(err) = published {
            // What refused the import is what the caller must hear, not a failed removal.
            if let Err(undo) = self.discard().await {
                tracing::warn!(%undo, "could not remove a refused import's staged rows at once");
            }
            return Err(err);
        }
        let (id, programs) = (self.import, summary.changed());
        let ms = started.elapsed().as_millis();
        tracing::debug!(import = id, programs, ms, "made a staged import public");
        if let Err(err) = self.discard().await {
            // The import landed; the background removal or the next start tidies up.
            tracing::warn!(import = id, %err, "could not remove a published import's staging rows");
        }
        Ok(())
    }

    async fn publish_at_once(
        &self,
        summary: &SaveSummary,
        import: Option<&ImportEnd<'_>>,
        saved_at: OffsetDateTime,
    ) -> Result<(), StoreError> {
        let mut tx = sqlite::begin_write(&self.pool).await?;
        let mut db = Db::from(&mut *tx);
        if let Some(id) = first_moved(db.reborrow(), self.import).await? {
            return Err(StoreError::ChangedDuringImport(id));
        }
        if let Some(import) = import {
            import.record(db.reborrow(), summary, saved_at).await?;
        }
        if summary.changed() > 0 {
            let revision = catalogue_sql::next_revision(db.reborrow()).await?;
            copy_staged(db.reborrow(), self.import, revision).await?;
            catalogue_sql::stamp_changed(db.reborrow(), revision).await?;
        }
        query("UPDATE catalogue_imports SET published_at = $2 WHERE id = $1")
            .bind(self.import)
            .bind(saved_at)
            .execute(db)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes everything this import staged and did not make public.
    pub(crate) async fn discard(mut self) -> Result<(), StoreError> {
        let result = discard(&self.pool, self.import, &mut self.pace).await;
        // Dropped with the lock still held, a failed discard is tried again in the
        // background; the next import or start removes whatever is left either way.
        if result.is_ok() {
            self.lock = None;
        }
        result
    }
}

impl Staging {
    /// Lets go of the lock and leaves the staged rows, as a killed process does.
    pub(crate) fn stop_as_if_killed(mut self) {
        self.lock = None;
    }
}

impl Drop for Staging {
    /// A save dropped unfinished (its caller failed, or gave up): its staged rows are removed
    /// in the background, still under the lock, so that no other import starts meanwhile.
    fn drop(&mut self) {
        let Some(lock) = self.lock.take() else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let (pool, import) = (self.pool.clone(), self.import);
        runtime.spawn(async move {
            if let Err(err) = discard(&pool, import, &mut Pace::default()).await {
                tracing::warn!(import, %err, "could not remove an abandoned import's staged rows");
            }
            drop(lock);
        });
    }
}

impl Store {
    /// Removes the staged rows of imports whose process died (SQLite; nothing to do on
    /// PostgreSQL, whose imports are one transaction). Leaves them while another process
    /// is importing: it removes them itself before it starts.
    pub(crate) async fn discard_abandoned_imports(&self) -> Result<(), StoreError> {
        let Some(pool) = self.backend.sqlite() else {
            return Ok(());
        };
        let file = self.sqlite_file();
        let Some(_lock) = ImportLock::try_take(&self.import_lock, file.as_deref())? else {
            return Ok(());
        };
        discard_all(pool).await
    }
}

/// Removes every import's staged rows: only for the holder of the import lock, to whom
/// any import row left belongs to an import that died.
async fn discard_all(pool: &SqlitePool) -> Result<(), StoreError> {
    let imports: Vec<i64> = query("SELECT id FROM catalogue_imports ORDER BY id")
        .fetch_all_scalars(Db::SqlitePool(pool))
        .await?;
    for import in imports {
        tracing::warn!(import, "removing the staging rows an import left behind");
        discard(pool, import, &mut Pace::default()).await?;
    }
    Ok(())
}

/// Removes one import's staged rows, [`DISCARD_CHUNK`] programs per short transaction, and
/// then the import itself, pacing its transactions on from `pace` (the import's own).
async fn discard(pool: &SqlitePool, import: i64, pace: &mut Pace) -> Result<(), StoreError> {
    loop {
        pace.take_turn().await;
        let started = Instant::now();
        let mut tx = sqlite::begin_write(pool).await?;
        let mut db = Db::from(&mut *tx);
        let removed = discard_some(db.reborrow(), import).await?;
        if removed == 0 {
            forget(db, import).await?;
            tx.commit().await?;
            return Ok(());
        }
        tx.commit().await?;
        pace.held(started);
    }
}

/// How an import's run of write transactions leaves room for other writers; see
/// [`HOLD_AT_MOST`].
#[derive(Debug, Default)]
struct Pace {
    /// How long the write lock was held since the import last stepped aside.
    held: Duration,
}

impl Pace {
    /// Before a transaction: steps aside if the import has held the lock long enough.
    async fn take_turn(&mut self) {
        if self.held >= HOLD_AT_MOST {
            self.step_aside().await;
        }
    }

    /// After a transaction begun at `started`.
    fn held(&mut self, started: Instant) {
        self.held += started.elapsed();
    }

    /// Leaves the write lock free for [`STEP_ASIDE`], if the import held it at all.
    async fn step_aside(&mut self) {
        if self.held > Duration::ZERO {
            tokio::time::sleep(STEP_ASIDE).await;
            self.held = Duration::ZERO;
        }
    }
}

/// Removes the next staged programs (by id) with their versions, and the next events of the
/// import unless it was made public; how many rows went.
async fn discard_some(mut db: Db<'_>, import: i64) -> Result<u64, StoreError> {
    let last: Option<String> = query(
        "SELECT MAX(id) FROM (SELECT id FROM staged_programs WHERE import_id = $1
             ORDER BY id LIMIT $2)",
    )
    .bind(import)
    .bind(DISCARD_CHUNK)
    .fetch_scalar(db.reborrow())
    .await?;
    let mut removed = 0;
    if let Some(last) = last {
        // Only versions still out of sight: a save made since may have written the same
        // number over a staged row and made it public; that version stays.
        query(
            "DELETE FROM program_versions WHERE rowid IN (
                 SELECT v.rowid FROM staged_programs s
                 JOIN program_versions v ON v.program_id = s.id AND v.version = s.current_version
                 LEFT JOIN programs p ON p.id = s.id
                 WHERE s.import_id = $1 AND s.id <= $2
                     AND v.version > COALESCE(p.current_version, 0))",
        )
        .bind(import)
        .bind(last.as_str())
        .execute(db.reborrow())
        .await?;
        removed += query("DELETE FROM staged_programs WHERE import_id = $1 AND id <= $2")
            .bind(import)
            .bind(last.as_str())
            .execute(db.reborrow())
            .await?;
    }
    let events = format!(
        "DELETE FROM notice_events WHERE id IN (
             SELECT id FROM notice_events
             WHERE import_id = $1 AND $1 IN ({IMPORTS_NOT_PUBLIC}) LIMIT $2)"
    );
    removed += query(&events)
        .bind(import)
        .bind(DISCARD_CHUNK)
        .execute(db)
        .await?;
    Ok(removed)
}

/// The first staged program whose stored version is no longer the one its staged version
/// follows (saved, published or created by someone else since it was staged).
async fn first_moved(db: Db<'_>, import: i64) -> Result<Option<String>, StoreError> {
    query(
        "SELECT s.id FROM staged_programs s LEFT JOIN programs p ON p.id = s.id
         WHERE s.import_id = $1 AND COALESCE(p.current_version, 0) <> s.current_version - 1
         ORDER BY s.id LIMIT 1",
    )
    .bind(import)
    .fetch_optional_scalar(db)
    .await
}

/// Points every staged program at its staged version (stamped with `revision`, so that other
/// processes take it in).
async fn copy_staged(db: Db<'_>, import: i64, revision: i64) -> Result<(), StoreError> {
    let programs = format!(
        "INSERT INTO programs ({columns}, changed_in)
         SELECT {columns}, $2 FROM staged_programs WHERE import_id = $1
         {update}, changed_in = excluded.changed_in",
        columns = program_columns!(),
        update = catalogue_sql::ON_CONFLICT_UPDATE_PROGRAM,
    );
    query(&programs)
        .bind(import)
        .bind(revision)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets an import whose staged rows are gone.
async fn forget(db: Db<'_>, import: i64) -> Result<(), StoreError> {
    query("DELETE FROM catalogue_imports WHERE id = $1")
        .bind(import)
        .execute(db)
        .await?;
    Ok(())
}
