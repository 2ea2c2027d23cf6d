//! The stored targets of tracked links: every link in a message is `/r/{id}/{token}`, and
//! the id names a URL kept here for one notice, so the redirect can only go where a notice
//! pointed, never where a crafted URL asks.

use crate::db::query;
use crate::{Store, StoreError};

/// Link ids: 16 hex digits, random, unique per (notice, URL).
fn new_link_id() -> Result<String, StoreError> {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).map_err(|err| StoreError::Random(err.to_string()))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// A stored link: where it goes and which notice it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeLink {
    pub id: String,
    pub notice_id: String,
    pub url: String,
}

impl Store {
    /// The id of the link to `url` in notice `notice_id`, stored now if it is new; the
    /// same notice and URL always give the same id.
    pub async fn notice_link(&self, notice_id: &str, url: &str) -> Result<String, StoreError> {
        query(
            "INSERT INTO notice_links (id, notice_id, url) VALUES ($1, $2, $3)
             ON CONFLICT (notice_id, url) DO NOTHING",
        )
        .bind(new_link_id()?)
        .bind(notice_id)
        .bind(url)
        .execute(self.db())
        .await?;
        query("SELECT id FROM notice_links WHERE notice_id = $1 AND url = $2")
            .bind(notice_id)
            .bind(url)
            .fetch_scalar(self.db())
            .await
    }

    /// The link stored under `id`.
    pub async fn find_notice_link(&self, id: &str) -> Result<Option<NoticeLink>, StoreError> {
        let row: Option<(String, String, String)> =
            query("SELECT id, notice_id, url FROM notice_links WHERE id = $1")
                .bind(id)
                .fetch_optional(self.db())
                .await?;
        Ok(row.map(|(id, notice_id, url)| NoticeLink { id, notice_id, url }))
    }
}
