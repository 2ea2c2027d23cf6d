//! Everyday words for businesses — 「ラーメン屋」「美容室」「工務店」 — and the middle each
//! belongs to, with the reason a person would accept; and the words the law's classes split
//! (a パン屋 that bakes for its own counter is a shop, one that bakes for supermarkets is a
//! factory), each with the one question that settles it. Bundled from
//! `data/reference/industry_words.tsv`, curated by hand against the 細分類 and their examples.

use std::sync::OnceLock;

use crate::reference::bundled;

const SOURCE: &str = include_str!("../../../../../data/reference/industry_words.tsv");

/// A word owners use and the middle it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EverydayWord {
    pub word: &'static str,
    pub middle: u8,
    /// What the middle's businesses do, in plain words: 「店内で料理や飲み物を出す事業」.
    pub reason: &'static str,
}

/// A word the classes split, and the topic whose question settles it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitWord {
    pub word: &'static str,
    pub topic: &'static str,
}

/// The question asked when a split word is typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpQuestion {
    pub topic: &'static str,
    pub question: &'static str,
    pub options: Vec<FollowUpOption>,
}

/// One answer to a follow-up question and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpOption {
    pub middle: u8,
    /// The answer as the owner would say it: 「お店で焼いて、そのお店で売っている」.
    pub answer: &'static str,
    pub reason: &'static str,
}

/// The whole curated vocabulary.
#[derive(Debug, Default)]
pub struct Vocabulary {
    pub words: Vec<EverydayWord>,
    pub splits: Vec<SplitWord>,
    pub questions: Vec<FollowUpQuestion>,
}

impl Vocabulary {
    pub fn question(&self, topic: &str) -> Option<&FollowUpQuestion> {
        self.questions.iter().find(|q| q.topic == topic)
    }

    /// Every word as written, the words the classes split included.
    pub fn all_words(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.words
            .iter()
            .map(|w| w.word)
            .chain(self.splits.iter().map(|s| s.word))
    }
}

/// The bundled vocabulary, parsed once. A line of no known shape is skipped here and
/// reported by a test, so a typo in the data never reaches a user as a panic.
pub fn vocabulary() -> &'static Vocabulary {
    static VOCABULARY: OnceLock<Vocabulary> = OnceLock::new();
    VOCABULARY.get_or_init(|| {
        let mut vocabulary = Vocabulary::default();
        for line in bundled::data_lines(SOURCE) {
            parse_line(line, &mut vocabulary);
        }
        vocabulary
    })
}

/// Adds one data line to `vocabulary`; false when the line has no known shape.
fn parse_line(line: &'static str, vocabulary: &mut Vocabulary) -> bool {
    let fields: Vec<&'static str> = line.split('\t').collect();
    let words = |list: &'static str| list.split('、').filter(|w| !w.is_empty());
    match fields.as_slice() {
        [middle, reason, list] if middle.len() == 2 => {
            let Ok(middle) = middle.parse() else {
                return false;
            };
            vocabulary
                .words
                .extend(words(list).map(|word| EverydayWord {
                    word,
                    middle,
                    reason,
                }));
            true
        }
        [topic, list] if topic.starts_with('?') => {
            let topic = &topic[1..];
            vocabulary
                .splits
                .extend(words(list).map(|word| SplitWord { word, topic }));
            true
        }
        [topic, question] if topic.starts_with('@') => {
            vocabulary.questions.push(FollowUpQuestion {
                topic: &topic[1..],
                question,
                options: Vec::new(),
            });
            true
        }
        [topic, middle, answer, reason] if topic.starts_with('@') => {
            let (Ok(middle), Some(question)) = (
                middle.parse(),
                vocabulary
                    .questions
                    .iter_mut()
                    .find(|q| q.topic == &topic[1..]),
            ) else {
                return false;
            };
            question.options.push(FollowUpOption {
                middle,
                answer,
                reason,
            });
            true
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::reference::jsic::middle;
    use crate::text::fold::search::fold_str;

    #[test]
    fn every_line_parses() {
        let mut scratch = Vocabulary::default();
        for line in bundled::data_lines(SOURCE) {
            assert!(parse_line(line, &mut scratch), "unreadable line: {line}");
        }
    }

    #[test]
    fn there_are_at_least_500_words_each_in_a_real_middle_with_a_reason() {
        let v = vocabulary();
        assert!(v.words.len() + v.splits.len() >= 500, "{}", v.words.len());
        for w in &v.words {
            assert!(middle(w.middle).is_some(), "{} → {}", w.word, w.middle);
            assert!(!w.reason.is_empty(), "{}", w.word);
        }
    }

    #[test]
    fn no_word_is_listed_twice_once_folded() {
        let mut seen: HashMap<String, &str> = HashMap::new();
        for word in vocabulary().all_words() {
            if let Some(first) = seen.insert(fold_str(word), word) {
                panic!("「{word}」 folds like 「{first}」");
            }
        }
    }

    #[test]
    fn every_split_topic_has_a_question_with_at_least_two_real_answers() {
        let v = vocabulary();
        for split in &v.splits {
            let question = v.question(split.topic).expect(split.topic);
            assert!(question.options.len() >= 2, "{}", split.topic);
            for option in &question.options {
                assert!(middle(option.middle).is_some(), "{}", option.answer);
            }
        }
    }
}
