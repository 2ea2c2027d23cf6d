//! The schema's history: plain `.sql` files per backend, embedded, applied in order, never
//! edited once released.
//!
//! Each backend keeps its list of applied migrations in `madoguchi_migrations` with a
//! checksum of the text, so that an edited migration or a database from a newer madoguchi
//! is refused instead of silently drifting. The backends run the SQL; the bookkeeping of
//! what is pending is decided here once, and the bookkeeping statements are written here
//! once for both.

use time::OffsetDateTime;

use crate::StoreError;
use crate::catalogue::sha256_hex;
use crate::db::{Db, query};

/// One schema step.
#[derive(Debug)]
pub(crate) struct Migration {
    pub version: i64,
    pub name: &'static str,
    pub sql: &'static str,
}

impl Migration {
    /// Line endings are left out so that a checkout with CRLF does not look like an edit.
    pub(crate) fn checksum(&self) -> String {
        sha256_hex(&self.sql.replace('\r', ""))
    }
}

macro_rules! migration {
    ($version:literal, $backend:literal, $file:literal, $name:literal) => {
        Migration {
            version: $version,
            name: $name,
            sql: include_str!(concat!("../migrations/", $backend, "/", $file)),
        }
    };
}

/// SQLite's migrations, oldest first. Append only.
pub(crate) const SQLITE: &[Migration] = &[
    migration!(1, "sqlite", "0001_programs.sql", "programs"),
    migration!(2, "sqlite", "0002_import_runs.sql", "import_runs"),
    migration!(3, "sqlite", "0003_sessions.sql", "sessions"),
    migration!(4, "sqlite", "0004_staff.sql", "staff"),
    migration!(5, "sqlite", "0005_drafts.sql", "drafts"),
    migration!(6, "sqlite", "0006_pending_imports.sql", "pending_imports"),
    migration!(7, "sqlite", "0007_login_attempts.sql", "login_attempts"),
    migration!(8, "sqlite", "0008_program_list.sql", "program_list"),
    migration!(
        9,
        "sqlite",
        "0009_forget_import_bodies.sql",
        "forget_import_bodies"
    ),
    migration!(
        10,
        "sqlite",
        "0010_temporary_passwords.sql",
        "temporary_passwords"
    ),
    migration!(11, "sqlite", "0011_desk.sql", "desk"),
    migration!(12, "sqlite", "0012_projects.sql", "projects"),
    migration!(13, "sqlite", "0013_notices.sql", "notices"),
    migration!(14, "sqlite", "0014_notice_delivery.sql", "notice_delivery"),
    migration!(15, "sqlite", "0015_analytics.sql", "analytics"),
    migration!(
        16,
        "sqlite",
        "0016_analytics_rollups.sql",
        "analytics_rollups"
    ),
    migration!(
        17,
        "sqlite",
        "0017_catalogue_changes.sql",
        "catalogue_changes"
    ),
    migration!(18, "sqlite", "0018_staged_imports.sql", "staged_imports"),
    migration!(19, "sqlite", "0019_program_search.sql", "program_search"),
    migration!(
        20,
        "sqlite",
        "0020_program_search_staged.sql",
        "program_search_staged"
    ),
    migration!(
        21,
        "sqlite",
        "0021_import_events_in_place.sql",
        "import_events_in_place"
    ),
];

/// PostgreSQL's migrations, oldest first. Append only, in step with SQLite's.
pub(crate) const POSTGRES: &[Migration] = &[
    migration!(1, "postgres", "0001_programs.sql", "programs"),
    migration!(2, "postgres", "0002_import_runs.sql", "import_runs"),
    migration!(3, "postgres", "0003_sessions.sql", "sessions"),
    migration!(4, "postgres", "0004_staff.sql", "staff"),
    migration!(5, "postgres", "0005_drafts.sql", "drafts"),
    migration!(6, "postgres", "0006_pending_imports.sql", "pending_imports"),
    migration!(7, "postgres", "0007_login_attempts.sql", "login_attempts"),
    migration!(8, "postgres", "0008_program_list.sql", "program_list"),
    migration!(
        9,
        "postgres",
        "0009_forget_import_bodies.sql",
        "forget_import_bodies"
    ),
    migration!(
        10,
        "postgres",
        "0010_temporary_passwords.sql",
        "temporary_passwords"
    ),
    migration!(11, "postgres", "0011_desk.sql", "desk"),
    migration!(12, "postgres", "0012_projects.sql", "projects"),
    migration!(13, "postgres", "0013_notices.sql", "notices"),
    migration!(
        14,
        "postgres",
        "0014_notice_delivery.sql",
        "notice_delivery"
    ),
    migration!(15, "postgres", "0015_analytics.sql", "analytics"),
    migration!(
        16,
        "postgres",
        "0016_analytics_rollups.sql",
        "analytics_rollups"
    ),
    migration!(
        17,
        "postgres",
        "0017_catalogue_changes.sql",
        "catalogue_changes"
    ),
    migration!(18, "postgres", "0018_staged_imports.sql", "staged_imports"),
    migration!(19, "postgres", "0019_program_search.sql", "program_search"),
    migration!(
        20,
        "postgres",
        "0020_program_search_staged.sql",
        "program_search_staged"
    ),
    migration!(
        21,
        "postgres",
        "0021_import_events_in_place.sql",
        "import_events_in_place"
    ),
];

/// A row of `madoguchi_migrations`.
#[derive(Debug)]
pub(crate) struct Applied {
    pub version: i64,
    pub checksum: String,
}

/// The migrations still to run, after checking that those applied are ours, unedited.
pub(crate) fn pending<'m>(
    known: &'m [Migration],
    applied: &[Applied],
) -> Result<Vec<&'m Migration>, StoreError> {
    let newest_known = known.last().map_or(0, |m| m.version);
    for row in applied {
        let Some(migration) = known.iter().find(|m| m.version == row.version) else {
            return Err(StoreError::SchemaTooNew {
                found: row.version,
                known: newest_known,
            });
        };
        if migration.checksum() != row.checksum {
            return Err(StoreError::MigrationChanged {
                version: migration.version,
                name: migration.name.to_owned(),
            });
        }
    }
    Ok(known
        .iter()
        .filter(|m| !applied.iter().any(|a| a.version == m.version))
        .collect())
}

/// The newest schema version this build knows, for checking a backup before restoring it.
pub(crate) fn newest_sqlite_version() -> i64 {
    SQLITE.last().map_or(0, |m| m.version)
}

/// The migrations recorded as applied, oldest first.
pub(crate) async fn applied_migrations(db: Db<'_>) -> Result<Vec<Applied>, StoreError> {
    let rows: Vec<(i64, String)> =
        query("SELECT version, checksum FROM madoguchi_migrations ORDER BY version")
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(version, checksum)| Applied { version, checksum })
        .collect())
}

/// Notes a migration as applied, inside the caller's transaction.
pub(crate) async fn record_migration(db: Db<'_>, migration: &Migration) -> Result<(), StoreError> {
    query(
        "INSERT INTO madoguchi_migrations (version, name, checksum, applied_at)
         VALUES ($1, $2, $3, $4)",
    )
    .bind(migration.version)
    .bind(migration.name)
    .bind(migration.checksum())
    .bind(OffsetDateTime::now_utc())
    .execute(db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn files_in(backend: &str) -> Vec<String> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("migrations")
            .join(backend);
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn listed(migrations: &[Migration]) -> Vec<String> {
        migrations
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect()
    }

    #[test]
    fn every_migration_file_is_embedded_under_its_own_number_and_name() {
        assert_eq!(files_in("sqlite"), listed(SQLITE));
        assert_eq!(files_in("postgres"), listed(POSTGRES));
    }

    #[test]
    fn both_backends_have_the_same_schema_steps() {
        let steps = |ms: &[Migration]| ms.iter().map(|m| (m.version, m.name)).collect::<Vec<_>>();
        assert_eq!(steps(SQLITE), steps(POSTGRES));
        assert!(SQLITE.iter().zip(1..).all(|(m, n)| m.version == n));
    }

    #[test]
    fn an_edited_or_unknown_migration_is_refused() {
        let edited = [Applied {
            version: 1,
            checksum: "0".repeat(64),
        }];
        assert!(matches!(
            pending(SQLITE, &edited),
            Err(StoreError::MigrationChanged { version: 1, .. })
        ));
        let newer = [Applied {
            version: 99,
            checksum: String::new(),
        }];
        assert!(matches!(
            pending(SQLITE, &newer),
            Err(StoreError::SchemaTooNew { found: 99, .. })
        ));
    }

    #[test]
    fn only_migrations_not_yet_applied_are_pending() {
        let first = [Applied {
            version: 1,
            checksum: SQLITE[0].checksum(),
        }];
        let todo = pending(SQLITE, &first).unwrap();
        let after_the_first: Vec<i64> = (2..=SQLITE.len() as i64).collect();
        assert_eq!(
            todo.iter().map(|m| m.version).collect::<Vec<_>>(),
            after_the_first
        );
    }
}
