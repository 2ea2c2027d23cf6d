//! What every handler shares: the store and the current catalogue snapshot.

use std::sync::{Arc, RwLock};

use madoguchi_core::catalog::Catalog;
use madoguchi_store::Store;

use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;

/// Cheap to clone; one per process.
#[derive(Clone, Debug)]
pub struct AppState {
    store: Store,
    catalog: Arc<RwLock<Arc<Catalog>>>,
    metrics: Arc<Metrics>,
    diagnose_limit: Arc<RateLimiter>,
}

impl AppState {
    /// Loads the catalogue from the store into memory.
    pub async fn load(store: Store) -> Result<Self, madoguchi_store::StoreError> {
        let catalog = Catalog::new(store.programs().await?);
        Ok(Self {
            store,
            catalog: Arc::new(RwLock::new(Arc::new(catalog))),
            metrics: Metrics::shared(),
            diagnose_limit: Arc::new(RateLimiter::default()),
        })
    }

    /// The snapshot to read for this request; later changes do not disturb it.
    pub fn catalog(&self) -> Arc<Catalog> {
        match self.catalog.read() {
            Ok(guard) => Arc::clone(&guard),
            // A writer panicked mid-swap; the old snapshot is still whole.
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Re-reads the catalogue from the store and swaps it in atomically.
    pub async fn reload(&self) -> Result<(), madoguchi_store::StoreError> {
        let fresh = Arc::new(Catalog::new(self.store.programs().await?));
        match self.catalog.write() {
            Ok(mut guard) => *guard = fresh,
            Err(poisoned) => *poisoned.into_inner() = fresh,
        }
        Ok(())
    }

    /// Replaces the default limit on diagnoses per client.
    pub fn with_diagnose_limit(mut self, limiter: RateLimiter) -> Self {
        self.diagnose_limit = Arc::new(limiter);
        self
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
