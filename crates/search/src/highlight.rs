//! Marks where a query matched in a title or summary, as plain segments (never HTML), so the
//! page escapes every character and wraps only the matched ones in `<mark>`.

use std::collections::BTreeSet;

use crate::analysis::pieces;
use crate::query::Segment;
use madoguchi_core::text::fold::search::fold;
use madoguchi_core::text::script::is_cjk;

/// The longest summary excerpt shown, in characters.
pub const EXCERPT_CHARS: usize = 90;

/// What to mark: the terms of the words typed, and synonyms only where the whole synonym
/// stands (so that 「設備」 → 設備導入 does not mark every 「導入」).
#[derive(Debug, Default, Clone)]
pub struct Marks {
    pub terms: BTreeSet<String>,
    /// Each synonym's terms in order.
    pub phrases: Vec<Vec<String>>,
}

/// `text` cut into plain and matched segments.
pub fn segments(text: &str, marks: &Marks) -> Vec<Segment> {
    let ranges = matched_ranges(text, marks);
    split(text, &ranges)
}

/// Up to [`EXCERPT_CHARS`] characters of `text` around its first match, with an ellipsis
/// where text was left out.
pub fn excerpt(text: &str, marks: &Marks) -> Vec<Segment> {
    let ranges = matched_ranges(text, marks);
    let first = ranges.first().map_or(0, |r| r.0);
    // Start a little before the first match, on a character boundary.
    let start = text[..first]
        .char_indices()
        .rev()
        .nth(15)
        .map_or(0, |(i, _)| i);
    let end = text[start..]
        .char_indices()
        .nth(EXCERPT_CHARS)
        .map_or(text.len(), |(i, _)| start + i);
    let inside: Vec<(usize, usize)> = ranges
        .iter()
        .filter(|(f, t)| *f >= start && *t <= end)
        .map(|(f, t)| (f - start, t - start))
        .collect();
    let mut out = split(&text[start..end], &inside);
    if start > 0 {
        out.insert(0, plain("…"));
    }
    if end < text.len() {
        out.push(plain("…"));
    }
    out
}

/// Byte ranges of `text` whose terms were searched, merged, in order.
fn matched_ranges(text: &str, marks: &Marks) -> Vec<(usize, usize)> {
    let terms = &marks.terms;
    if terms.is_empty() && marks.phrases.is_empty() {
        return Vec::new();
    }
    let singles: Vec<char> = terms
        .iter()
        .filter(|t| t.chars().count() == 1 && t.chars().all(is_cjk))
        .filter_map(|t| t.chars().next())
        .collect();
    let all = pieces(text);
    let mut found: Vec<(usize, usize)> = all
        .iter()
        .filter(|p| terms.contains(&p.text))
        .map(|p| (p.from, p.to))
        .collect();
    for phrase in marks.phrases.iter().filter(|p| !p.is_empty()) {
        for window in all.windows(phrase.len()) {
            if window
                .iter()
                .zip(phrase)
                .all(|(piece, term)| piece.text == *term)
            {
                found.push((window[0].from, window[window.len() - 1].to));
            }
        }
    }
    found.sort_unstable();
    if !singles.is_empty() {
        found.extend(
            fold(text)
                .into_iter()
                .filter(|f| singles.contains(&f.c))
                .map(|f| (f.from, f.to)),
        );
        found.sort_unstable();
    }
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (from, to) in found {
        match ranges.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => ranges.push((from, to)),
        }
    }
    ranges
}

fn split(text: &str, ranges: &[(usize, usize)]) -> Vec<Segment> {
    let mut out = Vec::new();
    let mut at = 0;
    for &(from, to) in ranges {
        if from > at {
            out.push(plain(&text[at..from]));
        }
        out.push(Segment {
            text: text[from..to].to_owned(),
            matched: true,
        });
        at = to;
    }
    if at < text.len() {
        out.push(plain(&text[at..]));
    }
    out
}

fn plain(text: &str) -> Segment {
    Segment {
        text: text.to_owned(),
        matched: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(list: &[&str]) -> Marks {
        Marks {
            terms: list.iter().map(|s| (*s).to_owned()).collect(),
            phrases: Vec::new(),
        }
    }

    fn marked(segments: &[Segment]) -> String {
        Segment::bracketed(segments)
    }

    #[test]
    fn matches_are_marked_in_the_original_spelling() {
        let s = segments("ＩＴ導入補助金2025", &terms(&["it", "導入"]));
        assert_eq!(marked(&s), "[ＩＴ導入]補助金2025");
        let s = segments("持続化補助金", &terms(&["持続", "続化"]));
        assert_eq!(marked(&s), "[持続化]補助金");
        let s = segments("若手人材の確保", &terms(&["人"]));
        assert_eq!(marked(&s), "若手[人]材の確保");
    }

    #[test]
    fn a_synonym_is_marked_only_where_it_stands_whole() {
        let marks = Marks {
            terms: BTreeSet::new(),
            phrases: vec![vec![
                "設備".to_owned(),
                "備導".to_owned(),
                "導入".to_owned(),
            ]],
        };
        assert_eq!(
            marked(&segments("IT導入と設備導入", &marks)),
            "IT導入と[設備導入]"
        );
    }

    #[test]
    fn html_in_text_stays_text() {
        let s = segments("<script>IT</script>", &terms(&["it"]));
        assert_eq!(
            s.iter().map(|x| x.text.as_str()).collect::<String>(),
            "<script>IT</script>"
        );
    }

    #[test]
    fn an_excerpt_is_cut_around_the_first_match() {
        let text = format!("{}持続化{}", "あ".repeat(100), "い".repeat(200));
        let s = excerpt(&text, &terms(&["持続", "続化"]));
        assert_eq!(s.first().map(|x| x.text.as_str()), Some("…"));
        assert_eq!(s.last().map(|x| x.text.as_str()), Some("…"));
        assert!(s.iter().any(|x| x.matched && x.text == "持続化"));
        assert!(marked(&s).chars().count() <= EXCERPT_CHARS + 4);
    }
}
