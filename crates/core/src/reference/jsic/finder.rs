//! Finds the 中分類 of a business from what its owner says it does: 「ラーメン屋」 is 76 飲食店,
//! 「美容室」 78, 「工務店」 06, 「ネットで服を売っている」 61.
//!
//! Owners do not know the classification's names, so the words are matched against three
//! vocabularies at once: the curated everyday words (`words`), the names of the 小分類 and
//! 細分類, and the businesses the ministry lists as examples of each 細分類 (`details`). Text is
//! folded as search folds it (width, kana, long vowels, variant kanji), words and names are
//! also found by their readings (`readings`: 「びよういん」 is 美容院), and the longest run
//! an answer shares with each entry decides how well they fit, so 「ラーメン屋をやっています」
//! still finds 「ラーメン屋」. The best entry of each middle speaks for it; everyday words weigh
//! more than the classification's own wording, which is written for statisticians.
//!
//! Where the classes split a word (「パン屋」: a shop if it bakes for its own counter, a
//! factory if it bakes for supermarkets), the finder asks the word's follow-up question
//! instead of guessing.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::details::{JsicDetail, details};
use super::readings::reading;
use super::words::{FollowUpQuestion, vocabulary};
use super::{JsicMajor, JsicMiddle, major, middle, middles};
use crate::text::fold::search::fold;
use crate::text::script::is_cjk;

/// Answers longer than this are cut before matching: a business is described in a phrase,
/// and a pasted page should cost no more than a phrase.
pub const MAX_ANSWER_CHARS: usize = 100;

/// How many middles the finder proposes at most.
pub const MAX_PROPOSALS: usize = 5;

/// Below this a match is chance: a two-character run inside a long example (「製造」 in
/// 「食パン製造業」), or a letter shared with an English example.
const MIN_SCORE: f32 = 0.7;

/// A proposed middle and why.
#[derive(Debug, Clone, PartialEq)]
pub struct IndustryProposal {
    pub middle: &'static JsicMiddle,
    pub major: &'static JsicMajor,
    /// The word or class name the answer matched, as written in the vocabulary.
    pub matched: &'static str,
    /// Why the middle fits, in plain words.
    pub reason: String,
}

impl IndustryProposal {
    /// 「ラーメン屋 → 飲食店（76）：店内で料理や飲み物を出す事業」.
    pub fn explanation(&self) -> String {
        format!(
            "{} → {}（{:02}）：{}",
            self.matched, self.middle.name, self.middle.code, self.reason
        )
    }
}

/// A word the classes split, and the question that settles it.
#[derive(Debug, Clone, PartialEq)]
pub struct FollowUp {
    pub matched: &'static str,
    pub question: &'static FollowUpQuestion,
}

/// What the finder made of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum IndustryFinding {
    /// Nothing but white space.
    Empty,
    /// No match, and no Japanese in the answer (English, romaji, emoji).
    NotJapanese,
    /// No match.
    NoMatch,
    Found {
        /// Set when the best match is a word the classes split: ask before proposing.
        follow_up: Option<FollowUp>,
        /// Best first; when there is a follow-up, its answers' middles come first.
        proposals: Vec<IndustryProposal>,
    },
}

impl IndustryFinding {
    /// The proposals, best first (none when nothing was found).
    pub fn proposals(&self) -> &[IndustryProposal] {
        match self {
            Self::Found { proposals, .. } => proposals,
            _ => &[],
        }
    }

    /// What to tell the person when nothing was found; the full list stays beside it.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            Self::Empty => Some(
                "どんな事業をしているか、短い言葉で入力してください（例：ラーメン屋、美容室、システム開発）。一覧から選ぶこともできます。",
            ),
            Self::NotJapanese => Some(
                "日本語で入力してください（例：ラーメン屋、美容室、システム開発）。一覧から選ぶこともできます。",
            ),
            Self::NoMatch => Some(
                "当てはまる業種が見つかりませんでした。別の言葉（扱う商品やサービスの名前など）で入力するか、一覧から選んでください。",
            ),
            Self::Found { .. } => None,
        }
    }
}

/// Finds the middles that fit `answer`, best first.
pub fn find_industry(answer: &str) -> IndustryFinding {
    let answer: String = answer.trim().chars().take(MAX_ANSWER_CHARS).collect();
    if answer.is_empty() {
        return IndustryFinding::Empty;
    }
    let query = Key::of(&answer);
    let index = index();
    let mut best: HashMap<u8, (f32, usize)> = HashMap::new();
    for entry_id in index.candidates(&query) {
        let entry = &index.entries[entry_id];
        let Some(score) = entry.key.fit(&query) else {
            continue;
        };
        let score = score * entry.origin.weight();
        if score < MIN_SCORE {
            continue;
        }
        let slot = best.entry(entry.middle).or_insert((0.0, entry_id));
        if score > slot.0 {
            *slot = (score, entry_id);
        }
    }
    let mut ranked: Vec<(u8, f32, usize)> = best.into_iter().map(|(m, (s, e))| (m, s, e)).collect();
    ranked.sort_by(|a, b| {
        b.1.total_cmp(&a.1)
            .then(
                index.entries[a.2]
                    .origin
                    .rank()
                    .cmp(&index.entries[b.2].origin.rank()),
            )
            .then(a.0.cmp(&b.0))
    });
    let Some(&(_, _, top)) = ranked.first() else {
        let japanese = answer.chars().any(is_cjk);
        return if japanese {
            IndustryFinding::NoMatch
        } else {
            IndustryFinding::NotJapanese
        };
    };
    let follow_up = match index.entries[top].origin {
        Origin::Split(i) => {
            let split = &vocabulary().splits[i];
            vocabulary().question(split.topic).map(|question| FollowUp {
                matched: split.word,
                question,
            })
        }
        _ => None,
    };
    let mut proposals: Vec<IndustryProposal> = Vec::new();
    if let Some(follow_up) = &follow_up {
        for option in &follow_up.question.options {
            if proposals.iter().any(|p| p.middle.code == option.middle) {
                continue;
            }
            proposals.extend(proposal(
                option.middle,
                follow_up.matched,
                option.reason.to_owned(),
            ));
        }
    }
    for (code, _, entry) in ranked {
        if proposals.len() >= MAX_PROPOSALS {
            break;
        }
        if proposals.iter().any(|p| p.middle.code == code) {
            continue;
        }
        let (matched, reason) = index.entries[entry].origin.explain(code);
        proposals.extend(proposal(code, matched, reason));
    }
    proposals.truncate(MAX_PROPOSALS);
    IndustryFinding::Found {
        follow_up,
        proposals,
    }
}

fn proposal(code: u8, matched: &'static str, reason: String) -> Option<IndustryProposal> {
    let middle = middle(code)?;
    Some(IndustryProposal {
        middle,
        major: major(middle.major)?,
        matched,
        reason,
    })
}

/// Where an entry of the index came from.
#[derive(Debug, Clone, Copy)]
enum Origin {
    /// `vocabulary().words[i]`.
    Word(usize),
    /// `vocabulary().splits[i]`.
    Split(usize),
    /// A middle's own name.
    Middle,
    /// `details()[i]`'s name.
    Class(usize),
    /// `details()[i].examples[j]`.
    Example(usize, usize),
}

impl Origin {
    /// Everyday words are what owners type; the classification's wording is for statisticians,
    /// and its examples are long compounds that share a run with many answers by chance.
    fn weight(self) -> f32 {
        match self {
            Self::Word(_) | Self::Split(_) => 1.0,
            Self::Middle | Self::Class(_) => 0.8,
            Self::Example(..) => 0.7,
        }
    }

    /// Order among equal scores.
    fn rank(self) -> u8 {
        match self {
            Self::Split(_) => 0,
            Self::Word(_) => 1,
            Self::Middle => 2,
            Self::Class(_) => 3,
            Self::Example(..) => 4,
        }
    }

    /// The matched text and the reason shown for the middle `code`.
    fn explain(self, code: u8) -> (&'static str, String) {
        let class =
            |d: &JsicDetail| format!("日本標準産業分類の「{}」（{}）に当たる事業", d.name, d.code);
        match self {
            Self::Word(i) => {
                let word = &vocabulary().words[i];
                (word.word, word.reason.to_owned())
            }
            Self::Split(i) => (vocabulary().splits[i].word, String::new()),
            Self::Middle => {
                let name = middle(code).map_or("", |m| m.name);
                (name, format!("日本標準産業分類の中分類「{name}」"))
            }
            Self::Class(i) => (details()[i].name, class(&details()[i])),
            Self::Example(i, j) => {
                let detail = &details()[i];
                (
                    detail.examples[j],
                    format!(
                        "「{}」は{}の例として挙げられています",
                        detail.examples[j],
                        class(detail)
                    ),
                )
            }
        }
    }
}

/// Folded text, each character marked when it was typed as hiragana: a run of hiragana alone
/// is mostly grammar (「している」), so it counts only when long or when it is a whole word.
#[derive(Debug, Clone)]
struct Key {
    chars: Vec<char>,
    plain: Vec<bool>,
}

impl Key {
    fn of(text: &str) -> Self {
        let folded = fold(text);
        let plain = folded
            .iter()
            .map(|f| {
                text[f.from..f.to]
                    .chars()
                    .all(|c| matches!(c, '\u{3041}'..='\u{309F}' | 'ー'))
            })
            .collect();
        Self {
            chars: folded.iter().map(|f| f.c).collect(),
            plain,
        }
    }

    /// How well `query` fits this entry: the runs they share (the longest, and the longest
    /// after it, so 「家具の製造」 fits 「家具製造」 whole), each squared, over the entry's length
    /// — a whole entry found in the answer scores its length, half an entry a quarter of that.
    /// `None` when no run counts.
    fn fit(&self, query: &Key) -> Option<f32> {
        let mut a = query.chars.clone();
        let mut b = self.chars.clone();
        let mut total = 0;
        for round in 0..2 {
            let run = longest_common_run(&a, &b);
            let whole = round == 0 && run.len == b.len();
            let all_plain = query.plain[run.end_a - run.len..run.end_a]
                .iter()
                .all(|p| *p);
            let counts = run.len > 0 && (whole || (run.len >= 2 && !all_plain) || run.len >= 3);
            if !counts {
                break;
            }
            total += run.len * run.len;
            // Mark the run used with characters no text holds, different on each side.
            a[run.end_a - run.len..run.end_a].fill('\u{0}');
            b[run.end_b - run.len..run.end_b].fill('\u{1}');
        }
        (total > 0).then(|| total as f32 / self.chars.len() as f32)
    }
}

/// A run two texts share: its length and where it ends in each.
struct Run {
    len: usize,
    end_a: usize,
    end_b: usize,
}

/// The longest run `a` and `b` share.
fn longest_common_run(a: &[char], b: &[char]) -> Run {
    let mut previous = vec![0usize; b.len() + 1];
    let mut current = vec![0usize; b.len() + 1];
    let mut best = Run {
        len: 0,
        end_a: 0,
        end_b: 0,
    };
    for (i, ca) in a.iter().enumerate() {
        for (j, cb) in b.iter().enumerate() {
            current[j + 1] = if ca == cb { previous[j] + 1 } else { 0 };
            if current[j + 1] > best.len {
                best = Run {
                    len: current[j + 1],
                    end_a: i + 1,
                    end_b: j + 1,
                };
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    best
}

struct Entry {
    key: Key,
    middle: u8,
    origin: Origin,
    /// The key is the reading of the origin's text, not its spelling.
    by_reading: bool,
}

/// A reading shorter than this is not indexed: readings are found by runs of three (`Index`),
/// and two kana (しか for 歯科, かし for 菓子) are inside too many answers by chance
/// (「〜しかない」).
const MIN_READING_CHARS: usize = 3;

/// Adds `text` under `middle`, and its reading (`readings`) as a second key of the same entry,
/// so that 「びよういん」 finds 美容院 and is explained as 美容院.
fn add(entries: &mut Vec<Entry>, text: &str, middle: u8, origin: Origin) {
    let reading = match origin {
        // The ministry's examples have no readings: 6,500 long compounds read aloud would
        // mostly add runs of hiragana that an answer's grammar shares by chance.
        Origin::Example(..) => None,
        _ => reading(text),
    };
    let spelling = (Key::of(text), false);
    let reading = reading
        .map(Key::of)
        .filter(|k| k.chars.len() >= MIN_READING_CHARS)
        .map(|k| (k, true));
    for (key, by_reading) in std::iter::once(spelling).chain(reading) {
        if !key.chars.is_empty() {
            entries.push(Entry {
                key,
                middle,
                origin,
                by_reading,
            });
        }
    }
}

/// Every entry, and which entries hold each pair of adjacent characters (and each character,
/// for one-character entries such as 「塾」), so an answer is compared only with entries it
/// shares something with. Readings are found by runs of three instead: they are all kana, and
/// the grammar of every answer (「して」「ます」) shares a pair with hundreds of them.
struct Index {
    entries: Vec<Entry>,
    by_pair: HashMap<(char, char), Vec<usize>>,
    by_char: HashMap<char, Vec<usize>>,
    by_triple: HashMap<(char, char, char), Vec<usize>>,
}

impl Index {
    fn candidates(&self, query: &Key) -> Vec<usize> {
        let chars = &query.chars;
        let mut ids: Vec<usize> = chars
            .windows(2)
            .filter_map(|w| self.by_pair.get(&(w[0], w[1])))
            .chain(chars.iter().filter_map(|c| self.by_char.get(c)))
            .chain(
                chars
                    .windows(3)
                    .filter_map(|w| self.by_triple.get(&(w[0], w[1], w[2]))),
            )
            .flatten()
            .copied()
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut entries = Vec::new();
        for (i, word) in vocabulary().words.iter().enumerate() {
            add(&mut entries, word.word, word.middle, Origin::Word(i));
        }
        for (i, split) in vocabulary().splits.iter().enumerate() {
            let first = vocabulary()
                .question(split.topic)
                .and_then(|q| q.options.first());
            if let Some(option) = first {
                add(&mut entries, split.word, option.middle, Origin::Split(i));
            }
        }
        for m in middles() {
            add(&mut entries, m.name, m.code, Origin::Middle);
        }
        for (i, detail) in details().iter().enumerate() {
            if detail.is_ancillary() {
                continue;
            }
            add(&mut entries, detail.name, detail.middle(), Origin::Class(i));
            for (j, example) in detail.examples.iter().enumerate() {
                add(
                    &mut entries,
                    example,
                    detail.middle(),
                    Origin::Example(i, j),
                );
            }
        }
        let mut by_pair: HashMap<(char, char), Vec<usize>> = HashMap::new();
        let mut by_char: HashMap<char, Vec<usize>> = HashMap::new();
        let mut by_triple: HashMap<(char, char, char), Vec<usize>> = HashMap::new();
        for (id, entry) in entries.iter().enumerate() {
            let chars = &entry.key.chars;
            if entry.by_reading {
                for w in chars.windows(3) {
                    by_triple.entry((w[0], w[1], w[2])).or_default().push(id);
                }
                continue;
            }
            if chars.len() == 1 {
                by_char.entry(chars[0]).or_default().push(id);
            }
            for w in chars.windows(2) {
                by_pair.entry((w[0], w[1])).or_default().push(id);
            }
        }
        Index {
            entries,
            by_pair,
            by_char,
            by_triple,
        }
    })
}

#[cfg(test)]
mod tests;
