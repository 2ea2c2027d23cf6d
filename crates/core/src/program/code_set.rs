//! The small sets of codes a program names: its areas, industries and purposes.
//!
//! A program names one to a few of each, and a catalogue holds up to a million programs, so the
//! set is a sorted slice in one allocation of exactly its size, or no allocation at all when it
//! holds one code (most local programs name one prefecture or municipality). A `BTreeSet`
//! would take a node of eleven slots for each, about 100 bytes more per program. Order and
//! uniqueness are kept on every way in, so iteration is ascending like a `BTreeSet`'s.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A sorted set of distinct codes.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct CodeSet<T>(Members<T>);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Members<T> {
    One(T),
    /// Sorted and distinct; empty or of two and more.
    Many(Box<[T]>),
}

impl<T> CodeSet<T> {
    pub fn new() -> Self {
        Self(Members::Many(Box::default()))
    }

    /// The codes in ascending order.
    pub fn as_slice(&self) -> &[T] {
        match &self.0 {
            Members::One(code) => std::slice::from_ref(code),
            Members::Many(codes) => codes,
        }
    }

    pub fn iter(&self) -> std::slice::Iter<'_, T> {
        self.as_slice().iter()
    }

    pub fn len(&self) -> usize {
        self.as_slice().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_slice().is_empty()
    }
}

impl<T: Ord> CodeSet<T> {
    pub fn contains(&self, code: &T) -> bool {
        match &self.0 {
            Members::One(one) => one == code,
            Members::Many(codes) => codes.binary_search(code).is_ok(),
        }
    }

    /// The set of `codes` sorted, without repeats.
    fn of_vec(mut codes: Vec<T>) -> Self {
        codes.sort_unstable();
        codes.dedup();
        if codes.len() == 1
            && let Some(one) = codes.pop()
        {
            return Self(Members::One(one));
        }
        Self(Members::Many(codes.into_boxed_slice()))
    }
}

impl<T> Default for CodeSet<T> {
    fn default() -> Self {
        Self::new()
    }
}

impl<T: Ord> FromIterator<T> for CodeSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(codes: I) -> Self {
        Self::of_vec(codes.into_iter().collect())
    }
}

impl<T: Ord, const N: usize> From<[T; N]> for CodeSet<T> {
    fn from(codes: [T; N]) -> Self {
        codes.into_iter().collect()
    }
}

impl<T: Ord> From<BTreeSet<T>> for CodeSet<T> {
    fn from(codes: BTreeSet<T>) -> Self {
        codes.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a CodeSet<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<T: fmt::Debug> fmt::Debug for CodeSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Serialize> Serialize for CodeSet<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de, T: Deserialize<'de> + Ord> Deserialize<'de> for CodeSet<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::deserialize(deserializer).map(Self::of_vec)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        /// The set answers as a `BTreeSet` of the same codes does, in order and membership,
        /// and reads back from JSON as it was written.
        #[test]
        fn it_answers_as_a_btree_set_does(codes in prop::collection::vec(0u8..20, 0..8), probe in 0u8..20) {
            let set: CodeSet<u8> = codes.iter().copied().collect();
            let tree: BTreeSet<u8> = codes.iter().copied().collect();
            prop_assert_eq!(set.iter().collect::<Vec<_>>(), tree.iter().collect::<Vec<_>>());
            prop_assert_eq!(set.len(), tree.len());
            prop_assert_eq!(set.contains(&probe), tree.contains(&probe));
            let json = serde_json::to_string(&set).unwrap();
            prop_assert_eq!(&json, &serde_json::to_string(&tree).unwrap());
            prop_assert_eq!(serde_json::from_str::<CodeSet<u8>>(&json).unwrap(), set);
        }
    }

    #[test]
    fn one_code_is_held_without_an_allocation_and_equals_itself_however_made() {
        let one = CodeSet::from([7u32]);
        assert!(matches!(one.0, Members::One(7)));
        assert_eq!(one, [7u32, 7].into_iter().collect());
        assert_eq!(serde_json::from_str::<CodeSet<u32>>("[7,7]").unwrap(), one);
        assert_ne!(one, CodeSet::new());
    }
}
