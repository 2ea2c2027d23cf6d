//! The registry's terms: an expert (an advisor, a partner company or a side-job
//! professional), the categories and requesters they take, where they work and when.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::reference::LocalGovCode;
use crate::text::fold::name_key;

/// A consultation category, as the desk configures them (みえDXセンター has five): a short
/// code such as `dx-strategy`, shown by its configured label.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Category(String);

/// Why a category code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("分野のコード「{0}」は、半角英小文字・数字・ハイフンの32文字以内で指定してください")]
pub struct CategoryError(String);

impl Category {
    pub fn parse(raw: &str) -> Result<Self, CategoryError> {
        let code = raw.trim();
        let ok = !code.is_empty()
            && code.len() <= 32
            && code
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(code.to_owned()))
        } else {
            Err(CategoryError(raw.chars().take(40).collect()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Category {
    type Error = CategoryError;
    fn try_from(raw: String) -> Result<Self, CategoryError> {
        Self::parse(&raw)
    }
}

impl From<Category> for String {
    fn from(category: Category) -> Self {
        category.0
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Who writes in: the desk serves businesses, residents and municipalities alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Requester {
    Business,
    Resident,
    Municipality,
}

impl Requester {
    pub const ALL: [Self; 3] = [Self::Business, Self::Resident, Self::Municipality];

    /// The code kept in the database and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Business => "business",
            Self::Resident => "resident",
            Self::Municipality => "municipality",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Business => "事業者",
            Self::Resident => "住民",
            Self::Municipality => "自治体",
        }
    }
}

/// What kind of help an expert gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ExpertKind {
    /// A registered advisor (みえDXアドバイザーズ): a person, proposed by fit and load.
    Advisor,
    /// A partner company (みえDXパートナーズ): proposed in turn, so that work is shared
    /// fairly over a fiscal year.
    Partner,
    /// A side-job professional (副業人材) for a business's project.
    Talent,
}

impl ExpertKind {
    pub const ALL: [Self; 3] = [Self::Advisor, Self::Partner, Self::Talent];

    /// The code kept in the database and sent by forms.
    pub fn code(self) -> &'static str {
        match self {
            Self::Advisor => "advisor",
            Self::Partner => "partner",
            Self::Talent => "talent",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Advisor => "専門家",
            Self::Partner => "パートナー企業",
            Self::Talent => "副業人材",
        }
    }
}

/// Where an expert works: named areas (prefectures or municipalities), and whether they
/// also take cases anywhere online.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceArea {
    pub areas: Vec<LocalGovCode>,
    pub remote: bool,
}

/// When an expert takes no new cases: paused until further notice, or away between two
/// dates (both included).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Availability {
    pub paused: bool,
    pub away: Vec<(Date, Date)>,
}

impl Availability {
    /// Whether a case can be proposed to them on `date`.
    pub fn open_on(&self, date: Date) -> bool {
        !self.paused
            && !self
                .away
                .iter()
                .any(|(from, to)| (*from..=*to).contains(&date))
    }
}

/// One registered expert as matching sees them. Tags and declared conflicts are kept as
/// comparison keys (white space and character widths folded), so that 「ＥＣ」 and 「EC」,
/// 「(株)ミエ 商事」 and 「(株)ミエ商事」 meet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Expert {
    pub id: String,
    pub kind: ExpertKind,
    pub name: String,
    pub categories: Vec<Category>,
    tags: Vec<String>,
    pub area: ServiceArea,
    pub takes: Vec<Requester>,
    /// New cases a month at most; 0 takes none.
    pub monthly_capacity: u32,
    pub availability: Availability,
    conflicts: Vec<String>,
}

impl Expert {
    /// An expert with no categories, tags, areas or requesters yet; the builder methods
    /// below add them.
    pub fn new(id: impl Into<String>, kind: ExpertKind, name: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            kind,
            name: name.into(),
            categories: Vec::new(),
            tags: Vec::new(),
            area: ServiceArea::default(),
            takes: Vec::new(),
            monthly_capacity: 0,
            availability: Availability::default(),
            conflicts: Vec::new(),
        }
    }

    /// Adds skill tags (as typed; kept folded).
    pub fn with_tags<'t>(mut self, tags: impl IntoIterator<Item = &'t str>) -> Self {
        add_tags(&mut self.tags, tags);
        self
    }

    /// Adds declared clients and competitors: a case from or about any of them is never
    /// proposed to this expert.
    pub fn with_conflicts<'t>(mut self, parties: impl IntoIterator<Item = &'t str>) -> Self {
        self.conflicts.extend(parties.into_iter().map(name_key));
        self
    }

    /// The skill tags, folded, sorted.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The declared clients and competitors, folded.
    pub fn conflicts(&self) -> &[String] {
        &self.conflicts
    }

    /// The declared party that a case about `parties` (folded keys) conflicts with.
    pub(super) fn conflict_with<'p>(&self, parties: &'p [String]) -> Option<&'p str> {
        parties
            .iter()
            .find(|party| self.conflicts.iter().any(|c| c == *party))
            .map(String::as_str)
    }
}

/// Adds tags as typed to a sorted list of their comparison keys (folded like a name, ASCII
/// letters in lower case), keeping it sorted and without repeats.
pub fn add_tags<'t>(keys: &mut Vec<String>, tags: impl IntoIterator<Item = &'t str>) {
    keys.extend(tags.into_iter().map(|tag| name_key(tag).to_lowercase()));
    keys.sort_unstable();
    keys.dedup();
}
