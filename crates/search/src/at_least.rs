//! A query that matches documents holding at least `k` of its `n` clauses, walked from its
//! rarest clauses.
//!
//! A word is "most of its bigrams": 「事業承継」 is 事業・業承・承継, two of three required.
//! tantivy answers such a query with a heap over every clause's postings, scoring each posting
//! on the way, and cannot skip: a word with a bigram in nearly every program (事業) walks and
//! scores a million postings to find sixty thousand matches. A document with `k` of `n`
//! clauses must hold one of any `n - k + 1` of them, so the rarest `n - k + 1` clauses name
//! every candidate; the others are only sought (skip lists) at each candidate. Same documents,
//! same scores (the sum of the matching clauses'), a fraction of the work.

use std::fmt;

use tantivy::query::{EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, TantivyError, Term};

/// At least `required` of `clauses` (2 ≤ `required` < `clauses.len()`; outside that, tantivy's
/// own boolean query is as fast).
pub(crate) struct AtLeast {
    clauses: Vec<Box<dyn Query>>,
    required: usize,
}

impl AtLeast {
    pub fn new(clauses: Vec<Box<dyn Query>>, required: usize) -> Self {
        Self { clauses, required }
    }
}

impl Clone for AtLeast {
    fn clone(&self) -> Self {
        Self {
            clauses: self.clauses.iter().map(|c| c.box_clone()).collect(),
            required: self.required,
        }
    }
}

impl fmt::Debug for AtLeast {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtLeast")
            .field("required", &self.required)
            .field("clauses", &self.clauses)
            .finish()
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
            doc: 0,
            score: 0.0,
        };
        scorer.advance();
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
struct AtLeastScorer {
    leading: Vec<Box<dyn Scorer>>,
    others: Vec<Box<dyn Scorer>>,
    required: usize,
    doc: DocId,
    score: Score,
}

impl AtLeastScorer {
    /// Moves to the first candidate from the leading clauses' current documents that holds
    /// enough clauses.
    fn next_match(&mut self) -> DocId {
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
            let mut matched = 0;
            let mut score = 0.0;
            for scorer in &mut self.leading {
                if scorer.doc() == candidate {
                    matched += 1;
                    score += scorer.score();
                    scorer.advance();
                }
            }
            let mut left = self.others.len();
            for scorer in &mut self.others {
                if matched + left < self.required {
                    break;
                }
                left -= 1;
                if scorer.doc() < candidate {
                    scorer.seek(candidate);
                }
                if scorer.doc() == candidate {
                    matched += 1;
                    score += scorer.score();
                }
            }
            if matched >= self.required {
                self.doc = candidate;
                self.score = score;
                return candidate;
            }
        }
    }
}

impl DocSet for AtLeastScorer {
    fn advance(&mut self) -> DocId {
        self.next_match()
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
        self.next_match()
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
        self.score
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use tantivy::collector::{Collector, SegmentCollector};
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, STRING, Schema};
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

    proptest! {
        /// The same documents and scores as tantivy's own "minimum should match" query.
        #[test]
        fn finds_what_a_minimum_should_match_finds(
            docs in proptest::collection::vec(proptest::collection::vec(0..WORDS.len(), 0..5), 1..120),
            asked in proptest::collection::btree_set(0..WORDS.len(), 3..6),
            required_less in 1usize..4,
        ) {
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
                // A few segments, so that each segment's own order of clauses is exercised.
                if i % 50 == 49 {
                    writer.commit().unwrap();
                }
            }
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let clauses = || -> Vec<Box<dyn Query>> {
                asked
                    .iter()
                    .map(|w| {
                        Box::new(TermQuery::new(
                            Term::from_field_text(field, WORDS[*w]),
                            IndexRecordOption::WithFreqs,
                        )) as Box<dyn Query>
                    })
                    .collect()
            };
            let required = asked.len().saturating_sub(required_less).max(2);
            prop_assume!(required < asked.len());
            let ours = searcher.search(&AtLeast::new(clauses(), required), &Everything).unwrap();
            let theirs = searcher
                .search(
                    &BooleanQuery::with_minimum_required_clauses(
                        clauses().into_iter().map(|c| (Occur::Should, c)).collect(),
                        required,
                    ),
                    &Everything,
                )
                .unwrap();
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
