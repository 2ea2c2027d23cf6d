//! Which script a character belongs to, where Japanese text needs to know where words end:
//! kana and kanji are written without spaces between words, alphabetic scripts with them.

/// Hiragana or katakana (after folding, katakana is rare: ヷ..ヺ); not the middle dot 「・」
/// nor the standalone voicing marks, which separate words.
pub fn is_kana(c: char) -> bool {
    matches!(c, '\u{3041}'..='\u{3096}' | '\u{309D}'..='\u{309F}' | '\u{30A1}'..='\u{30FA}' | '\u{30FC}'..='\u{30FF}')
}

/// Characters written without spaces between words: kana, kanji and the iteration marks.
pub fn is_cjk(c: char) -> bool {
    is_kana(c)
        || matches!(c,
            '\u{3005}'..='\u{3007}'   // 々 〆 〇
            | '\u{3400}'..='\u{4DBF}' // CJK extension A
            | '\u{4E00}'..='\u{9FFF}' // CJK unified ideographs
            | '\u{F900}'..='\u{FAFF}' // CJK compatibility ideographs
            | '\u{20000}'..='\u{3FFFF}')
}

/// Letters and digits of alphabetic scripts, written with spaces between words.
pub fn is_word_char(c: char) -> bool {
    !is_cjk(c) && c.is_alphanumeric()
}
