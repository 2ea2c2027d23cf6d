//! Counts made in memory between two writes to the store, so that a page request only adds
//! one to a map and never waits for the database.

use std::collections::HashMap;

use time::Date;

use super::Metric;

/// Distinct search words kept per day; later new words are counted together.
pub const MAX_WORDS_PER_DAY: usize = 200;

/// The key under which search words past the day's cap are counted.
pub const OVERFLOW_WORDS: &str = "";

/// One aggregate to add: `n` more of `metric` for `key` on `day` (JST).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub day: Date,
    pub metric: Metric,
    /// A program id, a field code or search words; empty for metrics without a key.
    pub key: String,
    pub n: u64,
}

/// Counts not yet written, keyed by `(day, metric, key)`.
#[derive(Debug, Default)]
pub struct Tally {
    counts: HashMap<(Date, Metric, String), u64>,
}

impl Tally {
    /// Adds one `metric` for `key` on `day`. A metric with a cap on its keys
    /// ([`Metric::key_cap`]) counts a new key past the cap under [`OVERFLOW_WORDS`], so the
    /// map stays bounded whatever is typed into the search box.
    pub fn add(&mut self, day: Date, metric: Metric, key: &str) {
        self.add_n(day, metric, key, 1);
    }

    fn add_n(&mut self, day: Date, metric: Metric, key: &str, n: u64) {
        let mut key = key;
        if let Some(cap) = metric.key_cap() {
            let known = self.counts.contains_key(&(day, metric, key.to_owned()));
            if !known && self.keys_of(day, metric) >= cap {
                key = OVERFLOW_WORDS;
            }
        }
        *self
            .counts
            .entry((day, metric, key.to_owned()))
            .or_default() += n;
    }

    fn keys_of(&self, day: Date, metric: Metric) -> usize {
        self.counts
            .keys()
            .filter(|(d, m, _)| *d == day && *m == metric)
            .count()
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    /// Everything counted so far, in key order (so that concurrent writers take rows in one
    /// order), leaving the tally empty.
    pub fn take(&mut self) -> Vec<Count> {
        let mut counts: Vec<Count> = self
            .counts
            .drain()
            .map(|((day, metric, key), n)| Count {
                day,
                metric,
                key,
                n,
            })
            .collect();
        counts.sort_by(|a, b| (a.day, a.metric, &a.key).cmp(&(b.day, b.metric, &b.key)));
        counts
    }

    /// Puts back counts that could not be written, to go with the next write.
    pub fn restore(&mut self, counts: Vec<Count>) {
        for count in counts {
            self.add_n(count.day, count.metric, &count.key, count.n);
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const DAY: Date = date!(2026 - 08 - 21);

    #[test]
    fn the_same_thing_counted_twice_is_one_row_of_two() {
        let mut tally = Tally::default();
        tally.add(DAY, Metric::ProgramView, "jizokuka");
        tally.add(DAY, Metric::ProgramView, "jizokuka");
        tally.add(DAY, Metric::DiagnosisStarted, "");
        tally.add(DAY.next_day().unwrap(), Metric::DiagnosisStarted, "");
        let counts = tally.take();
        assert_eq!(counts.len(), 3);
        assert_eq!(counts[0].metric, Metric::DiagnosisStarted);
        assert_eq!(
            counts
                .iter()
                .find(|c| c.metric == Metric::ProgramView)
                .unwrap()
                .n,
            2
        );
        assert!(tally.is_empty());
    }

    #[test]
    fn search_words_past_the_days_cap_are_counted_together() {
        let mut tally = Tally::default();
        for i in 0..MAX_WORDS_PER_DAY + 50 {
            tally.add(DAY, Metric::ZeroResultSearch, &format!("word{i}"));
        }
        // A word already kept still counts as itself.
        tally.add(DAY, Metric::ZeroResultSearch, "word0");
        let counts = tally.take();
        let overflow = counts.iter().find(|c| c.key == OVERFLOW_WORDS).unwrap();
        assert!(counts.len() <= MAX_WORDS_PER_DAY + 1);
        assert_eq!(overflow.n, 50);
        assert_eq!(counts.iter().map(|c| c.n).sum::<u64>(), 251);
        assert_eq!(counts.iter().find(|c| c.key == "word0").unwrap().n, 2);
    }

    #[test]
    fn counts_put_back_are_added_to_the_next_write() {
        let mut tally = Tally::default();
        tally.add(DAY, Metric::ConsultationFiled, "");
        let failed = tally.take();
        tally.add(DAY, Metric::ConsultationFiled, "");
        tally.restore(failed);
        assert_eq!(tally.take()[0].n, 2);
    }
}
