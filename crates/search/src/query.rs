//! What a search asks for: words, filters (facets), order and page; and what it answers.

use madoguchi_core::program::{GovLevel, ProgramId, ProgramKind, Purpose};
use madoguchi_core::reference::{JsicCode, LocalGovCode};
use serde::Serialize;

/// The longest query, in characters, that is read; the rest is ignored (a 10,000-character
/// paste must not cost more than a sentence).
pub const MAX_QUERY_CHARS: usize = 200;
/// At most this many words of a query are searched.
pub const MAX_QUERY_WORDS: usize = 12;
/// The largest page.
pub const MAX_PAGE_SIZE: usize = 100;

/// One search: words and filters; `SearchQuery::default()` lists every program open today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// The words as typed; empty for none.
    pub text: String,
    pub level: Option<GovLevel>,
    /// A prefecture or municipality: programs that reach a business there (its own, its
    /// prefecture's, the designated city's for a ward, and national ones).
    pub area: Option<LocalGovCode>,
    /// An industry (a JSIC major or middle category): programs open to it.
    pub industry: Option<JsicCode>,
    pub purpose: Option<Purpose>,
    pub kind: Option<ProgramKind>,
    /// The application window on the day searched; `None` for every program.
    pub status: Option<WindowState>,
    pub amount: Option<AmountBand>,
    pub sort: Sort,
    /// Hits skipped before the page.
    pub offset: usize,
    /// Hits on the page (capped at [`MAX_PAGE_SIZE`]).
    pub limit: usize,
}

impl Default for SearchQuery {
    fn default() -> Self {
        Self {
            text: String::new(),
            level: None,
            area: None,
            industry: None,
            purpose: None,
            kind: None,
            status: Some(WindowState::Open),
            amount: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: 20,
        }
    }
}

impl SearchQuery {
    /// Words only, every other setting as by default (受付中 only).
    pub fn words(text: impl Into<String>) -> Self {
        Self {
            text: text.into(),
            ..Self::default()
        }
    }
}

/// The application window, as a filter and a facet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WindowState {
    Open,
    Upcoming,
    Closed,
    Unknown,
}

impl WindowState {
    pub const ALL: [Self; 4] = [Self::Open, Self::Upcoming, Self::Closed, Self::Unknown];

    pub fn code(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Upcoming => "upcoming",
            Self::Closed => "closed",
            Self::Unknown => "unknown",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Open => "受付中",
            Self::Upcoming => "受付開始前",
            Self::Closed => "受付終了",
            Self::Unknown => "不明",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// Bands of a program's maximum amount (上限額).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AmountBand {
    UpTo1m,
    UpTo5m,
    UpTo10m,
    UpTo50m,
    Over50m,
    /// No maximum stated (融資の相談、税制など).
    Unstated,
}

impl AmountBand {
    pub const ALL: [Self; 6] = [
        Self::UpTo1m,
        Self::UpTo5m,
        Self::UpTo10m,
        Self::UpTo50m,
        Self::Over50m,
        Self::Unstated,
    ];

    pub fn of(max: Option<u64>) -> Self {
        match max {
            None => Self::Unstated,
            Some(y) if y <= 1_000_000 => Self::UpTo1m,
            Some(y) if y <= 5_000_000 => Self::UpTo5m,
            Some(y) if y <= 10_000_000 => Self::UpTo10m,
            Some(y) if y <= 50_000_000 => Self::UpTo50m,
            Some(_) => Self::Over50m,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Self::UpTo1m => "up_to_1m",
            Self::UpTo5m => "up_to_5m",
            Self::UpTo10m => "up_to_10m",
            Self::UpTo50m => "up_to_50m",
            Self::Over50m => "over_50m",
            Self::Unstated => "unstated",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::UpTo1m => "100万円以下",
            Self::UpTo5m => "100万円超〜500万円",
            Self::UpTo10m => "500万円超〜1,000万円",
            Self::UpTo50m => "1,000万円超〜5,000万円",
            Self::Over50m => "5,000万円超",
            Self::Unstated => "上限額の記載なし",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == code.trim())
    }
}

/// The order of hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    /// Best match first; without words, the soonest closing first.
    #[default]
    Relevance,
    /// Soonest closing first; no closing date last.
    Closing,
    /// Largest maximum amount first.
    Amount,
    /// Most recently published first.
    Newest,
}

impl Sort {
    pub const ALL: [Self; 4] = [Self::Relevance, Self::Closing, Self::Amount, Self::Newest];

    pub fn code(self) -> &'static str {
        match self {
            Self::Relevance => "relevance",
            Self::Closing => "closing",
            Self::Amount => "amount",
            Self::Newest => "newest",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Relevance => "関連度順",
            Self::Closing => "締切が近い順",
            Self::Amount => "上限額が大きい順",
            Self::Newest => "新着順",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code.trim())
    }
}

/// A filter of a query, named for facets and suggestions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilterKind {
    Level,
    Area,
    Industry,
    Purpose,
    Kind,
    Status,
    Amount,
}

impl FilterKind {
    pub const ALL: [Self; 7] = [
        Self::Level,
        Self::Area,
        Self::Industry,
        Self::Purpose,
        Self::Kind,
        Self::Status,
        Self::Amount,
    ];

    /// The URL parameter of the filter.
    pub fn param(self) -> &'static str {
        match self {
            Self::Level => "level",
            Self::Area => "area",
            Self::Industry => "industry",
            Self::Purpose => "purpose",
            Self::Kind => "kind",
            Self::Status => "status",
            Self::Amount => "amount",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Level => "発行元の区分",
            Self::Area => "地域",
            Self::Industry => "業種",
            Self::Purpose => "利用目的",
            Self::Kind => "制度の種類",
            Self::Status => "受付状況",
            Self::Amount => "上限額",
        }
    }

    pub(crate) fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// One part of a highlighted text: plain or matched. Text, never HTML: the page escapes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Segment {
    pub text: String,
    pub matched: bool,
}

impl Segment {
    /// The segments as one line with matches in brackets (「\[持続化\]補助金」), for logs and
    /// tests.
    pub fn bracketed(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| {
                if s.matched {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }
}

/// One program found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The program's slot in the index: its position in the catalogue the index was built
    /// from, or after them for a program added since.
    #[serde(skip)]
    pub ord: usize,
    pub id: ProgramId,
    pub score: f32,
    pub title: Vec<Segment>,
    /// A part of the summary around the first match (the summary's start without one).
    pub summary: Vec<Segment>,
}

/// How many hits a facet value would give, the other filters kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    pub code: String,
    pub label: String,
    pub count: usize,
    pub selected: bool,
}

/// One filter's values with their counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facet {
    pub filter: FilterKind,
    pub values: Vec<FacetValue>,
}

/// What to change when nothing is found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "drop", rename_all = "snake_case")]
pub enum Suggestion {
    /// Leaving out this word finds `total` programs.
    Word { word: String, total: usize },
    /// Clearing this filter finds `total` programs.
    Filter { filter: FilterKind, total: usize },
}

/// The answer to a search.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// All programs that match, before paging.
    pub total: usize,
    /// The page asked for.
    pub hits: Vec<Hit>,
    pub facets: Vec<Facet>,
    /// Only when nothing matched: which word or filter to drop, most helpful first.
    pub suggestions: Vec<Suggestion>,
    /// The words searched (after the length caps), to show what was understood.
    pub words: Vec<String>,
    /// True when the query was longer than [`MAX_QUERY_CHARS`] or had more than
    /// [`MAX_QUERY_WORDS`] words and was cut.
    pub truncated: bool,
}
