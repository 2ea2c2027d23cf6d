//! The one seam between the store and its two backends: where SQLite or PostgreSQL is
//! chosen, and the only place that does.
//!
//! Every statement that both backends run word for word (SQLite accepts PostgreSQL's `$1`
//! placeholders) is written once, in its entity's module, as a plain, non-generic
//! function: `query(sql).bind(…).fetch_all(db)`. [`Query`] keeps the statement and its
//! arguments as values; [`Db`] is the executor it runs on (a pool or a connection inside
//! a transaction, of either backend); running it is one `match` here, per kind of fetch.
//!
//! Why values and not generics: a statement written generically over `sqlx::Database`
//! needs a `where` block naming every bound it uses (the arguments' `IntoArguments`, each
//! bound type's `Encode` and `Type`, each row's `FromRow`), and Rust does not carry such
//! bounds from a trait to its users (only supertraits are implied), so a `trait Backend`
//! with a blanket impl would not spare a single one of them; nor can a closure be generic,
//! so `with_pool(|pool| …)` cannot pick the pool once either. Here the bounds are said
//! once: on [`arguments`] for what a statement binds, on [`Row`] for what it reads.
//!
//! What truly differs between the backends (connecting, locking, bulk writes, listening,
//! backup) lives in `sqlite` and `postgres`; [`Backend`] picks between them, also here.

use std::path::{Path, PathBuf};

use madoguchi_core::program::ProgramId;
use sqlx::postgres::{PgArguments, PgConnection, PgPool, PgRow};
use sqlx::sqlite::{SqliteArguments, SqliteConnection, SqlitePool, SqliteRow};
use sqlx::{Arguments, Database, Encode, FromRow, Postgres, Sqlite, Type};
use time::OffsetDateTime;

use crate::catalogue::{Destination, Prepared};
use crate::drafts::{Publication, TakeDownAudit};
use crate::{SaveOutcome, SaveSummary, StoreError, postgres, sqlite};

/// The store's connection pool, of one backend or the other.
#[derive(Clone)]
pub(crate) enum Backend {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

impl Backend {
    /// An executor on the pool, for one statement.
    pub(crate) fn db(&self) -> Db<'_> {
        match self {
            Self::Sqlite(pool) => Db::SqlitePool(pool),
            Self::Postgres(pool) => Db::PostgresPool(pool),
        }
    }

    /// Which SQL dialect the statements that must differ are written in.
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::Sqlite(_) => Dialect::Sqlite,
            Self::Postgres(_) => Dialect::Postgres,
        }
    }

    /// `"sqlite"` or `"postgresql"`.
    pub(crate) fn name(&self) -> &'static str {
        match self.dialect() {
            Dialect::Sqlite => "sqlite",
            Dialect::Postgres => "postgresql",
        }
    }

    /// The PostgreSQL pool, if the store is PostgreSQL.
    pub(crate) fn postgres(&self) -> Option<&PgPool> {
        match self {
            Self::Postgres(pool) => Some(pool),
            Self::Sqlite(_) => None,
        }
    }

    /// The SQLite pool, if the store is SQLite.
    pub(crate) fn sqlite(&self) -> Option<&SqlitePool> {
        match self {
            Self::Sqlite(pool) => Some(pool),
            Self::Postgres(_) => None,
        }
    }

    /// The SQLite file in use, if the store is a SQLite file.
    pub(crate) fn sqlite_file(&self) -> Option<PathBuf> {
        self.sqlite().and_then(crate::sqlite::database_file)
    }

    /// Brings the schema up to date, in the backend's own transaction and lock.
    pub(crate) async fn migrate(&self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(pool) => sqlite::migrate(pool).await,
            Self::Postgres(pool) => postgres::migrate(pool).await,
        }
    }

    /// Opens a write transaction under the backend's write lock for `lock`: SQLite's one
    /// writer (`BEGIN IMMEDIATE`, so what it reads stays true until it commits), or a
    /// PostgreSQL advisory lock held until the transaction ends. A check made inside it
    /// (the last administrator, say) cannot be undone by a writer that read the same rows
    /// at the same moment.
    pub(crate) async fn begin_write(&self, lock: WriteLock) -> Result<WriteTx, StoreError> {
        Ok(match self {
            Self::Sqlite(pool) => WriteTx::Sqlite(sqlite::begin_write(pool).await?),
            Self::Postgres(pool) => WriteTx::Postgres(postgres::begin_write(pool, lock).await?),
        })
    }

    /// Publishes a draft in one transaction under the catalogue's write lock.
    pub(crate) async fn publish(
        &self,
        id: &ProgramId,
        revision: u32,
        publication: &Publication<'_>,
        saved_at: OffsetDateTime,
    ) -> Result<SaveOutcome, StoreError> {
        match self {
            Self::Sqlite(pool) => sqlite::publish(pool, id, revision, publication, saved_at).await,
            Self::Postgres(pool) => {
                postgres::publish(pool, id, revision, publication, saved_at).await
            }
        }
    }

    /// Takes a program off the public site under the catalogue's write lock. False when it
    /// was already off (or does not exist).
    pub(crate) async fn unpublish(
        &self,
        id: &str,
        now: OffsetDateTime,
        audit: Option<&TakeDownAudit<'_>>,
    ) -> Result<bool, StoreError> {
        match self {
            Self::Sqlite(pool) => sqlite::unpublish(pool, id, now, audit).await,
            Self::Postgres(pool) => postgres::unpublish(pool, id, now, audit).await,
        }
    }

    /// A copy of a SQLite database in a new file; PostgreSQL has its own tools for that.
    pub(crate) async fn backup_to(&self, path: &Path) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(pool) => sqlite::backup_to(pool, path).await,
            Self::Postgres(_) => Err(StoreError::NotSupportedOnPostgres),
        }
    }

    /// Closes every connection; see [`close_fully`].
    pub(crate) async fn close(&self) {
        match self {
            Self::Sqlite(pool) => close_fully(pool).await,
            Self::Postgres(pool) => close_fully(pool).await,
        }
    }
}

/// Closes a pool until no connection is left.
///
/// `Pool::close` (sqlx 0.8) can return while a connection that was just handed back is
/// still being pinged by its return task; that connection then lands in the idle queue and
/// stays open. Closing again until the pool is empty makes "closed" mean closed, which
/// restoring a SQLite file right after relies on.
async fn close_fully<DB: Database>(pool: &sqlx::Pool<DB>) {
    pool.close().await;
    while pool.size() > 0 {
        tokio::task::yield_now().await;
        pool.close().await;
    }
}

/// The two SQL dialects, for the few statements whose text differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    Sqlite,
    Postgres,
}

/// What a write transaction serialises with: writers of the same kind wait for each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WriteLock {
    /// Staff accounts and their audit entries.
    Accounts,
    /// The public catalogue: programs, their versions and their place on the site.
    Catalogue,
    /// Drafts moving through the publishing workflow.
    Drafts,
    /// The consultation desk: its registry, cases and their history.
    Desk,
    /// Notice subscriptions and the outbox.
    Notices,
    /// The aggregate counts of the dashboard.
    Analytics,
}

/// A write transaction of either backend; dropped without [`WriteTx::commit`], it rolls back.
pub(crate) enum WriteTx {
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    Postgres(sqlx::Transaction<'static, Postgres>),
}

impl WriteTx {
    /// The transaction's connection, for one statement.
    pub(crate) fn db(&mut self) -> Db<'_> {
        match self {
            Self::Sqlite(tx) => Db::Sqlite(tx),
            Self::Postgres(tx) => Db::Postgres(tx),
        }
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(tx) => tx.commit().await?,
            Self::Postgres(tx) => tx.commit().await?,
        }
        Ok(())
    }

    /// Saves one chunk of a catalogue batch, in the backend's bulk form.
    pub(crate) async fn save_programs_chunk(
        &mut self,
        prepared: &[Prepared<'_>],
        origin: &str,
        saved_at: OffsetDateTime,
    ) -> Result<SaveSummary, StoreError> {
        match self {
            Self::Sqlite(tx) => {
                sqlite::save_chunk(tx, prepared, origin, saved_at, Destination::Public).await
            }
            Self::Postgres(tx) => postgres::save_chunk(tx, prepared, origin, saved_at).await,
        }
    }

    /// Ends a catalogue batch before commit: counts the change if there was one (and on
    /// PostgreSQL announces it and refreshes statistics after a large one).
    pub(crate) async fn catalogue_saved(
        &mut self,
        summary: &SaveSummary,
    ) -> Result<(), StoreError> {
        match self {
            Self::Sqlite(tx) if summary.changed() > 0 => sqlite::catalogue_changed(tx).await,
            Self::Sqlite(_) => Ok(()),
            Self::Postgres(tx) => postgres::catalogue_saved(tx, summary).await,
        }
    }
}

/// Where a statement runs: a pool, or the connection of a transaction, of either backend.
pub(crate) enum Db<'c> {
    SqlitePool(&'c SqlitePool),
    PostgresPool(&'c PgPool),
    Sqlite(&'c mut SqliteConnection),
    Postgres(&'c mut PgConnection),
}

impl Db<'_> {
    /// Which SQL dialect a statement on this executor is written in.
    pub(crate) fn dialect(&self) -> Dialect {
        match self {
            Self::SqlitePool(_) | Self::Sqlite(_) => Dialect::Sqlite,
            Self::PostgresPool(_) | Self::Postgres(_) => Dialect::Postgres,
        }
    }

    /// The same executor again, for one more statement on the same connection.
    pub(crate) fn reborrow(&mut self) -> Db<'_> {
        match self {
            Self::SqlitePool(pool) => Db::SqlitePool(pool),
            Self::PostgresPool(pool) => Db::PostgresPool(pool),
            Self::Sqlite(conn) => Db::Sqlite(conn),
            Self::Postgres(conn) => Db::Postgres(conn),
        }
    }
}

impl<'c> From<&'c mut SqliteConnection> for Db<'c> {
    fn from(conn: &'c mut SqliteConnection) -> Self {
        Self::Sqlite(conn)
    }
}

impl<'c> From<&'c mut PgConnection> for Db<'c> {
    fn from(conn: &'c mut PgConnection) -> Self {
        Self::Postgres(conn)
    }
}

/// A row both drivers can read into: a tuple of plain column types.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}

impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

/// A value bound to a statement: the column types madoguchi binds on both backends.
pub(crate) enum Arg<'q> {
    Str(&'q str),
    OptionStr(Option<&'q str>),
    String(String),
    OptionString(Option<String>),
    I64(i64),
    Bool(bool),
    Time(OffsetDateTime),
    OptionTime(Option<OffsetDateTime>),
}

impl<'q> From<&'q str> for Arg<'q> {
    fn from(value: &'q str) -> Self {
        Self::Str(value)
    }
}

impl<'q> From<Option<&'q str>> for Arg<'q> {
    fn from(value: Option<&'q str>) -> Self {
        Self::OptionStr(value)
    }
}

impl From<String> for Arg<'_> {
    fn from(value: String) -> Self {
        Self::String(value)
    }
}

impl From<Option<String>> for Arg<'_> {
    fn from(value: Option<String>) -> Self {
        Self::OptionString(value)
    }
}

impl From<i64> for Arg<'_> {
    fn from(value: i64) -> Self {
        Self::I64(value)
    }
}

impl From<bool> for Arg<'_> {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl From<OffsetDateTime> for Arg<'_> {
    fn from(value: OffsetDateTime) -> Self {
        Self::Time(value)
    }
}

impl From<Option<OffsetDateTime>> for Arg<'_> {
    fn from(value: Option<OffsetDateTime>) -> Self {
        Self::OptionTime(value)
    }
}

/// A statement and its arguments, to run on either backend.
#[must_use = "a query does nothing until it is run"]
pub(crate) struct Query<'q> {
    sql: &'q str,
    args: Vec<Arg<'q>>,
}

/// A statement written once for both backends.
pub(crate) fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl<'q> Query<'q> {
    /// Binds the next `$n`.
    pub(crate) fn bind(mut self, value: impl Into<Arg<'q>>) -> Self {
        self.args.push(value.into());
        self
    }

    /// Runs the statement; how many rows it touched.
    pub(crate) async fn execute(self, db: Db<'_>) -> Result<u64, StoreError> {
        let Self { sql, args } = self;
        Ok(match db {
            Db::SqlitePool(pool) => sqlite_query(sql, args)?
                .execute(pool)
                .await?
                .rows_affected(),
            Db::PostgresPool(pool) => pg_query(sql, args)?.execute(pool).await?.rows_affected(),
            Db::Sqlite(conn) => sqlite_query(sql, args)?
                .execute(conn)
                .await?
                .rows_affected(),
            Db::Postgres(conn) => pg_query(sql, args)?.execute(conn).await?.rows_affected(),
        })
    }

    /// The first row, if any.
    pub(crate) async fn fetch_optional<R: Row>(self, db: Db<'_>) -> Result<Option<R>, StoreError> {
        let Self { sql, args } = self;
        Ok(match db {
            Db::SqlitePool(pool) => sqlite_query_as(sql, args)?.fetch_optional(pool).await?,
            Db::PostgresPool(pool) => pg_query_as(sql, args)?.fetch_optional(pool).await?,
            Db::Sqlite(conn) => sqlite_query_as(sql, args)?.fetch_optional(conn).await?,
            Db::Postgres(conn) => pg_query_as(sql, args)?.fetch_optional(conn).await?,
        })
    }

    /// Every row.
    pub(crate) async fn fetch_all<R: Row>(self, db: Db<'_>) -> Result<Vec<R>, StoreError> {
        let Self { sql, args } = self;
        Ok(match db {
            Db::SqlitePool(pool) => sqlite_query_as(sql, args)?.fetch_all(pool).await?,
            Db::PostgresPool(pool) => pg_query_as(sql, args)?.fetch_all(pool).await?,
            Db::Sqlite(conn) => sqlite_query_as(sql, args)?.fetch_all(conn).await?,
            Db::Postgres(conn) => pg_query_as(sql, args)?.fetch_all(conn).await?,
        })
    }

    /// Every row, handed to `each` with what it made of the rows before, as it arrives
    /// instead of gathered first: a read of the whole catalogue never holds every row and
    /// everything made of them at once. `each` may wait (for work it handed on to catch up)
    /// before the next row is taken.
    pub(crate) async fn fold_rows<R: Row, S, F>(
        self,
        db: Db<'_>,
        init: S,
        each: impl FnMut(S, R) -> F,
    ) -> Result<S, StoreError>
    where
        F: Future<Output = Result<S, StoreError>>,
    {
        let Self { sql, args } = self;
        match db {
            Db::SqlitePool(pool) => fold(sqlite_query_as(sql, args)?.fetch(pool), init, each).await,
            Db::PostgresPool(pool) => fold(pg_query_as(sql, args)?.fetch(pool), init, each).await,
            Db::Sqlite(conn) => fold(sqlite_query_as(sql, args)?.fetch(conn), init, each).await,
            Db::Postgres(conn) => fold(pg_query_as(sql, args)?.fetch(conn), init, each).await,
        }
    }

    /// The first row, which must be there (as sqlx's own `fetch_one`: `RowNotFound`).
    pub(crate) async fn fetch_one<R: Row>(self, db: Db<'_>) -> Result<R, StoreError> {
        self.fetch_optional(db)
            .await?
            .ok_or_else(|| sqlx::Error::RowNotFound.into())
    }

    /// The first column of the first row, which must be there.
    pub(crate) async fn fetch_scalar<T>(self, db: Db<'_>) -> Result<T, StoreError>
    where
        (T,): Row,
    {
        Ok(self.fetch_one::<(T,)>(db).await?.0)
    }

    /// The first column of the first row, if any.
    pub(crate) async fn fetch_optional_scalar<T>(self, db: Db<'_>) -> Result<Option<T>, StoreError>
    where
        (T,): Row,
    {
        Ok(self.fetch_optional::<(T,)>(db).await?.map(|(value,)| value))
    }

    /// The first column of every row.
    pub(crate) async fn fetch_all_scalars<T>(self, db: Db<'_>) -> Result<Vec<T>, StoreError>
    where
        (T,): Row,
    {
        let rows = self.fetch_all::<(T,)>(db).await?;
        Ok(rows.into_iter().map(|(value,)| value).collect())
    }
}

/// Hands each row of `rows` to `each` with what it made so far, stopping at the first error
/// of either.
async fn fold<R, S, F>(
    rows: impl futures_util::Stream<Item = Result<R, sqlx::Error>>,
    init: S,
    each: impl FnMut(S, R) -> F,
) -> Result<S, StoreError>
where
    F: Future<Output = Result<S, StoreError>>,
{
    use futures_util::TryStreamExt;
    rows.map_err(StoreError::from).try_fold(init, each).await
}

type SqliteQuery<'q> = sqlx::query::Query<'q, Sqlite, SqliteArguments<'q>>;
type PgQuery<'q> = sqlx::query::Query<'q, Postgres, PgArguments>;
type SqliteQueryAs<'q, R> = sqlx::query::QueryAs<'q, Sqlite, R, SqliteArguments<'q>>;
type PgQueryAs<'q, R> = sqlx::query::QueryAs<'q, Postgres, R, PgArguments>;

fn sqlite_query<'q>(sql: &'q str, args: Vec<Arg<'q>>) -> Result<SqliteQuery<'q>, StoreError> {
    Ok(sqlx::query_with(sql, arguments::<Sqlite>(args)?))
}

fn pg_query<'q>(sql: &'q str, args: Vec<Arg<'q>>) -> Result<PgQuery<'q>, StoreError> {
    Ok(sqlx::query_with(sql, arguments::<Postgres>(args)?))
}

fn sqlite_query_as<'q, R: Row>(
    sql: &'q str,
    args: Vec<Arg<'q>>,
) -> Result<SqliteQueryAs<'q, R>, StoreError> {
    Ok(sqlx::query_as_with(sql, arguments::<Sqlite>(args)?))
}

fn pg_query_as<'q, R: Row>(
    sql: &'q str,
    args: Vec<Arg<'q>>,
) -> Result<PgQueryAs<'q, R>, StoreError> {
    Ok(sqlx::query_as_with(sql, arguments::<Postgres>(args)?))
}

/// The driver's arguments for `args`. A value that cannot be encoded is the error sqlx's
/// own `bind` reports (`sqlx::Error::Encode`), before the statement is sent.
fn arguments<'q, DB>(args: Vec<Arg<'q>>) -> Result<DB::Arguments<'q>, StoreError>
where
    DB: Database,
    &'q str: Encode<'q, DB> + Type<DB>,
    Option<&'q str>: Encode<'q, DB> + Type<DB>,
    String: Encode<'q, DB> + Type<DB>,
    Option<String>: Encode<'q, DB> + Type<DB>,
    i64: Encode<'q, DB> + Type<DB>,
    bool: Encode<'q, DB> + Type<DB>,
    OffsetDateTime: Encode<'q, DB> + Type<DB>,
    Option<OffsetDateTime>: Encode<'q, DB> + Type<DB>,
{
    let mut out = DB::Arguments::<'q>::default();
    for arg in args {
        match arg {
            Arg::Str(value) => out.add(value),
            Arg::OptionStr(value) => out.add(value),
            Arg::String(value) => out.add(value),
            Arg::OptionString(value) => out.add(value),
            Arg::I64(value) => out.add(value),
            Arg::Bool(value) => out.add(value),
            Arg::Time(value) => out.add(value),
            Arg::OptionTime(value) => out.add(value),
        }
        .map_err(sqlx::Error::Encode)?;
    }
    Ok(out)
}

/// A text searched for anywhere in a column: `%text%` for `LOWER(column) LIKE … ESCAPE '\'`,
/// lowercased for ASCII (as `LOWER` is on SQLite and on a `"C"` column of PostgreSQL), with
/// `%`, `_` and `\` taken literally.
pub(crate) fn like_pattern(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c.to_ascii_lowercase());
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(like_pattern("100%_A\\"), "%100\\%\\_a\\\\%");
    }
}
