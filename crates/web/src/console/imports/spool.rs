//! The uploaded file, written to a temporary file as it arrives rather than gathered in
//! memory: a 64 MB upload costs the server a few kilobytes of buffer, and the preview reads
//! it back from disk record by record (`reading`).

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::multipart::{Field, MultipartError};
use tokio::io::AsyncWriteExt;

use crate::AppError;

/// An upload on disk, removed when dropped.
#[derive(Debug)]
pub struct Spooled {
    path: PathBuf,
    len: u64,
}

impl Spooled {
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file was empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        // Best effort: the system's temporary folder is cleared in the end anyway.
        let _ = std::fs::remove_file(&self.path);
    }
}

/// Writes the file field to a new temporary file, chunk by chunk, refusing more than
/// `limit` bytes ([`AppError::PayloadTooLarge`]). `multipart_error` says what a broken
/// upload is to the person who sent it.
pub async fn spool(
    mut field: Field<'_>,
    limit: usize,
    multipart_error: fn(MultipartError) -> AppError,
) -> Result<Spooled, AppError> {
    let mut spooled = Spooled {
        path: temporary_path(),
        len: 0,
    };
    let mut file = tokio::fs::File::create_new(&spooled.path)
        .await
        .map_err(cannot_keep)?;
    let limit = u64::try_from(limit).unwrap_or(u64::MAX);
    while let Some(chunk) = field.chunk().await.map_err(multipart_error)? {
        spooled.len += u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        if spooled.len > limit {
            return Err(AppError::PayloadTooLarge);
        }
        file.write_all(&chunk).await.map_err(cannot_keep)?;
    }
    file.flush().await.map_err(cannot_keep)?;
    Ok(spooled)
}

/// A path no other upload of any process uses: the process id, a count and the time.
fn temporary_path() -> PathBuf {
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let count = COUNT.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    std::env::temp_dir().join(format!(
        "madoguchi-upload-{}-{count}-{nanos}",
        std::process::id()
    ))
}

fn cannot_keep(err: std::io::Error) -> AppError {
    AppError::Internal(format!("could not keep the upload on disk: {err}"))
}
