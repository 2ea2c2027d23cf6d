//! Hearing that the public catalogue changed, from whichever process changed it.
//!
//! Every save that changes the catalogue bumps one counter (`catalog_revision`) in its own
//! transaction. On PostgreSQL the same transaction announces the new revision with NOTIFY,
//! so a listening process hears it the moment it commits; since a notice sent while the
//! listening connection was down is lost, the revision is also read every `fallback`. On
//! SQLite (one file, one machine) the counter is read every `every`: one indexed row.

use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::{Store, StoreError, postgres};

/// How often PostgreSQL is asked for the revision anyway, in case a notice was missed.
const FALLBACK: Duration = Duration::from_secs(30);

/// Waits for changes to the catalogue; see [`Store::watch_catalog`].
#[derive(Debug)]
pub struct CatalogWatch {
    store: Store,
    last: i64,
    every: Duration,
    listener: Option<PgListener>,
}

impl Store {
    /// Starts watching the catalogue from its current revision. On SQLite the revision is
    /// read every `every`; on PostgreSQL the watch listens for notices (and reads the
    /// revision every 30 seconds as well).
    pub async fn watch_catalog(&self, every: Duration) -> Result<CatalogWatch, StoreError> {
        let last = self.catalog_revision().await?;
        let listener = match self.postgres_pool() {
            Some(pool) => Some(postgres::listen(pool).await?),
            None => None,
        };
        Ok(CatalogWatch {
            store: self.clone(),
            last,
            every,
            listener,
        })
    }
}

impl CatalogWatch {
    /// The revision last seen.
    pub fn revision(&self) -> i64 {
        self.last
    }

    /// Waits until the catalogue's revision differs from the last one seen, and returns
    /// the new one. An error (a lost connection) leaves the watch usable: call again.
    pub async fn changed(&mut self) -> Result<i64, StoreError> {
        loop {
            match &mut self.listener {
                Some(listener) => {
                    // Either a notice or the fallback timer: both end in reading the counter.
                    let _ = tokio::time::timeout(FALLBACK, listener.recv()).await;
                }
                None => tokio::time::sleep(self.every).await,
            }
            let now = self.store.catalog_revision().await?;
            if now != self.last {
                self.last = now;
                return Ok(now);
            }
        }
    }
}
