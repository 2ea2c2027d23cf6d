//! What a program's facts were checked against: the public documents (公募要領, the agency's
//! own page) staff read, so that a business and the next staff member can check them again.

use serde::{Deserialize, Serialize};

use super::ModelError;
use super::link::OfficialUrl;

/// One public document a program's record was checked against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerifiedSource {
    /// The document as its issuer titles it (「小規模事業者持続化補助金 第18回公募 公募要領」).
    pub title: String,
    /// Where it is published, when it has a stable address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<OfficialUrl>,
}

impl VerifiedSource {
    /// Reads 「公募要領（第18回） https://…」: a title, then optionally its address after the
    /// last blank, as staff write one document per line.
    pub fn parse_line(line: &str) -> Result<Self, ModelError> {
        let line = line.trim();
        let (title, url) = match line.rsplit_once(char::is_whitespace) {
            Some((title, last)) if last.starts_with("http://") || last.starts_with("https://") => {
                (title.trim(), Some(OfficialUrl::parse(last)?))
            }
            _ if line.starts_with("http://") || line.starts_with("https://") => {
                return Err(ModelError::UntitledSource(line.to_owned()));
            }
            _ => (line, None),
        };
        Ok(Self {
            title: title.to_owned(),
            url,
        })
    }

    /// The line `parse_line` reads back.
    pub fn to_line(&self) -> String {
        match &self.url {
            Some(url) => format!("{} {url}", self.title),
            None => self.title.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_is_a_title_and_an_optional_address() {
        let s =
            VerifiedSource::parse_line(" 公募要領（第18回） https://example.go.jp/a.pdf ").unwrap();
        assert_eq!(s.title, "公募要領（第18回）");
        assert_eq!(
            s.url.as_ref().map(OfficialUrl::as_str),
            Some("https://example.go.jp/a.pdf")
        );
        assert_eq!(VerifiedSource::parse_line(&s.to_line()).unwrap(), s);
        let plain = VerifiedSource::parse_line("市の交付要綱").unwrap();
        assert_eq!((plain.title.as_str(), plain.url), ("市の交付要綱", None));
        let err = VerifiedSource::parse_line("https://example.go.jp/").unwrap_err();
        assert!(err.to_string().contains("資料の名前"), "{err}");
        assert!(VerifiedSource::parse_line("要領 https://<x>").is_err());
    }
}
