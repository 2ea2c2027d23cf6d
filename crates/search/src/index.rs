//! The search index: tantivy in RAM over the catalogue, plus each program's facts for filters
//! and facets, as immutable snapshots that share one tantivy index.
//!
//! A rebuild of 100,000 programs takes seconds, too long to run on every publication. So a
//! [`SearchIndex`] is one snapshot: [`SearchIndex::build`] indexes a whole catalogue, and
//! [`SearchIndex::with_changes`] makes the next snapshot from the previous one by touching only
//! the programs published or withdrawn (`shared` holds the tantivy side). Programs live in stable
//! slots: the tantivy documents carry their slot, and the facts are a vector of shared facts by
//! slot, copied (a vector of pointers) per snapshot, with a hole where a program was withdrawn.
//! Readers holding an older snapshot keep seeing exactly it, searcher and facts alike.
//!
//! Results never depend on the history of changes: ties are broken by program id, never by
//! slot, so a changed index lists, sorts, counts and suggests as a rebuild over the same
//! programs would. Only relevance scores may drift slightly: tantivy's BM25 statistics
//! (document count, term frequencies, average field length) still count deleted documents
//! until a merge drops them, so after changes two programs whose scores were nearly equal can
//! swap places. Holes and deleted documents are reclaimed by a full rebuild, which
//! [`SearchIndex::removed`] tells the caller is due (when it exceeds [`SearchIndex::len`]).
//! Only the newest snapshot can be changed (see `shared`).

use std::borrow::Borrow;
use std::cmp::Ordering;
use std::path::Path;
use std::sync::Arc;

use madoguchi_core::program::{Program, ProgramId};
use tantivy::query::Query;
use tantivy::{Score, Searcher};
use time::{Date, OffsetDateTime};

use crate::facets::Counter;
use crate::facts::{Brief, Facts, Filters};
use crate::gather::{Candidate, Gathered, Pass, Split};
use crate::highlight;
use crate::kept::Claim;
use crate::matcher::{self, Words};
use crate::query::{FilterKind, Hit, MAX_PAGE_SIZE, SearchQuery, SearchResults, Sort, Suggestion};
use crate::readings::Readings;
use crate::shared::{IndexOrigin, Place, SharedIndex};
use crate::windows::KeptWindows;

/// Why the index could not be built, changed or searched (a bug or lack of memory, never the
/// query).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("検索索引の処理に失敗しました：{0}")]
    Index(#[from] tantivy::TantivyError),
    /// The thread building the index stopped before it finished.
    #[error("検索索引の作成が中断されました：{0}")]
    Interrupted(String),
    /// A change was asked of a snapshot that is no longer the newest (or a change failed
    /// before): only a full rebuild can go on from here.
    #[error("検索索引の古い版は更新できません。索引全体を作り直してください。")]
    Superseded,
    /// The directory of a kept index could not be written.
    #[error("検索索引を保存するディレクトリに書き込めません：{0}")]
    Kept(String),
}

/// Whether program names are indexed with their readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingMode {
    /// Readings where the dictionary is installed (see [`Readings::shared`]).
    Auto,
    /// Bigrams only, to compare or where startup time matters more.
    Off,
}

/// A program as the index takes it: shared as the catalogue holds it (`Arc<Program>`), which
/// the index then shares too, or owned or borrowed, which it copies once.
pub trait Published: Borrow<Program> + Sync {
    fn shared(&self) -> Arc<Program>;
}

impl Published for Arc<Program> {
    fn shared(&self) -> Arc<Program> {
        Arc::clone(self)
    }
}

impl Published for Program {
    fn shared(&self) -> Arc<Program> {
        Arc::new(self.clone())
    }
}

impl Published for &Program {
    fn shared(&self) -> Arc<Program> {
        Arc::new((*self).clone())
    }
}

/// An immutable full-text index of one catalogue snapshot.
pub struct SearchIndex {
    shared: Arc<SharedIndex>,
    /// This snapshot's view of the tantivy index, pinned when it was made.
    searcher: Searcher,
    /// Which snapshot of the shared index this is: only the newest may be changed.
    generation: u64,
    /// The facts of the program in each slot; `None` where one was withdrawn.
    facts: Vec<Option<Arc<Facts>>>,
    /// What filters and facets read of each slot's facts (a withdrawn slot's is left as it
    /// was and never read).
    briefs: Vec<Brief>,
    /// How many slots hold a program.
    live: usize,
    /// Where the full build this snapshot stems from got its index.
    origin: IndexOrigin,
    /// Every slot's application window on the last day searched.
    windows: KeptWindows,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("programs", &self.live)
            .field("removed", &self.removed())
            .field("generation", &self.generation)
            .field("readings", &self.has_readings())
            .finish()
    }
}

impl SearchIndex {
    /// Indexes `programs` with readings when the dictionary is available. A hit's `ord` is the
    /// position here; ids are unique in a catalogue.
    pub fn build<P: Published>(programs: &[P]) -> Result<Self, SearchError> {
        Self::build_with(programs, ReadingMode::Auto)
    }

    pub fn build_with<P: Published>(
        programs: &[P],
        mode: ReadingMode,
    ) -> Result<Self, SearchError> {
        Self::build_in(programs, mode, Place::Memory)
    }

    /// Indexes `programs` in a directory under `base` that the next start can open (see
    /// `kept`): opens the copy written last and mends what differs from `programs`, or
    /// builds it whole. Builds in memory, as [`SearchIndex::build_with`], where `base` cannot
    /// be written or every copy in it is in use; the origin says which happened.
    pub fn build_kept<P: Published>(
        programs: &[P],
        mode: ReadingMode,
        base: &Path,
    ) -> Result<(Self, IndexOrigin), SearchError> {
        let in_memory = |err: &dyn std::fmt::Display| {
            tracing::warn!(%err, base = %base.display(), "cannot keep the search index; building it in memory");
            Place::Memory
        };
        let place = match Claim::take(base) {
            Ok(Some(claim)) => Place::Kept(claim),
            Ok(None) => Place::Memory,
            Err(err) => in_memory(&err),
        };
        let kept = matches!(place, Place::Kept(_));
        // Whatever fails on disk (a full disk, a directory made read-only), the site still
        // starts: the index in memory needs nothing from the directory.
        let index = match Self::build_in(programs, mode, place) {
            Err(err) if kept => Self::build_in(programs, mode, in_memory(&err)),
            other => other,
        }?;
        let origin = index.origin;
        Ok((index, origin))
    }

    fn build_in<P: Published>(
        programs: &[P],
        mode: ReadingMode,
        place: Place,
    ) -> Result<Self, SearchError> {
        let readings = match mode {
            ReadingMode::Auto => Readings::shared().ok(),
            ReadingMode::Off => None,
        };
        let built = SharedIndex::build(programs, readings, place)?;
        let slots = built.slots.iter().copied().max().map_or(0, |s| s + 1);
        let mut facts: Vec<Option<Arc<Facts>>> = vec![None; slots];
        for (made, slot) in facts_of(programs).into_iter().zip(&built.slots) {
            facts[*slot] = Some(made);
        }
        Ok(Self {
            shared: built.shared,
            searcher: built.searcher,
            generation: built.generation,
            live: programs.len(),
            briefs: briefs_of(&facts),
            facts,
            origin: built.origin,
            windows: KeptWindows::default(),
        })
    }

    /// The next snapshot: each of `published` replaces the program with its id or is added,
    /// each of `withdrawn` is removed (unknown ids are ignored), and `published_at` gives
    /// first-published dates as [`SearchIndex::set_published`] does. A replaced program keeps
    /// the date it was given before, so `published_at` need only name new programs.
    ///
    /// `self` is left as it was for those still reading it, but only the newest snapshot can
    /// be changed: changing an older one (or any after a failed change) fails with
    /// [`SearchError::Superseded`], and a full [`SearchIndex::build`] is the way on. Changes
    /// run one at a time.
    pub fn with_changes<'a, P: Published>(
        &self,
        published: &[P],
        withdrawn: &[ProgramId],
        published_at: impl IntoIterator<Item = (&'a ProgramId, OffsetDateTime)>,
    ) -> Result<SearchIndex, SearchError> {
        let new_facts: Vec<Facts> = published.iter().map(|p| Facts::of(p.shared())).collect();
        let change = self.shared.change(
            self.generation,
            published,
            withdrawn,
            published_at
                .into_iter()
                .map(|(id, at)| (id, at.unix_timestamp())),
        )?;
        let mut facts = self.facts.clone();
        let changed: Vec<usize> = change
            .published
            .iter()
            .chain(&change.withdrawn)
            .copied()
            .collect();
        for (mut new, slot) in new_facts.into_iter().zip(change.published) {
            if slot >= facts.len() {
                facts.resize(slot + 1, None);
            }
            if let Some(old) = &facts[slot]
                && old.published_known
            {
                new.publish_at(old.published);
            }
            facts[slot] = Some(Arc::new(new));
        }
        for slot in change.withdrawn {
            if let Some(place) = facts.get_mut(slot) {
                *place = None;
            }
        }
        for (slot, at) in change.dated {
            if let Some(Some(f)) = facts.get_mut(slot) {
                Arc::make_mut(f).publish_at(at);
            }
        }
        // A publication works out its own programs' briefs; the rest are copied.
        let mut briefs = self.briefs.clone();
        briefs.resize(facts.len(), Brief::HOLE);
        for &slot in &changed {
            briefs[slot] = brief_of(facts.get(slot).and_then(Option::as_deref));
        }
        Ok(Self {
            shared: Arc::clone(&self.shared),
            searcher: change.searcher,
            generation: change.generation,
            live: facts.iter().filter(|f| f.is_some()).count(),
            windows: self.windows.changed(&facts, &changed),
            briefs,
            facts,
            origin: self.origin,
        })
    }

    /// Gives the day each program was first published, for the 新着順 order (programs not
    /// named keep the date the index guessed from their record).
    pub fn set_published<'a>(
        &mut self,
        dates: impl IntoIterator<Item = (&'a ProgramId, OffsetDateTime)>,
    ) {
        // Both sides are walked in id order, side by side: the store gives the dates by id and
        // the slots of an index built or opened from a catalogue in id order are in id order
        // too, so neither is sorted in practice. A map of a million ids took 0.45 s at a start.
        let mut dates: Vec<(&ProgramId, i64)> = dates
            .into_iter()
            .map(|(id, at)| (id, at.unix_timestamp()))
            .collect();
        if !dates.is_sorted_by(|a, b| a.0 <= b.0) {
            dates.sort_by(|a, b| a.0.cmp(b.0));
        }
        let id_at = |slot: usize| self.facts[slot].as_ref().map(|f| f.id());
        let mut slots: Vec<usize> = (0..self.facts.len())
            .filter(|&slot| self.facts[slot].is_some())
            .collect();
        if !slots.is_sorted_by(|&a, &b| id_at(a) <= id_at(b)) {
            slots.sort_by(|&a, &b| id_at(a).cmp(&id_at(b)));
        }
        let mut dates = dates.into_iter().peekable();
        for slot in slots {
            let Some(facts) = self.facts[slot].as_mut() else {
                continue;
            };
            while dates.next_if(|(id, _)| *id < facts.id()).is_some() {}
            // The last date given for an id counts, as it would in a map.
            let mut dated = None;
            while let Some((_, at)) = dates.next_if(|(id, _)| *id == facts.id()) {
                dated = Some(at);
            }
            if let Some(at) = dated {
                Arc::make_mut(facts).publish_at(at);
            }
        }
    }

    /// How many programs the snapshot holds.
    pub fn len(&self) -> usize {
        self.live
    }

    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// How many slots were emptied by withdrawals since the full build: when this exceeds
    /// [`SearchIndex::len`], a rebuild is worth its seconds (searches also walk the holes and
    /// the deleted documents).
    pub fn removed(&self) -> usize {
        self.facts.len() - self.live
    }

    /// True when program names were indexed with their readings.
    pub fn has_readings(&self) -> bool {
        self.shared.readings.is_some()
    }

    /// Runs `query` as of the JST date `as_of` (for the application windows).
    pub fn search(&self, query: &SearchQuery, as_of: Date) -> Result<SearchResults, SearchError> {
        self.search_split(query, as_of, Split::over_cores())
    }

    /// [`SearchIndex::search`] with its pass over the hits split as `split` says.
    fn search_split(
        &self,
        query: &SearchQuery,
        as_of: Date,
        split: Split,
    ) -> Result<SearchResults, SearchError> {
        let words = Words::of(&query.text);
        let built = matcher::build(self.shared.fields(), &words.words, self.shared.readings);
        let highlight = built.as_ref().map(|(_, h)| h.clone()).unwrap_or_default();
        let has_words = built.is_some() || !query.text.trim().is_empty();
        let Gathered {
            counter,
            mut passing,
        } = self.gather(query, as_of, built.as_ref().map(|(q, _)| q.as_ref()), split)?;
        let total = passing.len();
        let limit = query.limit.clamp(1, MAX_PAGE_SIZE);
        let upto = query.offset.saturating_add(limit);
        Self::sort(&mut passing, query.sort, has_words, upto);
        let hits = passing
            .iter()
            .skip(query.offset)
            .take(limit)
            .map(|c| Self::hit(c, &highlight))
            .collect();
        let suggestions = if total == 0 {
            self.suggestions(query, &words.words, &counter, as_of)?
        } else {
            Vec::new()
        };
        Ok(SearchResults {
            total,
            hits,
            facets: counter.facets(),
            suggestions,
            words: words.words,
            truncated: words.truncated,
        })
    }

    /// Every program `query` finds (`words` is its text as a tantivy query, if it has any
    /// word), counted for the facets.
    fn gather<'q>(
        &self,
        query: &'q SearchQuery,
        as_of: Date,
        words: Option<&dyn Query>,
        split: Split,
    ) -> Result<Gathered<'_, 'q>, SearchError> {
        let pass = Pass {
            facts: &self.facts,
            briefs: &self.briefs,
            windows: self.windows.on(&self.facts, as_of),
            filters: Filters::new(query),
            query,
            split,
        };
        match words {
            Some(words) => pass.matching(&self.searcher, words),
            // Text with nothing searchable in it (symbols, emoji) finds nothing; no text at
            // all lists everything.
            None if !query.text.trim().is_empty() => Ok(Gathered::new(query)),
            None => Ok(pass.everything()),
        }
    }

    /// Puts the first `upto` hits in order; the rest stay unordered (only a page is shown, and
    /// a full sort of 100,000 matches would cost more than the search). Ties end by program id,
    /// so that the order does not depend on the slots a history of changes gave.
    fn sort(hits: &mut [Candidate<'_>], sort: Sort, has_words: bool, upto: usize) {
        let by_closing = |a: &Candidate, b: &Candidate| match (a.closes, b.closes) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let by_score = |a: &Candidate, b: &Candidate| b.score.total_cmp(&a.score);
        let order = |a: &Candidate, b: &Candidate| {
            let first = match sort {
                Sort::Relevance if has_words => by_score(a, b),
                Sort::Relevance | Sort::Closing => by_closing(a, b),
                Sort::Amount => b.facts.amount_max.cmp(&a.facts.amount_max),
                Sort::Newest => b.facts.published.cmp(&a.facts.published),
            };
            first
                .then_with(|| by_score(a, b))
                .then_with(|| by_closing(a, b))
                .then_with(|| a.facts.id().cmp(b.facts.id()))
                // Only for a catalogue that repeats an id, to keep the order total.
                .then_with(|| a.ord.cmp(&b.ord))
        };
        if upto < hits.len() {
            hits.select_nth_unstable_by(upto, order);
            hits[..upto].sort_unstable_by(order);
        } else {
            hits.sort_unstable_by(order);
        }
    }

    fn hit(c: &Candidate<'_>, marks: &highlight::Marks) -> Hit {
        let facts = c.facts;
        Hit {
            ord: c.ord,
            id: facts.id().clone(),
            score: c.score,
            title: highlight::segments(facts.program.title.as_str(), marks),
            summary: highlight::excerpt(&facts.program.summary, marks),
        }
    }

    /// For a search that found nothing: how many each dropped filter or word would find.
    fn suggestions(
        &self,
        query: &SearchQuery,
        words: &[String],
        counter: &Counter,
        as_of: Date,
    ) -> Result<Vec<Suggestion>, SearchError> {
        let mut out: Vec<Suggestion> = FilterKind::ALL
            .into_iter()
            .filter(|&f| counter.is_set(f))
            .map(|f| Suggestion::Filter {
                filter: f,
                total: counter.without(f),
            })
            .collect();
        if words.len() > 1 {
            for (i, word) in words.iter().enumerate() {
                let rest: Vec<String> = words
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, w)| w.clone())
                    .collect();
                let narrower = SearchQuery {
                    text: rest.join(" "),
                    limit: 1,
                    offset: 0,
                    ..query.clone()
                };
                let total = self.count(&narrower, as_of)?;
                out.push(Suggestion::Word {
                    word: word.clone(),
                    total,
                });
            }
        }
        out.retain(|s| match s {
            Suggestion::Word { total, .. } | Suggestion::Filter { total, .. } => *total > 0,
        });
        out.sort_by_key(|s| match s {
            Suggestion::Word { total, .. } | Suggestion::Filter { total, .. } => usize::MAX - total,
        });
        Ok(out)
    }

    /// How many programs `query` finds, without facets or pages.
    fn count(&self, query: &SearchQuery, as_of: Date) -> Result<usize, SearchError> {
        Ok(self.matching_programs(query, as_of)?.len())
    }

    /// Every program `query` finds, best match first (by id without words, and among equal
    /// scores), without facets or pages: for feeds, which show all matches in an order of
    /// their own.
    pub fn matching_ids(
        &self,
        query: &SearchQuery,
        as_of: Date,
    ) -> Result<Vec<ProgramId>, SearchError> {
        let mut found = self.matching_programs(query, as_of)?;
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.id().cmp(b.0.id())));
        Ok(found.into_iter().map(|(f, _)| f.id().clone()).collect())
    }

    fn matching_programs(
        &self,
        query: &SearchQuery,
        as_of: Date,
    ) -> Result<Vec<(&Facts, Score)>, SearchError> {
        let words = Words::of(&query.text);
        let built = matcher::build(self.shared.fields(), &words.words, self.shared.readings);
        Ok(self
            .gather(
                query,
                as_of,
                built.as_ref().map(|(q, _)| q.as_ref()),
                Split::over_cores(),
            )?
            .passing
            .into_iter()
            .map(|c| (c.facts, c.score))
            .collect())
    }
}

/// Every slot's brief (a withdrawn slot's is [`Brief::HOLE`], never read).
fn briefs_of(facts: &[Option<Arc<Facts>>]) -> Vec<Brief> {
    facts.iter().map(|f| brief_of(f.as_deref())).collect()
}

fn brief_of(facts: Option<&Facts>) -> Brief {
    facts.map_or(Brief::HOLE, |f| f.brief)
}

/// Every program's facts, in order, worked out over the cores when the catalogue is large
/// (as a search pass is split): at a million programs they took most of a second of one core
/// while the other waited, at every start.
fn facts_of<P: Published>(programs: &[P]) -> Vec<Arc<Facts>> {
    let of = |part: &[P]| -> Vec<Arc<Facts>> {
        part.iter()
            .map(|program| Arc::new(Facts::of(program.shared())))
            .collect()
    };
    let parts = Split::over_cores().parts(programs.len() as u64);
    if parts <= 1 {
        return of(programs);
    }
    let part = programs.len().div_ceil(parts);
    std::thread::scope(|scope| {
        let working: Vec<_> = programs
            .chunks(part)
            .map(|part| scope.spawn(move || of(part)))
            .collect();
        working
            .into_iter()
            .flat_map(|part| part.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::WindowState;
    use madoguchi_core::program::Yen;

    /// The demo catalogue in id order, as a snapshot holds it.
    fn demo_programs() -> Vec<Program> {
        let mut programs: Vec<Program> = madoguchi_core::demo::CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| madoguchi_core::import::own::parse(bytes).unwrap().programs)
            .collect();
        programs.sort_by(|a, b| a.id.cmp(&b.id));
        programs.dedup_by(|a, b| a.id == b.id);
        programs
    }

    /// The publication dates reach the same programs however they come: in id order, in
    /// reverse, or with an id twice (the later date counts), over slots out of id order.
    #[test]
    fn dates_given_in_any_order_date_the_same_programs() {
        let programs = demo_programs();
        let day = |n: i64| OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000 + n);
        // Every third program dated, each on its own day, so that the order is the dates'.
        let dates: Vec<(ProgramId, OffsetDateTime)> = programs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 3 == 0)
            .map(|(i, p)| (p.id.clone(), day((i * 7 % 101) as i64)))
            .collect();
        let newest = |index: &SearchIndex| {
            let query = SearchQuery {
                sort: Sort::Newest,
                limit: 100,
                ..SearchQuery::words("")
            };
            let as_of = Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
            let found = index.search(&query, as_of).unwrap();
            found.hits.into_iter().map(|h| h.id).collect::<Vec<_>>()
        };
        let mut in_order = SearchIndex::build(&programs).unwrap();
        in_order.set_published(dates.iter().map(|(id, at)| (id, *at)));
        let expected = newest(&in_order);
        // Slots out of id order: the programs given to the build in reverse.
        let reversed: Vec<Program> = programs.iter().rev().cloned().collect();
        let mut other = SearchIndex::build(&reversed).unwrap();
        let first = &dates[0].0;
        let twice = dates
            .iter()
            .rev()
            .map(|(id, at)| (id, *at))
            .chain([(first, day(500)), (first, dates[0].1)]);
        other.set_published(twice);
        assert_eq!(newest(&other), expected);
        assert_ne!(
            expected,
            newest(&SearchIndex::build(&programs).unwrap()),
            "the dates change the order"
        );
    }

    /// A pass split into parts, each seeking its own scorer into the middle of a segment,
    /// finds, counts and orders exactly as one pass does: over a changed index too, with
    /// deleted documents and several segments.
    #[test]
    fn a_split_search_answers_as_one_pass_does() {
        let programs = demo_programs();
        let mut index = SearchIndex::build(&programs).unwrap();
        let as_of = Date::from_calendar_date(2026, time::Month::June, 1).unwrap();
        let queries = [
            "",
            "補助金",
            "事業承継",
            "パソコン 買いたい 補助金",
            "省エネ設備",
            "人を雇う",
            "じぞくか",
            "創業 融資",
        ];
        for round in 0..3 {
            for text in queries {
                for status in [Some(WindowState::Open), None] {
                    let query = SearchQuery {
                        status,
                        limit: 100,
                        ..SearchQuery::words(text)
                    };
                    let whole = index
                        .search_split(
                            &query,
                            as_of,
                            Split {
                                from: u64::MAX,
                                into: 1,
                            },
                        )
                        .unwrap();
                    for into in [2, 3, 7] {
                        let split = index
                            .search_split(&query, as_of, Split { from: 0, into })
                            .unwrap();
                        assert_eq!(split, whole, "「{text}」 in {into} parts, round {round}");
                    }
                }
            }
            // Change some programs: their old documents are deleted, new ones added in a new
            // segment.
            let changed: Vec<Program> = programs
                .iter()
                .step_by(9)
                .map(|p| {
                    let mut p = p.clone();
                    p.summary.push_str("（改正）事業承継");
                    p.amount.max = Some(Yen::new(2_000_000 + round).unwrap());
                    p
                })
                .collect();
            index = index.with_changes(&changed, &[], []).unwrap();
        }
    }
}
