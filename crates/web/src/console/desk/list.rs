//! `GET /console/desk`: the case list, filtered and paged in the database, with the bell
//! (what is waiting, for this user) above it. A 専門家 sees only their own cases.

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::calendar::{BusinessCalendar, DayEdge, JstDateTime};
use madoguchi_core::desk::{CaseState, Category, is_overdue, overdue_before};
use madoguchi_store::{Case, CaseQuery};
use serde::Deserialize;

use super::access::DeskUser;
use super::bell::Bell;
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::desk::DeskSettings;
use crate::http::clock;
use crate::site::view::date_label;
use crate::{AppError, AppState};

const PER_PAGE: u32 = 50;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    state: Option<String>,
    category: Option<String>,
    overdue: Option<String>,
    page: Option<u32>,
}

/// One choice of a filter.
#[derive(Debug)]
pub struct FilterChoice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One case as the list shows it: no personal data.
#[derive(Debug)]
pub struct CaseRow {
    pub id: i64,
    pub receipt: String,
    pub state: &'static str,
    pub category: String,
    pub requester: &'static str,
    pub received: String,
    pub expert: String,
    pub sessions: String,
    pub overdue: bool,
}

#[derive(Template)]
#[template(path = "console/desk/list.html")]
struct ListPage {
    frame: Option<Frame>,
    bell: Bell,
    states: Vec<FilterChoice>,
    categories: Vec<FilterChoice>,
    overdue_only: bool,
    rows: Vec<CaseRow>,
    total: u64,
    page: u32,
    pages: u32,
    /// The filters as a query string, for the page links.
    filters: String,
    is_expert: bool,
    first_contact_days: u32,
}

/// The database's cut-off for cases whose first contact is overdue today.
pub fn overdue_cut_off(settings: &DeskSettings) -> time::OffsetDateTime {
    let day = overdue_before(
        BusinessCalendar::bundled(),
        settings.first_contact_days,
        clock::today(),
    );
    JstDateTime::from_date(day, DayEdge::Start).as_offset()
}

/// `GET /console/desk`.
pub async fn list_cases(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let user = DeskUser::of(&state, &staff).await?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let settings = DeskSettings::load(state.store()).await?;
    let picked_state = query.state.as_deref().and_then(CaseState::parse);
    let picked_category = query
        .category
        .as_deref()
        .and_then(|c| Category::parse(c).ok());
    let overdue_only = query.overdue.as_deref() == Some("1");
    let page = query.page.unwrap_or(1).max(1);
    let filter = CaseQuery {
        state: picked_state,
        open_only: false,
        category: picked_category.clone(),
        expert_id: user.own_expert().map(str::to_owned),
        uncontacted_before: overdue_only.then(|| overdue_cut_off(&settings)),
        page,
        per_page: PER_PAGE,
    };
    let found = state.store().cases(&filter).await?;
    let experts = experts_named(
        state.store(),
        found.cases.iter().filter_map(|c| c.expert_id.as_deref()),
    )
    .await?;
    let today = clock::today();
    let rows = found
        .cases
        .iter()
        .map(|case| row(case, &settings, &experts, today))
        .collect();
    let mut filters = Vec::new();
    if let Some(s) = picked_state {
        filters.push(format!("state={}", s.code()));
    }
    if let Some(c) = &picked_category {
        filters.push(format!("category={c}"));
    }
    if overdue_only {
        filters.push("overdue=1".to_owned());
    }
    let page_view = ListPage {
        frame: Some(staff.frame("/console/desk")),
        bell: Bell::of(&state, &user, &settings).await?,
        states: CaseState::ALL
            .iter()
            .map(|s| FilterChoice {
                value: s.code().to_owned(),
                label: s.label().to_owned(),
                selected: picked_state == Some(*s),
            })
            .collect(),
        categories: settings
            .categories
            .iter()
            .map(|c| FilterChoice {
                value: c.category.to_string(),
                label: c.label.clone(),
                selected: picked_category.as_ref() == Some(&c.category),
            })
            .collect(),
        overdue_only,
        rows,
        total: found.total,
        page,
        pages: u32::try_from(found.total.div_ceil(u64::from(PER_PAGE)))
            .unwrap_or(u32::MAX)
            .max(1),
        filters: filters.join("&"),
        is_expert: user.own_expert().is_some(),
        first_contact_days: settings.first_contact_days,
    };
    Ok(Html(page_view.render()?).into_response())
}

fn row(
    case: &Case,
    settings: &DeskSettings,
    experts: &[madoguchi_store::ExpertEntry],
    today: time::Date,
) -> CaseRow {
    let received = case
        .received_at
        .to_offset(madoguchi_core::calendar::JST)
        .date();
    CaseRow {
        id: case.id,
        receipt: case.receipt.clone(),
        state: case.state.label(),
        category: settings.label_of(&case.category).to_owned(),
        requester: case.requester.label(),
        received: date_label(received),
        expert: case
            .expert_id
            .as_deref()
            .map(|id| expert_name(experts, id))
            .unwrap_or_default(),
        sessions: format!("{}／{}回", case.sessions, case.max_sessions),
        overdue: case.state == CaseState::Received
            && is_overdue(
                BusinessCalendar::bundled(),
                received,
                settings.first_contact_days,
                today,
            ),
    }
}

/// The registry entries of the experts `ids` name, each read once: a page names a few,
/// the registry may hold thousands.
pub async fn experts_named<'a>(
    store: &madoguchi_store::Store,
    ids: impl IntoIterator<Item = &'a str>,
) -> Result<Vec<madoguchi_store::ExpertEntry>, madoguchi_store::StoreError> {
    let mut wanted: Vec<&str> = ids.into_iter().collect();
    wanted.sort_unstable();
    wanted.dedup();
    let mut found = Vec::with_capacity(wanted.len());
    for id in wanted {
        found.extend(store.expert(id).await?);
    }
    Ok(found)
}

/// An expert's name by registry id; the id itself for one no longer registered.
pub fn expert_name(experts: &[madoguchi_store::ExpertEntry], id: &str) -> String {
    experts
        .iter()
        .find(|e| e.expert.id == id)
        .map_or_else(|| id.to_owned(), |e| e.expert.name.clone())
}
