//! 全国地方公共団体コード: the 6-digit code of a prefecture or municipality.
//!
//! Five digits (two for the prefecture, three for the municipality) and a check digit
//! computed with weights 6,5,4,3,2 modulo 11, as the Ministry of Internal Affairs defines it.
//! A code that exists as a value has a correct check digit.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ModelError;

/// A valid 6-digit local government code (e.g. `313297`, 鳥取県八頭町).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LocalGovCode(u32);

impl LocalGovCode {
    /// The check digit for the first five digits.
    pub fn check_digit(first_five: u32) -> u32 {
        let digits = [10_000, 1_000, 100, 10, 1].map(|p| first_five / p % 10);
        let sum: u32 = digits.iter().zip([6, 5, 4, 3, 2]).map(|(d, w)| d * w).sum();
        (11 - sum % 11) % 10
    }

    /// Parses the 6-digit form; a 5-digit JIS X 0402 code gets its check digit added.
    pub fn parse(raw: &str) -> Result<Self, ModelError> {
        let raw = raw.trim();
        let bad = |why| ModelError::InvalidLocalGovCode(raw.to_owned(), why);
        if !raw.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("半角数字6桁で入力してください。"));
        }
        let value: u32 = raw
            .parse()
            .map_err(|_| bad("半角数字6桁で入力してください。"))?;
        let first_five = match raw.len() {
            5 => value,
            6 => {
                if value % 10 != Self::check_digit(value / 10) {
                    return Err(bad(
                        "検査数字（6桁目）が一致しません。コードを確認してください。",
                    ));
                }
                value / 10
            }
            _ => return Err(bad("半角数字6桁で入力してください。")),
        };
        let prefecture = first_five / 1000;
        if !(1..=47).contains(&prefecture) {
            return Err(bad("先頭2桁の都道府県番号は01から47です。"));
        }
        Ok(Self::from_first_five(first_five))
    }

    /// The prefecture number, 1 (北海道) to 47 (沖縄県).
    pub fn prefecture_number(self) -> u8 {
        // Bounded to 1..=47 by construction.
        (self.0 / 10_000) as u8
    }

    /// The code of the prefecture this code belongs to (itself for a prefecture).
    pub fn prefecture(self) -> Self {
        Self::from_first_five(u32::from(self.prefecture_number()) * 1000)
    }

    /// True for a prefecture's own code (`xx000c`).
    pub fn is_prefecture(self) -> bool {
        (self.0 / 10).is_multiple_of(1000)
    }

    /// The code of a prefecture by its number, 1 to 47.
    pub fn of_prefecture(number: u8) -> Option<Self> {
        (1..=47)
            .contains(&number)
            .then(|| Self::from_first_five(u32::from(number) * 1000))
    }

    /// The code whose first five digits are `first_five`, with its check digit appended.
    fn from_first_five(first_five: u32) -> Self {
        Self(first_five * 10 + Self::check_digit(first_five))
    }

    pub fn as_u32(self) -> u32 {
        self.0
    }
}

impl fmt::Display for LocalGovCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:06}", self.0)
    }
}

impl TryFrom<String> for LocalGovCode {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LocalGovCode> for String {
    fn from(code: LocalGovCode) -> Self {
        code.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_codes_carry_their_published_check_digits() {
        for code in ["010006", "011002", "130001", "131016", "314021", "462047"] {
            assert_eq!(LocalGovCode::parse(code).unwrap().to_string(), code);
        }
    }

    #[test]
    fn a_wrong_check_digit_is_refused_with_a_reason() {
        let err = LocalGovCode::parse("314022").unwrap_err().to_string();
        assert!(err.contains("検査数字"), "{err}");
    }

    #[test]
    fn a_five_digit_jis_code_gains_its_check_digit() {
        assert_eq!(LocalGovCode::parse("13101").unwrap().to_string(), "131016");
    }

    #[test]
    fn a_municipality_knows_its_prefecture() {
        let yazu = LocalGovCode::parse("313297").unwrap();
        assert_eq!(yazu.prefecture().to_string(), "310000");
        assert!(!yazu.is_prefecture());
        assert!(yazu.prefecture().is_prefecture());
        assert_eq!(
            LocalGovCode::of_prefecture(13).unwrap().to_string(),
            "130001"
        );
    }

    #[test]
    fn codes_outside_the_47_prefectures_are_refused() {
        assert!(LocalGovCode::parse("480005").is_err());
        assert!(LocalGovCode::parse("12345a").is_err());
        assert!(LocalGovCode::parse("1234567").is_err());
    }
}
