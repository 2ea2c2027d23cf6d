//! The official page of a program: the one link a business must be able to trust.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::ModelError;

/// An absolute `http`/`https` URL with a host and no whitespace.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OfficialUrl(Box<str>);

impl OfficialUrl {
    pub fn parse(raw: &str) -> Result<Self, ModelError> {
        let raw = raw.trim();
        let rest = raw
            .strip_prefix("https://")
            .or_else(|| raw.strip_prefix("http://"))
            .ok_or_else(|| ModelError::InvalidUrl(raw.to_owned()))?;
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_ok = !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        if !host_ok
            || raw
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '"' || c == '<')
        {
            return Err(ModelError::InvalidUrl(raw.to_owned()));
        }
        Ok(Self(raw.into()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for OfficialUrl {
    type Error = ModelError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<OfficialUrl> for String {
    fn from(url: OfficialUrl) -> Self {
        url.0.into()
    }
}

impl fmt::Display for OfficialUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_with_a_host_are_accepted() {
        assert!(OfficialUrl::parse("https://www.jgrants-portal.go.jp/subsidy/a0W").is_ok());
        assert!(OfficialUrl::parse("javascript:alert(1)").is_err());
        assert!(OfficialUrl::parse("https:///nohost").is_err());
        assert!(OfficialUrl::parse("https://example.jp/a b").is_err());
    }
}
