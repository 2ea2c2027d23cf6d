//! One staged import at a time per SQLite database, and a sure way to tell the staged rows
//! of an import that died from those of one still running.
//!
//! The lock is an OS lock on a file beside the database (`madoguchi.db-import-lock`): the
//! process holding it is alive, and the OS lets go of it when the process ends however it
//! ends (a crash, `kill -9`, a power cut). So whoever holds the lock and still finds an
//! import's rows knows that import died, and may remove them. No timeout is needed, and an
//! import is never taken for dead while it only waits for its input. Within one process a
//! flag on the store says the same (a database in memory has no file beside it).

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::StoreError;

/// The right to stage an import into one database, until dropped.
#[derive(Debug)]
pub(crate) struct ImportLock {
    /// Held locked while the lock lives; closing it releases the OS lock.
    file: Option<File>,
    /// The store's flag, set while this process holds the lock.
    taken: Arc<AtomicBool>,
}

impl ImportLock {
    /// Takes the lock, or `None` while another import (of this process or another) holds it.
    /// `database` is the SQLite file, if the database is one.
    pub(crate) fn try_take(
        taken: &Arc<AtomicBool>,
        database: Option<&Path>,
    ) -> Result<Option<Self>, StoreError> {
        if taken.swap(true, Ordering::SeqCst) {
            return Ok(None);
        }
        // From here, dropping `lock` (an early return included) clears the flag again.
        let mut lock = Self {
            file: None,
            taken: Arc::clone(taken),
        };
        if let Some(database) = database {
            let path = lock_file(database);
            let file = OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(StoreError::file(&path))?;
            match file.try_lock() {
                Ok(()) => lock.file = Some(file),
                Err(TryLockError::WouldBlock) => return Ok(None),
                Err(TryLockError::Error(err)) => return Err(StoreError::file(&path)(err)),
            }
        }
        Ok(Some(lock))
    }
}

impl Drop for ImportLock {
    fn drop(&mut self) {
        // The file closes after this, releasing the OS lock.
        self.taken.store(false, Ordering::SeqCst);
    }
}

/// The file whose OS lock stands for the database's import lock.
fn lock_file(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push("-import-lock");
    PathBuf::from(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_free_again_once_dropped() {
        let dir = std::env::temp_dir().join(format!("madoguchi-lock-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let database = dir.join("madoguchi.db");
        let (mine, another_store) = (Arc::default(), Arc::default());
        let first = ImportLock::try_take(&mine, Some(&database)).unwrap();
        assert!(first.is_some());
        assert!(
            ImportLock::try_take(&mine, Some(&database))
                .unwrap()
                .is_none()
        );
        // Another store on the same file (as another process would) is refused by the OS.
        assert!(
            ImportLock::try_take(&another_store, Some(&database))
                .unwrap()
                .is_none()
        );
        drop(first);
        assert!(
            ImportLock::try_take(&another_store, Some(&database))
                .unwrap()
                .is_some()
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
}
