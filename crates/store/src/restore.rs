//! Putting a SQLite backup back in place of the database file, safely or not at all.
//!
//! The backup is checked before anything is touched (it opens, it is ours, at a schema this
//! build knows, and `integrity_check` passes). The database must not be open anywhere: a
//! running server would keep writing to the old file. The new file is written beside the
//! old one, flushed to disk and renamed over it, so that a crash leaves either the old
//! database or the new one, never half of each.

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use crate::{StoreError, sqlite};

/// Replaces `database_file` with the backup at `backup` (made by [`crate::Store::backup_to`]).
/// Stop the server first: a database that is open elsewhere is refused.
pub async fn restore_sqlite(backup: &Path, database_file: &Path) -> Result<(), StoreError> {
    let invalid = |reason: String| StoreError::InvalidBackup {
        path: backup.to_owned(),
        reason,
    };
    if !backup.is_file() {
        return Err(invalid("ファイルが見つかりません".to_owned()));
    }
    sqlite::check_backup(backup).await.map_err(invalid)?;
    if database_file.exists() {
        sqlite::ensure_unused(database_file).await?;
    }
    let (backup, database_file) = (backup.to_owned(), database_file.to_owned());
    tokio::task::spawn_blocking(move || replace_file(&backup, &database_file))
        .await
        .map_err(|err| StoreError::File {
            path: PathBuf::new(),
            source: std::io::Error::other(err),
        })?
}

fn replace_file(backup: &Path, database_file: &Path) -> Result<(), StoreError> {
    let dir = match database_file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_owned(),
        _ => PathBuf::from("."),
    };
    fs::create_dir_all(&dir).map_err(StoreError::file(&dir))?;
    let temp = dir.join(temp_name(database_file));
    let copied = copy_durably(backup, &temp);
    if let Err(err) = copied
        .and_then(|()| fs::rename(&temp, database_file).map_err(StoreError::file(database_file)))
    {
        // Best effort: the temp file is ours and useless now.
        let _ = fs::remove_file(&temp);
        return Err(err);
    }
    // The journal files of the replaced database would be replayed into the new one.
    for suffix in ["-wal", "-shm", "-journal"] {
        let stale = sibling(database_file, suffix);
        match fs::remove_file(&stale) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(StoreError::File {
                    path: stale,
                    source: err,
                });
            }
            _ => {}
        }
    }
    sync_dir(&dir);
    Ok(())
}

fn copy_durably(from: &Path, to: &Path) -> Result<(), StoreError> {
    fs::copy(from, to).map_err(StoreError::file(to))?;
    File::open(to)
        .and_then(|file| file.sync_all())
        .map_err(StoreError::file(to))
}

/// Makes the rename itself durable where the platform allows syncing a directory.
fn sync_dir(dir: &Path) {
    if let Ok(handle) = File::open(dir) {
        // Some platforms cannot sync a directory; the rename has happened either way.
        let _ = handle.sync_all();
    }
}

/// A name no other restore picks: `.madoguchi.db.restore-<pid>-<nanos>`.
fn temp_name(database_file: &Path) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let name = database_file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!(".{name}.restore-{}-{nanos}", std::process::id())
}

/// `madoguchi.db` → `madoguchi.db-wal`.
fn sibling(file: &Path, suffix: &str) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}
