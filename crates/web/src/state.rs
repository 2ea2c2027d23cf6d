//! What every handler shares: the store, the catalogue snapshot, metrics and limits.

use std::sync::Arc;

use madoguchi_core::catalog::Catalog;
use madoguchi_store::{ProgramDates, Store};

use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;

/// Cheap to clone; one per process.
///
/// The catalogue is loaded once at start. Nothing edits programs through the web yet; when
/// the staff console does, this becomes a swappable snapshot reloaded on every process.
#[derive(Clone, Debug)]
pub struct AppState {
    store: Store,
    catalog: Arc<Catalog>,
    /// When each program was first published and last changed, newest first.
    dates: Arc<Vec<ProgramDates>>,
    metrics: Arc<Metrics>,
    diagnose_limit: Arc<RateLimiter>,
}

impl AppState {
    /// Loads the catalogue from the store into memory.
    pub async fn load(store: Store) -> Result<Self, madoguchi_store::StoreError> {
        let catalog = Catalog::new(store.programs().await?);
        let mut dates = store.program_dates().await?;
        dates.sort_by(|a, b| (b.first_saved_at, &b.id).cmp(&(a.first_saved_at, &a.id)));
        Ok(Self {
            store,
            catalog: Arc::new(catalog),
            dates: Arc::new(dates),
            metrics: Metrics::shared(),
            diagnose_limit: Arc::new(RateLimiter::default()),
        })
    }

    /// Replaces the default limit on diagnoses per client.
    pub fn with_diagnose_limit(mut self, limiter: RateLimiter) -> Self {
        self.diagnose_limit = Arc::new(limiter);
        self
    }

    /// The catalogue every request reads.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Every program's publication dates, the newest first published first.
    pub fn program_dates(&self) -> &[ProgramDates] {
        &self.dates
    }

    pub fn diagnose_limit(&self) -> &RateLimiter {
        &self.diagnose_limit
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}
