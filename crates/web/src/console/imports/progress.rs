//! How far this process's import jobs have got, and the heartbeat that tells the others.
//!
//! A job saves in one transaction, so the database cannot show its rows before it ends;
//! the count of programs written so far lives here, where the job's page reads it. On
//! PostgreSQL a heartbeat also copies the count into the import's row every few seconds,
//! so that every process can show it and a job whose process died is noticed
//! ([`super::recovery`]). SQLite has one writer, the job itself, so there the count is
//! shown by the process that runs it (SQLite serves from one process anyway).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use madoguchi_store::Store;

/// How often a running job tells the database how far it got.
pub const HEARTBEAT_EVERY: Duration = Duration::from_secs(5);

/// The running jobs of this process, by import id.
#[derive(Debug, Default)]
pub struct ImportProgress {
    running: Mutex<HashMap<i64, Arc<AtomicU64>>>,
}

impl ImportProgress {
    /// Starts counting for import `id`; the count is forgotten when the tracker drops.
    pub fn track(self: &Arc<Self>, id: i64) -> Tracker {
        let count = Arc::new(AtomicU64::new(0));
        self.running().insert(id, Arc::clone(&count));
        Tracker {
            id,
            count,
            registry: Arc::clone(self),
            heartbeat: None,
        }
    }

    /// Programs saved so far by import `id`, if this process runs it.
    pub fn done(&self, id: i64) -> Option<u64> {
        self.running()
            .get(&id)
            .map(|count| count.load(Ordering::Relaxed))
    }

    fn running(&self) -> std::sync::MutexGuard<'_, HashMap<i64, Arc<AtomicU64>>> {
        // A panic while holding the map cannot leave it half-changed: every change is one
        // insert or remove.
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// One running job's count.
#[derive(Debug)]
pub struct Tracker {
    id: i64,
    count: Arc<AtomicU64>,
    registry: Arc<ImportProgress>,
    /// Ends by itself once the row no longer says running, and with the tracker at the latest:
    /// a job that panicked must not keep its row looking alive.
    heartbeat: Option<tokio::task::JoinHandle<()>>,
}

impl Tracker {
    pub fn set(&self, done: u64) {
        self.count.store(done, Ordering::Relaxed);
    }

    /// Starts the heartbeat for this job when the store allows it.
    pub fn start_heartbeat(&mut self, store: &Store) {
        self.heartbeat = store.writes_beside_transactions().then(|| {
            let count = Arc::clone(&self.count);
            tokio::spawn(beat(store.clone(), self.id, count, HEARTBEAT_EVERY))
        });
    }
}

/// Copies the count into the import's row every `every` until the job stops running
/// there; only for a store that [writes beside a transaction](Store::writes_beside_transactions).
async fn beat(store: Store, id: i64, count: Arc<AtomicU64>, every: Duration) {
    let mut ticks = tokio::time::interval(every);
    loop {
        ticks.tick().await;
        match store
            .import_heartbeat(id, count.load(Ordering::Relaxed))
            .await
        {
            Ok(true) => {}
            Ok(false) => return,
            Err(err) => tracing::warn!(import = id, %err, "import heartbeat failed"),
        }
    }
}

impl Drop for Tracker {
    fn drop(&mut self) {
        if let Some(heartbeat) = &self.heartbeat {
            heartbeat.abort();
        }
        self.registry.running().remove(&self.id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_is_counted_while_its_tracker_lives() {
        let progress = Arc::new(ImportProgress::default());
        let tracker = progress.track(7);
        assert_eq!(progress.done(7), Some(0));
        tracker.set(4_200);
        assert_eq!(progress.done(7), Some(4_200));
        assert_eq!(progress.done(8), None);
        drop(tracker);
        assert_eq!(progress.done(7), None);
    }
}
