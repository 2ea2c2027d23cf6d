//! The console's program list: its entries, its part of the `Store` API and its statements,
//! written once for both backends. The search, the workflow filter, the count and the page
//! all run in the database, so a catalogue of a million programs costs about one page's
//! rows: a search among every program finds its programs through the trigram index
//! (`list_search`), a long list is counted only up to [`ENTRIES_COUNTED_UP_TO`], and a deep
//! page is found along the programs' primary key.
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

use super::list_search::{self, Lookup};
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

/// A search among every program counts what it finds up to this many entries, and says
/// 「1,000件以上」 past it: counting every match of a common word costs as much as the plain
/// search did, and nobody reads a thousand entries to find one. The pages beyond are reached
/// one by one.
pub const ENTRIES_COUNTED_UP_TO: u64 = 1_000;

/// One page of the console's list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryPage {
    pub entries: Vec<ProgramEntry>,
    /// How many entries the query finds in all, or, with `more`, [`ENTRIES_COUNTED_UP_TO`].
    pub total: u64,
    /// The query finds more than `total` entries, and counting stopped there.
    pub more: bool,
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
    /// page, by id in byte order, with the total; a page past the end gives the last. A
    /// search among every program finds its programs through the trigram index and counts
    /// them up to [`ENTRIES_COUNTED_UP_TO`]; a deep page of every program is found along the
    /// programs' primary key alone, from the nearer end.
    pub async fn program_entry_page(
        &self,
        query: &EntryQuery,
        per_page: u32,
        page: u64,
    ) -> Result<EntryPage, StoreError> {
        let per_page = per_page.max(1);
        let page = page.max(1);
        let text = query.text.trim();
        // No title or id holds a NUL (PostgreSQL's text cannot hold one, and the index's
        // query strings end at it), so a text with one finds nothing.
        if text.contains('\0') {
            return Ok(EntryPage {
                entries: Vec::new(),
                total: 0,
                more: false,
                page: 1,
            });
        }
        match (query.show, text.is_empty()) {
            (EntryShow::All, false) => self.searched_entry_page(text, per_page, page).await,
            (EntryShow::All, true) => self.every_entry_page(per_page, page).await,
            _ => self.counted_entry_page(query, per_page, page).await,
        }
    }

    /// A page of a list that is counted in full: a workflow's filter, which starts from
    /// the few drafts or the few programs taken off the site. When the page is not full its
    /// entries tell the total, and the count is left out.
    async fn counted_entry_page(
        &self,
        query: &EntryQuery,
        per_page: u32,
        page: u64,
    ) -> Result<EntryPage, StoreError> {
        let size = u64::from(per_page);
        let offset = (page - 1).saturating_mul(size);
        let entries = self.program_entries_page(query, per_page, offset).await?;
        let found = entries.len() as u64;
        if found < size && (found > 0 || offset == 0) {
            let total = offset + found;
            return Ok(EntryPage {
                entries,
                total,
                more: false,
                page,
            });
        }
        let total = self.count_program_entries(query).await?;
        if found > 0 {
            return Ok(EntryPage {
                entries,
                total,
                more: false,
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
            more: false,
            page: last,
        })
    }

    /// A page of every entry, unsearched, counted up to [`ENTRIES_COUNTED_UP_TO`] (an exact
    /// count reads every primary key: 50–110 ms on PostgreSQL at a million programs). A page
    /// past the first starts from the entry at its offset, found by skipping along the
    /// programs' primary key alone ([`entry_at`]) rather than by reading every entry before
    /// it with its draft.
    async fn every_entry_page(&self, per_page: u32, page: u64) -> Result<EntryPage, StoreError> {
        let counted_up_to = i64::try_from(ENTRIES_COUNTED_UP_TO).unwrap_or(i64::MAX);
        let counted: i64 = query(&format!(
            "SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM programs LIMIT $1) p)
                  + (SELECT COUNT(*) FROM (SELECT 1 FROM program_drafts d
                                           WHERE {ONLY_DRAFTED} LIMIT $1) d)"
        ))
        .bind(counted_up_to + 1)
        .fetch_scalar(self.db())
        .await?;
        let size = u64::from(per_page);
        let more = counted > counted_up_to;
        let (total, page) = if more {
            (ENTRIES_COUNTED_UP_TO, page)
        } else {
            let total = u64::try_from(counted).unwrap_or_default();
            (total, page.min(total.div_ceil(size).max(1)))
        };
        let entries = self.every_entry_from(per_page, (page - 1) * size).await?;
        if entries.is_empty() && page > 1 {
            // A page past the end of a long list (typed in the address): counted in full to
            // show the last.
            let total = self.count_program_entries(&EntryQuery::default()).await?;
            let last = total.div_ceil(size).max(1);
            let entries = self.every_entry_from(per_page, (last - 1) * size).await?;
            return Ok(EntryPage {
                entries,
                total,
                more: false,
                page: last,
            });
        }
        Ok(EntryPage {
            entries,
            total,
            more,
            page,
        })
    }

    /// `per_page` entries of every entry, unsearched, from the one at `offset`.
    async fn every_entry_from(
        &self,
        per_page: u32,
        offset: u64,
    ) -> Result<Vec<ProgramEntry>, StoreError> {
        let start = if offset == 0 {
            None
        } else {
            entry_at(self.db(), offset).await?
        };
        match start {
            Some(start) => list_entries_from(self.db(), self.merge(), &start, per_page)
                .await?
                .into_iter()
                .map(ProgramEntry::from_row)
                .collect(),
            None => {
                self.program_entries_page(&EntryQuery::default(), per_page, offset)
                    .await
            }
        }
    }

    /// A page of a search among every program (`text` trimmed, not empty). The programs are
    /// counted through the index up to [`ENTRIES_COUNTED_UP_TO`]. Up to it, the page is cut
    /// from what the index found (sorted by id: a thousand at most) and the new programs'
    /// drafts that match; past it, the text is common enough that walking the primary key
    /// with the `LIKE` fills a page soon, as the list did before the index.
    async fn searched_entry_page(
        &self,
        text: &str,
        per_page: u32,
        page: u64,
    ) -> Result<EntryPage, StoreError> {
        let dialect = self.backend.dialect();
        let pattern = like_pattern(text);
        let counted_up_to = i64::try_from(ENTRIES_COUNTED_UP_TO).unwrap_or(i64::MAX);
        // A text found all over the first programs is common: those are enough to tell that
        // it finds more than the list counts, and its pages fill soon in id order. The index
        // would only slow it down (PostgreSQL reads its whole posting list, 150 ms for a
        // million programs).
        let early = count_early(self.db(), &pattern, counted_up_to + 1).await?;
        let lookup = if early > counted_up_to {
            Lookup::TooCommon
        } else {
            list_search::lookup(self.db(), dialect, text).await?
        };
        let programs = match &lookup {
            _ if early > counted_up_to => early,
            Lookup::Nothing => 0,
            Lookup::Query(index) => {
                count_found(self.db(), dialect, &pattern, Some(index), counted_up_to + 1).await?
            }
            Lookup::TooCommon => {
                count_found(self.db(), dialect, &pattern, None, counted_up_to + 1).await?
            }
        };
        let size = u64::from(per_page);
        let searched = EntryQuery {
            text: text.to_owned(),
            show: EntryShow::All,
        };
        if programs > counted_up_to {
            let offset = (page - 1).saturating_mul(size);
            let entries = self
                .program_entries_page(&searched, per_page, offset)
                .await?;
            if entries.is_empty() {
                // A page past the end of a long search (typed in the address): counted in
                // full to show the last.
                return self.counted_entry_page(&searched, per_page, page).await;
            }
            return Ok(EntryPage {
                entries,
                total: ENTRIES_COUNTED_UP_TO,
                more: true,
                page,
            });
        }
        let drafts = count_entries(self.db(), NEW_DRAFTS_SEARCHED, &pattern).await?;
        let total = u64::try_from(programs + drafts).unwrap_or_default();
        let page = page.min(total.div_ceil(size).max(1));
        let limit = i64::from(per_page);
        let offset = i64::try_from((page - 1) * size).unwrap_or(i64::MAX);
        let rows = match &lookup {
            Lookup::Nothing => {
                let how = (NEW_DRAFTS_SEARCHED, self.merge());
                list_entries(self.db(), how, &pattern, limit, offset).await?
            }
            Lookup::Query(index) => {
                list_found(self.db(), dialect, &pattern, index, limit, offset).await?
            }
            Lookup::TooCommon => {
                let how = (shape_of(&searched).0, self.merge());
                list_entries(self.db(), how, &pattern, limit, offset).await?
            }
        };
        let entries = rows
            .into_iter()
            .map(ProgramEntry::from_row)
            .collect::<Result<_, _>>()?;
        Ok(EntryPage {
            entries,
            total,
            more: false,
            page,
        })
    }

    /// How this backend merges the list's two parts.
    fn merge(&self) -> Merge {
        match self.backend.dialect() {
            Dialect::Sqlite => Merge::Compound,
            Dialect::Postgres => Merge::LimitedParts,
        }
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
        let how = (shape, self.merge());
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
        from_id: false,
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

/// A draft of a program never published. A draft started from a published version
/// (`base_version` 1 or more) always has its program (programs are taken off the site, never
/// deleted), so only the new programs' drafts are looked up: at a million programs,
/// PostgreSQL otherwise hashes every program's id to find them.
const ONLY_DRAFTED: &str =
    "d.base_version = 0 AND NOT EXISTS (SELECT 1 FROM programs p WHERE p.id = d.program_id)";

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

/// One kind of list query: the statement depends on these only.
#[derive(Debug, Clone, Copy)]
struct ListShape {
    /// A text is searched: `$1` is its `LIKE` pattern.
    pub searched: bool,
    pub show: EntryShow,
    /// The list starts at an entry's id (the parameter after the pattern), not the first.
    pub from_id: bool,
}

/// The new programs' drafts whose title or id matches `$1`: the part of a search among
/// every program that the index of programs does not cover.
const NEW_DRAFTS_SEARCHED: ListShape = ListShape {
    searched: true,
    show: EntryShow::NeverPublished,
    from_id: false,
};

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
            EntryShow::InReview | EntryShow::Scheduled => (
                INNER,
                INNER,
                self.draft_state()
                    .map(|state| format!("{JOINED} AND {state}")),
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
                .chain(self.from("p.id"))
                .collect(),
            id: "p.id",
        })
    }

    /// The condition on a draft's state the filter asks for (on `d`), if any.
    fn draft_state(self) -> Option<String> {
        let state = match self.show {
            EntryShow::InReview => "review",
            EntryShow::Scheduled => "scheduled",
            _ => return None,
        };
        Some(format!("d.state = '{state}'"))
    }

    /// New programs' drafts, unless the filter wants only programs once published.
    fn drafted(self) -> Option<Part> {
        const DRAFTS: &str = "FROM program_drafts d";
        if self.show == EntryShow::Unpublished {
            return None;
        }
        Some(Part {
            from: DRAFTS,
            count_from: DRAFTS,
            conditions: [Some(ONLY_DRAFTED.to_owned()), self.draft_state()]
                .into_iter()
                .flatten()
                .chain(self.text("d.title", "d.program_id"))
                .chain(self.from("d.program_id"))
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

    /// Where the list starts, on one part's id.
    fn from(self, id: &str) -> Option<String> {
        let n = if self.searched { 2 } else { 1 };
        self.from_id.then(|| format!("{id} >= ${n}"))
    }

    /// The number of the first parameter after the pattern and the id the list starts at.
    fn first_number(self) -> usize {
        1 + usize::from(self.searched) + usize::from(self.from_id)
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
        // Every draft is in the list once, with its program or as a new program's: a filter
        // on drafts alone counts the drafts, not their programs looked up among a million.
        let drafts_only = matches!(
            self.show,
            EntryShow::WithDraft | EntryShow::InReview | EntryShow::Scheduled
        );
        if drafts_only && !self.searched && !self.from_id {
            let state = self.draft_state().map(|s| format!(" WHERE {s}"));
            return format!(
                "SELECT COUNT(*) FROM program_drafts d{}",
                state.unwrap_or_default()
            );
        }
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

/// Every entry from the one with id `start` on: `limit` of them, by id.
async fn list_entries_from(
    db: Db<'_>,
    merge: Merge,
    start: &str,
    limit: u32,
) -> Result<Vec<EntryRow>, StoreError> {
    let shape = ListShape {
        searched: false,
        show: EntryShow::All,
        from_id: true,
    };
    let sql = shape.select_sql(merge);
    let limit = i64::from(limit);
    let mut query = query(&sql).bind(start);
    if merge == Merge::LimitedParts {
        query = query.bind(limit);
    }
    query.bind(limit).bind(0_i64).fetch_all(db).await
}

/// The id of the entry at `offset` (from 0) in the unsearched list, found along the
/// programs' primary key rather than by reading every entry before it with its draft. With
/// `n` new programs' drafts in the list (few: they are counted), the program `n` places
/// before `offset` (an index-only walk) is at most `n` entries before it: the walk goes on
/// from there over programs and new programs' drafts merged. `None` past the end.
async fn entry_at(db: Db<'_>, offset: u64) -> Result<Option<String>, StoreError> {
    let mut db = db;
    let offset = i64::try_from(offset).unwrap_or(i64::MAX);
    let drafts: i64 = query(&format!(
        "SELECT COUNT(*) FROM program_drafts d WHERE {ONLY_DRAFTED}"
    ))
    .fetch_scalar(db.reborrow())
    .await?;
    let (from, steps) = if offset < drafts {
        // Among the first few entries: walked from the start.
        (None, offset)
    } else {
        let program: Option<String> =
            query("SELECT id FROM programs ORDER BY id LIMIT 1 OFFSET $1")
                .bind(offset - drafts)
                .fetch_optional_scalar(db.reborrow())
                .await?;
        let Some(program) = program else {
            return Ok(None);
        };
        // The program is as many entries before `offset` as there are new programs' drafts
        // after it.
        let after: i64 = query(&format!(
            "SELECT COUNT(*) FROM program_drafts d WHERE d.program_id > $1 AND {ONLY_DRAFTED}"
        ))
        .bind(program.as_str())
        .fetch_scalar(db.reborrow())
        .await?;
        (Some(program), after)
    };
    query(&format!(
        "SELECT id FROM (
            SELECT * FROM (SELECT p.id FROM programs p WHERE p.id >= $1
                           ORDER BY p.id LIMIT $3) programs_on
            UNION ALL
            SELECT * FROM (SELECT d.program_id FROM program_drafts d
                           WHERE d.program_id > $1 AND {ONLY_DRAFTED}
                           ORDER BY d.program_id LIMIT $3) drafts_on
         ) walked ORDER BY 1 LIMIT 1 OFFSET $2"
    ))
    .bind(from.unwrap_or_default())
    .bind(steps)
    .bind(steps.saturating_add(1))
    .fetch_optional_scalar(db)
    .await
}

/// How many of the first [`EARLY_PROGRAMS`] programs by id match the `LIKE` `pattern`,
/// counted up to `limit`.
async fn count_early(db: Db<'_>, pattern: &str, limit: i64) -> Result<i64, StoreError> {
    query(
        "SELECT COUNT(*) FROM (
            SELECT 1 FROM (SELECT p.title, p.id FROM programs p ORDER BY p.id LIMIT $2) early
            WHERE LOWER(early.title) LIKE $1 ESCAPE '\\' OR LOWER(early.id) LIKE $1 ESCAPE '\\'
            LIMIT $3
         ) counted",
    )
    .bind(pattern)
    .bind(EARLY_PROGRAMS)
    .bind(limit)
    .fetch_scalar(db)
    .await
}

/// How many programs a search reads in id order before asking the index: enough that a text
/// in one program of five fills the count.
const EARLY_PROGRAMS: i64 = 5_000;

/// How many programs match the `LIKE` `pattern`, counted up to `limit`: those the index
/// finds for `index`, or, without one, all of them read in order.
async fn count_found(
    db: Db<'_>,
    dialect: Dialect,
    pattern: &str,
    index: Option<&str>,
    limit: i64,
) -> Result<i64, StoreError> {
    let sql = match index {
        Some(_) => format!(
            "SELECT COUNT(*) FROM ({} LIMIT $3) counted",
            list_search::found_ids(dialect)
        ),
        None => "SELECT COUNT(*) FROM (SELECT 1 FROM programs p \
             WHERE LOWER(p.title) LIKE $1 ESCAPE '\\' OR LOWER(p.id) LIKE $1 ESCAPE '\\' \
             LIMIT $2) counted"
            .to_owned(),
    };
    let mut query = query(&sql).bind(pattern);
    if let Some(index) = index {
        query = query.bind(index);
    }
    query.bind(limit).fetch_scalar(db).await
}

/// A page of a search among every program, cut from the programs the index finds for
/// `index` (matching the `LIKE` `pattern`: a thousand at most, sorted here) and the new
/// programs' drafts that match.
async fn list_found(
    db: Db<'_>,
    dialect: Dialect,
    pattern: &str,
    index: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<EntryRow>, StoreError> {
    let drafted = NEW_DRAFTS_SEARCHED
        .drafted()
        .unwrap_or_else(|| unreachable!("new programs' drafts are a part of the list"));
    // MATERIALIZED: the index's few programs first, whatever the planner guesses of them.
    let sql = format!(
        "WITH found AS MATERIALIZED ({found})
         SELECT * FROM (
             {PUBLISHED_COLUMNS} FROM found f CROSS JOIN programs p
             LEFT JOIN program_drafts d ON d.program_id = p.id WHERE p.id = f.id
             UNION ALL
             {DRAFTED_COLUMNS} {}{}
         ) listed ORDER BY 1 LIMIT $3 OFFSET $4",
        drafted.from,
        drafted.filter(),
        found = list_search::found_ids(dialect),
    );
    query(&sql)
        .bind(pattern)
        .bind(index)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await
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
        let shape = |searched, show| ListShape {
            searched,
            show,
            from_id: false,
        };
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
