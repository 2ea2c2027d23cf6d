//! The search fold: text folded before it is cut into terms, so that the way a word was typed
//! does not decide whether it is found: 「ＩＴ」 and 「IT」, 「ﾓﾉﾂﾞｸﾘ」 and 「ものづくり」,
//! 「コンピューター」 and 「コンピュータ」, 「髙橋」 and 「高橋」 all fold to the same text.
//!
//! The index and the query go through the same fold. Each folded character remembers where it
//! came from in the original text, so that matches can be highlighted in what was published.

use unicode_normalization::UnicodeNormalization;

use crate::text::script::{is_cjk, is_kana};

/// One character of folded text and the byte range of the original text it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    pub c: char,
    pub from: usize,
    pub to: usize,
}

/// Variant and old forms of kanji that people and publishers use interchangeably, mostly in
/// names (髙/高, 﨑/崎). Deliberately small: only forms seen in names of places, issuers and
/// people; NFKC already folds the compatibility ideographs and Kangxi radicals.
const VARIANT_KANJI: &[(char, char)] = &[
    ('髙', '高'),
    ('﨑', '崎'),
    ('嵜', '崎'),
    ('𠮷', '吉'),
    ('德', '徳'),
    ('濵', '浜'),
    ('濱', '浜'),
    ('邊', '辺'),
    ('邉', '辺'),
    ('澤', '沢'),
    ('齋', '斉'),
    ('齊', '斉'),
    ('斎', '斉'),
    ('廣', '広'),
    ('國', '国'),
    ('縣', '県'),
    ('櫻', '桜'),
    ('眞', '真'),
    ('冨', '富'),
    ('槗', '橋'),
    ('曾', '曽'),
    ('惠', '恵'),
    ('螢', '蛍'),
    ('龍', '竜'),
];

/// Folds `text`: NFKC (full-width ASCII and half-width katakana to their usual forms), lower
/// case, katakana to hiragana, 「ヶ」 to 「け」, the long-vowel mark after kana dropped,
/// variant kanji to their common form, and okurigana inside compounds dropped.
pub fn fold(text: &str) -> Vec<Folded> {
    let mut out: Vec<Folded> = Vec::with_capacity(text.len() / 2);
    for (from, original) in text.char_indices() {
        let to = from + original.len_utf8();
        if let Some(c) = plain(original) {
            out.push(Folded { c, from, to });
            continue;
        }
        for c in std::iter::once(original).nfkc() {
            match c {
                // Half-width voicing marks become combining marks under NFKC: join them.
                '\u{3099}' | '\u{309A}' => {
                    if let Some(last) = out.last_mut()
                        && let Some(joined) = unicode_normalization::char::compose(last.c, c)
                    {
                        last.c = joined;
                        last.to = to;
                    }
                }
                // The long-vowel mark after kana: 「コンピューター」 = 「コンピュータ」.
                'ー' | '〜' | '～' if out.last().is_some_and(|l| is_kana(l.c)) => {
                    if let Some(last) = out.last_mut() {
                        last.to = to;
                    }
                }
                c => {
                    for c in c.to_lowercase() {
                        out.push(Folded {
                            c: fold_char(c),
                            from,
                            to,
                        });
                    }
                }
            }
        }
    }
    drop_inner_okurigana(&mut out);
    out
}

/// Kana that end a verb stem inside a compound: 「引き上げ」 and 「引上げ」, 「取り組み」 and
/// 「取組み」 are written both ways.
const OKURIGANA: &[char] = &[
    'き', 'し', 'り', 'み', 'え', 'け', 'ち', 'つ', 'せ', 'ひ', 'び', 'わ', 'げ',
];

/// Drops okurigana after a kanji when a kanji or the end of the run follows, so both
/// spellings of a compound fold alike, and a word typed alone (「賃上げ」) folds as it does
/// inside a compound (「賃上げ促進税制」).
fn drop_inner_okurigana(folded: &mut Vec<Folded>) {
    let is_kanji = |c: char| is_cjk(c) && !is_kana(c);
    let mut i = 1;
    while i < folded.len() {
        let next_ends = folded
            .get(i + 1)
            .is_none_or(|n| is_kanji(n.c) || !is_cjk(n.c));
        if OKURIGANA.contains(&folded[i].c) && is_kanji(folded[i - 1].c) && next_ends {
            folded.remove(i);
        } else {
            i += 1;
        }
    }
}

/// The fold of the characters most text is made of (ASCII, hiragana, full-width katakana,
/// the common kanji), which NFKC leaves as they are and which have no case beyond ASCII's:
/// skipping the normalizer for them makes indexing a large catalogue several times cheaper.
/// `None` for every other character, which takes the whole way.
fn plain(c: char) -> Option<char> {
    match c {
        _ if c.is_ascii() => Some(c.to_ascii_lowercase()),
        'ぁ'..='ゖ' | 'ァ'..='ヺ' | '\u{4E00}'..='\u{9FFF}' => Some(fold_char(c)),
        _ => None,
    }
}

/// The folded text alone, for keys and tests.
pub fn fold_str(text: &str) -> String {
    fold(text).into_iter().map(|f| f.c).collect()
}

fn fold_char(c: char) -> char {
    match c {
        'ヶ' | 'ヵ' => match c {
            'ヵ' => 'か',
            _ => 'け',
        },
        // Katakana ァ..ヶ sit 0x60 above their hiragana.
        'ァ'..='ヴ' | 'ヽ' | 'ヾ' => char::from_u32(c as u32 - 0x60).unwrap_or(c),
        c => VARIANT_KANJI
            .iter()
            .find(|(variant, _)| *variant == c)
            .map_or(c, |(_, common)| *common),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_short_way_folds_each_character_as_the_whole_way_does() {
        let ranges = [
            '\0'..='\u{7F}',
            'ぁ'..='ゖ',
            'ァ'..='ヺ',
            '\u{4E00}'..='\u{9FFF}',
        ];
        for c in ranges.into_iter().flatten() {
            let whole: String = std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .map(fold_char)
                .collect();
            assert_eq!(plain(c).map(String::from), Some(whole), "{c:?}");
        }
        assert_eq!(plain('Ａ'), None);
        assert_eq!(plain('ｱ'), None);
    }

    #[test]
    fn width_case_and_script_differences_fold_away() {
        assert_eq!(fold_str("ＩＴ導入"), "it導入");
        assert_eq!(fold_str("ﾓﾉﾂﾞｸﾘ"), fold_str("ものづくり"));
        assert_eq!(fold_str("パソコン"), "ぱそこん");
        assert_eq!(fold_str("ﾊﾟｿｺﾝ"), "ぱそこん");
        assert_eq!(fold_str("コンピューター"), fold_str("コンピュータ"));
        assert_eq!(fold_str("髙橋"), "高橋");
        assert_eq!(fold_str("山﨑"), "山崎");
        assert_eq!(fold_str("霞ヶ関"), fold_str("霞ケ関"));
        assert_eq!(fold_str("補助⾦"), "補助金");
        assert_eq!(fold_str("引き上げ"), fold_str("引上げ"));
        assert_eq!(fold_str("取り組み"), fold_str("取組み"));
        assert_eq!(fold_str("人を雇う"), "人を雇う");
        assert_eq!(fold_str("賃上げ"), "賃上");
        assert_eq!(fold_str("賃上げ促進"), "賃上促進");
        assert_eq!(fold_str("賃上げに"), "賃上げに");
    }

    #[test]
    fn a_long_vowel_mark_outside_kana_is_kept() {
        assert_eq!(fold_str("A-ー"), "a-ー");
    }

    #[test]
    fn every_folded_character_points_into_the_original_text() {
        let text = "ﾓﾉﾂﾞｸﾘ補助金（ＩＴ）";
        for f in fold(text) {
            assert!(text.is_char_boundary(f.from) && text.is_char_boundary(f.to));
            assert!(f.from < f.to);
        }
        let joined = fold("ﾂﾞ");
        assert_eq!(joined.len(), 1);
        assert_eq!((joined[0].c, joined[0].from, joined[0].to), ('づ', 0, 6));
    }
}
