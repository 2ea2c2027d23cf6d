//! Domain synonyms: the words business owners use for what programs call something else
//! (「パソコン」 → IT導入, 「人を雇う」 → 雇用, 「お金を借りたい」 → 融資).
//!
//! The list is data (`synonyms.tsv`, documented there) so that staff can read and extend it.
//! It widens a query word: the word itself is still searched, and each alternative counts as
//! a match of the word. It is not how readings or program names are found.

use std::sync::OnceLock;

use madoguchi_core::text::fold::search::fold_str;

const LIST: &str = include_str!("synonyms.tsv");

/// One folded key and the words it stands for.
#[derive(Debug)]
struct Entry {
    key: String,
    alternatives: Vec<String>,
}

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        LIST.lines()
            .filter(|line| !line.starts_with('#') && !line.trim().is_empty())
            .filter_map(|line| line.split_once('\t'))
            .map(|(key, alternatives)| Entry {
                key: fold_str(key.trim()),
                alternatives: alternatives.split_whitespace().map(str::to_owned).collect(),
            })
            .collect()
    })
}

/// The alternatives of every key that `word` contains, without repeats, in list order.
pub fn alternatives(word: &str) -> Vec<&'static str> {
    let folded = fold_str(word);
    let mut out: Vec<&'static str> = Vec::new();
    for entry in entries().iter().filter(|e| folded.contains(&e.key)) {
        for alternative in &entry.alternatives {
            if !out.contains(&alternative.as_str()) {
                out.push(alternative);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_word_containing_a_key_gets_its_alternatives_whatever_its_width() {
        assert!(alternatives("パソコン").contains(&"IT導入"));
        assert!(alternatives("ﾊﾟｿｺﾝ").contains(&"IT導入"));
        assert!(alternatives("人を雇う").contains(&"雇用"));
        assert!(alternatives("ｐｃ").contains(&"IT導入"));
        assert!(alternatives("補助金").is_empty());
    }

    #[test]
    fn every_line_of_the_list_has_a_key_and_alternatives() {
        let data_lines = LIST
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .count();
        assert_eq!(entries().len(), data_lines);
        assert!(
            entries()
                .iter()
                .all(|e| !e.key.is_empty() && !e.alternatives.is_empty())
        );
    }
}
