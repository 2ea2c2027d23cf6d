//! How text becomes search terms: folded (see `fold`), then cut into overlapping pairs of
//! characters (bigrams) where Japanese is written without spaces, and into whole words where
//! letters and digits are.
//!
//! Bigrams need no dictionary and never miss a word the dictionary does not know (program
//! names are full of such compounds: 「省力化投資」, 「ジギョケイ」), at the cost of some
//! precision, which ranking makes up for. A run of a single kana or kanji is kept as a unigram.
//! The same analysis serves the index (as a tantivy tokenizer) and the query.

use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

use madoguchi_core::text::fold::search::{Folded, fold};
use madoguchi_core::text::script::{is_cjk, is_word_char};

/// One search term and the byte range of the original text it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub from: usize,
    pub to: usize,
}

/// The terms of `text`, in order.
pub fn pieces(text: &str) -> Vec<Piece> {
    let folded = fold(text);
    let mut out = Vec::new();
    let mut i = 0;
    while i < folded.len() {
        let start = i;
        let c = folded[i].c;
        if is_cjk(c) {
            while i < folded.len() && is_cjk(folded[i].c) {
                i += 1;
            }
            push_bigrams(&folded[start..i], &mut out);
        } else if is_word_char(c) {
            while i < folded.len() && is_word_char(folded[i].c) {
                i += 1;
            }
            let run = &folded[start..i];
            out.push(piece(run));
        } else {
            i += 1;
        }
    }
    out
}

fn push_bigrams(run: &[Folded], out: &mut Vec<Piece>) {
    if run.len() == 1 {
        out.push(piece(run));
    }
    out.extend(run.windows(2).map(piece));
}

fn piece(run: &[Folded]) -> Piece {
    Piece {
        text: run.iter().map(|f| f.c).collect(),
        from: run.first().map_or(0, |f| f.from),
        to: run.last().map_or(0, |f| f.to),
    }
}

/// The analysis as a tantivy tokenizer, registered under [`JapaneseTokenizer::NAME`].
#[derive(Debug, Clone, Default)]
pub struct JapaneseTokenizer;

impl JapaneseTokenizer {
    pub const NAME: &'static str = "ja_bigram";
}

impl Tokenizer for JapaneseTokenizer {
    type TokenStream<'a> = PieceStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PieceStream {
        let tokens = pieces(text)
            .into_iter()
            .enumerate()
            .map(|(position, p)| Token {
                offset_from: p.from,
                offset_to: p.to,
                position,
                text: p.text,
                position_length: 1,
            })
            .collect();
        PieceStream {
            tokens,
            next: 0,
            current: Token::default(),
        }
    }
}

/// The terms of one text, computed at once (program texts are short).
#[derive(Debug)]
pub struct PieceStream {
    tokens: Vec<Token>,
    next: usize,
    current: Token,
}

impl TokenStream for PieceStream {
    fn advance(&mut self) -> bool {
        match self.tokens.get_mut(self.next) {
            Some(token) => {
                self.current = std::mem::take(token);
                self.next += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        pieces(text).into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn japanese_runs_become_bigrams_and_latin_words_stay_whole() {
        assert_eq!(
            texts("ＩＴ導入補助金"),
            ["it", "導入", "入補", "補助", "助金"]
        );
        assert_eq!(texts("100億 宣言"), ["100", "億", "宣言"]);
        assert_eq!(texts("DX・GX"), ["dx", "gx"]);
        assert_eq!(texts("金"), ["金"]);
    }

    #[test]
    fn symbols_and_emoji_make_no_terms() {
        assert!(texts("🙂🙂 ★※ \"*:(").is_empty());
        assert!(texts("").is_empty());
    }

    #[test]
    fn offsets_point_at_the_original_text() {
        let text = "ＩＴ導入";
        let ps = pieces(text);
        assert_eq!(&text[ps[0].from..ps[0].to], "ＩＴ");
        assert_eq!(&text[ps[1].from..ps[1].to], "導入");
    }

    #[test]
    fn the_tokenizer_streams_the_same_terms() {
        let mut tokenizer = JapaneseTokenizer;
        let mut stream = tokenizer.token_stream("持続化補助金");
        let mut seen = Vec::new();
        while stream.advance() {
            seen.push(stream.token().text.clone());
        }
        assert_eq!(seen, texts("持続化補助金"));
    }
}
