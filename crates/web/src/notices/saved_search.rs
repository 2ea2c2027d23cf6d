//! A search kept with a subscription, read back as the search page reads its URL: one
//! reading for the subscribe form, the settings page and the matcher, so that a
//! subscription finds what the search it was made from finds, filters and all.

use madoguchi_core::notices::Criteria;
use madoguchi_search::SearchQuery;

use crate::AppError;
use crate::site::listing::percent_encode;
use crate::site::search::SearchParams;

/// Search words kept with a subscription at most, as the search box takes them.
pub const MAX_SEARCH_CHARS: usize = 200;

/// Only the matching and the description are read, never a page of results.
const PER_PAGE: usize = 20;

/// A subscription's search: what it asks, as the search page states it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SavedSearch(SearchParams);

impl SavedSearch {
    /// The search of a page's URL parameters, words cut to [`MAX_SEARCH_CHARS`]; `None` when
    /// it asks for nothing (no words and no filter: that would be every program).
    pub fn new(mut params: SearchParams) -> Option<Self> {
        params.query.text = params
            .query
            .text
            .trim()
            .chars()
            .take(MAX_SEARCH_CHARS)
            .collect();
        params.has_criteria().then_some(Self(params))
    }

    /// The search kept in `criteria`; `None` for a diagnosis, an error when the kept
    /// parameters no longer read (a code taken out of the reference data).
    pub fn of(criteria: &Criteria) -> Option<Result<Self, AppError>> {
        let params = match criteria {
            Criteria::Profile(_) => return None,
            // Kept before searches kept their filters: the words alone.
            Criteria::Search(words) => format!("q={}", percent_encode(words)),
            Criteria::SearchWithFilters { params, .. } => params.clone(),
        };
        Some(SearchParams::from_query_string(&params, PER_PAGE).map(Self))
    }

    /// The search as its URL parameters, for a form's hidden field and a link.
    pub fn params(&self) -> String {
        self.0.to_query_string()
    }

    /// What is kept with the subscription.
    pub fn criteria(&self) -> Criteria {
        Criteria::SearchWithFilters {
            words: self.0.query.text.clone(),
            params: self.params(),
        }
    }

    /// The words and filters, one 「label：value」 each.
    pub fn lines(&self) -> Vec<String> {
        self.0.describe()
    }

    /// The search in one line, for a message: 「検索のことば：「設備」、地域：秋田県」.
    pub fn summary(&self) -> String {
        self.lines().join("、")
    }

    /// The query that decides whether a program fits: whatever its window, since a notice
    /// may be about a program not yet open or about to close.
    pub fn matching_query(&self) -> SearchQuery {
        SearchQuery {
            status: None,
            ..self.0.query.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(params: &str) -> SavedSearch {
        SavedSearch::new(SearchParams::from_query_string(params, PER_PAGE).unwrap()).unwrap()
    }

    #[test]
    fn filters_are_kept_and_read_back_the_same() {
        let search = kept("q=%E8%A8%AD%E5%82%99&area=052019&industry=E&status=all");
        let criteria = search.criteria();
        let Criteria::SearchWithFilters { words, .. } = &criteria else {
            panic!("a search keeps its filters");
        };
        assert_eq!(words, "設備");
        let back = SavedSearch::of(&criteria).unwrap().unwrap();
        assert_eq!(back, search);
        assert_eq!(
            back.summary(),
            "検索のことば：「設備」、地域：秋田県秋田市、業種：製造業"
        );
        let query = back.matching_query();
        assert_eq!(query.status, None);
        assert_eq!(query.industry, search.0.query.industry);
    }

    #[test]
    fn words_kept_before_filters_still_read_and_nothing_asked_is_refused() {
        let old = SavedSearch::of(&Criteria::Search("海外 販路".to_owned()))
            .unwrap()
            .unwrap();
        assert_eq!(old.0.query.text, "海外 販路");
        assert!(SavedSearch::of(&Criteria::Profile(serde_json::json!({}))).is_none());
        let nothing = SearchParams::from_query_string("q=+&status=all", PER_PAGE).unwrap();
        assert!(SavedSearch::new(nothing).is_none());
        let gone = Criteria::SearchWithFilters {
            words: String::new(),
            params: "industry=Z".to_owned(),
        };
        assert!(SavedSearch::of(&gone).unwrap().is_err());
    }

    #[test]
    fn words_are_cut_to_what_the_search_box_takes() {
        let long = format!("q={}", percent_encode(&"設備".repeat(300)));
        assert_eq!(kept(&long).0.query.text.chars().count(), MAX_SEARCH_CHARS);
    }
}
