//! Folding of names before they are compared, so that a look-up does not fail on how a name
//! was typed: full-width letters and digits, half-width katakana, spaces, or 「ヶ」 for 「ケ」.
//!
//! Both the bundled names and the query go through the same fold; the folded text is only a
//! key and is never shown.

/// Full-width katakana for the half-width forms U+FF61 to U+FF9D, in code point order.
const HALF_WIDTH_KATAKANA: &str = "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン";

const HALF_WIDTH_VOICED_MARK: char = '\u{FF9E}';
const HALF_WIDTH_SEMI_VOICED_MARK: char = '\u{FF9F}';

/// The comparison key of a name: no white space, ASCII for full-width ASCII, full-width
/// katakana for half-width katakana (voicing marks joined), 「ケ」 for 「ヶ」 and 「ヵ」.
pub(crate) fn fold(text: &str) -> String {
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
            '\u{FF01}'..='\u{FF5E}' => out.extend(char::from_u32(c as u32 - 0xFEE0)),
            'ヶ' | 'ヵ' => out.push('ケ'),
            c => out.push(c),
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
        assert_eq!(fold("ﾆｾｺ町"), "ニセコ町");
        assert_eq!(fold("ｶﾞｯｺｳ"), "ガッコウ");
        assert_eq!(fold("ﾊﾟﾋﾞﾌﾟ"), "パビプ");
        assert_eq!(fold("ｳﾞ"), "ヴ");
        assert_eq!(fold("ﾂﾞﾃﾞﾄﾞ"), "ヅデド");
    }

    #[test]
    fn a_voicing_mark_that_cannot_join_stays_visible() {
        assert_eq!(fold("ｱﾞ"), "ア゛");
        assert_eq!(fold("ﾞ"), "゛");
        assert_eq!(fold("ｶﾟ"), "カ゜");
    }

    #[test]
    fn full_width_ascii_and_spaces_are_folded() {
        assert_eq!(fold("　鳥取県 八頭町　"), "鳥取県八頭町");
        assert_eq!(fold("ＡＢＣ１２３（）"), "ABC123()");
    }

    #[test]
    fn the_small_ke_is_the_same_as_the_large_one() {
        assert_eq!(fold("鰺ヶ沢町"), fold("鰺ケ沢町"));
        assert_eq!(fold("五ヵ瀬町"), fold("五ヶ瀬町"));
    }
}
