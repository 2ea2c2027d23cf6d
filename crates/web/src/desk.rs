//! How this desk is set up: the categories it offers, its first-contact service level, the
//! sessions a case may have and how long personal data is kept once a case ends.
//!
//! Kept as console settings under `desk.*` keys (so that every process reads the same),
//! each with a default; [`DeskSettings`] is the one place that reads them, for the public
//! form, the console's desk pages and the retention job alike.

use madoguchi_core::desk::{Category, DEFAULT_CATEGORIES, DEFAULT_MAX_SESSIONS};
use madoguchi_store::{Setting, Store, StoreError};

/// The categories, one per line: `code label` (`strategy DX戦略・組織づくり`).
pub const CATEGORIES: &str = "desk.categories";
/// First contact is due within this many business days of receipt.
pub const FIRST_CONTACT_DAYS: &str = "desk.first_contact_days";
/// Consultation sessions a case may have.
pub const MAX_SESSIONS: &str = "desk.max_sessions";
/// Days after a case closed until its personal data is purged.
pub const RETENTION_CLOSED_DAYS: &str = "desk.retention_closed_days";
/// Days after a case was withdrawn until its personal data is purged.
pub const RETENTION_WITHDRAWN_DAYS: &str = "desk.retention_withdrawn_days";

/// A category the desk offers, with the label people read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategoryOption {
    pub category: Category,
    pub label: String,
}

/// Every desk setting, each with its default where never set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskSettings {
    pub categories: Vec<CategoryOption>,
    pub first_contact_days: u32,
    pub max_sessions: u32,
    pub retention_closed_days: u32,
    pub retention_withdrawn_days: u32,
}

impl Default for DeskSettings {
    fn default() -> Self {
        Self {
            categories: DEFAULT_CATEGORIES
                .iter()
                .filter_map(|(code, label)| {
                    Some(CategoryOption {
                        category: Category::parse(code).ok()?,
                        label: (*label).to_owned(),
                    })
                })
                .collect(),
            first_contact_days: 3,
            max_sessions: DEFAULT_MAX_SESSIONS,
            // Five years after closing, as many municipalities keep consultation records;
            // one year after a withdrawal.
            retention_closed_days: 5 * 365,
            retention_withdrawn_days: 365,
        }
    }
}

impl DeskSettings {
    /// The settings as stored now; a stored value that no longer reads keeps its default.
    pub async fn load(store: &Store) -> Result<Self, StoreError> {
        Ok(Self::from_stored(&store.settings().await?))
    }

    pub fn from_stored(stored: &[Setting]) -> Self {
        let mut settings = Self::default();
        for setting in stored {
            let value = setting.value.trim();
            let days = |max: u32| value.parse::<u32>().ok().filter(|d| (1..=max).contains(d));
            match setting.key.as_str() {
                CATEGORIES => match parse_categories(value) {
                    Ok(categories) => settings.categories = categories,
                    Err(_) => tracing::warn!("stored desk.categories does not read"),
                },
                FIRST_CONTACT_DAYS => {
                    if let Some(d) = days(30) {
                        settings.first_contact_days = d;
                    }
                }
                MAX_SESSIONS => {
                    if let Some(d) = days(20) {
                        settings.max_sessions = d;
                    }
                }
                RETENTION_CLOSED_DAYS => {
                    if let Some(d) = days(3650 * 3) {
                        settings.retention_closed_days = d;
                    }
                }
                RETENTION_WITHDRAWN_DAYS => {
                    if let Some(d) = days(3650 * 3) {
                        settings.retention_withdrawn_days = d;
                    }
                }
                _ => {}
            }
        }
        settings
    }

    /// The categories alone, for checking a form's choice.
    pub fn category_codes(&self) -> Vec<Category> {
        self.categories.iter().map(|c| c.category.clone()).collect()
    }

    /// The label of a category, or its code if the desk no longer offers it.
    pub fn label_of<'a>(&'a self, category: &'a Category) -> &'a str {
        self.categories
            .iter()
            .find(|c| &c.category == category)
            .map_or(category.as_str(), |c| c.label.as_str())
    }
}

/// Reads `code label` lines; blank lines are skipped. Refuses an empty list, a bad code, a
/// missing label or a code given twice, naming the line.
pub fn parse_categories(text: &str) -> Result<Vec<CategoryOption>, String> {
    let mut categories: Vec<CategoryOption> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (code, label) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| format!("{}行目：コードと名前を空白で区切ってください", n + 1))?;
        let category = Category::parse(code).map_err(|err| format!("{}行目：{err}", n + 1))?;
        if categories.iter().any(|c| c.category == category) {
            return Err(format!("{}行目：コード「{code}」が重複しています", n + 1));
        }
        categories.push(CategoryOption {
            category,
            label: label.trim().to_owned(),
        });
    }
    if categories.is_empty() {
        return Err("分野を1つ以上入力してください".to_owned());
    }
    Ok(categories)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setting(key: &str, value: &str) -> Setting {
        Setting {
            key: key.to_owned(),
            value: value.to_owned(),
            updated_at: time::OffsetDateTime::UNIX_EPOCH,
            updated_by: None,
        }
    }

    #[test]
    fn defaults_offer_five_categories_and_mies_three_sessions() {
        let settings = DeskSettings::default();
        assert_eq!(settings.categories.len(), 5);
        assert_eq!(settings.max_sessions, 3);
        let strategy = Category::parse("strategy").unwrap();
        assert_eq!(settings.label_of(&strategy), "DX戦略・組織づくり");
    }

    #[test]
    fn stored_values_replace_defaults_only_when_they_read() {
        let stored = [
            setting(CATEGORIES, "ec ネット販売\n\nsecurity セキュリティ"),
            setting(FIRST_CONTACT_DAYS, "5"),
            setting(MAX_SESSIONS, "0"),
        ];
        let settings = DeskSettings::from_stored(&stored);
        assert_eq!(settings.categories.len(), 2);
        assert_eq!(settings.categories[0].label, "ネット販売");
        assert_eq!(settings.first_contact_days, 5);
        assert_eq!(settings.max_sessions, 3, "0 does not read");
        assert!(
            parse_categories("ec ネット販売\nec 重複")
                .unwrap_err()
                .contains("2行目")
        );
        assert!(parse_categories("EC").is_err());
        assert!(parse_categories("  \n").is_err());
    }
}
