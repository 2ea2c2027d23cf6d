//! SQLite's reads of the whole catalogue, a page of programs per row.
//!
//! sqlx hands SQLite's rows over one at a time from its worker thread, each copied and sent
//! through a channel; for a million programs that costs more than SQLite's own read. Here
//! SQLite packs a page of rows into one text and the page is taken apart where it is used
//! (the programs on a blocking thread, as they are decoded). Each column of a row is written
//! as `<bytes>,<text>`: its length first, so that nothing a column holds can be taken for
//! the end of it.
//!
//! The pages of one read are read in one transaction, so that they are one state of the
//! catalogue, as the single query they stand for would be.

use madoguchi_core::program::Program;
use sqlx::SqlitePool;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::outcome::ProgramDates;
use super::record::{DatesRow, decode_dates, decode_program};
use crate::StoreError;
use crate::db::{Db, query};

/// Rows per page: enough that the per-row cost goes, small enough that a few pages in
/// flight hold little.
const PAGE: i64 = 512;

/// A read of every public program, in id order: what each row holds (SQL expressions over
/// `p`, the program's row, and `v`, a version of it) and which version that is.
pub(super) struct Read {
    columns: &'static [&'static str],
    version: &'static str,
}

/// Every public program's current version: `[id, version, body]`.
pub(super) const CURRENT_VERSIONS: Read = Read {
    columns: &["p.id", "v.version", "v.body"],
    version: "p.current_version",
};

/// When every public program was first saved and last changed: `[id, first, last]`.
pub(super) const DATES: Read = Read {
    columns: &["p.id", "v.created_at", "p.updated_at"],
    version: "1",
};

impl Read {
    fn sql(&self) -> String {
        let packed: Vec<String> = self
            .columns
            .iter()
            .map(|column| format!("octet_length({column}) || ',' || {column}"))
            .collect();
        format!(
            "SELECT group_concat(packed, '' ORDER BY id), MAX(id) FROM (
                 SELECT p.id, {packed} AS packed
                 FROM programs p JOIN program_versions v
                     ON v.program_id = p.id AND v.version = {version}
                 WHERE p.unpublished_at IS NULL AND p.id > $1
                 ORDER BY p.id LIMIT $2)",
            packed = packed.join(" || "),
            version = self.version,
        )
    }
}

/// One page: its packed rows, and the last id in it (where the next page starts).
pub(super) struct Page {
    packed: String,
    last_id: String,
}

/// Reads every page of `read` in id order, handing each to `each` with what it made of the
/// pages before (as [`crate::db::Query::fold_rows`] does rows).
pub(super) async fn fold_pages<S, F>(
    pool: &SqlitePool,
    read: &Read,
    init: S,
    mut each: impl FnMut(S, Page) -> F,
) -> Result<S, StoreError>
where
    F: Future<Output = Result<S, StoreError>>,
{
    let sql = read.sql();
    let mut state = init;
    let mut tx = pool.begin().await?;
    let mut after = String::new();
    loop {
        let page: (Option<String>, Option<String>) = query(&sql)
            .bind(after.as_str())
            .bind(PAGE)
            .fetch_one(Db::from(&mut *tx))
            .await?;
        let (Some(packed), Some(last_id)) = page else {
            break;
        };
        after.clone_from(&last_id);
        state = each(state, Page { packed, last_id }).await?;
    }
    tx.commit().await?;
    Ok(state)
}

/// The rows of a page, in its order, `N` columns each.
fn rows<const N: usize>(page: &Page) -> Result<Vec<[&str; N]>, StoreError> {
    let corrupt = || StoreError::CorruptRecord {
        table: "programs",
        key: page.last_id.clone(),
        reason: "読み込んだ制度の区切りが壊れています".to_owned(),
    };
    let mut rest = page.packed.as_str();
    let mut rows = Vec::with_capacity(usize::try_from(PAGE).unwrap_or_default());
    while !rest.is_empty() {
        let mut row = [""; N];
        for column in &mut row {
            let (len, tail) = rest.split_once(',').ok_or_else(corrupt)?;
            let len: usize = len.parse().map_err(|_| corrupt())?;
            *column = tail.get(..len).ok_or_else(corrupt)?;
            rest = &tail[len..];
        }
        rows.push(row);
    }
    Ok(rows)
}

/// The programs of a page of [`CURRENT_VERSIONS`], in its order, each made a `T` by `wrap`.
pub(super) fn programs<T>(page: &Page, wrap: fn(Program) -> T) -> Result<Vec<T>, StoreError> {
    rows(page)?
        .into_iter()
        .map(|[id, version, body]| {
            let version = version.parse().map_err(|_| StoreError::CorruptRecord {
                table: "program_versions",
                key: id.to_owned(),
                reason: format!("版番号「{version}」が読めません"),
            })?;
            decode_program(id, version, body).map(wrap)
        })
        .collect()
}

/// The dates of a page of [`DATES`], in its order.
pub(super) fn dates(page: &Page) -> Result<Vec<ProgramDates>, StoreError> {
    rows(page)?
        .into_iter()
        .map(|[id, first, last]| {
            let at = |text: &str| {
                OffsetDateTime::parse(text, &Rfc3339).map_err(|err| StoreError::CorruptRecord {
                    table: "programs",
                    key: id.to_owned(),
                    reason: format!("日時「{text}」が読めません: {err}"),
                })
            };
            let row: DatesRow = (id.to_owned(), at(first)?, at(last)?);
            decode_dates(row)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{retitled, synthetic_program};

    /// A page of [`CURRENT_VERSIONS`] as the query packs it.
    fn page(programs: &[(&Program, i64)]) -> Page {
        let mut packed = String::new();
        for (program, version) in programs {
            let body = serde_json::to_string(program).unwrap();
            for column in [program.id.as_str(), &version.to_string(), &body] {
                packed += &format!("{},{column}", column.len());
            }
        }
        let last_id = programs.last().map(|(p, _)| p.id.as_str().to_owned());
        Page {
            packed,
            last_id: last_id.unwrap_or_default(),
        }
    }

    #[test]
    fn a_page_gives_back_its_programs_whatever_their_bodies_hold() {
        // Commas and digits in a title cannot end a program early.
        let first = retitled(&synthetic_program(1), "12,34,5,区切り,の,ある題名");
        let second = synthetic_program(2);
        let programs = programs(&page(&[(&first, 3), (&second, 1)]), |p| p).unwrap();
        let titles: Vec<&str> = programs.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles, [first.title.as_str(), second.title.as_str()]);
        assert_eq!(programs[0].version, 3);
        assert_eq!(programs[1].id, second.id);
    }

    #[test]
    fn a_page_cut_short_or_miscounted_is_a_corrupt_record() {
        let whole = page(&[(&synthetic_program(1), 1)]).packed;
        for broken in [
            &whole[..whole.len() - 1],
            &whole[1..],
            "x,1,1,a",
            "1,a1,11,{}2,{}",
        ] {
            let page = Page {
                packed: broken.to_owned(),
                last_id: "p".to_owned(),
            };
            assert!(
                matches!(
                    programs(&page, |p| p),
                    Err(StoreError::CorruptRecord { .. })
                ),
                "{broken}"
            );
        }
    }
}
