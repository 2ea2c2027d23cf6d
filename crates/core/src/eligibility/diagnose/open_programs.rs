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
#[derive(Debug, Default, Clone, PartialEq, Eq)]
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

    /// Per field some program awaits, which programs await it (as `awaiting` gives them)
    /// and how many.
    pub(super) fn by_field(&self) -> ByField {
        let mut by_field = ByField::default();
        for field in self.awaited.iter() {
            let hits = &mut by_field.hits[field.index()];
            self.awaiting(field, hits);
            by_field.counts[field.index()] = hits.iter().map(|w| u64::from(w.count_ones())).sum();
        }
        by_field
    }

    /// The catalogue indices of every `step`-th program of `hits` (from `awaiting`), from
    /// the first.
    pub(super) fn every(&self, step: usize, hits: &[u64]) -> Vec<usize> {
        let step = step.max(1);
        let awaiting: usize = hits.iter().map(|w| w.count_ones() as usize).sum();
        let mut taken = Vec::with_capacity(awaiting.div_ceil(step));
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

/// The 要確認 programs of one diagnosis with what they await, field by field.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct Gathered {
    pub(super) open: OpenPrograms,
    pub(super) by_field: ByField,
}

/// The programs awaiting each field, from `OpenPrograms::by_field`.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(super) struct ByField {
    /// Per field, bit `k` of word `w` for the `64 w + k`-th program awaiting it.
    pub(super) hits: [Vec<u64>; Field::COUNT],
    /// Per field, how many programs await it.
    pub(super) counts: [u64; Field::COUNT],
}

/// The position of the `n`-th (from 0) bit set in `word`, which has more than `n`.
///
/// Found without a loop over the bits (Vigna's broadword selection): the ones of each byte
/// are counted and summed up byte by byte in one multiplication, the byte holding the bit is
/// the number of bytes whose running count is still at most `n`, and only within that byte
/// are bits cleared one by one. The next question calls this for every program it tries.
fn nth_one(word: u64, n: u32) -> u32 {
    const BYTES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut ones = word - ((word >> 1) & 0x5555_5555_5555_5555);
    ones = (ones & 0x3333_3333_3333_3333) + ((ones >> 2) & 0x3333_3333_3333_3333);
    ones = (ones + (ones >> 4)) & 0x0F0F_0F0F_0F0F_0F0F;
    // Byte `b` of `upto`: the ones of bytes 0 to `b` (at most 64, so no carry between bytes).
    let upto = ones.wrapping_mul(BYTES);
    // The high bit of byte `b` stays set when `upto` of `b` is at most `n` (below 64).
    let passed = (((u64::from(n) * BYTES) | HIGH) - upto) & HIGH;
    let byte = ((passed >> 7).wrapping_mul(BYTES) >> 56) as u32;
    let before = ((upto << 8) >> (8 * byte)) as u32 & 0xFF;
    let mut left = (word >> (8 * byte)) & 0xFF;
    for _ in before..n {
        left &= left - 1;
    }
    8 * byte + left.trailing_zeros()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    /// The `n`-th bit set, found by clearing bits one by one.
    fn nth_one_by_clearing(mut word: u64, n: u32) -> u32 {
        for _ in 0..n {
            word &= word - 1;
        }
        word.trailing_zeros()
    }

    #[test]
    fn the_nth_bit_set_is_found_in_words_full_and_sparse() {
        for word in [1u64, 0b1011_0100, u64::MAX, 1 << 63, 0x8000_0001_0000_0100] {
            for n in 0..word.count_ones() {
                assert_eq!(
                    nth_one(word, n),
                    nth_one_by_clearing(word, n),
                    "{word:#x} {n}"
                );
            }
        }
    }

    proptest! {
        /// Any bit set of any word is found where clearing bits one by one finds it.
        #[test]
        fn the_nth_bit_set_is_found_in_any_word(word in any::<u64>(), n in 0u32..64) {
            prop_assume!(n < word.count_ones());
            prop_assert_eq!(nth_one(word, n), nth_one_by_clearing(word, n));
        }

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
