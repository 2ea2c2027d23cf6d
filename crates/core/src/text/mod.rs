//! Japanese text as people and publishers actually type it.
//!
//! The same word reaches the desk in many spellings: full-width 「ＩＴ」, half-width 「ﾓﾉﾂﾞｸﾘ」,
//! Kangxi radicals pasted from a PDF (「補助⾦」), 「ヶ」 or 「ケ」. One place folds them, in named
//! steps, so that the importers, the reference look-ups and the search index agree on what
//! counts as the same text and differ only where their purpose differs (see `fold`).

pub mod fold;
pub mod script;
