//! Amounts of money as people in Japan write them: 「3億円」, 「5,000万円」, 「１，２００万円」.
//!
//! Profiles, forms, CSV files and rules all receive amounts typed by people, who write them with
//! 兆・億・万, full-width digits, commas, decimals before a unit (「1.5億円」) and sometimes kanji
//! numerals (「三千万円」). One parser reads them all into `Yen`, and one formatter writes amounts
//! back the same way, so what a person reads is what they would have typed.

use thiserror::Error;

use crate::program::Yen;

/// Why a text could not be read as an amount of yen.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum JapaneseAmountError {
    #[error(
        "「{0}」を金額として読み取れません。「3億円」「5,000万円」「1200万」「300000」のように、数字と単位（億・万・円）で入力してください。"
    )]
    NotAnAmount(String),
    #[error("金額に負の値（{0}）は指定できません。0円以上の金額を入力してください。")]
    Negative(String),
    #[error("「{0}」は1円未満の端数を含みます。円単位の金額を入力してください。")]
    Fraction(String),
    #[error("「{0}」は大きすぎます。金額を確認してください。")]
    TooLarge(String),
}

/// Reads an amount the way a person in Japan types it.
///
/// Accepts ASCII, full-width and kanji digits, thousands separators (「,」「，」), a trailing
/// 「円」 or leading 「¥」, the units 兆・億・万 with 千・百・十 inside each group, and a decimal
/// before a unit (「1.5億円」). Refuses negative amounts and anything that is not an amount
/// (「たくさん」) with a message saying how to write it.
pub fn parse_japanese_yen(raw: &str) -> Result<Yen, JapaneseAmountError> {
    let shown = raw.trim().to_owned();
    let not_an_amount = || JapaneseAmountError::NotAnAmount(shown.clone());
    let tokens = tokenize(&shown)?;
    if !tokens.iter().any(|t| matches!(t, Token::Number(_))) {
        return Err(not_an_amount());
    }
    let total = evaluate(&tokens).ok_or_else(not_an_amount)?;
    if total.scale > 0 {
        return Err(JapaneseAmountError::Fraction(shown));
    }
    u64::try_from(total.mantissa)
        .map(Yen::from_u64)
        .map_err(|_| JapaneseAmountError::TooLarge(shown))
}

/// Writes an amount with 兆・億・万 and thousands separators: 「3億5,000万円」, 「1,100円」.
pub fn format_japanese_yen(yen: Yen) -> String {
    let mut rest = yen.get();
    if rest == 0 {
        return "0円".to_owned();
    }
    let mut out = String::new();
    for (unit, size) in BIG_UNITS {
        let group = rest / size;
        rest %= size;
        if group > 0 {
            out.push_str(&with_separators(group));
            out.push(unit);
        }
    }
    if rest > 0 {
        out.push_str(&with_separators(rest));
    }
    out.push('円');
    out
}

/// The large units, largest first; each group below one of them is written 0 to 9,999.
const BIG_UNITS: [(char, u64); 3] = [
    ('兆', 1_000_000_000_000),
    ('億', 100_000_000),
    ('万', 10_000),
];

/// `1234567` as `1,234,567`.
pub(crate) fn with_separators(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A non-negative decimal number: `mantissa / 10^scale`.
#[derive(Debug, Clone, Copy)]
struct Decimal {
    mantissa: u128,
    scale: u32,
}

impl Decimal {
    fn times(self, factor: u128) -> Option<Self> {
        let mut d = Self {
            mantissa: self.mantissa.checked_mul(factor)?,
            scale: self.scale,
        };
        // Drop trailing zeros so that 1.5 × 10^8 becomes an exact integer.
        while d.scale > 0 && d.mantissa.is_multiple_of(10) {
            d.mantissa /= 10;
            d.scale -= 1;
        }
        Some(d)
    }

    fn plus(self, other: Self) -> Option<Self> {
        let scale = self.scale.max(other.scale);
        let lift = |d: Self| {
            10u128
                .checked_pow(scale - d.scale)
                .and_then(|p| d.mantissa.checked_mul(p))
        };
        Some(Self {
            mantissa: lift(self)?.checked_add(lift(other)?)?,
            scale,
        })
    }

    const ZERO: Self = Self {
        mantissa: 0,
        scale: 0,
    };
}

#[derive(Debug, Clone, Copy)]
enum Token {
    Number(Decimal),
    /// 十・百・千: multiplies the number before it inside one group.
    Small(u128),
    /// 万・億・兆: closes a group.
    Big(u128),
}

fn tokenize(text: &str) -> Result<Vec<Token>, JapaneseAmountError> {
    let not_an_amount = || JapaneseAmountError::NotAnAmount(text.to_owned());
    let body = text
        .trim_start_matches(['¥', '￥'])
        .trim_end_matches('円')
        .trim();
    if body.starts_with(['-', '−', '－', '▲', '△']) {
        return Err(JapaneseAmountError::Negative(text.to_owned()));
    }
    let mut tokens = Vec::new();
    let mut number = String::new();
    let chars: Vec<char> = body.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(d) = digit(c) {
            number.push(d);
            continue;
        }
        let between_digits = |i: usize| {
            i > 0
                && digit(chars[i - 1]).is_some()
                && chars.get(i + 1).and_then(|&n| digit(n)).is_some()
        };
        // A separator must be followed by exactly three digits, as in 「1,200」.
        let thousands = |i: usize| {
            between_digits(i)
                && (1..=3).all(|k| chars.get(i + k).and_then(|&n| digit(n)).is_some())
                && chars.get(i + 4).and_then(|&n| digit(n)).is_none()
        };
        match c {
            ',' | '，' if thousands(i) => continue,
            '.' | '．' if between_digits(i) => {
                number.push('.');
                continue;
            }
            ' ' | '\u{3000}' => continue,
            _ => {}
        }
        if !number.is_empty() {
            tokens.push(Token::Number(decimal(&number).ok_or_else(not_an_amount)?));
            number.clear();
        }
        tokens.push(match c {
            '十' => Token::Small(10),
            '百' => Token::Small(100),
            '千' => Token::Small(1_000),
            '万' => Token::Big(10_000),
            '億' => Token::Big(100_000_000),
            '兆' => Token::Big(1_000_000_000_000),
            _ => return Err(not_an_amount()),
        });
    }
    if !number.is_empty() {
        tokens.push(Token::Number(decimal(&number).ok_or_else(not_an_amount)?));
    }
    Ok(tokens)
}

/// ASCII, full-width and kanji digits as ASCII.
fn digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        _ => "〇一二三四五六七八九"
            .chars()
            .position(|k| k == c)
            .or_else(|| (c == '零').then_some(0))
            .and_then(|n| char::from_digit(n as u32, 10)),
    }
}

fn decimal(text: &str) -> Option<Decimal> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || fraction.contains('.') {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    Some(Decimal {
        mantissa: digits.parse().ok()?,
        scale: u32::try_from(fraction.len()).ok()?,
    })
}

/// Sums groups such as 「3億」「5千」「万」 in descending order of units.
fn evaluate(tokens: &[Token]) -> Option<Decimal> {
    let mut total = Decimal::ZERO;
    let mut group = Decimal::ZERO;
    let mut pending: Option<Decimal> = None;
    let mut last_big = u128::MAX;
    let mut last_small = u128::MAX;
    for token in tokens {
        match *token {
            Token::Number(n) => {
                if pending.replace(n).is_some() {
                    return None;
                }
            }
            Token::Small(unit) => {
                if unit >= last_small {
                    return None;
                }
                last_small = unit;
                let n = pending.take().unwrap_or(Decimal {
                    mantissa: 1,
                    scale: 0,
                });
                group = group.plus(n.times(unit)?)?;
            }
            Token::Big(unit) => {
                if unit >= last_big {
                    return None;
                }
                last_big = unit;
                last_small = u128::MAX;
                let n = pending.take();
                if n.is_none() && group.mantissa == 0 {
                    return None;
                }
                group = group.plus(n.unwrap_or(Decimal::ZERO))?;
                total = total.plus(group.times(unit)?)?;
                group = Decimal::ZERO;
            }
        }
    }
    let tail = group.plus(pending.unwrap_or(Decimal::ZERO))?;
    total.plus(tail)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yen(raw: &str) -> u64 {
        parse_japanese_yen(raw)
            .unwrap_or_else(|e| panic!("{raw}: {e}"))
            .get()
    }

    #[test]
    fn amounts_are_read_the_way_people_in_japan_type_them() {
        assert_eq!(yen("3億円"), 300_000_000);
        assert_eq!(yen("5,000万円"), 50_000_000);
        assert_eq!(yen("1200万"), 12_000_000);
        assert_eq!(yen("１，２００万円"), 12_000_000);
        assert_eq!(yen("300000"), 300_000);
        assert_eq!(yen("3億5000万"), 350_000_000);
        assert_eq!(yen("1.5億円"), 150_000_000);
        assert_eq!(yen("5千万円"), 50_000_000);
        assert_eq!(yen("三千万円"), 30_000_000);
        assert_eq!(yen("1億2千万"), 120_000_000);
        assert_eq!(yen("¥1,100"), 1_100);
        assert_eq!(yen(" 0円 "), 0);
        assert_eq!(yen("1兆"), 1_000_000_000_000);
    }

    #[test]
    fn words_that_are_not_amounts_are_refused_with_a_way_to_write_them() {
        let err = parse_japanese_yen("たくさん").unwrap_err().to_string();
        assert!(
            err.contains("「たくさん」を金額として読み取れません"),
            "{err}"
        );
        assert!(err.contains("3億円"), "{err}");
        for bad in ["", "円", "万円", "3万5億", "1,2", "12abc", "1.2.3万", "億3"] {
            assert!(parse_japanese_yen(bad).is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn negative_and_fractional_amounts_are_refused() {
        let err = parse_japanese_yen("-500万円").unwrap_err().to_string();
        assert!(err.contains("負の値"), "{err}");
        let err = parse_japanese_yen("1.5円").unwrap_err().to_string();
        assert!(err.contains("1円未満"), "{err}");
        assert!(parse_japanese_yen("99999999999999999999999").is_err());
    }

    #[test]
    fn amounts_are_written_back_with_oku_and_man() {
        let f = |n| format_japanese_yen(Yen::from_u64(n));
        assert_eq!(f(300_000_000), "3億円");
        assert_eq!(f(350_000_000), "3億5,000万円");
        assert_eq!(f(50_000_000), "5,000万円");
        assert_eq!(f(12_345), "1万2,345円");
        assert_eq!(f(1_100), "1,100円");
        assert_eq!(f(0), "0円");
    }

    #[test]
    fn what_is_written_reads_back_to_the_same_amount() {
        for n in [1, 999, 10_000, 12_345_678, 300_000_000, 1_234_567_890_123] {
            assert_eq!(yen(&format_japanese_yen(Yen::from_u64(n))), n);
        }
    }
}
