//! The public catalogue: the current version of every program, saved in batches that land
//! whole or not at all, and the revision counter that tells other processes it changed.
//!
//! A save runs chunk by chunk (`session`): in one transaction, or on SQLite for an import
//! staged out of sight a chunk per short transaction and made public at once (`staging`,
//! one import at a time: `import_lock`). Each chunk is planned here once (`plan`: which
//! programs are new, changed or unchanged, and their rows, `record`) and written by the
//! backend's own bulk statements (`sqlite`, `postgres`); reading the catalogue back is the
//! same SQL on both (`sql`). Older versions of a program are the `versions` module's.

mod changes;
mod import_lock;
mod outcome;
mod packed;
mod plan;
mod record;
mod session;
pub(crate) mod sql;
mod staging;
mod watch;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::mpsc::Sender;

use madoguchi_core::program::{Program, ProgramId};
use time::{Date, OffsetDateTime};
use tokio::task::JoinHandle;

use crate::db::Dialect;
use crate::pending_imports::ImportEnd;
use crate::{Store, StoreError};

pub use changes::CatalogChanges;
pub use outcome::{ProgramDates, SaveOutcome, SaveSummary};
pub(crate) use plan::{Current, Prepared, SavePlan, check_origin, prepare, prepare_expecting};
use record::decode_dates;
pub(crate) use record::{BodyRow, VersionRow, decode_body, sha256_hex, version_number};
pub use session::CatalogueSave;
pub(crate) use staging::IMPORTS_NOT_PUBLIC;
pub use watch::CatalogWatch;

/// Where a chunk's `programs` rows and notice events go: public in the save's own
/// transaction, or staged until a SQLite import makes all of its programs public at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Destination {
    Public,
    Staged { import: i64 },
}

impl Store {
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

    /// Saves a batch: all programs land, or none do, and readers see all or none of them.
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

    /// Saves prepared programs whole or not at all, a chunk at a time (and ends `import`,
    /// if given, with them). A batch of one chunk is one short transaction; a longer one is
    /// staged on SQLite (see `session`).
    pub(crate) async fn save_prepared(
        &self,
        prepared: &[Prepared<'_>],
        origin: &str,
        progress: &mut (dyn FnMut(usize) + Send),
        import: Option<&ImportEnd<'_>>,
    ) -> Result<SaveSummary, StoreError> {
        let mut save = self
            .begin_save(origin, prepared.len() > plan::CHUNK)
            .await?;
        for chunk in prepared.chunks(plan::CHUNK) {
            save.save_prepared(chunk).await?;
            progress(save.saved());
        }
        save.finish(import).await
    }

    /// The current version of a program, with `version` set.
    pub async fn program(&self, id: &ProgramId) -> Result<Option<Program>, StoreError> {
        let row = sql::latest(self.db(), id.as_str()).await?;
        row.map(decode_body).transpose()
    }

    /// The current version of every program, ordered by id (byte order, as `ProgramId` sorts).
    pub async fn programs(&self) -> Result<Vec<Program>, StoreError> {
        self.gather_programs(|program| program, None).await
    }

    /// [`Store::programs`], each program shared as a snapshot of the catalogue holds it.
    pub async fn shared_programs(&self) -> Result<Vec<Arc<Program>>, StoreError> {
        self.gather_programs(Arc::new, None).await
    }

    /// [`Store::shared_programs`], each batch also sent to `batches` as soon as it is
    /// decoded, in id order, so that a reader can work on the programs (compile their rules)
    /// while the rest are read. A closed receiver is no error: the read goes on.
    pub async fn shared_programs_sent(
        &self,
        batches: Sender<Vec<Arc<Program>>>,
    ) -> Result<Vec<Arc<Program>>, StoreError> {
        self.gather_programs(Arc::new, Some(batches)).await
    }

    /// Rows are decoded as they arrive, so that a million programs are never in memory
    /// twice (as rows and as programs, or as programs and as their shared copies). Decoding
    /// the JSON costs several times what reading it does, so batches of rows are decoded on
    /// the blocking threads while the next rows are read, a few batches at most at a time.
    /// SQLite hands its rows over a page at a time (`packed`); PostgreSQL's arrive as rows.
    async fn gather_programs<T: Clone + Send + 'static>(
        &self,
        wrap: fn(Program) -> T,
        sent: Option<Sender<Vec<T>>>,
    ) -> Result<Vec<T>, StoreError> {
        const BATCH: usize = 512;
        if let Some(pool) = self.backend.sqlite() {
            let read = &packed::CURRENT_VERSIONS;
            let decoding = packed::fold_pages(
                pool,
                read,
                Decoding::new(sent),
                |mut all, page| async move {
                    all.push(move || packed::programs(&page, wrap)).await?;
                    Ok(all)
                },
            )
            .await?;
            return decoding.finish().await;
        }
        let read = (Decoding::new(sent), Vec::with_capacity(BATCH));
        let (mut decoding, rest) = sql::fold_latest(
            self.db(),
            read,
            move |(mut decoding, mut batch), row| async move {
                batch.push(row);
                if batch.len() == BATCH {
                    let rows = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                    decoding.push(move || decode_rows(rows, wrap)).await?;
                }
                Ok((decoding, batch))
            },
        )
        .await?;
        decoding.push(move || decode_rows(rest, wrap)).await?;
        decoding.finish().await
    }

    /// When every program was first saved and last changed, ordered by id, in one query
    /// (on SQLite a page at a time, as [`Store::programs`]).
    pub async fn program_dates(&self) -> Result<Vec<ProgramDates>, StoreError> {
        if let Some(pool) = self.backend.sqlite() {
            let read = &packed::DATES;
            return packed::fold_pages(pool, read, Vec::new(), |mut all, page| async move {
                all.extend(packed::dates(&page)?);
                Ok(all)
            })
            .await;
        }
        let rows = sql::program_dates(self.db()).await?;
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
        let summary = match self.backend.dialect() {
            Dialect::Sqlite => "json_extract(v.body, '$.summary')",
            Dialect::Postgres => "(v.body::jsonb ->> 'summary')",
        };
        let ids = sql::search_like(self.db(), summary, &patterns, limit).await?;
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
        let count = sql::count(self.db()).await?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// How many times the public catalogue has changed: a process that saw another number
    /// last time reloads its snapshot.
    pub async fn catalog_revision(&self) -> Result<i64, StoreError> {
        sql::revision(self.db()).await
    }
}

/// Rows decoded into programs.
fn decode_rows<T>(rows: Vec<BodyRow>, wrap: fn(Program) -> T) -> Result<Vec<T>, StoreError> {
    rows.into_iter()
        .map(|row| decode_body(row).map(wrap))
        .collect()
}

/// What a read of the whole catalogue has made so far: the programs decoded, in order, and
/// the batches still being decoded, oldest first.
struct Decoding<T> {
    programs: Vec<T>,
    in_flight: VecDeque<JoinHandle<Result<Vec<T>, StoreError>>>,
    /// Where each batch also goes once decoded, in order.
    sent: Option<Sender<Vec<T>>>,
}

impl<T: Clone + Send + 'static> Decoding<T> {
    fn new(sent: Option<Sender<Vec<T>>>) -> Self {
        Self {
            programs: Vec::new(),
            in_flight: VecDeque::new(),
            sent,
        }
    }

    /// Keeps a decoded batch, and sends it on.
    fn take(&mut self, batch: Vec<T>) {
        if let Some(sent) = &self.sent {
            // A receiver that is gone wants no more; the read itself goes on.
            let _ = sent.send(batch.clone());
        }
        self.programs.extend(batch);
    }

    /// Batches decoded at once at most: the read goes on while they are.
    const IN_FLIGHT: usize = 4;

    /// Hands a batch to a blocking thread, first waiting for the oldest if enough are.
    async fn push(
        &mut self,
        decode: impl FnOnce() -> Result<Vec<T>, StoreError> + Send + 'static,
    ) -> Result<(), StoreError> {
        if self.in_flight.len() == Self::IN_FLIGHT
            && let Some(oldest) = self.in_flight.pop_front()
        {
            let batch = decoded(oldest).await?;
            self.take(batch);
        }
        self.in_flight
            .push_back(tokio::task::spawn_blocking(decode));
        Ok(())
    }

    /// Every program, once the batches still in flight are decoded.
    async fn finish(mut self) -> Result<Vec<T>, StoreError> {
        for batch in std::mem::take(&mut self.in_flight) {
            let batch = decoded(batch).await?;
            self.take(batch);
        }
        Ok(self.programs)
    }
}

/// The programs of a batch decoded on a blocking thread. A panic there is a bug and goes on
/// as one; a task cancelled by the runtime shutting down ends the read.
async fn decoded<T>(batch: JoinHandle<Result<Vec<T>, StoreError>>) -> Result<Vec<T>, StoreError> {
    match batch.await {
        Ok(programs) => programs,
        Err(err) if err.is_panic() => std::panic::resume_unwind(err.into_panic()),
        Err(_) => Err(StoreError::Database(sqlx::Error::WorkerCrashed)),
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
