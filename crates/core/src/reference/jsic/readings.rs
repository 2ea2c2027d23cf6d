//! Readings (かな) of the words the industry finder matches — 美容院 びよういん, 工務店
//! こうむてん — so that an owner who types the sound of a word finds it as search would.
//!
//! Core cannot analyse text (no dictionary, no I/O), so the readings are reference data:
//! generated from IPADIC by `tools/refdata/generate_industry_readings.sh`, hand-corrected
//! through `industry_readings_overrides.tsv`, and bundled from
//! `data/reference/industry_readings.tsv`.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::reference::bundled;

const SOURCE: &str = include_str!("../../../../../data/reference/industry_readings.tsv");

/// The reading of an everyday word or class name, in hiragana, as written in the vocabulary
/// (「美容院」 → 「びよういん」); `None` for words written in kana or without a known reading.
pub fn reading(word: &str) -> Option<&'static str> {
    static READINGS: OnceLock<HashMap<&'static str, &'static str>> = OnceLock::new();
    READINGS
        .get_or_init(|| bundled::data_lines(SOURCE).filter_map(parse_line).collect())
        .get(word)
        .copied()
}

fn parse_line(line: &'static str) -> Option<(&'static str, &'static str)> {
    let (word, reading) = line.split_once('\t')?;
    // Hiragana and the punctuation of class names (「旅館、ホテル」), nothing else.
    let kana = reading
        .chars()
        .all(|c| matches!(c, '\u{3041}'..='\u{3096}' | 'ー') || !c.is_alphanumeric());
    (kana && !word.is_empty() && !reading.is_empty()).then_some((word, reading))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::reference::jsic::details::details;
    use crate::reference::jsic::middles;
    use crate::reference::jsic::words::vocabulary;
    use crate::text::script::{is_cjk, is_kana};

    const OVERRIDES: &str =
        include_str!("../../../../../data/reference/industry_readings_overrides.tsv");

    fn overrides() -> impl Iterator<Item = (&'static str, &'static str)> {
        bundled::data_lines(OVERRIDES).filter_map(|l| l.split_once('\t'))
    }

    #[test]
    fn every_line_is_a_word_and_its_reading_in_hiragana() {
        for line in bundled::data_lines(SOURCE) {
            assert!(parse_line(line).is_some(), "unreadable line: {line}");
        }
        assert_eq!(reading("美容院"), Some("びよういん"));
        assert_eq!(reading("工務店"), Some("こうむてん"));
        assert_eq!(reading("ラーメン屋"), Some("らーめんや"));
        assert_eq!(reading("びよういん"), None);
    }

    #[test]
    fn every_reading_belongs_to_a_word_the_finder_knows() {
        let known: HashSet<&str> = vocabulary()
            .all_words()
            .chain(middles().iter().map(|m| m.name))
            .chain(details().iter().map(|d| d.name))
            .collect();
        for line in bundled::data_lines(SOURCE) {
            let (word, _) = line.split_once('\t').unwrap();
            assert!(
                known.contains(word),
                "「{word}」 is no longer a word or class name: run tools/refdata/generate_industry_readings.sh"
            );
        }
    }

    #[test]
    fn every_everyday_word_written_with_kanji_has_a_reading_unless_the_overrides_say_none() {
        let none: HashSet<&str> = overrides()
            .filter(|(_, r)| *r == "-")
            .map(|(w, _)| w)
            .collect();
        for word in vocabulary().all_words() {
            let kanji = word.chars().any(|c| is_cjk(c) && !is_kana(c));
            assert!(
                !kanji || none.contains(word) || reading(word).is_some(),
                "「{word}」 has no reading: run tools/refdata/generate_industry_readings.sh"
            );
        }
    }

    #[test]
    fn the_hand_corrections_are_in_the_bundled_readings() {
        for (word, wanted) in overrides().filter(|(_, r)| *r != "-") {
            assert_eq!(
                reading(word),
                Some(wanted),
                "run tools/refdata/generate_industry_readings.sh"
            );
        }
    }
}
