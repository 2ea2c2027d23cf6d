//! `GET /api/v1/programs`: the search of the program list as JSON, with the same parameters,
//! facets with counts, highlighted segments and paging.

use axum::Json;
use axum::extract::State;
use axum::http::Uri;
use madoguchi_core::eligibility::{Window, application_window};
use madoguchi_search::{Facet, Segment, Suggestion};
use serde::Serialize;

use crate::AppState;
use crate::http::clock;
use crate::http::error::{AppError, Problem};
use crate::site::search::SearchParams;

const DEFAULT_PER_PAGE: usize = 20;

#[derive(Debug, Serialize)]
pub struct SearchAnswer {
    total: usize,
    page: usize,
    per_page: usize,
    pages: usize,
    /// The search as URL parameters in their fixed order (the same on `/programs`).
    query: String,
    /// The words searched, after the length caps.
    words: Vec<String>,
    truncated: bool,
    items: Vec<Item>,
    facets: Vec<Facet>,
    /// Only when nothing was found: the word or filter to drop, most helpful first.
    suggestions: Vec<Suggestion>,
}

#[derive(Debug, Serialize)]
struct Item {
    id: String,
    url: String,
    title: String,
    title_highlight: Vec<Segment>,
    summary_highlight: Vec<Segment>,
    kind: &'static str,
    level: &'static str,
    issuer: String,
    window: Window,
    amount_max: Option<u64>,
    score: f32,
}

pub async fn search_programs(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<SearchAnswer>, Problem> {
    let params = SearchParams::from_uri(&uri, DEFAULT_PER_PAGE).map_err(search_problem)?;
    let catalog = state.catalog();
    let today = clock::today();
    let results = state
        .search_index()
        .search(&params.page_query(params.page), today)
        .map_err(|err| search_problem(err.into()))?;
    let items = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            let p = catalog.get(&hit.id)?;
            Some(Item {
                id: p.id.to_string(),
                url: format!("/programs/{}", p.id),
                title: p.title.to_string(),
                title_highlight: hit.title,
                summary_highlight: hit.summary,
                kind: p.kind.code(),
                level: p.issuer.level().code(),
                issuer: p.issuer.name().to_owned(),
                window: application_window(p, today),
                amount_max: p.amount.max.map(|y| y.get()),
                score: hit.score,
            })
        })
        .collect();
    Ok(Json(SearchAnswer {
        total: results.total,
        page: params.page,
        per_page: params.per_page,
        pages: results.total.div_ceil(params.per_page).max(1),
        query: params.to_query_string(),
        words: results.words,
        truncated: results.truncated,
        items,
        facets: results.facets,
        suggestions: results.suggestions,
    }))
}

/// A search the caller can fix says how; any other failure is logged and reported as the
/// search's.
fn search_problem(err: AppError) -> Problem {
    match err {
        AppError::BadRequest(_) => err.into(),
        other => Problem::from(AppError::Internal(format!("a search failed: {other}")))
            .titled("検索できませんでした"),
    }
}
