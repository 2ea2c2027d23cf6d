//! The pass over a search's hits: each scored, filtered, counted for the facets and, if it
//! passes, kept for ordering; split over the cores when there are many.
//!
//! A broad word over a million programs has a hundred thousand hits, and each costs tantivy's
//! scoring plus a look at its brief and window. One search at a time would leave the other
//! cores idle while a person waits, so over an index of more than [`SPLIT_FROM`] documents a
//! search walks equal ranges of documents on as many threads as there are cores, each with its
//! own scorers (which seek to the start of its range), counter and list; the parts are then
//! added up. The split is decided by the index's size, not by an estimate of the hits: an
//! estimate would need every segment's scorers built once more, and building them (term
//! lookups, tantivy's buffers for each union) is most of a narrow search's time, which the
//! parts share out too. The hits, counts and order are the same however the work is split
//! (ties are broken by program id, never by the order found).

use std::ops::Range;
use std::sync::{Arc, OnceLock};

use tantivy::query::{EnableScoring, Query, Weight};
use tantivy::{DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED};
use time::Date;

use crate::facets::Counter;
use crate::facts::{Brief, Facts, Filters};
use crate::index::SearchError;
use crate::query::SearchQuery;
use crate::shared::ORD;
use crate::windows::DayWindows;

/// The number of documents from which a search is split over the cores: below it, a thread
/// costs more than it saves.
const SPLIT_FROM: u64 = 100_000;

/// How many hits are read from memory together (see [`Pass::take_batch`]).
const BATCH: usize = 64;

/// When a pass is split, and into how many parts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Split {
    /// The number of documents (or slots, without words) from which the pass is split.
    pub from: u64,
    /// Into how many parts.
    pub into: usize,
}

impl Split {
    /// Over the cores, from [`SPLIT_FROM`] documents.
    pub fn over_cores() -> Self {
        Self {
            from: SPLIT_FROM,
            into: cores(),
        }
    }

    /// How many parts a pass over `documents` documents is split into.
    pub(crate) fn parts(self, documents: u64) -> usize {
        if documents >= self.from { self.into } else { 1 }
    }
}

/// A program that passed every filter, with what ordering needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate<'a> {
    pub ord: usize,
    pub facts: &'a Facts,
    pub score: Score,
    pub closes: Option<Date>,
}

/// What a pass found: the facet counts of every hit and the hits that passed.
#[derive(Debug)]
pub(crate) struct Gathered<'i, 'q> {
    pub counter: Counter<'q>,
    pub passing: Vec<Candidate<'i>>,
}

impl<'i, 'q> Gathered<'i, 'q> {
    pub fn new(query: &'q SearchQuery) -> Self {
        Self {
            counter: Counter::new(query),
            passing: Vec::new(),
        }
    }

    fn absorb(&mut self, other: Self) {
        self.counter.absorb(other.counter);
        self.passing.extend(other.passing);
    }
}

/// One snapshot's programs as a pass reads them, and the query's filters.
pub(crate) struct Pass<'i, 'q> {
    pub facts: &'i [Option<Arc<Facts>>],
    pub briefs: &'i [Brief],
    pub windows: Arc<DayWindows>,
    pub filters: Filters<'q>,
    pub query: &'q SearchQuery,
    pub split: Split,
}

impl<'i, 'q> Pass<'i, 'q> {
    /// Every program `query` (the words) matches, with its score.
    pub fn matching(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
    ) -> Result<Gathered<'i, 'q>, SearchError> {
        let weight = query.weight(EnableScoring::enabled_from_searcher(searcher))?;
        let readers = searcher.segment_readers();
        let sizes: Vec<u32> = readers.iter().map(SegmentReader::max_doc).collect();
        let parts = self.split.parts(sizes.iter().map(|&s| u64::from(s)).sum());
        let found = in_parts(&split(&sizes, parts), |pieces| {
            let mut out = Gathered::new(self.query);
            for (segment, docs) in pieces {
                self.walk(weight.as_ref(), &readers[*segment], docs.clone(), &mut out)?;
            }
            Ok::<_, SearchError>(out)
        });
        Ok(self.added_up(found.into_iter().collect::<Result<Vec<_>, _>>()?))
    }

    /// Every program, unscored: the search without words.
    pub fn everything(&self) -> Gathered<'i, 'q> {
        let slots = u32::try_from(self.facts.len()).unwrap_or(u32::MAX);
        let parts = self.split.parts(u64::from(slots));
        let found = in_parts(&split(&[slots], parts), |pieces| {
            let mut out = Gathered::new(self.query);
            for (_, slots) in pieces {
                for slot in slots.clone() {
                    self.take(slot as usize, 0.0, &mut out);
                }
            }
            out
        });
        self.added_up(found)
    }

    /// The parts of one pass as one.
    fn added_up(&self, parts: Vec<Gathered<'i, 'q>>) -> Gathered<'i, 'q> {
        let mut parts = parts.into_iter();
        let mut all = parts.next().unwrap_or_else(|| Gathered::new(self.query));
        for part in parts {
            all.absorb(part);
        }
        all
    }

    /// The hits among `docs` of one segment.
    fn walk(
        &self,
        weight: &dyn Weight,
        reader: &SegmentReader,
        docs: Range<DocId>,
        out: &mut Gathered<'i, 'q>,
    ) -> Result<(), SearchError> {
        let mut scorer = weight.scorer(reader, 1.0)?;
        let ords = reader.fast_fields().u64(ORD)?;
        let alive = reader.alive_bitset();
        let mut doc = scorer.doc();
        if doc < docs.start {
            doc = scorer.seek(docs.start);
        }
        let mut batch: Vec<(usize, Score)> = Vec::with_capacity(BATCH);
        while doc < docs.end && doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc))
                && let Some(ord) = ords.first(doc)
            {
                batch.push((usize::try_from(ord).unwrap_or(usize::MAX), scorer.score()));
                if batch.len() == BATCH {
                    self.take_batch(&batch, out);
                    batch.clear();
                }
            }
            doc = scorer.advance();
        }
        self.take_batch(&batch, out);
        Ok(())
    }

    /// A batch of hits, their slots' briefs, windows and facts read first, all together.
    ///
    /// The hits of a broad word lie a few slots apart over a million, so each of those reads
    /// misses the cache; one hit at a time, each waits for its misses before the next hit is
    /// read. Read in a plain loop with nothing depending on them, the loads of the whole batch
    /// are under way at once, and the hits are then taken from the cache.
    fn take_batch(&self, hits: &[(usize, Score)], out: &mut Gathered<'i, 'q>) {
        let mut touched = 0u64;
        for &(ord, _) in hits {
            touched ^= self.briefs.get(ord).map_or(0, |b| u64::from(b.purposes));
            touched ^= self.windows.get(ord).0 as u64;
            touched ^= u64::from(self.facts.get(ord).is_some_and(Option::is_some));
        }
        std::hint::black_box(touched);
        for &(ord, score) in hits {
            self.take(ord, score, out);
        }
    }

    /// One hit: counted, and kept if it passes every filter.
    fn take(&self, ord: usize, score: Score, out: &mut Gathered<'i, 'q>) {
        // The facts are handed on shared rather than borrowed: a `&Facts` lets the compiler
        // read them ahead of the branch that needs them, and that read (a cache miss per hit
        // at a million programs) is what the briefs are there to spare.
        let Some(facts) = self.facts.get(ord).and_then(Option::as_ref) else {
            return;
        };
        let (state, closes) = self.windows.get(ord);
        let brief = &self.briefs[ord];
        let failed = self.filters.failed(brief, facts, state);
        out.counter.count(brief, facts, state, failed);
        if failed == 0 {
            out.passing.push(Candidate {
                ord,
                facts,
                score,
                closes,
            });
        }
    }
}

/// The cores this process may use, at most four: a search is one person's wait, and on a
/// larger machine the other cores serve the other requests.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(4)))
}

/// `parts` lists of (segment, range of its documents) of about equal length, in order.
fn split(sizes: &[u32], parts: usize) -> Vec<Vec<(usize, Range<DocId>)>> {
    let total: u64 = sizes.iter().map(|&s| u64::from(s)).sum();
    let share = total.div_ceil(parts.max(1) as u64).max(1);
    let mut out = vec![Vec::new()];
    let mut room = share;
    for (segment, &size) in sizes.iter().enumerate() {
        let mut start = 0;
        while start < size {
            if room == 0 {
                out.push(Vec::new());
                room = share;
            }
            let take = u32::try_from(room.min(u64::from(size - start))).unwrap_or(u32::MAX);
            if let Some(last) = out.last_mut() {
                last.push((segment, start..start + take));
            }
            start += take;
            room -= u64::from(take);
        }
    }
    out
}

/// `run` over each of `parts`, the first on this thread and the others on their own.
fn in_parts<P: Sync, T: Send>(parts: &[P], run: impl Fn(&P) -> T + Sync) -> Vec<T> {
    let Some((first, rest)) = parts.split_first() else {
        return Vec::new();
    };
    if rest.is_empty() {
        return vec![run(first)];
    }
    std::thread::scope(|scope| {
        let run = &run;
        let others: Vec<_> = rest.iter().map(|p| scope.spawn(move || run(p))).collect();
        let mut out = vec![run(first)];
        out.extend(
            others
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))),
        );
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_parts_cover_every_document_once_in_about_equal_shares() {
        for (sizes, parts) in [
            (vec![10u32, 0, 7, 30], 2),
            (vec![5], 3),
            (vec![1, 1, 1], 4),
            (vec![], 2),
            (vec![100, 3], 1),
        ] {
            let split = split(&sizes, parts);
            let mut seen: Vec<(usize, DocId)> = split
                .iter()
                .flatten()
                .flat_map(|(s, r)| r.clone().map(move |d| (*s, d)))
                .collect();
            let every: Vec<(usize, DocId)> = sizes
                .iter()
                .enumerate()
                .flat_map(|(s, &n)| (0..n).map(move |d| (s, d)))
                .collect();
            assert_eq!(seen, every, "{sizes:?} in {parts}");
            seen.dedup();
            assert_eq!(seen.len(), every.len());
            assert!(
                split.len() <= parts.max(1),
                "{sizes:?} in {parts}: {split:?}"
            );
            let total: u32 = sizes.iter().sum();
            for part in &split {
                let len: u32 = part.iter().map(|(_, r)| r.len() as u32).sum();
                assert!(len <= total.div_ceil(parts as u32), "{sizes:?} in {parts}");
            }
        }
    }
}
