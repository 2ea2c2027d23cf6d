//! The stable identifier and the title of a program: the two values every record must have.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ModelError;

/// A program's stable identifier, kept across versions and imports
/// (`jgrants-a0WJ200000CDNujMAH`, `jnet21-c087d694bf08c293`, `demo-monozukuri`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProgramId(Box<str>);

impl ProgramId {
    pub const MAX_LEN: usize = 100;

    pub fn parse(raw: &str) -> Result<Self, ModelError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ModelError::EmptyId);
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
        if raw.len() > Self::MAX_LEN || !raw.chars().all(allowed) {
            return Err(ModelError::InvalidId(raw.to_owned()));
        }
        Ok(Self(raw.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ProgramId {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<ProgramId> for String {
    fn from(id: ProgramId) -> Self {
        id.0.into()
    }
}

impl fmt::Display for ProgramId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A program's name as the issuer publishes it, trimmed and never empty.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Title(Box<str>);

impl Title {
    pub const MAX_CHARS: usize = 300;

    pub fn parse(raw: &str) -> Result<Self, ModelError> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ModelError::EmptyTitle);
        }
        let chars = trimmed.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(ModelError::TitleTooLong(chars));
        }
        Ok(Self(trimmed.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Title {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Title> for String {
    fn from(title: Title) -> Self {
        title.0.into()
    }
}

impl fmt::Display for Title {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_with_spaces_or_japanese_is_refused_with_a_hint() {
        let err = ProgramId::parse("ものづくり 補助金").unwrap_err();
        assert!(err.to_string().contains("半角英数字"));
        assert_eq!(ProgramId::parse("  ").unwrap_err(), ModelError::EmptyId);
    }

    #[test]
    fn a_jgrants_id_is_accepted_as_is() {
        let id = ProgramId::parse("jgrants-a0WJ200000CDNujMAH").unwrap();
        assert_eq!(id.as_str(), "jgrants-a0WJ200000CDNujMAH");
    }

    #[test]
    fn a_title_is_trimmed_and_must_not_be_empty() {
        assert_eq!(
            Title::parse("  持続化補助金 ").unwrap().as_str(),
            "持続化補助金"
        );
        assert_eq!(Title::parse("\n").unwrap_err(), ModelError::EmptyTitle);
    }
}
