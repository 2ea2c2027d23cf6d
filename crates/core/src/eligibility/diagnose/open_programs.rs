//! The 要確認 programs of one diagnosis with the answers each awaits, laid out for the next
//! question.
//!
//! The next question needs, for each field, how many of those programs await it and an even
//! spread of them in catalogue order. With ten thousand programs awaiting a dozen fields
//! between them, testing every program for every field costs more than the rest of the pass;
//! so the programs awaiting a field are kept as bits (one per program, 64 to a word): counting
//! them is a sum of popcounts, and the spread jumps over whole words to the programs it takes.

use crate::eligibility::vocabulary::field::{Field, FieldSet};

/// Programs in catalogue order, each with the answers it awaits.
#[derive(Debug, Default)]
pub(super) struct OpenPrograms {
    /// Catalogue indices, ascending.
    programs: Vec<usize>,
    /// What each program awaits (parallel to `programs`).
    missing: Vec<FieldSet>,
    /// Every field some program awaits.
    pub(super) awaited: FieldSet,
}

impl OpenPrograms {
    /// Adds the program at catalogue index `program`, after every one added so far.
    pub(super) fn push(&mut self, program: usize, missing: FieldSet) {
        self.programs.push(program);
        self.missing.push(missing);
        self.awaited = self.awaited.union(missing);
    }

    /// Which programs await `field`, into `hits`: bit `k` of word `w` for the `64 w + k`-th
    /// program.
    pub(super) fn awaiting(&self, field: Field, hits: &mut Vec<u64>) {
        hits.clear();
        hits.extend(self.missing.chunks(64).map(|chunk| {
            chunk.iter().enumerate().fold(0u64, |word, (k, m)| {
                word | u64::from(m.contains(field)) << k
            })
        }));
    }

    /// The catalogue indices of every `step`-th program of `hits` (from `awaiting`), from
    /// the first.
    pub(super) fn every(&self, step: usize, hits: &[u64]) -> Vec<usize> {
        let step = step.max(1);
        let mut taken = Vec::new();
        // Ranks count the programs of `hits` in order: `next` is the rank to take next,
        // `seen` the rank of the current word's first program.
        let (mut seen, mut next) = (0usize, 0usize);
        for (w, &word) in hits.iter().enumerate() {
            let ones = word.count_ones() as usize;
            while next < seen + ones {
                let k = nth_one(word, (next - seen) as u32) as usize;
                taken.extend(self.programs.get(w * 64 + k));
                next += step;
            }
            seen += ones;
        }
        taken
    }
}

/// The position of the `n`-th (from 0) bit set in `word`, which has more than `n`: halving
/// the word by counts instead of clearing bits one by one.
fn nth_one(mut word: u64, mut n: u32) -> u32 {
    let mut at = 0;
    for width in [32, 16, 8, 4, 2, 1] {
        let low = (word & ((1u64 << width) - 1)).count_ones();
        if n >= low {
            n -= low;
            word >>= width;
            at += width;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_nth_bit_set_is_found_in_any_word() {
        for word in [1u64, 0b1011_0100, u64::MAX, 1 << 63, 0x8000_0001_0000_0100] {
            let ones: Vec<u32> = (0..64).filter(|b| word >> b & 1 == 1).collect();
            for (n, &at) in ones.iter().enumerate() {
                assert_eq!(nth_one(word, n as u32), at, "{word:#x} {n}");
            }
        }
    }

    proptest! {
        /// Counting and spreading by words takes what testing each program in turn takes.
        #[test]
        fn the_spread_by_words_is_every_step_th_program_awaiting_the_field(
            masks in prop::collection::vec(0u32..(1 << 6), 0..700),
            field in 0usize..6,
            step in 1usize..40,
        ) {
            let field = Field::ALL[field];
            let mut open = OpenPrograms::default();
            let sets: Vec<FieldSet> = masks
                .iter()
                .map(|&m| Field::ALL.iter().take(6).enumerate()
                    .filter(|(b, _)| m >> b & 1 == 1)
                    .fold(FieldSet::EMPTY, |s, (_, &f)| s.with(f)))
                .collect();
            for (i, &set) in sets.iter().enumerate() {
                open.push(3 * i + 1, set);
            }
            let awaiting: Vec<usize> = sets
                .iter()
                .enumerate()
                .filter(|(_, s)| s.contains(field))
                .map(|(i, _)| 3 * i + 1)
                .collect();
            let mut hits = Vec::new();
            open.awaiting(field, &mut hits);
            let count: usize = hits.iter().map(|w| w.count_ones() as usize).sum();
            prop_assert_eq!(count, awaiting.len());
            let spread: Vec<usize> = awaiting.into_iter().step_by(step).collect();
            prop_assert_eq!(open.every(step, &hits), spread);
        }
    }
}
