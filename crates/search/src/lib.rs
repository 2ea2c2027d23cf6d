//! Japanese full-text search with facets over the published catalogue.
//!
//! Business owners type the way they talk (「パソコン 買いたい 補助金」, 「じぞくか」,
//! 「ＩＴ導入」); this crate finds the programs they mean. [`SearchIndex::build`] indexes a
//! catalogue snapshot in memory (tantivy, RAM directory) with a Japanese analysis (core's
//! `text::fold::search`, then `analysis`), readings of program names (`readings`) and domain
//! synonyms (`synonyms`); [`SearchIndex::with_changes`] makes the next snapshot from the
//! programs published or withdrawn, in milliseconds; [`SearchIndex::search`] answers a
//! [`SearchQuery`] with ranked hits, highlighted snippets as plain segments, facet counts and,
//! when nothing is found, what to drop.
//!
//! No I/O on the request path. Besides the IPADIC source (read once per process, when
//! readings are enabled and installed), the only files are those of an index kept on disk for
//! the next start ([`SearchIndex::build_kept`]), written when the catalogue changes.

mod analysis;
mod at_least;
mod facets;
mod facts;
mod gather;
mod highlight;
mod index;
mod kept;
mod matcher;
mod query;
pub mod readings;
mod shared;
mod synonyms;
mod text;
mod windows;

pub use analysis::{JapaneseTokenizer, Piece, pieces};
pub use index::{Published, ReadingMode, SearchError, SearchIndex};
/// The search fold is core's, shared with the importers and the reference look-ups.
pub use madoguchi_core::text::fold::search::fold_str;
pub use query::{
    AmountBand, Facet, FacetValue, FilterKind, Hit, MAX_PAGE_SIZE, MAX_QUERY_CHARS,
    MAX_QUERY_WORDS, SearchQuery, SearchResults, Segment, Sort, Suggestion, WindowState,
};
pub use shared::IndexOrigin;
