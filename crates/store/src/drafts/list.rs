//! The console's program list: its entries, its part of the `Store` API and its statements,
//! written once for both backends. The search, the workflow filter, the count and the page
//! all run in the database, so a catalogue of 100,000 programs costs one page's rows.
//!
//! The list has two parts: every program with its draft (if any), and every draft of a
//! program not yet published (titled by the draft). Each query's statement is put together
//! from fixed pieces, chosen by whether a text is searched and by the filter — never from
//! what was typed, which is only ever a bound parameter. One statement with conditions that
//! switch off by parameter would be simpler, but it hides the indexes from PostgreSQL's
//! estimates (measured: the first page took 60 ms instead of 3). Both backends walk the
//! primary keys in id order and merge the parts rather than sort every entry, each in the
//! form its planner needs for that (`Merge`).

use madoguchi_core::program::ProgramId;
use time::OffsetDateTime;

use super::{DraftState, corrupt};
use crate::catalogue::version_number;
use crate::db::{Db, Dialect, like_pattern, query};
use crate::{Store, StoreError};

/// A program in the console's list: published, unpublished or only drafted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramEntry {
    pub id: ProgramId,
    pub title: String,
    /// The status code of the current version (`open`, `closed_budget`, …).
    pub status: String,
    /// 0 for a program that only exists as a draft.
    pub version: u32,
    pub updated_at: Option<OffsetDateTime>,
    pub unpublish_at: Option<OffsetDateTime>,
    pub unpublished_at: Option<OffsetDateTime>,
    pub draft_state: Option<DraftState>,
}

/// `(id, title, status, current_version, updated_at, unpublish_at, unpublished_at,
/// draft state)`; a draft-only program has no version and no status of its own, and its
/// title is the draft's.
pub(crate) type EntryRow = (
    String,
    String,
    Option<String>,
    Option<i64>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<String>,
);

/// Which programs the console's list shows, by where they stand in the workflow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum EntryShow {
    /// Every program and every new program's draft.
    #[default]
    All,
    /// Programs with a draft, in any state.
    WithDraft,
    /// Programs whose draft waits for approval.
    InReview,
    /// Programs whose draft is approved and scheduled.
    Scheduled,
    /// Programs taken off the public site.
    Unpublished,
    /// New programs, only drafted so far.
    NeverPublished,
}

impl EntryShow {
    pub const ALL: [EntryShow; 6] = [
        Self::All,
        Self::WithDraft,
        Self::InReview,
        Self::Scheduled,
        Self::Unpublished,
        Self::NeverPublished,
    ];

    /// The code the list's URL carries (`show=review`); empty for every program.
    pub fn code(self) -> &'static str {
        match self {
            Self::All => "",
            Self::WithDraft => "draft",
            Self::InReview => "review",
            Self::Scheduled => "scheduled",
            Self::Unpublished => "unpublished",
            Self::NeverPublished => "unpublished_never",
        }
    }

    /// The filter a code names; `None` for an unknown one.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }
}

/// One page of the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPage {
    pub entries: Vec<ProgramEntry>,
    /// How many entries the query finds in all.
    pub total: u64,
    /// The page shown, from 1: the one asked for, or the last when that is past the end.
    pub page: u64,
}

/// What the console's list asks for: programs whose title or id contains `text` (ASCII
/// letters in either case; `%` and `_` as themselves; empty: every program), narrowed by
/// `show`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntryQuery {
    pub text: String,
    pub show: EntryShow,
}

impl ProgramEntry {
    pub(crate) fn from_row(row: EntryRow) -> Result<Self, StoreError> {
        let (id, title, status, version, updated_at, unpublish_at, unpublished_at, state) = row;
        let program_id = ProgramId::parse(&id).map_err(|e| corrupt(&id, e.to_string()))?;
        Ok(Self {
            title,
            status: status.unwrap_or_default(),
            version: version
                .map(|v| version_number(&id, v))
                .transpose()?
                .unwrap_or(0),
            updated_at,
            unpublish_at,
            unpublished_at,
            draft_state: state.as_deref().and_then(DraftState::parse),
            id: program_id,
        })
    }
}

impl Store {
    /// Every program for the console's list, with its draft's state, and every program
    /// that so far exists only as a draft, by id.
    pub async fn program_entries(&self) -> Result<Vec<ProgramEntry>, StoreError> {
        self.program_entries_page(&EntryQuery::default(), u32::MAX, 0)
            .await
    }

    /// Page `page` (from 1) of the console's list as `query` narrows it, `per_page` to a
    /// page, by id in byte order, with the total; a page past the end gives the last. When
    /// the page is not full its entries tell the total, and the count (another pass over
    /// every title, for a search) is left out.
    pub async fn program_entry_page(
        &self,
        query: &EntryQuery,
        per_page: u32,
        page: u64,
    ) -> Result<EntryPage, StoreError> {
        let per_page = per_page.max(1);
        let size = u64::from(per_page);
        let page = page.max(1);
        let offset = (page - 1).saturating_mul(size);
        let entries = self.program_entries_page(query, per_page, offset).await?;
        let found = entries.len() as u64;
        if found < size && (found > 0 || offset == 0) {
            let total = offset + found;
            return Ok(EntryPage {
                entries,
                total,
                page,
            });
        }
        let total = self.count_program_entries(query).await?;
        if found > 0 {
            return Ok(EntryPage {
                entries,
                total,
                page,
            });
        }
        let last = total.div_ceil(size).max(1);
        let entries = self
            .program_entries_page(query, per_page, (last - 1) * size)
            .await?;
        Ok(EntryPage {
            entries,
            total,
            page: last,
        })
    }

    /// The console's list as `query` narrows it, by id in byte order: `limit` entries after
    /// the first `offset`. The search and the paging happen in the database.
    pub async fn program_entries_page(
        &self,
        query: &EntryQuery,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<ProgramEntry>, StoreError> {
        let (shape, pattern) = shape_of(query);
        let limit = i64::from(limit);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let merge = match self.backend.dialect() {
            Dialect::Sqlite => Merge::Compound,
            Dialect::Postgres => Merge::LimitedParts,
        };
        let how = (shape, merge);
        let rows = list_entries(self.db(), how, &pattern, limit, offset).await?;
        rows.into_iter().map(ProgramEntry::from_row).collect()
    }

    /// How many entries the console's list has as `query` narrows it.
    pub async fn count_program_entries(&self, query: &EntryQuery) -> Result<u64, StoreError> {
        let (shape, pattern) = shape_of(query);
        let count = count_entries(self.db(), shape, &pattern).await?;
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// One program's entry, as in [`Store::program_entries`].
    pub async fn program_entry(&self, id: &ProgramId) -> Result<Option<ProgramEntry>, StoreError> {
        let row = entry(self.db(), id.as_str()).await?;
        row.map(ProgramEntry::from_row).transpose()
    }
}

/// The statement's shape of a list query, and its `LIKE` pattern (empty, and not bound,
/// when no text is searched).
fn shape_of(query: &EntryQuery) -> (ListShape, String) {
    let text = query.text.trim();
    let shape = ListShape {
        searched: !text.is_empty(),
        show: query.show,
    };
    let pattern = if shape.searched {
        like_pattern(text)
    } else {
        String::new()
    };
    (shape, pattern)
}

/// The columns of an entry, from a program and its draft.
const PUBLISHED_COLUMNS: &str = "SELECT p.id, p.title, p.status, p.current_version, \
    p.updated_at, p.unpublish_at, p.unpublished_at, d.state";

/// The same columns for a program only drafted: no status, version or dates of its own. The
/// casts give the union one type per column on PostgreSQL.
const DRAFTED_COLUMNS: &str = "SELECT d.program_id, d.title, CAST(NULL AS TEXT), \
    CAST(NULL AS BIGINT), CAST(NULL AS TIMESTAMPTZ), CAST(NULL AS TIMESTAMPTZ), \
    CAST(NULL AS TIMESTAMPTZ), d.state";

const ONLY_DRAFTED: &str = "NOT EXISTS (SELECT 1 FROM programs p WHERE p.id = d.program_id)";

/// How the two parts of the list are merged in id order, the way each backend's planner
/// does it without sorting every entry (measured on 100,000 programs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Merge {
    /// SQLite merges the ordered parts of a compound `SELECT … UNION ALL … ORDER BY`,
    /// walking each primary key.
    Compound,
    /// PostgreSQL walks a primary key only for a part with an `ORDER BY … LIMIT` of its own;
    /// it then merges the parts (a compound alone is hashed and sorted whole).
    LimitedParts,
}

/// One kind of list query: the statement depends on these two only.
#[derive(Debug, Clone, Copy)]
struct ListShape {
    /// A text is searched: `$1` is its `LIKE` pattern.
    pub searched: bool,
    pub show: EntryShow,
}

/// One part of the list under the query's conditions.
struct Part {
    /// `FROM …` with the draft joined, as the page reads it.
    from: &'static str,
    /// `FROM …` enough to count: a draft joined only when the filter looks at it (a left
    /// join on the draft's key changes no count).
    count_from: &'static str,
    conditions: Vec<String>,
    /// The column to order by.
    id: &'static str,
}

impl Part {
    /// ` WHERE …`, or nothing, so that an unfiltered count stays the backend's plain count.
    fn filter(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }
}

impl ListShape {
    /// Programs with their drafts, unless the filter wants only new programs.
    fn published(self) -> Option<Part> {
        const LEFT: &str = "FROM programs p LEFT JOIN program_drafts d ON d.program_id = p.id";
        // Few programs have a draft: start from the drafts. `CROSS JOIN` keeps that order on
        // SQLite (which, without statistics, would start from a searched title); PostgreSQL
        // plans it as any inner join.
        const INNER: &str = "FROM program_drafts d CROSS JOIN programs p";
        const JOINED: &str = "p.id = d.program_id";
        let (from, count_from, state) = match self.show {
            EntryShow::NeverPublished => return None,
            EntryShow::WithDraft => (INNER, INNER, Some(JOINED.to_owned())),
            EntryShow::InReview => (
                INNER,
                INNER,
                Some(format!("{JOINED} AND d.state = 'review'")),
            ),
            EntryShow::Scheduled => (
                INNER,
                INNER,
                Some(format!("{JOINED} AND d.state = 'scheduled'")),
            ),
            EntryShow::Unpublished => (
                LEFT,
                "FROM programs p",
                Some("p.unpublished_at IS NOT NULL".to_owned()),
            ),
            EntryShow::All => (LEFT, "FROM programs p", None),
        };
        Some(Part {
            from,
            count_from,
            conditions: state
                .into_iter()
                .chain(self.text("p.title", "p.id"))
                .collect(),
            id: "p.id",
        })
    }

    /// New programs' drafts, unless the filter wants only programs once published.
    fn drafted(self) -> Option<Part> {
        const DRAFTS: &str = "FROM program_drafts d";
        let state = match self.show {
            EntryShow::Unpublished => return None,
            EntryShow::InReview => Some("d.state = 'review'"),
            EntryShow::Scheduled => Some("d.state = 'scheduled'"),
            EntryShow::All | EntryShow::WithDraft | EntryShow::NeverPublished => None,
        };
        Some(Part {
            from: DRAFTS,
            count_from: DRAFTS,
            conditions: [Some(ONLY_DRAFTED), state]
                .into_iter()
                .flatten()
                .map(str::to_owned)
                .chain(self.text("d.title", "d.program_id"))
                .collect(),
            id: "d.program_id",
        })
    }

    /// The search on one part's title and id (ASCII letters folded, as the pattern is).
    fn text(self, title: &str, id: &str) -> Option<String> {
        self.searched.then(|| {
            format!("(LOWER({title}) LIKE $1 ESCAPE '\\' OR LOWER({id}) LIKE $1 ESCAPE '\\')")
        })
    }

    /// The number of the first parameter after the pattern.
    fn first_number(self) -> usize {
        if self.searched { 2 } else { 1 }
    }

    /// Both parts are listed.
    fn merges(self) -> bool {
        self.published().is_some() && self.drafted().is_some()
    }

    /// The page. Parameters after the pattern: with `Merge::LimitedParts` and both parts
    /// listed, how many of each to take (`offset + limit`); then the limit and the offset.
    fn select_sql(self, merge: Merge) -> String {
        let n = self.first_number();
        let part = |columns: &str, part: &Part| {
            format!(
                "{columns} {}{} ORDER BY {}",
                part.from,
                part.filter(),
                part.id
            )
        };
        let unordered =
            |columns: &str, part: &Part| format!("{columns} {}{}", part.from, part.filter());
        match (self.published(), self.drafted(), merge) {
            (Some(published), Some(drafted), Merge::Compound) => format!(
                "{} UNION ALL {} ORDER BY 1 LIMIT ${n} OFFSET ${}",
                unordered(PUBLISHED_COLUMNS, &published),
                unordered(DRAFTED_COLUMNS, &drafted),
                n + 1
            ),
            (Some(published), Some(drafted), Merge::LimitedParts) => format!(
                "SELECT * FROM (
                    SELECT * FROM ({} LIMIT ${n}) published
                    UNION ALL
                    SELECT * FROM ({} LIMIT ${n}) drafted
                 ) listed ORDER BY 1 LIMIT ${} OFFSET ${}",
                part(PUBLISHED_COLUMNS, &published),
                part(DRAFTED_COLUMNS, &drafted),
                n + 1,
                n + 2
            ),
            (Some(published), None, _) => format!(
                "{} LIMIT ${n} OFFSET ${}",
                part(PUBLISHED_COLUMNS, &published),
                n + 1
            ),
            (None, Some(drafted), _) => format!(
                "{} LIMIT ${n} OFFSET ${}",
                part(DRAFTED_COLUMNS, &drafted),
                n + 1
            ),
            (None, None, _) => unreachable!("every filter lists one part at least"),
        }
    }

    /// The count of both parts.
    fn count_sql(self) -> String {
        let count = |part: Option<Part>| {
            part.map_or_else(
                || "0".to_owned(),
                |p| format!("(SELECT COUNT(*) {}{})", p.count_from, p.filter()),
            )
        };
        format!(
            "SELECT {} + {}",
            count(self.published()),
            count(self.drafted())
        )
    }
}

/// The list's entries as `shape` says, merged as `merge` says, matching `pattern` (a
/// `like_pattern`, bound only when `shape.searched`), by id in byte order: `limit` of them
/// after the first `offset`.
async fn list_entries(
    db: Db<'_>,
    (shape, merge): (ListShape, Merge),
    pattern: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    // Ids sort by bytes on both backends (PostgreSQL's id columns are `COLLATE "C"`).
    let sql = shape.select_sql(merge);
    let mut query = query(&sql);
    if shape.searched {
        query = query.bind(pattern);
    }
    if shape.merges() && merge == Merge::LimitedParts {
        query = query.bind(offset.saturating_add(limit));
    }
    query.bind(limit).bind(offset).fetch_all(db).await
}

/// How many entries `list_entries` would give without a limit.
async fn count_entries(db: Db<'_>, shape: ListShape, pattern: &str) -> Result<i64, StoreError> {
    let sql = shape.count_sql();
    let mut query = query(&sql);
    if shape.searched {
        query = query.bind(pattern);
    }
    query.fetch_scalar(db).await
}

/// One program's entry, published or only drafted.
async fn entry(db: Db<'_>, id: &str) -> Result<Option<EntryRow>, StoreError> {
    let sql = format!(
        "{PUBLISHED_COLUMNS} FROM programs p LEFT JOIN program_drafts d ON d.program_id = p.id
         WHERE p.id = $1
         UNION ALL
         {DRAFTED_COLUMNS} FROM program_drafts d WHERE d.program_id = $1 AND {ONLY_DRAFTED}"
    );
    query(&sql).bind(id).fetch_optional(db).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_lists_the_parts_it_means_with_parameters_in_order() {
        let shape = |searched, show| ListShape { searched, show };
        let all = shape(false, EntryShow::All).select_sql(Merge::LimitedParts);
        assert!(all.contains("LIMIT $1) published"), "{all}");
        assert!(all.contains("LIMIT $1) drafted"), "{all}");
        assert!(all.ends_with("LIMIT $2 OFFSET $3"), "{all}");
        assert!(!all.contains("LIKE"));
        let compound = shape(false, EntryShow::All).select_sql(Merge::Compound);
        assert!(compound.contains("UNION ALL"), "{compound}");
        assert!(
            compound.ends_with("ORDER BY 1 LIMIT $1 OFFSET $2"),
            "{compound}"
        );
        let searched = shape(true, EntryShow::InReview).select_sql(Merge::LimitedParts);
        assert!(searched.contains("LOWER(p.title) LIKE $1"), "{searched}");
        assert!(
            searched
                .contains("FROM program_drafts d CROSS JOIN programs p WHERE p.id = d.program_id"),
            "{searched}"
        );
        assert!(searched.ends_with("LIMIT $3 OFFSET $4"), "{searched}");
        let new = shape(false, EntryShow::NeverPublished).select_sql(Merge::LimitedParts);
        assert!(!new.contains("FROM programs p LEFT JOIN"), "{new}");
        assert!(new.ends_with("LIMIT $1 OFFSET $2"), "{new}");
        assert_eq!(
            new,
            shape(false, EntryShow::NeverPublished).select_sql(Merge::Compound)
        );
        let plain = shape(false, EntryShow::All).count_sql();
        assert!(
            plain.starts_with("SELECT (SELECT COUNT(*) FROM programs p) + "),
            "{plain}"
        );
        let gone = shape(true, EntryShow::Unpublished);
        assert!(!gone.merges());
        assert!(gone.count_sql().ends_with("+ 0"), "{}", gone.count_sql());
    }
}
