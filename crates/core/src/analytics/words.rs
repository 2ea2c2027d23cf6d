//! The words of a search as the catalogue-gap list keeps them: one spelling per query, so
//! that 「ＩＴ　導入」, 「it 導入」 and 「IT導入 」 are counted as one gap.

use crate::text::fold::{name_key, unify_radicals};

/// Longer queries are cut here: the list names a gap, it does not keep what was pasted.
pub const MAX_WORD_CHARS: usize = 40;

/// The normalised words of a search, or `None` when there are none: each word folded as
/// names are (full-width ASCII and half-width kana to their usual forms, Kangxi radicals to
/// kanji), ASCII in lower case, words joined by one space, at most [`MAX_WORD_CHARS`].
pub fn search_words(raw: &str) -> Option<String> {
    let unified = unify_radicals(raw);
    let words: Vec<String> = unified
        .split(|c: char| c.is_whitespace())
        .map(|w| name_key(w).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    if words.is_empty() {
        return None;
    }
    Some(words.join(" ").chars().take(MAX_WORD_CHARS).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_of_the_same_search_are_one_gap() {
        assert_eq!(search_words("ＩＴ　導入").as_deref(), Some("it 導入"));
        assert_eq!(search_words("  it   導入 ").as_deref(), Some("it 導入"));
        assert_eq!(search_words("ﾓﾉﾂﾞｸﾘ").as_deref(), Some("モノヅクリ"));
        assert_eq!(search_words("補助⾦").as_deref(), Some("補助金"));
    }

    #[test]
    fn blank_searches_are_no_words_and_long_ones_are_cut() {
        assert_eq!(search_words(" \u{3000} "), None);
        let long = "あ".repeat(100);
        assert_eq!(search_words(&long).unwrap().chars().count(), MAX_WORD_CHARS);
    }
}
