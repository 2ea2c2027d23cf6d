//! Turns the words a person typed into a tantivy query, built term by term: user input never
//! reaches tantivy's query parser, so quotes, colons, asterisks and brackets are just text.
//!
//! Each word (split at spaces, and at a particle between kanji: 「人を雇う」 → 人・雇う) must
//! be found in a program, in one of three ways: most of its bigrams in one field (title,
//! summary, body); its reading in the reading of the title (「じぞくか」); or one of its
//! domain synonyms (「パソコン」 → IT導入). Words that only say what people want in general
//! (「補助金」, 「ほしい」) rank but do not filter.

use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, Query, RegexQuery, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};

use crate::analysis::pieces;
use crate::at_least::{AtLeast, Combine};
use crate::highlight::Marks;
use crate::query::{MAX_QUERY_CHARS, MAX_QUERY_WORDS};
use crate::readings::{Readings, fold_reading};
use crate::synonyms;
use madoguchi_core::text::fold::search::fold_str;
use madoguchi_core::text::script::{is_cjk, is_kana};

/// The text fields of the index and how much a match in each counts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextFields {
    pub title: Field,
    pub reading: Field,
    pub summary: Field,
    pub body: Field,
}

const TITLE_BOOST: f32 = 3.0;
const READING_BOOST: f32 = 2.0;
const SUMMARY_BOOST: f32 = 1.5;
const BODY_BOOST: f32 = 0.6;
/// A synonym counts a little less than the word typed.
const SYNONYM_FACTOR: f32 = 0.7;
/// How much the ways a word matched besides the best one add.
const WAYS_TIE_BREAKER: f32 = 0.2;

/// Words that say what people want in general; every program is one of these.
const SOFT_WORDS: &[&str] = &[
    "補助金",
    "助成金",
    "補助",
    "助成",
    "支援",
    "支援金",
    "制度",
    "給付金",
    "奨励金",
    "交付金",
    "お金",
    "ほしい",
    "欲しい",
    "したい",
    "使える",
    "使いたい",
    "探す",
    "探している",
    "教えて",
    "知りたい",
    "申請",
    "申請したい",
    "対象",
    "もらえる",
    "もらいたい",
    "受けたい",
];

/// Endings of the way people talk that are not part of what they look for.
const ENDINGS: &[&str] = &[
    "したいです",
    "したい",
    "させたい",
    "ができる",
    "できる",
    "たいです",
    "たい",
    "がほしい",
    "が欲しい",
    "ほしい",
    "欲しい",
    "について",
    "ですか",
    "です",
    "ます",
];

/// Particles that split a word when they stand between kanji or katakana and more text.
const PARTICLES: &[char] = &['を', 'が', 'に', 'で', 'は', 'と', 'の', 'へ', 'や', 'も'];

/// A query as words, after the length caps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Words {
    pub words: Vec<String>,
    pub truncated: bool,
}

impl Words {
    pub fn of(text: &str) -> Self {
        let mut truncated = text.chars().count() > MAX_QUERY_CHARS;
        let capped: String = text.chars().take(MAX_QUERY_CHARS).collect();
        let mut words: Vec<String> = capped
            .split_whitespace()
            .filter(|w| !pieces(w).is_empty())
            .map(str::to_owned)
            .collect();
        if words.len() > MAX_QUERY_WORDS {
            words.truncate(MAX_QUERY_WORDS);
            truncated = true;
        }
        Self { words, truncated }
    }
}

/// The query for `words` (none if no word has a term), and the terms to highlight.
pub(crate) fn build(
    fields: TextFields,
    words: &[String],
    readings: Option<&Readings>,
) -> Option<(Box<dyn Query>, Marks)> {
    let mut highlight = Marks::default();
    let (soft, hard): (Vec<&String>, Vec<&String>) = words
        .iter()
        .partition(|w| (words.len() > 1 && is_soft_among_others(w)) || is_soft(w));
    let hard: Vec<Box<dyn Query>> = hard
        .into_iter()
        .filter_map(|w| word_query(fields, w, readings, Role::Leads, &mut highlight))
        .collect();
    // Beside a word that must be found, the others are only sought at its documents.
    let role = if hard.is_empty() {
        Role::Leads
    } else {
        Role::Sought
    };
    let soft = soft
        .into_iter()
        .filter_map(|w| word_query(fields, w, readings, role, &mut highlight))
        .collect();
    ranked(hard, soft).map(|q| (q, highlight))
}

/// Whether a query walks its own documents or is only asked about the documents another
/// finds. tantivy's unions walk fast, 4,096 documents at a time, but score every posting they
/// pass; [`AtLeast::any`] is slower to walk but scores only the documents asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Leads,
    Sought,
}

/// Every one of `required`, with `optional` adding to the score; without `required`, any of
/// `optional`.
fn ranked(required: Vec<Box<dyn Query>>, optional: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    if required.is_empty() {
        return any_of(optional, Combine::Sum, Role::Leads);
    }
    let clauses = required
        .into_iter()
        .map(|q| (Occur::Must, q))
        .chain(any_of(optional, Combine::Sum, Role::Sought).map(|q| (Occur::Should, q)))
        .collect();
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// Any of `queries` (none for none, the query itself for one), as fits its `role`.
fn any_of(
    mut queries: Vec<Box<dyn Query>>,
    combine: Combine,
    role: Role,
) -> Option<Box<dyn Query>> {
    Some(match (queries.len(), role, combine) {
        (0, _, _) => return None,
        (1, _, _) => return queries.pop(),
        (_, Role::Sought, _) => Box::new(AtLeast::any(queries, combine)),
        (_, Role::Leads, Combine::Sum) => Box::new(BooleanQuery::union(queries)),
        (_, Role::Leads, Combine::Best { tie_breaker }) => {
            Box::new(DisjunctionMaxQuery::with_tie_breaker(queries, tie_breaker))
        }
    })
}

/// A word that only ranks: a general word, or (among others) a verb or adjective.
fn is_soft(word: &str) -> bool {
    let folded = fold_str(word);
    SOFT_WORDS.iter().any(|s| fold_str(s) == folded)
}

/// A word that only ranks when the query has other words: general, or every part of it a verb
/// or adjective (「高い」, 「雇用を守る」's 「守る」 is not the whole word).
fn is_soft_among_others(word: &str) -> bool {
    is_soft(word) || parts(word).iter().all(|p| is_soft(p) || looks_inflected(p))
}

/// Kanji followed by kana okurigana, the shape of an inflected verb or adjective
/// (「守る」, 「減らし」, 「高い」, 「建て」): ranks, but is not required, next to a noun.
fn looks_inflected(part: &str) -> bool {
    let chars: Vec<char> = part.chars().collect();
    let kanji = chars
        .iter()
        .take_while(|c| is_cjk(**c) && !is_kana(**c))
        .count();
    (1..=2).contains(&kanji)
        && chars.len() > kanji
        && chars[kanji..]
            .iter()
            .all(|c| matches!(c, '\u{3041}'..='\u{3096}'))
        && chars.len() - kanji <= 3
}

/// One typed word: its parts all found, or its reading, or a synonym.
fn word_query(
    fields: TextFields,
    word: &str,
    readings: Option<&Readings>,
    role: Role,
    highlight: &mut Marks,
) -> Option<Box<dyn Query>> {
    let mut ways: Vec<Box<dyn Query>> = Vec::new();
    let parts = parts(word);
    let (hard_parts, soft_parts): (Vec<&String>, Vec<&String>) = parts
        .iter()
        .partition(|p| !is_soft(p) && !looks_inflected(p));
    let required: Vec<&String> = if hard_parts.is_empty() {
        soft_parts.clone()
    } else {
        hard_parts
    };
    let must: Vec<Box<dyn Query>> = required
        .iter()
        .filter_map(|part| text_query(fields, part, 1.0, role, highlight))
        .collect();
    let mut should: Vec<Box<dyn Query>> = Vec::new();
    if required.len() < parts.len() {
        should.extend(
            soft_parts
                .iter()
                .filter_map(|part| text_query(fields, part, 1.0, Role::Sought, highlight)),
        );
    }
    ways.extend(ranked(must, should));
    if let Some(readings) = readings
        && word.chars().any(is_cjk)
    {
        let reading = readings.reading(word);
        if let Some(q) = reading_query(fields.reading, &reading) {
            ways.push(q);
        }
    } else if word.chars().all(|c| is_kana(c) || !c.is_alphanumeric()) {
        // Without an analyser a kana word is still its own reading.
        if let Some(q) = reading_query(fields.reading, &fold_reading(&fold_str(word))) {
            ways.push(q);
        }
    }
    for alternative in synonyms::alternatives(word) {
        highlight
            .phrases
            .push(pieces(alternative).into_iter().map(|p| p.text).collect());
        if let Some(q) = text_query(
            fields,
            alternative,
            SYNONYM_FACTOR,
            role,
            &mut Marks::default(),
        ) {
            ways.push(q);
        }
    }
    // A word scores by its best way of matching (several synonyms must not outweigh the
    // word as typed), with a little credit for the others.
    any_of(
        ways,
        Combine::Best {
            tie_breaker: WAYS_TIE_BREAKER,
        },
        role,
    )
}

/// A word split at particles between kanji/katakana and the rest, endings removed:
/// 「人を雇う」 → [人, 雇う], 「店を改装したい」 → [店, 改装].
fn parts(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    let mut parts = Vec::new();
    let mut current = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let after_word = i > 0 && (!is_kana(chars[i - 1]) || is_katakana(chars[i - 1]));
        let before_more = i + 1 < chars.len();
        if PARTICLES.contains(&c) && after_word && before_more && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
        .into_iter()
        .map(|p| strip_ending(&p).to_owned())
        .filter(|p| !pieces(p).is_empty())
        .collect()
}

fn is_katakana(c: char) -> bool {
    matches!(c, '\u{30A1}'..='\u{30FA}' | 'ー')
}

fn strip_ending(part: &str) -> &str {
    ENDINGS
        .iter()
        .find_map(|e| part.strip_suffix(e).filter(|rest| !rest.is_empty()))
        .unwrap_or(part)
}

/// The whole reading in the reading of a title: kana strings are short and alike, so a
/// reading matches only with all its bigrams.
fn reading_query(field: Field, reading: &str) -> Option<Box<dyn Query>> {
    let terms = distinct_pieces(reading);
    if terms.len() < 2 {
        // One kana or two match too many titles to mean anything.
        return None;
    }
    let clauses = terms
        .iter()
        .map(|t| {
            (
                Occur::Must,
                Box::new(term_query(field, t)) as Box<dyn Query>,
            )
        })
        .collect();
    Some(Box::new(BoostQuery::new(
        Box::new(BooleanQuery::new(clauses)),
        READING_BOOST,
    )))
}

/// `text` in the title, the summary or the body, each weighted.
fn text_query(
    fields: TextFields,
    text: &str,
    factor: f32,
    role: Role,
    highlight: &mut Marks,
) -> Option<Box<dyn Query>> {
    let terms = distinct_pieces(text);
    if terms.is_empty() {
        return None;
    }
    highlight.terms.extend(terms.iter().cloned());
    let per_field: Vec<Box<dyn Query>> = [
        (fields.title, TITLE_BOOST),
        (fields.summary, SUMMARY_BOOST),
        (fields.body, BODY_BOOST),
    ]
    .into_iter()
    .filter_map(|(field, boost)| terms_query(field, &terms, boost * factor))
    .collect();
    any_of(per_field, Combine::Sum, role)
}

fn distinct_pieces(text: &str) -> Vec<String> {
    let set: BTreeSet<String> = pieces(text).into_iter().map(|p| p.text).collect();
    set.into_iter().collect()
}

/// Most of `terms` in `field`: all of one or two, two thirds of more. A single kanji or kana
/// is looked for inside the field's bigrams.
fn terms_query(field: Field, terms: &[String], boost: f32) -> Option<Box<dyn Query>> {
    let query: Box<dyn Query> = match terms {
        [] => return None,
        [one] if one.chars().count() == 1 && one.chars().all(is_cjk) => {
            // Kanji and kana are no regex syntax; the pattern is built from one of them.
            let c = one;
            Box::new(RegexQuery::from_pattern(&format!("{c}|{c}.|.{c}"), field).ok()?)
        }
        [one] => Box::new(term_query(field, one)),
        many => {
            let required = if many.len() <= 2 {
                many.len()
            } else {
                (many.len() * 2).div_ceil(3)
            };
            let clauses: Vec<Box<dyn Query>> = many
                .iter()
                .map(|t| Box::new(term_query(field, t)) as Box<dyn Query>)
                .collect();
            if required < clauses.len() {
                Box::new(AtLeast::most(clauses, required))
            } else {
                Box::new(BooleanQuery::intersection(clauses))
            }
        }
    };
    Some(Box::new(BoostQuery::new(query, boost)))
}

fn term_query(field: Field, text: &str) -> TermQuery {
    TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_capped_and_symbol_only_words_dropped() {
        let long = "あ".repeat(10_000);
        let w = Words::of(&long);
        assert!(w.truncated);
        assert_eq!(w.words[0].chars().count(), MAX_QUERY_CHARS);
        assert!(Words::of("🙂 ★ \"*:(").words.is_empty());
        let many = "IT ".repeat(50);
        assert_eq!(Words::of(&many).words.len(), MAX_QUERY_WORDS);
    }

    #[test]
    fn particles_between_kanji_split_a_word_and_endings_go() {
        assert_eq!(parts("人を雇う"), ["人", "雇う"]);
        assert_eq!(parts("店を改装したい"), ["店", "改装"]);
        assert_eq!(parts("ものづくり"), ["ものづくり"]);
        assert_eq!(parts("パソコンを買いたい"), ["パソコン", "買い"]);
        assert_eq!(parts("東京都の補助金"), ["東京都", "補助金"]);
    }

    #[test]
    fn verbs_and_adjectives_rank_but_do_not_filter_next_to_nouns() {
        assert!(looks_inflected("守る"));
        assert!(looks_inflected("高い"));
        assert!(looks_inflected("減らし"));
        assert!(!looks_inflected("育休"));
        assert!(!looks_inflected("ものづくり"));
        assert!(!looks_inflected("お金"));
        assert!(is_soft_among_others("高い"));
        assert!(!is_soft_among_others("雇用を守る"));
    }

    #[test]
    fn general_words_are_soft() {
        assert!(is_soft("補助金"));
        assert!(is_soft("ﾎｼｲ"));
        assert!(!is_soft("持続化"));
    }
}
