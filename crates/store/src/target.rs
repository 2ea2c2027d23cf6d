//! Which database a URL names, and how to print that URL without its password.
//!
//! `--database-url` is the one place a secret can enter: a PostgreSQL URL may carry a
//! password in its user part or its query. The raw URL stays inside [`Target`] and is
//! handed only to the driver; everything printed goes through [`redact_url`].

use std::fmt;
use std::path::PathBuf;

use crate::StoreError;

/// The database a URL names.
pub(crate) enum Target {
    /// `sqlite:/var/lib/madoguchi/madoguchi.db`, `sqlite://data/madoguchi.db`.
    SqliteFile(PathBuf),
    /// `sqlite::memory:`: one private database that lives as long as the store.
    SqliteMemory,
    /// `postgres://…` or `postgresql://…`, kept whole for the driver.
    Postgres(String),
}

impl Target {
    pub(crate) fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(Self::Postgres(url.to_owned()));
        }
        let unsupported = || StoreError::UnsupportedUrl(redact_url(url));
        let rest = url.strip_prefix("sqlite:").ok_or_else(unsupported)?;
        // `sqlite://x` and `sqlite:x` both name the path `x`; `sqlite:///abs` names `/abs`.
        let path = rest.strip_prefix("//").unwrap_or(rest);
        // Driver options in a query would be silently ignored by us: refuse them instead.
        if path.is_empty() || path.contains('?') {
            return Err(unsupported());
        }
        if path == ":memory:" {
            return Ok(Self::SqliteMemory);
        }
        Ok(Self::SqliteFile(PathBuf::from(path)))
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::SqliteFile(path) => f.debug_tuple("SqliteFile").field(path).finish(),
            Self::SqliteMemory => f.write_str("SqliteMemory"),
            Self::Postgres(url) => f.debug_tuple("Postgres").field(&redact_url(url)).finish(),
        }
    }
}

/// The URL with any password replaced by `***`, safe for logs and error messages.
///
/// Covers the user part (`postgres://user:secret@host/db`) and the `password` /
/// `sslpassword` query parameters; everything else is kept so that the reader can still
/// see which host and database were meant.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{userinfo}@{host}"),
        },
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => format!("{path}?{}", redact_query(query)),
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

fn redact_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, _))
                if key.eq_ignore_ascii_case("password")
                    || key.eq_ignore_ascii_case("sslpassword") =>
            {
                format!("{key}=***")
            }
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    #[test]
    fn a_password_in_the_user_part_or_the_query_is_hidden() {
        assert_eq!(
            redact_url("postgres://madoguchi:s3cr:et@db.example:5432/catalog"),
            "postgres://madoguchi:***@db.example:5432/catalog"
        );
        assert_eq!(
            redact_url("postgresql://db/catalog?user=a&password=s3cret&sslmode=require"),
            "postgresql://db/catalog?user=a&password=***&sslmode=require"
        );
        assert_eq!(
            redact_url("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
    }

    #[test]
    fn every_spelling_of_a_sqlite_file_names_the_same_path() {
        let path_of = |url: &str| match Target::parse(url).unwrap() {
            Target::SqliteFile(path) => path,
            other => panic!("{other:?}"),
        };
        assert_eq!(path_of("sqlite:/srv/m.db"), Path::new("/srv/m.db"));
        assert_eq!(path_of("sqlite:///srv/m.db"), Path::new("/srv/m.db"));
        assert_eq!(path_of("sqlite://data/m.db"), Path::new("data/m.db"));
        assert_eq!(path_of("sqlite:data/m.db"), Path::new("data/m.db"));
        assert!(matches!(
            Target::parse("sqlite::memory:").unwrap(),
            Target::SqliteMemory
        ));
    }

    #[test]
    fn an_unknown_scheme_is_refused_without_echoing_the_password() {
        let err = Target::parse("mysql://root:hunter2@db/x").unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(!text.contains("hunter2"), "{text}");
        assert!(text.contains("--database-url"), "{text}");
        assert!(Target::parse("sqlite:").is_err());
        assert!(Target::parse("sqlite:m.db?mode=ro").is_err());
    }

    #[test]
    fn the_debug_form_of_a_postgres_target_hides_the_password() {
        let target = Target::parse("postgres://u:hunter2@h/d").unwrap();
        assert!(!format!("{target:?}").contains("hunter2"));
    }
}
