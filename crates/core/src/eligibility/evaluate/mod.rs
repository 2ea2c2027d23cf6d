//! Stage 3, evaluation: one compiled rule judged for one business, and why.
//!
//! `context` lays a profile out for evaluation and values each condition three-valued;
//! `judge` folds those values up the rule's nodes into a `Verdict`. `explain` and `hints` turn the node states
//! into Japanese (each condition's words are `wording`'s), only for the results a person will see. Uses the vocabulary and the rules;
//! knows nothing of a catalogue.

pub(crate) mod context;
pub(crate) mod explain;
pub(crate) mod hints;
pub(crate) mod judge;
#[cfg(test)]
pub(crate) mod property_tests;
pub(crate) mod verdict;
pub(crate) mod wording;
