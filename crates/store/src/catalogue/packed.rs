//! SQLite's read of the whole catalogue, a page of programs per row.
//!
//! sqlx hands SQLite's rows over one at a time from its worker thread, each copied and sent
//! through a channel; for a million programs that costs more than SQLite's own read. Here
//! SQLite packs a page of current versions into one text and the page is taken apart on a
//! blocking thread, as it is decoded. Each program in a page is written as
//! `<id bytes>,<body bytes>,<version>,<id><body>`: lengths first, so that nothing a body
//! holds can be taken for the end of a program.
//!
//! The pages are read in one transaction, so that they are one state of the catalogue, as
//! the single query they stand for would be.

use madoguchi_core::program::Program;
use sqlx::SqlitePool;

use super::record::decode_program;
use crate::StoreError;
use crate::db::{Db, query};

/// Programs per page: enough that the per-row cost goes, small enough that a few pages
/// in flight hold little.
pub(super) const PAGE: i64 = 512;

/// One page: its packed programs, and the last id in it (where the next page starts).
pub(super) struct Page {
    pub(super) packed: String,
    pub(super) last_id: String,
}

/// Reads every page of public programs in id order, handing each to `each` with what it
/// made of the pages before (as [`crate::db::Query::fold_rows`] does rows).
pub(super) async fn fold_pages<S, F>(
    pool: &SqlitePool,
    init: S,
    mut each: impl FnMut(S, Page) -> F,
) -> Result<S, StoreError>
where
    F: Future<Output = Result<S, StoreError>>,
{
    let mut state = init;
    let mut tx = pool.begin().await?;
    let mut after = String::new();
    loop {
        let page: (Option<String>, Option<String>) = query(
            "SELECT group_concat(packed, '' ORDER BY id), MAX(id) FROM (
                 SELECT p.id, octet_length(p.id) || ',' || octet_length(v.body) || ','
                     || v.version || ',' || p.id || v.body AS packed
                 FROM programs p JOIN program_versions v
                     ON v.program_id = p.id AND v.version = p.current_version
                 WHERE p.unpublished_at IS NULL AND p.id > $1
                 ORDER BY p.id LIMIT $2)",
        )
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

/// The programs of a page, in its order, each made a `T` by `wrap`.
pub(super) fn unpack<T>(page: &Page, wrap: fn(Program) -> T) -> Result<Vec<T>, StoreError> {
    let mut rest = page.packed.as_str();
    let mut programs = Vec::with_capacity(usize::try_from(PAGE).unwrap_or_default());
    while !rest.is_empty() {
        let corrupt = || StoreError::CorruptRecord {
            table: "program_versions",
            key: page.last_id.clone(),
            reason: "読み込んだ制度の区切りが壊れています".to_owned(),
        };
        let mut head = rest.splitn(4, ',');
        let mut number = || head.next().and_then(|n| n.parse::<usize>().ok());
        let (Some(id_len), Some(body_len), Some(version)) = (number(), number(), number()) else {
            return Err(corrupt());
        };
        let tail = head.next().ok_or_else(corrupt)?;
        let id = tail.get(..id_len).ok_or_else(corrupt)?;
        let body = tail.get(id_len..id_len + body_len).ok_or_else(corrupt)?;
        let version = i64::try_from(version).map_err(|_| corrupt())?;
        programs.push(wrap(decode_program(id, version, body)?));
        rest = &tail[id_len + body_len..];
    }
    Ok(programs)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::{retitled, synthetic_program};

    /// A page as the query above packs it.
    fn page(programs: &[(&Program, i64)]) -> Page {
        let mut packed = String::new();
        for (program, version) in programs {
            let (id, body) = (program.id.as_str(), serde_json::to_string(program).unwrap());
            packed += &format!("{},{},{version},{id}{body}", id.len(), body.len());
        }
        let last_id = programs.last().map(|(p, _)| p.id.as_str().to_owned());
        Page {
            packed,
            last_id: last_id.unwrap_or_default(),
        }
    }

    #[test]
    fn a_page_gives_back_its_programs_whatever_their_bodies_hold() {
        // Commas, digits and separators in a title cannot end a program early.
        let first = retitled(
            &synthetic_program(1),
            "12,34,5,区切り\u{1e}\u{1f}の,ある題名",
        );
        let second = synthetic_program(2);
        let programs = unpack(&page(&[(&first, 3), (&second, 1)]), |p| p).unwrap();
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
            "x,1,1,a{}",
            "3,2,1,abc{}tail",
        ] {
            let page = Page {
                packed: broken.to_owned(),
                last_id: "p".to_owned(),
            };
            assert!(
                matches!(unpack(&page, |p| p), Err(StoreError::CorruptRecord { .. })),
                "{broken}"
            );
        }
    }
}
