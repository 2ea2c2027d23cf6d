//! Console settings as text under a key, with who changed each and when.
//!
//! The store keeps values as they are given; what a key means, its default and how its
//! text reads belong to the web layer, so that adding a setting needs no migration.

use time::OffsetDateTime;

use crate::timestamp::now_whole_second;
use crate::{Store, StoreError};

/// One stored setting. `updated_at` is in UTC, to the whole second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting {
    pub key: String,
    pub value: String,
    pub updated_at: OffsetDateTime,
    /// The account that changed it last; `None` for the command line.
    pub updated_by: Option<String>,
}

const MAX_KEY_LEN: usize = 64;
const MAX_VALUE_CHARS: usize = 10_000;

/// Checks a key: `a-z 0-9 _ .`, up to 64.
pub(crate) fn check_key(key: &str) -> Result<&str, StoreError> {
    let ok = !key.is_empty()
        && key.len() <= MAX_KEY_LEN
        && key
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._".contains(&b));
    if ok {
        Ok(key)
    } else {
        Err(StoreError::InvalidSetting(format!(
            "設定名「{}」は、半角英小文字・数字と「_ .」の64文字以内にしてください",
            key.chars().take(80).collect::<String>()
        )))
    }
}

pub(crate) fn check_value(value: &str) -> Result<&str, StoreError> {
    if value.chars().count() > MAX_VALUE_CHARS {
        return Err(StoreError::InvalidSetting(
            "設定の値が長すぎます".to_owned(),
        ));
    }
    Ok(value)
}

/// `(key, value, updated_at, updated_by)`.
pub(crate) type SettingRow = (String, String, OffsetDateTime, Option<String>);

impl Setting {
    pub(crate) fn from_row(row: SettingRow) -> Self {
        let (key, value, updated_at, updated_by) = row;
        Self {
            key,
            value,
            updated_at,
            updated_by,
        }
    }
}

impl Store {
    /// The setting under `key`, if it was ever set.
    pub async fn setting(&self, key: &str) -> Result<Option<Setting>, StoreError> {
        let key = check_key(key)?;
        let row = sql::find(self.db(), key).await?;
        Ok(row.map(Setting::from_row))
    }

    /// Every setting ever set, by key.
    pub async fn settings(&self) -> Result<Vec<Setting>, StoreError> {
        let rows = sql::all(self.db()).await?;
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
        let row = sql::upsert(self.db(), key, value, by, at).await?;
        Ok(Setting::from_row(row))
    }

    /// The setting under `key`, set to `value` first if it was never set. Processes that
    /// race to set it all get the one value that was stored first, so a generated secret
    /// is the same everywhere.
    pub async fn setting_or_init(&self, key: &str, value: &str) -> Result<Setting, StoreError> {
        let (key, value) = (check_key(key)?, check_value(value)?);
        sql::insert_absent(self.db(), key, value, now_whole_second()).await?;
        let row = sql::find(self.db(), key).await?;
        row.map(Setting::from_row)
            .ok_or_else(|| StoreError::InvalidSetting(format!("設定「{key}」を保存できません")))
    }
}

/// The statements on `settings`, written once for both backends.
mod sql {
    use time::OffsetDateTime;

    use super::SettingRow;
    use crate::StoreError;
    use crate::db::{Db, query};

    pub(crate) async fn find(db: Db<'_>, key: &str) -> Result<Option<SettingRow>, StoreError> {
        query("SELECT key, value, updated_at, updated_by FROM settings WHERE key = $1")
            .bind(key)
            .fetch_optional(db)
            .await
    }

    pub(crate) async fn all(db: Db<'_>) -> Result<Vec<SettingRow>, StoreError> {
        query("SELECT key, value, updated_at, updated_by FROM settings ORDER BY key")
            .fetch_all(db)
            .await
    }

    /// Inserts one setting unless the key is there already.
    pub(crate) async fn insert_absent(
        db: Db<'_>,
        key: &str,
        value: &str,
        at: OffsetDateTime,
    ) -> Result<u64, StoreError> {
        query(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, NULL)
             ON CONFLICT (key) DO NOTHING",
        )
        .bind(key)
        .bind(value)
        .bind(at)
        .execute(db)
        .await
    }

    /// Inserts or replaces one setting, returning it as stored.
    pub(crate) async fn upsert(
        db: Db<'_>,
        key: &str,
        value: &str,
        by: Option<&str>,
        at: OffsetDateTime,
    ) -> Result<SettingRow, StoreError> {
        query(
            "INSERT INTO settings (key, value, updated_at, updated_by) VALUES ($1, $2, $3, $4)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value,
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by
             RETURNING key, value, updated_at, updated_by",
        )
        .bind(key)
        .bind(value)
        .bind(at)
        .bind(by)
        .fetch_one(db)
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_is_a_short_lowercase_name() {
        assert!(check_key("stale_after_days").is_ok());
        for bad in ["", "Stale", "鮮度", "a-b", &"a".repeat(65)] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
        assert!(check_value(&"x".repeat(MAX_VALUE_CHARS + 1)).is_err());
    }
}
