//! What every handler shares: the store, the catalogue snapshot, metrics and limits.

use std::sync::Arc;

use arc_swap::ArcSwap;
use madoguchi_core::catalog::Catalog;
use madoguchi_store::{ProgramDates, Store, StoreError};

use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;

/// Cheap to clone; one per process.
///
/// The catalogue is a snapshot in memory, read by every request without a lock and swapped
/// whole when staff change a program ([`AppState::catalog_changed`]): a request keeps the
/// snapshot it started with, and the next one sees the new catalogue.
#[derive(Clone, Debug)]
pub struct AppState {
    store: Store,
    catalog: Arc<ArcSwap<Catalog>>,
    /// When each program was first published and last changed, newest first.
    dates: Arc<ArcSwap<Vec<ProgramDates>>>,
    /// Held while reloading, so that a slow reload that began before a newer change can
    /// never swap in its older snapshot after the newer one.
    reloading: Arc<tokio::sync::Mutex<()>>,
    metrics: Arc<Metrics>,
    diagnose_limit: Arc<RateLimiter>,
    login_limit: Arc<RateLimiter>,
}

impl AppState {
    /// Loads the catalogue from the store into memory.
    pub async fn load(store: Store) -> Result<Self, StoreError> {
        let (catalog, dates) = read_catalog(&store).await?;
        Ok(Self {
            store,
            catalog: Arc::new(ArcSwap::from_pointee(catalog)),
            dates: Arc::new(ArcSwap::from_pointee(dates)),
            reloading: Arc::new(tokio::sync::Mutex::new(())),
            metrics: Metrics::shared(),
            diagnose_limit: Arc::new(RateLimiter::default()),
            login_limit: Arc::new(RateLimiter::new(10, 6)),
        })
    }

    /// Replaces the default limit on diagnoses per client.
    pub fn with_diagnose_limit(mut self, limiter: RateLimiter) -> Self {
        self.diagnose_limit = Arc::new(limiter);
        self
    }

    /// Replaces the default limit on console sign-in attempts per client (10 at once, then
    /// 6 a minute).
    pub fn with_login_limit(mut self, limiter: RateLimiter) -> Self {
        self.login_limit = Arc::new(limiter);
        self
    }

    /// The catalogue as it is now; hold the `Arc` for the whole request so that every
    /// part of one page reads the same snapshot.
    pub fn catalog(&self) -> Arc<Catalog> {
        self.catalog.load_full()
    }

    /// Every program's publication dates, the newest first published first.
    pub fn program_dates(&self) -> Arc<Vec<ProgramDates>> {
        self.dates.load_full()
    }

    /// Reloads the catalogue from the store and swaps it in for every later request of
    /// this process. Call it after anything that changes programs.
    pub async fn catalog_changed(&self) -> Result<(), StoreError> {
        let _one_at_a_time = self.reloading.lock().await;
        let (catalog, dates) = read_catalog(&self.store).await?;
        self.catalog.store(Arc::new(catalog));
        self.dates.store(Arc::new(dates));
        Ok(())
    }

    pub fn diagnose_limit(&self) -> &RateLimiter {
        &self.diagnose_limit
    }

    pub fn login_limit(&self) -> &RateLimiter {
        &self.login_limit
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn store(&self) -> &Store {
        &self.store
    }
}

async fn read_catalog(store: &Store) -> Result<(Catalog, Vec<ProgramDates>), StoreError> {
    let catalog = Catalog::new(store.programs().await?);
    let mut dates = store.program_dates().await?;
    dates.sort_by(|a, b| (b.first_saved_at, &b.id).cmp(&(a.first_saved_at, &a.id)));
    Ok((catalog, dates))
}
