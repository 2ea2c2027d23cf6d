//! Where madoguchi keeps its data: the one place that turns options into a database URL.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::GlobalArgs;

/// The name of the embedded database file inside the data directory.
const SQLITE_FILE: &str = "madoguchi.db";

/// Resolved settings shared by every command.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    database_url: Option<String>,
}

impl std::fmt::Debug for Config {
    /// The database URL may carry a password: never print it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "[redacted]"),
            )
            .finish()
    }
}

impl Config {
    pub fn from_args(args: &GlobalArgs) -> Self {
        Self {
            data_dir: args.data_dir.clone(),
            database_url: args.database_url.clone().filter(|u| !u.trim().is_empty()),
        }
    }

    /// The embedded database file, used unless a database URL is given.
    pub fn sqlite_file(&self) -> PathBuf {
        self.data_dir.join(SQLITE_FILE)
    }

    /// True when the embedded SQLite file is in use.
    pub fn uses_embedded_sqlite(&self) -> bool {
        self.database_url.is_none()
    }

    /// Opens the configured database, creating the data directory for SQLite if needed.
    pub async fn open_store(&self) -> anyhow::Result<madoguchi_store::Store> {
        let store = match &self.database_url {
            Some(url) => madoguchi_store::Store::connect(url).await?,
            None => {
                ensure_dir(&self.data_dir)?;
                madoguchi_store::Store::open_sqlite(&self.sqlite_file()).await?
            }
        };
        Ok(store)
    }

    /// Opens the database and brings its schema up to date.
    pub async fn open_migrated_store(&self) -> anyhow::Result<madoguchi_store::Store> {
        let store = self.open_store().await?;
        store.migrate().await?;
        Ok(store)
    }
}

/// A credential given on the command line or in the environment (a password in a URL, a
/// token): kept as given, never shown by `Debug`.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    /// The credential itself, for the one place that uses it; `None` when it is blank (an
    /// empty variable means "not configured").
    pub fn reveal(&self) -> Option<&str> {
        Some(self.0.trim()).filter(|s| !s.is_empty())
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self(s.to_owned()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("[redacted]")
    }
}

fn ensure_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| {
        format!(
            "データディレクトリ {} を作成できません。--data-dir を確認してください。",
            dir.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::Secret;

    #[test]
    fn a_secret_is_never_shown_and_blank_is_none() {
        let secret: Secret = "p@ssw0rd".parse().unwrap_or_else(|e| match e {});
        assert_eq!(format!("{secret:?}"), "[redacted]");
        assert_eq!(secret.reveal(), Some("p@ssw0rd"));
        let blank: Secret = "  ".parse().unwrap_or_else(|e| match e {});
        assert_eq!(blank.reveal(), None);
    }
}
