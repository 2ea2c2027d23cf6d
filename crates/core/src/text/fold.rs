//! One fold of Japanese text, in named steps, and the keys built from them.
//!
//! Three callers fold text, for different ends, and each takes only the steps its end needs:
//!
//! - the importers keep published text as published, but read full-width signs and digits as
//!   ASCII (`half_width`) and replace Kangxi radicals by the kanji people search for
//!   (`unify_radicals`);
//! - the reference look-ups compare names of municipalities and industries by `name_key`: no
//!   spaces, ASCII for full-width ASCII, full-width katakana for half-width, 「ケ」 for 「ヶ」;
//!   the key keeps katakana and case, since the bundled names are compared exactly otherwise;
//! - the search index and its queries go through the wider `search` fold (NFKC, lower case,
//!   hiragana for katakana, variant kanji, okurigana), which keeps where each character came
//!   from so matches can be highlighted.
//!
//! The folded text is only ever a key or a term; it is never shown.

pub mod search;

/// Full-width katakana for the half-width forms U+FF61 to U+FF9D, in code point order.
const HALF_WIDTH_KATAKANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

const HALF_WIDTH_VOICED_MARK: char = '\u{FF9E}';
const HALF_WIDTH_SEMI_VOICED_MARK: char = '\u{FF9F}';

/// The comparison key of a name: no white space, ASCII for full-width ASCII, full-width
/// katakana for half-width katakana (voicing marks joined), 「ケ」 for 「ヶ」 and 「ヵ」.
pub fn name_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if c.is_whitespace() => {}
            HALF_WIDTH_VOICED_MARK => push_voiced(&mut out, 1, '゛'),
            HALF_WIDTH_SEMI_VOICED_MARK => push_voiced(&mut out, 2, '゜'),
            '\u{FF61}'..='\u{FF9D}' => {
                let offset = c as usize - 0xFF61;
                out.extend(HALF_WIDTH_KATAKANA.chars().nth(offset));
            }
            '\u{FF01}'..='\u{FF5E}' => out.push(half_width(c)),
            'ヶ' | 'ヵ' => out.push('ケ'),
            c => out.push(c),
        }
    }
    out
}

/// Full-width ASCII (「８」, 「／」, 「％」, 「Ｒ」) as its half-width form; other characters as is.
pub fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        c => c,
    }
}

/// Kangxi and CJK radicals (「⼩規模事業者持続化補助⾦」, as some editors type them) as the
/// ordinary kanji people read and search for; everything else is left as published.
pub fn unify_radicals(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if ('\u{2E80}'..='\u{2FDF}').contains(&c) {
            unicode_normalization::char::decompose_compatible(c, |d| out.push(d));
        } else {
            out.push(c);
        }
    }
    out
}

/// Joins a half-width voicing mark to the katakana before it (カ+ﾞ→ガ, ハ+ﾟ→パ, ウ+ﾞ→ヴ);
/// a mark that cannot be joined stays as a full-width mark.
fn push_voiced(out: &mut String, step: u32, standalone: char) {
    let voiced = out.chars().last().and_then(|base| voiced_form(base, step));
    match voiced {
        Some(joined) => {
            out.pop();
            out.push(joined);
        }
        None => out.push(standalone),
    }
}

fn voiced_form(base: char, step: u32) -> Option<char> {
    // From カ to ト the voiced form follows each base; in ハ行 both forms follow it.
    let is_base = match base {
        'カ'..='チ' => (base as u32 - 'カ' as u32).is_multiple_of(2),
        'ツ' | 'テ' | 'ト' => true,
        'ハ'..='ホ' => (base as u32 - 'ハ' as u32).is_multiple_of(3),
        _ => false,
    };
    match (base, step) {
        ('ウ', 1) => Some('ヴ'),
        (_, 1) if is_base => char::from_u32(base as u32 + 1),
        ('ハ'..='ホ', 2) if is_base => char::from_u32(base as u32 + 2),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_width_katakana_becomes_full_width_with_its_voicing_marks() {
        assert_eq!(name_key("ﾆｾｺ町"), "ニセコ町");
        assert_eq!(name_key("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(name_key("ﾊﾟﾋﾞﾌﾟ"), "パビプ");
        assert_eq!(name_key("ｳﾞ"), "ヴ");
        assert_eq!(name_key("ﾂﾞﾃﾞﾄﾞ"), "ヅデド");
    }

    #[test]
    fn a_voicing_mark_that_cannot_join_stays_visible() {
        assert_eq!(name_key("ｱﾞ"), "ア゛");
        assert_eq!(name_key("ﾞ"), "゛");
        assert_eq!(name_key("ｶﾟ"), "カ゜");
    }

    #[test]
    fn full_width_ascii_and_spaces_are_folded() {
        assert_eq!(name_key("　鳥取県 八頭町　"), "鳥取県八頭町");
        assert_eq!(name_key("ＡＢＣ１２３（）"), "ABC123()");
    }

    #[test]
    fn full_width_digits_and_signs_fold_to_ascii() {
        let folded: String = "令和８年度 ３／４ １００％ Ｒ８"
            .chars()
            .map(half_width)
            .collect();
        assert_eq!(folded, "令和8年度 3/4 100% R8");
    }

    #[test]
    fn radicals_become_the_kanji_people_search_for() {
        assert_eq!(
            unify_radicals("⼩規模事業者持続化補助⾦＜⼀般型 災害⽀援枠＞"),
            "小規模事業者持続化補助金＜一般型 災害支援枠＞"
        );
    }

    #[test]
    fn the_small_ke_is_the_same_as_the_large_one() {
        assert_eq!(name_key("鰺ヶ沢町"), name_key("鰺ケ沢町"));
        assert_eq!(name_key("五ヵ瀬町"), name_key("五ヶ瀬町"));
    }
}
