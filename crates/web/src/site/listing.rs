//! Which programs a public list shows: a few filters read from the URL.
//!
//! The feeds read these parameters of the search page (`crate::site::search` reads them all), and
//! match words through the same search index, so that a feed shows the programs the page
//! with the same parameters finds.

use axum::extract::{FromRequestParts, Query};
use axum::http::Uri;
use axum::http::request::Parts;
use madoguchi_core::catalog::Catalog;
use madoguchi_core::program::{GovLevel, Program, Purpose};
use madoguchi_search::{SearchIndex, SearchQuery, WindowState};
use serde::Deserialize;
use time::Date;

use crate::AppError;

/// What a visitor narrowed the catalogue to: `?q=…&purpose=…&level=…&window=open`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramFilter {
    /// Words that must all appear in the title, summary or issuer name.
    pub q: Option<String>,
    pub purpose: Option<Purpose>,
    pub level: Option<GovLevel>,
    /// Only programs open for applications on the day asked about.
    pub open_only: bool,
}

/// The parameters as typed, before their codes are checked.
#[derive(Debug, Default, Deserialize)]
struct RawFilter {
    q: Option<String>,
    purpose: Option<String>,
    level: Option<String>,
    window: Option<String>,
}

impl ProgramFilter {
    /// Reads the filter from a request's URL.
    pub fn from_uri(uri: &Uri) -> Result<Self, AppError> {
        let Query(raw) = Query::<RawFilter>::try_from_uri(uri).map_err(|_| unreadable_query())?;
        Self::from_raw(raw)
    }

    fn from_raw(raw: RawFilter) -> Result<Self, AppError> {
        let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
        let bad = |err: madoguchi_core::program::ModelError| AppError::BadRequest(err.to_string());
        let open_only = match given(raw.window).as_deref().map(str::trim) {
            None | Some("all") => false,
            Some("open") => true,
            Some(_) => {
                return Err(AppError::BadRequest(
                    "受付状況（window）は「open」（受付中のみ）か「all」（すべて）を指定してください。"
                        .to_owned(),
                ));
            }
        };
        Ok(Self {
            q: given(raw.q).map(|q| q.trim().to_owned()),
            purpose: given(raw.purpose)
                .map(|p| Purpose::parse(&p))
                .transpose()
                .map_err(bad)?,
            level: given(raw.level)
                .map(|l| GovLevel::parse(&l))
                .transpose()
                .map_err(bad)?,
            open_only,
        })
    }

    /// The programs of `catalog` that pass, found by the search index exactly as the search
    /// page finds them (readings, synonyms, folding): best match first, or in catalogue order
    /// without words.
    pub fn select<'a>(
        &self,
        catalog: &'a Catalog,
        index: &SearchIndex,
        as_of: Date,
    ) -> Result<Vec<&'a Program>, AppError> {
        let query = SearchQuery {
            text: self.q.clone().unwrap_or_default(),
            purpose: self.purpose,
            level: self.level,
            status: self.open_only.then_some(WindowState::Open),
            ..SearchQuery::default()
        };
        Ok(index
            .matching_ids(&query, as_of)?
            .iter()
            .filter_map(|id| catalog.get(id))
            .collect())
    }

    /// The filter in words, for feed and calendar titles: 「“IT” を含む・受付中」.
    pub fn describe(&self) -> String {
        let parts: Vec<String> = [
            self.q.as_ref().map(|q| format!("“{q}” を含む")),
            self.purpose.map(|p| p.label().to_owned()),
            self.level.map(|l| format!("{}の制度", l.label())),
            self.open_only.then(|| "受付中".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            "すべての制度".to_owned()
        } else {
            parts.join("・")
        }
    }

    /// The filter as URL parameters in a fixed order (empty when nothing is filtered), so
    /// that the same filter always has the same URL, e.g. for a feed's id.
    pub fn to_query(&self) -> String {
        let pairs: Vec<String> = [
            self.q
                .as_deref()
                .map(|q| format!("q={}", percent_encode(q))),
            self.purpose.map(|p| format!("purpose={}", p.code())),
            self.level.map(|l| format!("level={}", l.code())),
            self.open_only.then(|| "window=open".to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        pairs.join("&")
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ProgramFilter {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Self::from_uri(&parts.uri)
    }
}

fn unreadable_query() -> AppError {
    AppError::BadRequest(
        "検索条件を読み取れません。キーワード（q）・利用目的（purpose）・発行元の区分（level）はそれぞれ1つずつ指定してください。"
            .to_owned(),
    )
}

/// Percent-encodes only what may not stand in a URL as written (spaces, controls, non-ASCII
/// bytes), keeping its structure (`?`, `&`, `=`, `%`) as it is.
pub(crate) fn percent_encode_unsafe(url: &str) -> String {
    let mut encoded = String::with_capacity(url.len());
    for byte in url.bytes() {
        if byte.is_ascii_graphic() {
            encoded.push(char::from(byte));
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

/// Percent-encodes everything but the unreserved characters of RFC 3986.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_query(query: &str) -> Result<ProgramFilter, AppError> {
        ProgramFilter::from_uri(&format!("/feeds?{query}").parse().unwrap())
    }

    #[test]
    fn codes_and_labels_are_read_and_unknown_codes_are_refused_in_japanese() {
        let f = from_query("q=%EF%BC%A9%EF%BC%B4&purpose=equipment_it&level=national&window=open")
            .unwrap();
        assert_eq!(f.q.as_deref(), Some("ＩＴ"));
        assert_eq!(f.purpose, Some(Purpose::EquipmentIt));
        assert_eq!(f.level, Some(GovLevel::National));
        assert!(f.open_only);
        let AppError::BadRequest(message) = from_query("purpose=shopping").unwrap_err() else {
            panic!("not a bad request");
        };
        assert!(
            message.contains("「shopping」は利用目的として使えません"),
            "{message}"
        );
        assert!(from_query("window=later").is_err());
        assert_eq!(from_query("q=&purpose=").unwrap(), ProgramFilter::default());
    }

    #[test]
    fn the_description_and_the_query_follow_the_filter() {
        let f = ProgramFilter {
            q: Some("IT".to_owned()),
            open_only: true,
            ..ProgramFilter::default()
        };
        assert_eq!(f.describe(), "“IT” を含む・受付中");
        assert_eq!(ProgramFilter::default().describe(), "すべての制度");
        let f = ProgramFilter {
            q: Some("IT 導入".to_owned()),
            level: Some(GovLevel::Municipal),
            ..ProgramFilter::default()
        };
        assert_eq!(from_query(&f.to_query()).unwrap(), f);
    }
}
