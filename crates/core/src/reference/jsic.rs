//! 日本標準産業分類 (JSIC) 第14回改定: 20 major and 99 middle categories.
//!
//! Programs and businesses state industries as JSIC majors (A–T) or middles (01–99). The
//! names are the official ones of the 14th revision (令和5年7月告示, in force from 2024-04-01),
//! which writes 「、」 between items (「農業、林業」) where the 13th wrote 「，」; look-ups by name
//! accept either. The table is bundled from `data/reference/jsic.tsv`.

pub mod details;
pub mod finder;
mod jgrants;
pub mod readings;
mod table;
pub mod words;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::text::fold;
use table::table;

pub use finder::{IndustryFinding, IndustryProposal, find_industry};
pub use jgrants::majors_from_jgrants_labels;

/// A major category (大分類), A to T.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsicMajor {
    pub letter: char,
    pub name: &'static str,
}

/// A middle category (中分類), 01 to 99, within a major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JsicMiddle {
    pub code: u8,
    pub major: char,
    pub name: &'static str,
}

/// An industry as a program targets it or a business states it: a major or a middle category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum JsicCode {
    Major(char),
    Middle(u8),
}

impl JsicCode {
    /// 「E」 or 「09」 (also 「9」).
    pub fn parse(raw: &str) -> Result<Self, ModelError> {
        let raw = raw.trim();
        let unknown = || ModelError::UnknownValue {
            what: "日本標準産業分類のコード",
            value: raw.to_owned(),
            hint: "大分類はAからTの英字1文字、中分類は01から99の数字2桁で指定してください。",
        };
        let mut chars = raw.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if c.is_ascii_uppercase() && major(c).is_some() => Ok(Self::Major(c)),
            _ => {
                let n: u8 = raw.parse().map_err(|_| unknown())?;
                middle(n).map(|_| Self::Middle(n)).ok_or_else(unknown)
            }
        }
    }

    /// The major category letter this code belongs to.
    pub fn major_letter(self) -> char {
        match self {
            Self::Major(c) => c,
            Self::Middle(n) => middle(n).map(|m| m.major).unwrap_or('T'),
        }
    }

    /// The Japanese name of the category.
    pub fn name(self) -> &'static str {
        match self {
            Self::Major(c) => major(c).map(|m| m.name).unwrap_or(""),
            Self::Middle(n) => middle(n).map(|m| m.name).unwrap_or(""),
        }
    }
}

impl fmt::Display for JsicCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Major(c) => write!(f, "{c}"),
            Self::Middle(n) => write!(f, "{n:02}"),
        }
    }
}

impl TryFrom<String> for JsicCode {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<JsicCode> for String {
    fn from(code: JsicCode) -> Self {
        code.to_string()
    }
}

/// All 20 majors in order.
pub fn majors() -> &'static [JsicMajor] {
    &table().majors
}

/// All 99 middles in order.
pub fn middles() -> &'static [JsicMiddle] {
    &table().middles
}

/// The major with this letter, A to T.
pub fn major(letter: char) -> Option<&'static JsicMajor> {
    majors().iter().find(|m| m.letter == letter)
}

/// The middle with this number, 1 to 99.
pub fn middle(code: u8) -> Option<&'static JsicMiddle> {
    let by_position = middles().get(usize::from(code).checked_sub(1)?);
    by_position
        .filter(|m| m.code == code)
        .or_else(|| middles().iter().find(|m| m.code == code))
}

/// The middles of one major in order (「E」 gives 09 to 32).
pub fn middles_of(letter: char) -> impl Iterator<Item = &'static JsicMiddle> {
    middles().iter().filter(move |m| m.major == letter)
}

/// A major category by its Japanese name: 「農業、林業」, 「農業，林業」 and 「農業,林業」 all match,
/// as do full-width and half-width forms of the same text.
pub fn major_by_name(name: &str) -> Option<&'static JsicMajor> {
    let name = name_key(name);
    majors().iter().find(|m| name_key(m.name) == name)
}

/// The comparison key of a category name: folded, with every list comma written 「、」.
fn name_key(name: &str) -> String {
    fold::name_key(name).replace(',', "、")
}

#[cfg(test)]
mod tests;
