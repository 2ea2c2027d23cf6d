//! The program list and the program page.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::Uri;
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::analytics::Metric;
use madoguchi_core::eligibility::{ConditionStatus, Profile, RuleOrigin};
use madoguchi_core::program::ProgramId;
use madoguchi_search::{Facet, FilterKind, Segment, Sort, Suggestion, WindowState};

use crate::http::clock;
use crate::http::security::never_cached;
use crate::http::session::Visitor;
use crate::site::checklist::Checklist;
use crate::site::condition_tree::{TreeLine, tree_lines};
use crate::site::diagnosis::Wizard;
use crate::site::search::SearchParams;
use crate::site::view::{ProgramPage, ProgramRow};
use crate::{AppError, AppState};

const PAGE_SIZE: usize = 20;

/// One program found, with its matches marked.
#[derive(Debug)]
struct HitView {
    row: ProgramRow,
    title: Vec<Segment>,
    summary: Vec<Segment>,
}

/// One facet as a `<select>`: its values with their counts.
#[derive(Debug)]
struct FacetSelect {
    param: &'static str,
    label: &'static str,
    /// The label of the first option, which clears the filter.
    any: &'static str,
    any_value: &'static str,
    options: Vec<SelectOption>,
}

#[derive(Debug)]
struct SelectOption {
    value: String,
    label: String,
    selected: bool,
}

/// A way out of an empty result, as a link.
#[derive(Debug)]
struct SuggestionLink {
    text: String,
    href: String,
}

#[derive(Template)]
#[template(path = "programs/index.html")]
struct ListTemplate {
    hits: Vec<HitView>,
    total: usize,
    page: usize,
    pages: usize,
    q: String,
    facets: Vec<FacetSelect>,
    sorts: Vec<SelectOption>,
    suggestions: Vec<SuggestionLink>,
    truncated: bool,
    /// Nothing open matched, so every status is shown.
    widened: bool,
    /// The search as URL parameters, for paging (empty for the default search).
    query: String,
    /// The same in the parameters the feeds read.
    feed_query: String,
    /// The search asks for something, so it can be subscribed to.
    subscribable: bool,
}

/// `GET /programs?q=…&area=…&industry=…&purpose=…&level=…&kind=…&status=…&amount=…&sort=…&page=…`:
/// full-text search with facets; also reads the simple list's `window`.
pub async fn list_programs(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Html<String>, AppError> {
    let mut params = SearchParams::from_uri(&uri, PAGE_SIZE)?;
    let catalog = state.catalog();
    let index = state.search_index();
    let today = clock::today();
    let mut first = index.search(&params.page_query(params.page), today)?;
    // Words that name only programs not open now (「持続化」 between rounds) show those
    // programs, said so, rather than nothing: the owner learns the program and its window.
    let widened = first.total == 0
        && params.query.status == Some(WindowState::Open)
        && first.suggestions.iter().any(
            |s| matches!(s, Suggestion::Filter { filter: FilterKind::Status, total } if *total > 0),
        );
    if widened {
        params.query.status = None;
        first = index.search(&params.page_query(params.page), today)?;
    }
    if first.total == 0 {
        state.analytics().count_zero_results(&params.query.text);
    }
    let pages = first.total.div_ceil(PAGE_SIZE).max(1);
    let page = params.page.min(pages);
    let results = if page == params.page {
        first
    } else {
        index.search(&params.page_query(page), today)?
    };
    let hits = results
        .hits
        .into_iter()
        .filter_map(|hit| {
            catalog.get(&hit.id).map(|program| HitView {
                row: ProgramRow::of(program),
                title: hit.title,
                summary: hit.summary,
            })
        })
        .collect();
    let suggestions = results
        .suggestions
        .iter()
        .map(|s| suggestion_link(&params, s))
        .collect();
    let page = ListTemplate {
        hits,
        total: results.total,
        page,
        pages,
        q: params.query.text.clone(),
        facets: results.facets.iter().map(facet_select).collect(),
        sorts: Sort::ALL
            .iter()
            .map(|s| SelectOption {
                value: s.code().to_owned(),
                label: s.label().to_owned(),
                selected: *s == params.query.sort,
            })
            .collect(),
        suggestions,
        truncated: results.truncated,
        widened,
        query: params.to_query_string(),
        feed_query: params.feed_query(),
        subscribable: params.has_criteria(),
    };
    Ok(Html(page.render()?))
}

fn facet_select(facet: &Facet) -> FacetSelect {
    let (any, any_value) = match facet.filter {
        FilterKind::Status => ("すべての受付状況", "all"),
        FilterKind::Area => ("全国（地域を指定しない）", ""),
        _ => ("すべて", ""),
    };
    FacetSelect {
        param: facet.filter.param(),
        label: facet.filter.label(),
        any,
        any_value,
        options: facet
            .values
            .iter()
            .filter(|v| v.count > 0 || v.selected)
            .map(|v| SelectOption {
                value: v.code.clone(),
                label: format!("{}（{}件）", v.label, v.count),
                selected: v.selected,
            })
            .collect(),
    }
}

fn suggestion_link(params: &SearchParams, suggestion: &Suggestion) -> SuggestionLink {
    let (text, query) = match suggestion {
        Suggestion::Word { word, total } => (
            format!("「{word}」を外して検索する（{total}件）"),
            params.without_word(word),
        ),
        Suggestion::Filter {
            filter: FilterKind::Status,
            total,
        } if params.query.status == Some(WindowState::Open) => (
            format!("受付中以外の制度も含める（{total}件）"),
            params.without(FilterKind::Status),
        ),
        Suggestion::Filter { filter, total } => (
            format!("{}の絞り込みを外す（{total}件）", filter.label()),
            params.without(*filter),
        ),
    };
    SuggestionLink {
        text,
        href: if query.is_empty() {
            "/programs".to_owned()
        } else {
            format!("/programs?{query}")
        },
    }
}

/// One condition of the program page, as plain Japanese.
#[derive(Debug)]
struct ConditionText {
    text: String,
    depth: usize,
    to_confirm: bool,
}

#[derive(Template)]
#[template(path = "programs/show.html")]
struct ShowTemplate {
    p: ProgramPage,
    /// The conditions as a tree: groups nest their conditions.
    conditions: Vec<TreeLine<ConditionText>>,
    derived_rule: bool,
    /// The documents, judged from the visitor's answers when there are any.
    documents: Checklist,
    /// The checklist follows the visitor's answers.
    personal: bool,
}

pub async fn show_program(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let id = ProgramId::parse(&id).map_err(|_| AppError::NotFound)?;
    let catalog = state.catalog();
    let program = catalog.get(&id).ok_or(AppError::NotFound)?;
    state.analytics().count(Metric::ProgramView, id.as_str());
    let (conditions, origin) = catalog
        .conditions(&id, clock::today())
        .unwrap_or((Vec::new(), RuleOrigin::Derived));
    // With answers, the checklist is this business's, so the page must stay out of caches.
    let answers = match Visitor::load(&state, &headers).await? {
        Some(visitor) => Some(Wizard::from_data(&visitor.data).profile),
        None => None,
    }
    .filter(|profile| *profile != Profile::default());
    let documents = Checklist::of(
        program,
        answers.as_ref().unwrap_or(&Profile::default()),
        clock::today(),
    );
    let page = Html(
        ShowTemplate {
            p: ProgramPage::of(program),
            documents,
            personal: answers.is_some(),
            conditions: tree_lines(&conditions, |c, _| ConditionText {
                text: c.text.clone(),
                depth: c.depth.min(4),
                to_confirm: c.status == ConditionStatus::ToConfirm,
            }),
            derived_rule: origin != RuleOrigin::Program,
        }
        .render()?,
    )
    .into_response();
    Ok(if answers.is_some() {
        never_cached(page).await
    } else {
        page
    })
}
