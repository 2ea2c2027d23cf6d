//! A query that matches documents holding at least `k` of its clauses, walked from its rarest
//! clauses and scored only where asked.
//!
//! A word is "most of its bigrams": 「事業承継」 is 事業・業承・承継, two of three required.
//! tantivy answers such a query with a heap over every clause's postings, scoring each posting
//! on the way, and cannot skip: a word with a bigram in nearly every program (事業) walks and
//! scores a million postings to find sixty thousand matches. A document with `k` of `n`
//! clauses must hold one of any `n - k + 1` of them, so the rarest `n - k + 1` clauses name
//! every candidate; the others are only sought (skip lists) at each candidate.
//!
//! With `k` = 1 it is a union, for the words that only rank (「補助金」 beside 「パソコン」), the
//! fields of a word and its ways of matching. tantivy's own union buffers 4,096 documents at a
//! time and scores every posting in them, even where it is only asked about every tenth
//! document; this one seeks each clause to the document asked about and scores it only when
//! its score is read. Same documents, same scores, a fraction of the work.

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// How the matching clauses' scores make the document's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Combine {
    /// Their sum.
    Sum,
    /// The best, plus `tie_breaker` times the others (tantivy's disjunction max).
    Best { tie_breaker: Score },
}

/// At least `required` of `clauses`.
#[derive(Debug)]
pub(crate) struct AtLeast {
    clauses: Vec<Box<dyn Query>>,
    required: usize,
    combine: Combine,
}

impl AtLeast {
    /// At least `required` of `clauses`, scored by the sum of those matching.
    pub fn most(clauses: Vec<Box<dyn Query>>, required: usize) -> Self {
        Self {
            clauses,
            required: required.max(1),
            combine: Combine::Sum,
        }
    }

    /// Any of `clauses`.
    pub fn any(clauses: Vec<Box<dyn Query>>, combine: Combine) -> Self {
        Self {
            clauses,
            required: 1,
            combine,
        }
    }
}

impl Clone for AtLeast {
    fn clone(&self) -> Self {
        Self {
            clauses: self.clauses.iter().map(|c| c.box_clone()).collect(),
            required: self.required,
            combine: self.combine,
        }
    }
}

impl Query for AtLeast {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let weights = self
            .clauses
            .iter()
            .map(|c| c.weight(enable_scoring))
            .collect::<tantivy::Result<Vec<_>>>()?;
        Ok(Box::new(AtLeastWeight {
            weights,
            required: self.required,
            combine: self.combine,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for clause in &self.clauses {
            clause.query_terms(visitor);
        }
    }
}

struct AtLeastWeight {
    weights: Vec<Box<dyn Weight>>,
    required: usize,
    combine: Combine,
}

impl Weight for AtLeastWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut scorers = self
            .weights
            .iter()
            .map(|w| w.scorer(reader, boost))
            .collect::<tantivy::Result<Vec<_>>>()?;
        // The rarest clauses in this segment lead.
        scorers.sort_by_key(|s| s.cost());
        let leading = scorers.len().saturating_sub(self.required) + 1;
        let others = scorers.split_off(leading.min(scorers.len()));
        let mut scorer = AtLeastScorer {
            leading: scorers,
            others,
            required: self.required,
            combine: self.combine,
            doc: 0,
        };
        scorer.settle();
        Ok(Box::new(scorer))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.doc() > doc || scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "at least so many of the clauses",
            scorer.score(),
        ))
    }
}

/// The scorer of one segment: `leading` name the candidates, `others` are sought at each.
/// Every clause stays on or before the current document until the next move, so that its
/// score can still be read.
struct AtLeastScorer {
    leading: Vec<Box<dyn Scorer>>,
    others: Vec<Box<dyn Scorer>>,
    required: usize,
    combine: Combine,
    doc: DocId,
}

impl AtLeastScorer {
    /// Settles on the first candidate from the leading clauses' current documents that holds
    /// enough clauses.
    fn settle(&mut self) -> DocId {
        loop {
            let candidate = self
                .leading
                .iter()
                .map(|s| s.doc())
                .min()
                .unwrap_or(TERMINATED);
            if candidate == TERMINATED {
                self.doc = TERMINATED;
                return TERMINATED;
            }
            let mut matched = self.leading.iter().filter(|s| s.doc() == candidate).count();
            let mut left = self.others.len();
            for scorer in &mut self.others {
                if matched >= self.required || matched + left < self.required {
                    break;
                }
                left -= 1;
                if scorer.doc() < candidate {
                    scorer.seek(candidate);
                }
                if scorer.doc() == candidate {
                    matched += 1;
                }
            }
            if matched >= self.required {
                // The others not sought yet are sought when the score is read.
                self.doc = candidate;
                return candidate;
            }
            for scorer in &mut self.leading {
                if scorer.doc() == candidate {
                    scorer.advance();
                }
            }
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for scorer in &mut self.leading {
            if scorer.doc() == doc {
                scorer.advance();
            }
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for scorer in &mut self.leading {
            if scorer.doc() < target {
                scorer.seek(target);
            }
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.leading
            .iter()
            .map(|s| s.size_hint())
            .fold(0, u32::saturating_add)
    }

    fn cost(&self) -> u64 {
        self.leading
            .iter()
            .map(|s| s.cost())
            .fold(0, u64::saturating_add)
    }
}

impl Scorer for AtLeastScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        let (mut sum, mut best) = (0.0, 0.0);
        for scorer in &mut self.others {
            if scorer.doc() < doc {
                scorer.seek(doc);
            }
        }
        for scorer in self.leading.iter_mut().chain(&mut self.others) {
            if scorer.doc() == doc {
                let score = scorer.score();
                sum += score;
                best = Score::max(best, score);
            }
        }
        match self.combine {
            Combine::Sum => sum,
            Combine::Best { tie_breaker } => best + (sum - best) * tie_breaker,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Collector, SegmentCollector};
    use tantivy::query::{BooleanQuery, DisjunctionMaxQuery, Occur, TermQuery};
    use tantivy::schema::{Field, IndexRecordOption, STRING, Schema};
    use tantivy::{Index, TantivyDocument};

    const WORDS: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

    /// Every matching document with its score, in document order.
    struct Everything;

    struct SegmentEverything(Vec<(DocId, Score)>);

    impl Collector for Everything {
        type Fruit = Vec<(DocId, Score)>;
        type Child = SegmentEverything;

        fn for_segment(&self, _: u32, _: &SegmentReader) -> tantivy::Result<SegmentEverything> {
            Ok(SegmentEverything(Vec::new()))
        }

        fn requires_scoring(&self) -> bool {
            true
        }

        fn merge_fruits(&self, fruits: Vec<Vec<(DocId, Score)>>) -> tantivy::Result<Self::Fruit> {
            Ok(fruits.concat())
        }
    }

    impl SegmentCollector for SegmentEverything {
        type Fruit = Vec<(DocId, Score)>;

        fn collect(&mut self, doc: DocId, score: Score) {
            self.0.push((doc, score));
        }

        fn harvest(self) -> Self::Fruit {
            self.0
        }
    }

    /// A random index of one field over [`WORDS`], in a few segments, so that each segment's
    /// own order of clauses is exercised.
    fn index_of(docs: &[Vec<usize>]) -> (Index, Field) {
        let mut schema = Schema::builder();
        let field = schema.add_text_field("t", STRING);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (i, words) in docs.iter().enumerate() {
            let mut doc = TantivyDocument::default();
            for w in words {
                doc.add_text(field, WORDS[*w]);
            }
            writer.add_document(doc).unwrap();
            if i % 50 == 49 {
                writer.commit().unwrap();
            }
        }
        writer.commit().unwrap();
        (index, field)
    }

    fn term(field: Field, word: usize) -> Box<dyn Query> {
        Box::new(TermQuery::new(
            Term::from_field_text(field, WORDS[word]),
            IndexRecordOption::WithFreqs,
        ))
    }

    proptest! {
        /// The same documents and scores as tantivy's own queries: "minimum should match", a
        /// union and a disjunction max; each alone, where it leads, and beside a required word,
        /// where it is only sought.
        #[test]
        fn finds_and_scores_what_tantivys_own_queries_do(
            docs in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 0..5), 1..160),
            asked in proptest::collection::btree_set(1..WORDS.len(), 2..6),
            required in 1usize..5,
            best in any::<bool>(),
            beside_a_word in any::<bool>(),
        ) {
            let (index, field) = index_of(&docs);
            let searcher = index.reader().unwrap().searcher();
            let clauses = || -> Vec<Box<dyn Query>> { asked.iter().map(|w| term(field, *w)).collect() };
            let required = required.min(asked.len());
            let (ours, theirs): (Box<dyn Query>, Box<dyn Query>) = if required > 1 {
                (
                    Box::new(AtLeast::most(clauses(), required)),
                    Box::new(BooleanQuery::with_minimum_required_clauses(
                        clauses().into_iter().map(|c| (Occur::Should, c)).collect(),
                        required,
                    )),
                )
            } else if best {
                (
                    Box::new(AtLeast::any(clauses(), Combine::Best { tie_breaker: 0.2 })),
                    Box::new(DisjunctionMaxQuery::with_tie_breaker(clauses(), 0.2)),
                )
            } else {
                (
                    Box::new(AtLeast::any(clauses(), Combine::Sum)),
                    Box::new(BooleanQuery::union(clauses())),
                )
            };
            let (ours, theirs) = if beside_a_word {
                let beside = |q: Box<dyn Query>| -> Box<dyn Query> {
                    Box::new(BooleanQuery::new(vec![(Occur::Must, term(field, 0)), (Occur::Should, q)]))
                };
                (beside(ours), beside(theirs))
            } else {
                (ours, theirs)
            };
            let ours = searcher.search(ours.as_ref(), &Everything).unwrap();
            let theirs = searcher.search(theirs.as_ref(), &Everything).unwrap();
            prop_assert_eq!(
                ours.iter().map(|(d, _)| *d).collect::<Vec<_>>(),
                theirs.iter().map(|(d, _)| *d).collect::<Vec<_>>()
            );
            for ((_, a), (_, b)) in ours.iter().zip(&theirs) {
                prop_assert!((a - b).abs() <= 1e-5 * b.abs().max(1.0), "{a} against {b}");
            }
        }
    }
}
