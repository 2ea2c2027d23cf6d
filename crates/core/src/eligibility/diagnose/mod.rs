//! Stage 4, diagnosis: the whole catalogue for one business.
//!
//! `ruleset` holds every program's compiled rule in one array and evaluates them together
//! (keeping the evaluation with nothing answered, `blank`, and valuing only the conditions
//! that can differ between businesses, `condition_values`);
//! `ranking` orders the results; `next_question` picks what to ask next from the 要確認
//! programs (`open_programs`), trying the answers of `sample_answers` and counting what they
//! settle with `trial` (industry conditions through `category_lanes`), the most promising
//! questions first (`best_question`); `diagnosis` puts it
//! together as the shells show it. Uses every earlier stage and the program's 受付 window.

mod best_question;
mod blank;
#[cfg(test)]
mod catalogue_tests;
mod category_lanes;
mod condition_values;
pub(crate) mod diagnosis;
pub(crate) mod next_question;
mod open_programs;
pub(crate) mod ranking;
pub(crate) mod ruleset;
mod sample_answers;
mod trial;
