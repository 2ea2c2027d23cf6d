//! The search parameters of `/programs` and `GET /api/v1/programs`, read from the URL and
//! written back in one fixed order, so that a search has one shareable URL.
//!
//! The list's first parameters (`q`, `purpose`, `level`, `window`) keep their meaning, so
//! links made for the simple filter and the feeds still work; `status` is the facet that
//! replaces `window` (受付中 by default).

use axum::extract::Query;
use axum::http::Uri;
use madoguchi_core::program::{GovLevel, ModelError, ProgramKind, Purpose};
use madoguchi_core::reference::{JsicCode, LocalGovCode, local_gov};
use madoguchi_search::{AmountBand, FilterKind, SearchQuery, Sort, WindowState};
use serde::Deserialize;

use crate::AppError;
use crate::site::listing::{percent_encode, percent_encode_unsafe};

/// A search as the URL states it, before paging.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchParams {
    pub query: SearchQuery,
    /// 1-based; a page past the end shows the last.
    pub page: usize,
    pub per_page: usize,
}

#[derive(Debug, Default, Deserialize)]
struct RawParams {
    q: Option<String>,
    purpose: Option<String>,
    level: Option<String>,
    window: Option<String>,
    status: Option<String>,
    area: Option<String>,
    industry: Option<String>,
    kind: Option<String>,
    amount: Option<String>,
    sort: Option<String>,
    page: Option<String>,
    per_page: Option<String>,
}

impl SearchParams {
    /// Reads the parameters of `uri`; a value that is not one of a filter's codes is refused
    /// with a Japanese message that says what to send.
    pub fn from_uri(uri: &Uri, per_page: usize) -> Result<Self, AppError> {
        let Query(raw) = Query::<RawParams>::try_from_uri(uri).map_err(|_| unreadable())?;
        Self::from_raw(raw, per_page)
    }

    /// Reads a search kept as its URL parameters ([`Self::to_query_string`]), as
    /// [`Self::from_uri`] reads a URL.
    pub fn from_query_string(params: &str, per_page: usize) -> Result<Self, AppError> {
        // Kept parameters are written encoded; one typed by hand may hold raw UTF-8 or
        // spaces, which a URI cannot.
        let uri = Uri::builder()
            .path_and_query(format!("/programs?{}", percent_encode_unsafe(params)))
            .build()
            .map_err(|_| unreadable())?;
        Self::from_uri(&uri, per_page)
    }

    fn from_raw(raw: RawParams, per_page: usize) -> Result<Self, AppError> {
        let given = |v: Option<String>| v.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let bad = |e: ModelError| AppError::BadRequest(e.to_string());
        let unknown = |what: &str, value: &str, hint: &str| {
            AppError::BadRequest(format!("「{value}」は{what}として使えません。{hint}"))
        };
        let status = match (given(raw.status), given(raw.window)) {
            (Some(s), _) if s == "all" => None,
            (Some(s), _) => Some(WindowState::parse(&s).ok_or_else(|| {
                unknown(
                    "受付状況（status）",
                    &s,
                    "open・upcoming・closed・unknown・all のいずれかを指定してください。",
                )
            })?),
            (None, Some(w)) if w == "all" => None,
            (None, Some(w)) if w == "open" => Some(WindowState::Open),
            (None, Some(w)) => {
                return Err(unknown(
                    "受付状況（window）",
                    &w,
                    "「open」（受付中のみ）か「all」（すべて）を指定してください。",
                ));
            }
            (None, None) => Some(WindowState::Open),
        };
        let query = SearchQuery {
            text: raw.q.unwrap_or_default(),
            level: given(raw.level).map(|l| GovLevel::parse(&l)).transpose().map_err(bad)?,
            area: given(raw.area).map(|a| LocalGovCode::parse(&a)).transpose().map_err(bad)?,
            industry: given(raw.industry).map(|i| JsicCode::parse(&i)).transpose().map_err(bad)?,
            purpose: given(raw.purpose).map(|p| Purpose::parse(&p)).transpose().map_err(bad)?,
            kind: given(raw.kind).map(|k| ProgramKind::parse(&k)).transpose().map_err(bad)?,
            status,
            amount: given(raw.amount)
                .map(|a| {
                    AmountBand::parse(&a).ok_or_else(|| {
                        unknown("上限額の区分（amount）", &a, "up_to_1m・up_to_5m・up_to_10m・up_to_50m・over_50m・unstated のいずれかを指定してください。")
                    })
                })
                .transpose()?,
            sort: given(raw.sort)
                .map(|s| {
                    Sort::parse(&s).ok_or_else(|| {
                        unknown("並び順（sort）", &s, "relevance・closing・amount・newest のいずれかを指定してください。")
                    })
                })
                .transpose()?
                .unwrap_or_default(),
            offset: 0,
            limit: per_page,
        };
        let per_page = match given(raw.per_page) {
            None => per_page,
            Some(n) => n
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=madoguchi_search::MAX_PAGE_SIZE).contains(n))
                .ok_or_else(|| {
                    unknown(
                        "1ページの件数（per_page）",
                        &n,
                        "1から100までの数を指定してください。",
                    )
                })?,
        };
        // A page number that does not read is the first page.
        let page = given(raw.page)
            .and_then(|p| p.parse::<usize>().ok())
            .unwrap_or(1)
            .max(1);
        Ok(Self {
            query: SearchQuery {
                limit: per_page,
                ..query
            },
            page,
            per_page,
        })
    }

    /// The query for page `page` (1-based).
    pub fn page_query(&self, page: usize) -> SearchQuery {
        SearchQuery {
            offset: (page - 1).saturating_mul(self.per_page),
            limit: self.per_page,
            ..self.query.clone()
        }
    }

    /// Whether the search asks for anything: words, or a filter other than the window and the
    /// order (a subscription needs one, or it would be to every program).
    pub fn has_criteria(&self) -> bool {
        self.filters().next().is_some()
    }

    /// The words and filters as plain Japanese, one 「label：value」 each, leaving out the
    /// window and the order (what a subscription to this search is about).
    pub fn describe(&self) -> Vec<String> {
        self.filters()
            .map(|(label, value)| format!("{label}：{value}"))
            .collect()
    }

    fn filters(&self) -> impl Iterator<Item = (&'static str, String)> {
        let q = &self.query;
        let words = q.text.trim();
        [
            (!words.is_empty()).then(|| ("検索のことば", format!("「{words}」"))),
            q.purpose
                .map(|p| (FilterKind::Purpose.label(), p.label().to_owned())),
            q.level
                .map(|l| (FilterKind::Level.label(), l.label().to_owned())),
            q.area.map(|a| {
                let name = local_gov(a).map_or_else(|| a.to_string(), |g| g.full_name());
                (FilterKind::Area.label(), name)
            }),
            q.industry
                .map(|i| (FilterKind::Industry.label(), i.name().to_owned())),
            q.kind
                .map(|k| (FilterKind::Kind.label(), k.label().to_owned())),
            q.amount
                .map(|b| (FilterKind::Amount.label(), b.label().to_owned())),
        ]
        .into_iter()
        .flatten()
    }

    /// The search as URL parameters in a fixed order, without the page; a default is left out.
    pub fn to_query_string(&self) -> String {
        self.pairs(None).join("&")
    }

    /// The same with one filter cleared (for 「この条件を外す」 suggestions).
    pub fn without(&self, filter: FilterKind) -> String {
        self.pairs(Some(filter)).join("&")
    }

    /// The same with `word` taken out of the words.
    pub fn without_word(&self, word: &str) -> String {
        let mut rest = self.clone();
        rest.query.text = self
            .query
            .text
            .split_whitespace()
            .filter(|w| *w != word)
            .collect::<Vec<_>>()
            .join(" ");
        rest.to_query_string()
    }

    /// The parameters the feeds read (`q`, `purpose`, `level`, `window`), for the feed links.
    pub fn feed_query(&self) -> String {
        let q = &self.query;
        let window = match q.status {
            Some(WindowState::Open) => "window=open",
            _ => "window=all",
        };
        [
            (!q.text.trim().is_empty()).then(|| format!("q={}", percent_encode(q.text.trim()))),
            q.purpose.map(|p| format!("purpose={}", p.code())),
            q.level.map(|l| format!("level={}", l.code())),
            Some(window.to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("&")
    }

    fn pairs(&self, cleared: Option<FilterKind>) -> Vec<String> {
        let q = &self.query;
        let keep = |f: FilterKind| cleared != Some(f);
        let status = match (keep(FilterKind::Status), q.status) {
            (true, Some(WindowState::Open)) => None,
            (true, Some(s)) => Some(format!("status={}", s.code())),
            _ => Some("status=all".to_owned()),
        };
        [
            (!q.text.trim().is_empty()).then(|| format!("q={}", percent_encode(q.text.trim()))),
            q.purpose
                .filter(|_| keep(FilterKind::Purpose))
                .map(|p| format!("purpose={}", p.code())),
            q.level
                .filter(|_| keep(FilterKind::Level))
                .map(|l| format!("level={}", l.code())),
            q.area
                .filter(|_| keep(FilterKind::Area))
                .map(|a| format!("area={a}")),
            q.industry
                .filter(|_| keep(FilterKind::Industry))
                .map(|i| format!("industry={}", String::from(i))),
            q.kind
                .filter(|_| keep(FilterKind::Kind))
                .map(|k| format!("kind={}", k.code())),
            q.amount
                .filter(|_| keep(FilterKind::Amount))
                .map(|b| format!("amount={}", b.code())),
            status,
            (q.sort != Sort::Relevance).then(|| format!("sort={}", q.sort.code())),
        ]
        .into_iter()
        .flatten()
        .collect()
    }
}

/// The one message for parameters that do not read at all.
fn unreadable() -> AppError {
    AppError::BadRequest(
        "検索条件を読み取れません。各条件（q・purpose・level・area・industry・kind・status・amount・sort・page）はそれぞれ1つずつ、UTF-8で指定してください。"
            .to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(query: &str) -> Result<SearchParams, AppError> {
        SearchParams::from_uri(&format!("/programs?{query}").parse().unwrap(), 20)
    }

    #[test]
    fn the_list_parameters_keep_their_meaning_and_status_defaults_to_open() {
        let p = read("q=IT&purpose=equipment_it&level=national").unwrap();
        assert_eq!(p.query.text, "IT");
        assert_eq!(p.query.purpose, Some(Purpose::EquipmentIt));
        assert_eq!(p.query.status, Some(WindowState::Open));
        assert_eq!(read("window=all").unwrap().query.status, None);
        assert_eq!(
            read("window=open").unwrap().query.status,
            Some(WindowState::Open)
        );
        assert_eq!(
            read("status=closed&window=open").unwrap().query.status,
            Some(WindowState::Closed)
        );
    }

    #[test]
    fn a_search_has_one_url_that_reads_back_the_same() {
        let p = read("sort=amount&area=131075&q=%E6%8C%81%E7%B6%9A%E5%8C%96&industry=E&kind=subsidy&amount=up_to_5m&status=all&page=3").unwrap();
        let url = p.to_query_string();
        assert!(url.starts_with("q=%E6%8C%81"), "{url}");
        let back = read(&url).unwrap();
        assert_eq!(back.query, SearchQuery { ..p.query.clone() });
        assert!(!p.without(FilterKind::Area).contains("area="));
        assert!(p.without(FilterKind::Status).contains("status=all"));
    }

    #[test]
    fn a_kept_search_reads_back_and_says_what_it_asks_in_japanese() {
        let p =
            read("q=%E6%8C%81%E7%B6%9A%E5%8C%96&area=131075&industry=E&kind=subsidy&sort=amount")
                .unwrap();
        let back = SearchParams::from_query_string(&p.to_query_string(), 20).unwrap();
        assert_eq!(back.query, p.query);
        assert!(p.has_criteria());
        assert_eq!(
            p.describe(),
            [
                "検索のことば：「持続化」",
                "地域：東京都墨田区",
                "業種：製造業",
                "制度の種類：補助金",
            ]
        );
        // The window and the order alone ask for nothing.
        assert!(!read("status=all&sort=closing").unwrap().has_criteria());
        assert!(SearchParams::from_query_string("area=99999x", 20).is_err());
        let typed = SearchParams::from_query_string("q=設 備&kind=subsidy", 20).unwrap();
        assert_eq!(typed.query.text, "設 備");
    }

    #[test]
    fn unknown_codes_are_refused_in_japanese() {
        for (query, says) in [
            ("area=999999", "地方公共団体コード"),
            ("industry=Z", "産業分類"),
            ("kind=gift", "制度の種類"),
            ("amount=lots", "上限額"),
            ("sort=random", "並び順"),
            ("status=soon", "受付状況"),
            ("per_page=1000", "1ページの件数"),
            ("q=a&q=b", "1つずつ"),
        ] {
            let Err(AppError::BadRequest(message)) = read(query) else {
                panic!("{query} was accepted");
            };
            assert!(message.contains(says), "{query}: {message}");
        }
        assert_eq!(read("page=abc").unwrap().page, 1);
    }
}
