//! How a process's catalogue snapshot follows the store: read whole at start, then changed
//! program by program.
//!
//! Reading and indexing 100,000 programs takes seconds; a publish changes one. So after a
//! change, a process asks the store what changed since the revision its snapshot stands at
//! and makes the next snapshot from the current one: the catalogue shares its unchanged
//! programs and their compiled rules, the search index deletes and adds documents. It reads
//! the whole catalogue again only when many programs changed at once (an import), or when
//! the search index holds more removed documents than live ones.

use std::path::Path;
use std::sync::Arc;

use madoguchi_core::catalog::{Catalog, CatalogBuilder};
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_search::readings::Readings;
use madoguchi_search::{IndexOrigin, ReadingMode, SearchError, SearchIndex};
use madoguchi_store::{CatalogChanges, ProgramDates, Store};

use crate::state::LoadError;

/// More changed programs than this are read as a whole catalogue: one program at a time
/// stops paying off somewhere past a few thousand, and an import of more is rare.
pub(crate) const MOST_CHANGES_APPLIED: usize = 2_000;

/// One consistent state of the public catalogue in memory.
#[derive(Clone, Debug)]
pub(crate) struct Snapshot {
    /// The catalogue revision this snapshot includes every change up to.
    pub revision: i64,
    pub catalog: Arc<Catalog>,
    /// When each program was first published and last changed, newest first (each shared
    /// between snapshots, so that the next one copies pointers).
    pub dates: Arc<Vec<Arc<ProgramDates>>>,
    pub search: Arc<SearchIndex>,
}

impl Snapshot {
    /// Reads the whole catalogue; with `kept`, the search index is kept in a directory under
    /// it and opened from there at the next start (see `madoguchi_search::SearchIndex::build_kept`).
    ///
    /// A cold start waits on this, so the parts that do not depend on each other overlap: the
    /// reading dictionary loads and the publication dates are read while the programs are;
    /// then the rules compile while the search index is opened or built and dated.
    pub async fn read(store: &Store, kept: Option<&Path>) -> Result<Self, LoadError> {
        // The revision first: a change that lands while the programs are read is taken in
        // (again) by the next update, and taking a change in twice is harmless.
        let revision = store.catalog_revision().await?;
        let dictionary = tokio::task::spawn_blocking(|| {
            let _ = Readings::shared();
        });
        let began = std::time::Instant::now();
        let millis = move || began.elapsed().as_millis();
        // The rules are compiled batch by batch while the rest is read: at a million programs
        // compiling after the read took seconds of one core, and the read leaves a core
        // partly idle (waiting on the disk, when the database is not cached).
        let (batches, read_batches) = std::sync::mpsc::channel();
        let compiling = tokio::task::spawn_blocking(move || {
            let mut catalog = CatalogBuilder::new();
            for batch in read_batches {
                catalog.extend(batch);
            }
            catalog.finish()
        });
        // The dates are read beside the programs, on another connection.
        let (programs, dates) =
            tokio::try_join!(store.shared_programs_sent(batches), store.program_dates())?;
        tracing::debug!(
            programs = programs.len(),
            millis = millis(),
            "catalogue read"
        );
        let kept = kept.map(Path::to_path_buf);
        // Spawned now, not when awaited (as an `async fn` would be): the index is opened
        // while the last rules compile and the dates, which only it needs at once, are
        // sorted on the other core.
        let newest = tokio::task::spawn_blocking(move || {
            // The store gives them by id, the order in which the index takes them.
            let by_id: Vec<Arc<ProgramDates>> = dates.into_iter().map(Arc::new).collect();
            let mut dates = by_id.clone();
            dates.sort_by(|a, b| newest_first(a, b));
            (dates, by_id)
        });
        let search = tokio::task::spawn_blocking(move || {
            let index = index(&programs, kept.as_deref());
            tracing::debug!(millis = millis(), "search index ready");
            index
        });
        let catalog = compiling.await.map_err(interrupted)?;
        tracing::debug!(millis = millis(), "rules compiled");
        let mut search = search.await.map_err(interrupted)??;
        let (dates, by_id) = newest.await.map_err(interrupted)?;
        let search = blocking(move || {
            search.set_published(by_id.iter().map(|d| (&d.id, d.first_saved_at)));
            Ok(search)
        })
        .await?;
        // Only a warm-up: the index loaded the dictionary itself if it was not ready.
        let _ = dictionary.await;
        tracing::debug!(millis = millis(), "snapshot ready");
        Ok(Self {
            revision,
            catalog: Arc::new(catalog),
            dates: Arc::new(dates),
            search: Arc::new(search),
        })
    }

    /// The snapshot as the store stands now: this one with what changed since, or the whole
    /// catalogue read again when that is cheaper.
    pub async fn updated(&self, store: &Store, kept: Option<&Path>) -> Result<Self, LoadError> {
        let changes = store
            .catalog_changes(self.revision, MOST_CHANGES_APPLIED)
            .await?;
        match changes {
            Some(changes) if changes.is_empty() => Ok(Self {
                revision: changes.revision,
                ..self.clone()
            }),
            Some(changes) if self.search.removed() + changes.len() <= self.search.len() => {
                let this = self.clone();
                match blocking(move || this.with_changes(changes)).await {
                    Ok(next) => Ok(next),
                    // The index refuses a change after one that failed half-way; a whole
                    // read starts it afresh.
                    Err(err) => {
                        tracing::warn!(%err, "cannot take the changes in; reading everything");
                        Self::read(store, kept).await
                    }
                }
            }
            _ => Self::read(store, kept).await,
        }
    }

    /// The next snapshot, with `changes` taken in.
    fn with_changes(&self, changes: CatalogChanges) -> Result<Self, SearchError> {
        let CatalogChanges {
            revision,
            published,
            withdrawn,
            dates: new_dates,
        } = changes;
        let search = self.search.with_changes(
            &published,
            &withdrawn,
            new_dates.iter().map(|d| (&d.id, d.first_saved_at)),
        )?;
        // The kept dates stay in order: only the changed programs' are put in their place.
        let mut changed: Vec<&ProgramId> =
            published.iter().map(|p| &p.id).chain(&withdrawn).collect();
        changed.sort();
        let mut dates: Vec<Arc<ProgramDates>> = self
            .dates
            .iter()
            .filter(|d| changed.binary_search(&&d.id).is_err())
            .cloned()
            .collect();
        for date in new_dates {
            let at = dates.partition_point(|d| newest_first(d, &date).is_lt());
            dates.insert(at, Arc::new(date));
        }
        let catalog = self.catalog.with_changes(published, &withdrawn);
        Ok(Self {
            revision,
            catalog: Arc::new(catalog),
            dates: Arc::new(dates),
            search: Arc::new(search),
        })
    }
}

/// The order of the 新着 lists and feeds: the newest first published first, then by id.
fn newest_first(a: &ProgramDates, b: &ProgramDates) -> std::cmp::Ordering {
    (b.first_saved_at, &b.id).cmp(&(a.first_saved_at, &a.id))
}

/// The search index of a whole catalogue, kept under `kept` when given.
fn index(programs: &[Arc<Program>], kept: Option<&Path>) -> Result<SearchIndex, SearchError> {
    let Some(base) = kept else {
        return SearchIndex::build(programs);
    };
    let (index, origin) = SearchIndex::build_kept(programs, ReadingMode::Auto, base)?;
    match origin {
        IndexOrigin::Opened { mended } => tracing::info!(mended, "search index opened from disk"),
        IndexOrigin::Built => tracing::info!("search index built and kept"),
        IndexOrigin::Memory => tracing::info!("search index built in memory"),
    }
    Ok(index)
}

/// Runs CPU work off the async workers.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, SearchError> + Send + 'static,
) -> Result<T, LoadError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(interrupted)?
        .map_err(LoadError::from)
}

/// A CPU task of the load that stopped before it finished (a panic: a bug).
fn interrupted(e: tokio::task::JoinError) -> LoadError {
    LoadError::Search(SearchError::Interrupted(e.to_string()))
}
