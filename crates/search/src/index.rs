//! The search index: tantivy in RAM over the catalogue, plus each program's facts for filters
//! and facets. Built in one go from a catalogue snapshot and never changed: a new catalogue
//! gets a new index (100,000 programs build in seconds).

use std::cmp::Ordering;

use madoguchi_core::program::{Program, ProgramId};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::query::Query;
use tantivy::schema::{FAST, IndexRecordOption, Schema, TextFieldIndexing, TextOptions};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocId, Index, IndexReader, ReloadPolicy, Score, SegmentReader, TantivyDocument};
use time::{Date, OffsetDateTime};

use crate::analysis::JapaneseTokenizer;
use crate::facets::Counter;
use crate::facts::{Facts, Filters, window_state};
use crate::highlight;
use crate::matcher::{self, TextFields, Words};
use crate::query::{FilterKind, Hit, MAX_PAGE_SIZE, SearchQuery, SearchResults, Sort, Suggestion};
use crate::readings::Readings;
use crate::text::plain_text;

/// Why the index could not be built or searched (a bug or lack of memory, never the query).
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("検索索引の処理に失敗しました：{0}")]
    Index(#[from] tantivy::TantivyError),
    /// The thread building the index stopped before it finished.
    #[error("検索索引の作成が中断されました：{0}")]
    Interrupted(String),
}

/// Whether program names are indexed with their readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingMode {
    /// Readings where the dictionary is installed (see [`Readings::shared`]).
    Auto,
    /// Bigrams only, to compare or where startup time matters more.
    Off,
}

/// An immutable full-text index of one catalogue snapshot.
pub struct SearchIndex {
    reader: IndexReader,
    fields: TextFields,
    facts: Vec<Facts>,
    readings: Option<&'static Readings>,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("programs", &self.facts.len())
            .field("readings", &self.readings.is_some())
            .finish()
    }
}

const ORD: &str = "ord";

impl SearchIndex {
    /// Indexes `programs` (in their order: a hit's `ord` is the position here), with readings
    /// when the dictionary is available.
    pub fn build(programs: &[Program]) -> Result<Self, SearchError> {
        Self::build_with(programs, ReadingMode::Auto)
    }

    pub fn build_with(programs: &[Program], mode: ReadingMode) -> Result<Self, SearchError> {
        let readings = match mode {
            ReadingMode::Auto => Readings::shared().ok(),
            ReadingMode::Off => None,
        };
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JapaneseTokenizer::NAME)
                .set_index_option(IndexRecordOption::WithFreqs),
        );
        let mut builder = Schema::builder();
        let ord = builder.add_u64_field(ORD, FAST);
        let fields = TextFields {
            title: builder.add_text_field("title", text.clone()),
            reading: builder.add_text_field("reading", text.clone()),
            summary: builder.add_text_field("summary", text.clone()),
            body: builder.add_text_field("body", text),
        };
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register(
            JapaneseTokenizer::NAME,
            TextAnalyzer::from(JapaneseTokenizer),
        );
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let mut writer =
            index.writer_with_num_threads::<TantivyDocument>(threads, 64_000_000 * threads)?;
        for (i, program) in programs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            doc.add_u64(ord, i as u64);
            doc.add_text(fields.title, program.title.as_str());
            if let Some(readings) = readings {
                doc.add_text(fields.reading, readings.reading(program.title.as_str()));
            }
            doc.add_text(fields.summary, &program.summary);
            doc.add_text(fields.body, body(program));
            writer.add_document(doc)?;
        }
        writer.commit()?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(Self {
            reader,
            fields,
            facts: programs.iter().map(Facts::of).collect(),
            readings,
        })
    }

    /// Gives the day each program was first published, for the 新着順 order (programs not
    /// named keep the date the index guessed from their record).
    pub fn set_published<'a>(
        &mut self,
        dates: impl IntoIterator<Item = (&'a ProgramId, OffsetDateTime)>,
    ) {
        let by_id: std::collections::HashMap<&ProgramId, i64> = dates
            .into_iter()
            .map(|(id, at)| (id, at.unix_timestamp()))
            .collect();
        for facts in &mut self.facts {
            if let Some(&at) = by_id.get(&facts.id) {
                facts.published = at;
            }
        }
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }

    /// True when program names were indexed with their readings.
    pub fn has_readings(&self) -> bool {
        self.readings.is_some()
    }

    /// Runs `query` as of the JST date `as_of` (for the application windows).
    pub fn search(&self, query: &SearchQuery, as_of: Date) -> Result<SearchResults, SearchError> {
        let words = Words::of(&query.text);
        let built = matcher::build(self.fields, &words.words, self.readings);
        let (scored, highlight) = match &built {
            Some((q, highlight)) => (Some(self.matching(q.as_ref())?), highlight.clone()),
            // Text with nothing searchable in it (symbols, emoji) finds nothing; no text at
            // all lists everything.
            None if !query.text.trim().is_empty() => {
                (Some(Vec::new()), highlight::Marks::default())
            }
            None => (None, highlight::Marks::default()),
        };
        let filters = Filters::new(query);
        let mut counter = Counter::new(query);
        let mut passing: Vec<Candidate> = Vec::new();
        let mut visit = |ord: usize, score: Score| {
            let Some(facts) = self.facts.get(ord) else {
                return;
            };
            let window = facts.window(as_of);
            let state = window_state(window);
            let failed = filters.failed(facts, state);
            counter.count(facts, state, failed);
            if failed == 0 {
                passing.push(Candidate {
                    ord,
                    score,
                    closes: window.closing_date(),
                });
            }
        };
        match &scored {
            Some(scored) => scored.iter().for_each(|&(ord, score)| visit(ord, score)),
            None => (0..self.facts.len()).for_each(|ord| visit(ord, 0.0)),
        }
        let total = passing.len();
        let limit = query.limit.clamp(1, MAX_PAGE_SIZE);
        let upto = query.offset.saturating_add(limit);
        self.sort(&mut passing, query.sort, scored.is_some(), upto);
        let hits = passing
            .iter()
            .skip(query.offset)
            .take(limit)
            .map(|c| self.hit(c, &highlight))
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

    /// Every program the text query matches, with its score.
    fn matching(&self, query: &dyn Query) -> Result<Vec<(usize, Score)>, SearchError> {
        let searcher = self.reader.searcher();
        Ok(searcher.search(query, &AllScores)?)
    }

    /// Puts the first `upto` hits in order; the rest stay unordered (only a page is shown, and
    /// a full sort of 100,000 matches would cost more than the search).
    fn sort(&self, hits: &mut [Candidate], sort: Sort, has_words: bool, upto: usize) {
        let by_closing = |a: &Candidate, b: &Candidate| match (a.closes, b.closes) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => Ordering::Equal,
        };
        let by_score = |a: &Candidate, b: &Candidate| b.score.total_cmp(&a.score);
        let amount = |c: &Candidate| self.facts.get(c.ord).and_then(|f| f.amount_max);
        let published = |c: &Candidate| self.facts.get(c.ord).map_or(0, |f| f.published);
        let order = |a: &Candidate, b: &Candidate| {
            let first = match sort {
                Sort::Relevance if has_words => by_score(a, b),
                Sort::Relevance | Sort::Closing => by_closing(a, b),
                Sort::Amount => amount(b).cmp(&amount(a)),
                Sort::Newest => published(b).cmp(&published(a)),
            };
            first
                .then_with(|| by_score(a, b))
                .then_with(|| by_closing(a, b))
                .then_with(|| a.ord.cmp(&b.ord))
        };
        if upto < hits.len() {
            hits.select_nth_unstable_by(upto, order);
            hits[..upto].sort_unstable_by(order);
        } else {
            hits.sort_unstable_by(order);
        }
    }

    fn hit(&self, c: &Candidate, marks: &highlight::Marks) -> Hit {
        let facts = &self.facts[c.ord];
        Hit {
            ord: c.ord,
            id: facts.id.clone(),
            score: c.score,
            title: highlight::segments(&facts.title, marks),
            summary: highlight::excerpt(&facts.summary, marks),
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
        Ok(self.matching_ords(query, as_of)?.len())
    }

    /// Every program `query` finds, best match first (catalogue order without words), without
    /// facets or pages: for feeds, which show all matches in an order of their own.
    pub fn matching_ids(
        &self,
        query: &SearchQuery,
        as_of: Date,
    ) -> Result<Vec<ProgramId>, SearchError> {
        let mut found = self.matching_ords(query, as_of)?;
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        Ok(found
            .into_iter()
            .filter_map(|(ord, _)| self.facts.get(ord).map(|f| f.id.clone()))
            .collect())
    }

    fn matching_ords(
        &self,
        query: &SearchQuery,
        as_of: Date,
    ) -> Result<Vec<(usize, Score)>, SearchError> {
        let words = Words::of(&query.text);
        let filters = Filters::new(query);
        let passes = |ord: usize| {
            self.facts
                .get(ord)
                .is_some_and(|f| filters.failed(f, window_state(f.window(as_of))) == 0)
        };
        Ok(
            match matcher::build(self.fields, &words.words, self.readings) {
                Some((q, _)) => self
                    .matching(q.as_ref())?
                    .into_iter()
                    .filter(|(o, _)| passes(*o))
                    .collect(),
                // Text with nothing searchable in it finds nothing, as on the page.
                None if !query.text.trim().is_empty() => Vec::new(),
                None => (0..self.facts.len())
                    .filter(|&o| passes(o))
                    .map(|o| (o, 0.0))
                    .collect(),
            },
        )
    }
}

/// A program that passed, with what ordering needs.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    ord: usize,
    score: Score,
    closes: Option<Date>,
}

/// What the body field holds: the outline as text, the issuer and the kind in words. Not the
/// purposes: their long jGrants labels (「設備整備・IT導入をしたい」) would make every program of
/// a purpose match its words; the purpose facet is for that.
fn body(program: &Program) -> String {
    let mut body = plain_text(&program.detail);
    for part in [
        program.issuer.name(),
        program.issuer.institution().unwrap_or_default(),
        program.kind.label(),
    ] {
        body.push('\n');
        body.push_str(part);
    }
    body
}

/// Collects every matching document's catalogue position and score.
struct AllScores;

struct SegmentScores {
    ord: Column<u64>,
    found: Vec<(usize, Score)>,
}

impl Collector for AllScores {
    type Fruit = Vec<(usize, Score)>;
    type Child = SegmentScores;

    fn for_segment(&self, _segment: u32, reader: &SegmentReader) -> tantivy::Result<SegmentScores> {
        Ok(SegmentScores {
            ord: reader.fast_fields().u64(ORD)?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(usize, Score)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentScores {
    type Fruit = Vec<(usize, Score)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if let Some(ord) = self.ord.first(doc) {
            self.found
                .push((usize::try_from(ord).unwrap_or(usize::MAX), score));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}
