//! The store's API for the audit log.

use super::{Backend, Store};
use crate::StoreError;
use crate::audit::sql;
use crate::audit::{AuditEntry, AuditFilter, NewAuditEntry, prepare};
use crate::timestamp::now_whole_second;

impl Store {
    /// Appends an entry stamped with the current time and returns it as stored. Text
    /// longer than an entry keeps is cut with 「…」 rather than refused.
    pub async fn append_audit(&self, entry: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        let entry = prepare(entry)?;
        let at = now_whole_second();
        let row = match &self.backend {
            Backend::Sqlite(pool) => sql::append(pool, &entry, at).await?,
            Backend::Postgres(pool) => sql::append(pool, &entry, at).await?,
        };
        Ok(AuditEntry::from_row(row))
    }

    /// The entries that match `filter`, newest first, from `offset`, at most `limit`.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = match &self.backend {
            Backend::Sqlite(pool) => sql::select(pool, filter).await?,
            Backend::Postgres(pool) => sql::select(pool, filter).await?,
        };
        Ok(rows.into_iter().map(AuditEntry::from_row).collect())
    }

    /// How many entries match `filter` (its limit and offset are ignored).
    pub async fn count_audit_entries(&self, filter: &AuditFilter) -> Result<u64, StoreError> {
        let count = match &self.backend {
            Backend::Sqlite(pool) => sql::count(pool, filter).await?,
            Backend::Postgres(pool) => sql::count(pool, filter).await?,
        };
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// Every action code in the log, sorted, for a filter's choices.
    pub async fn audit_actions(&self) -> Result<Vec<String>, StoreError> {
        let mut actions = match &self.backend {
            Backend::Sqlite(pool) => sql::actions(pool).await?,
            Backend::Postgres(pool) => sql::actions(pool).await?,
        };
        // Byte order on both backends, whatever the server's collation.
        actions.sort();
        Ok(actions)
    }
}
