//! How much a program gives: amounts in yen and the subsidy rate.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ModelError;

/// A non-negative amount of yen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "u64")]
pub struct Yen(u64);

impl Yen {
    pub fn new(yen: i64) -> Result<Self, ModelError> {
        u64::try_from(yen)
            .map(Self)
            .map_err(|_| ModelError::NegativeAmount(yen))
    }

    pub const fn from_u64(yen: u64) -> Self {
        Self(yen)
    }

    pub fn get(self) -> u64 {
        self.0
    }
}

impl TryFrom<i64> for Yen {
    type Error = ModelError;
    fn try_from(value: i64) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl From<Yen> for u64 {
    fn from(yen: Yen) -> Self {
        yen.0
    }
}

impl fmt::Display for Yen {
    /// 「1,280,000,000円」
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(',');
            }
            out.push(c);
        }
        write!(f, "{out}円")
    }
}

/// A subsidy rate as a fraction of eligible costs (補助率), e.g. 2/3; 定額 has no rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubsidyRate {
    numerator: u32,
    denominator: u32,
}

impl SubsidyRate {
    pub fn new(numerator: u32, denominator: u32) -> Result<Self, ModelError> {
        if denominator == 0 || numerator == 0 || numerator > denominator {
            return Err(ModelError::InvalidRate(format!(
                "{numerator}/{denominator}"
            )));
        }
        Ok(Self {
            numerator,
            denominator,
        })
    }

    /// Parses the canonical 「2/3」 form (half- or full-width).
    pub fn parse(raw: &str) -> Result<Self, ModelError> {
        let folded: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                '／' => '/',
                c => c,
            })
            .collect();
        let invalid = || ModelError::InvalidRate(raw.trim().to_owned());
        let (n, d) = folded.split_once('/').ok_or_else(invalid)?;
        let n = n.trim().parse().map_err(|_| invalid())?;
        let d = d.trim().parse().map_err(|_| invalid())?;
        Self::new(n, d).map_err(|_| invalid())
    }

    pub fn numerator(self) -> u32 {
        self.numerator
    }

    pub fn denominator(self) -> u32 {
        self.denominator
    }

    pub fn as_f64(self) -> f64 {
        f64::from(self.numerator) / f64::from(self.denominator)
    }
}

impl fmt::Display for SubsidyRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.numerator, self.denominator)
    }
}

impl TryFrom<String> for SubsidyRate {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<SubsidyRate> for String {
    fn from(rate: SubsidyRate) -> Self {
        rate.to_string()
    }
}

/// Everything a program says about money.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amount {
    /// 補助上限額.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Yen>,
    /// 補助下限額.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Yen>,
    /// The rate where the text states one plainly; the highest where it states several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate: Option<SubsidyRate>,
    /// The rate exactly as published (「2/3 以内 又は 1/2 以内」, 「定額」).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_text: Option<String>,
    /// The amount exactly as published where it is not a plain number (「不明」).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Amount {
    /// Checks what no single field can: the maximum is not below the minimum.
    pub fn validate(&self) -> Result<(), ModelError> {
        match (self.min, self.max) {
            (Some(min), Some(max)) if max < min => Err(ModelError::AmountMaxBelowMin {
                min: min.get(),
                max: max.get(),
            }),
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_negative_amount_is_refused_in_japanese() {
        let err = Yen::new(-1).unwrap_err().to_string();
        assert!(err.contains("負の値"), "{err}");
        assert!(serde_json::from_str::<Yen>("-5").is_err());
    }

    #[test]
    fn yen_are_shown_with_thousands_separators() {
        assert_eq!(Yen::from_u64(1_280_000_000).to_string(), "1,280,000,000円");
        assert_eq!(Yen::from_u64(500).to_string(), "500円");
        assert_eq!(Yen::from_u64(0).to_string(), "0円");
    }

    #[test]
    fn a_rate_parses_from_half_or_full_width_fractions() {
        assert_eq!(SubsidyRate::parse("２／３").unwrap().to_string(), "2/3");
        assert!(SubsidyRate::parse("3/2").is_err());
        assert!(SubsidyRate::parse("定額").is_err());
    }

    #[test]
    fn a_maximum_below_the_minimum_is_refused() {
        let amount = Amount {
            min: Some(Yen::from_u64(1_000_000)),
            max: Some(Yen::from_u64(500_000)),
            ..Amount::default()
        };
        assert!(amount.validate().unwrap_err().to_string().contains("上限"));
    }
}
