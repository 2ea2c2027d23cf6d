//! The store's API for console settings.

use super::{Backend, Store};
use crate::StoreError;
use crate::setting::{Setting, check_key, check_value, sql};
use crate::timestamp::now_whole_second;

impl Store {
    /// The setting under `key`, if it was ever set.
    pub async fn setting(&self, key: &str) -> Result<Option<Setting>, StoreError> {
        let key = check_key(key)?;
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::find(pool, key).await?,
            Backend::Postgres(pool) => sql::find(pool, key).await?,
        };
        Ok(row.map(Setting::from_row))
    }

    /// Every setting ever set, by key.
    pub async fn settings(&self) -> Result<Vec<Setting>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => sql::all(pool).await?,
            Backend::Postgres(pool) => sql::all(pool).await?,
        };
        Ok(rows.into_iter().map(Setting::from_row).collect())
    }

    /// Sets `key` to `value`, noting who (`by`: an account id; `None` for the command line)
    /// and when. Returns the setting as stored.
    pub async fn set_setting(
        &self,
        key: &str,
        value: &str,
        by: Option<&str>,
    ) -> Result<Setting, StoreError> {
        let (key, value) = (check_key(key)?, check_value(value)?);
        let at = now_whole_second();
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::upsert(pool, key, value, by, at).await?,
            Backend::Postgres(pool) => sql::upsert(pool, key, value, by, at).await?,
        };
        Ok(Setting::from_row(row))
    }
}
