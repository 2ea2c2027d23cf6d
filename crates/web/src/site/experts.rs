//! The public profiles of the desk's registered advisors, partner companies and side-job
//! professionals: `/experts` and `/experts/{id}`. Only what an expert chose to publish is
//! shown (their profile text, categories and whether they advise online); contact details,
//! capacity and conflicts of interest stay in the console. An expert without a profile has
//! no public page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::desk::ExpertKind;
use madoguchi_store::ExpertEntry;

use crate::desk::DeskSettings;
use crate::{AppError, AppState};

/// One expert as the public sees them.
#[derive(Debug)]
pub struct PublicExpert {
    pub id: String,
    pub name: String,
    pub kind: &'static str,
    pub categories: Vec<String>,
    pub remote: bool,
    pub profile: String,
}

impl PublicExpert {
    fn of(entry: &ExpertEntry, settings: &DeskSettings) -> Self {
        Self {
            id: entry.expert.id.clone(),
            name: entry.expert.name.clone(),
            kind: entry.expert.kind.label(),
            categories: entry
                .expert
                .categories
                .iter()
                .map(|c| settings.label_of(c).to_owned())
                .collect(),
            remote: entry.expert.area.remote,
            profile: entry.profile.clone(),
        }
    }
}

/// Experts of one kind, for the list's sections.
#[derive(Debug)]
pub struct KindGroup {
    pub label: &'static str,
    pub experts: Vec<PublicExpert>,
}

#[derive(Template)]
#[template(path = "experts/index.html")]
struct IndexPage {
    groups: Vec<KindGroup>,
}

#[derive(Template)]
#[template(path = "experts/show.html")]
struct ShowPage {
    e: PublicExpert,
}

fn published(entry: &ExpertEntry) -> bool {
    !entry.profile.trim().is_empty()
}

/// `GET /experts`.
pub async fn list_experts(State(state): State<AppState>) -> Result<Response, AppError> {
    let settings = DeskSettings::load(state.store()).await?;
    let registry = state.store().experts().await?;
    let groups = ExpertKind::ALL
        .iter()
        .map(|&kind| KindGroup {
            label: kind.label(),
            experts: registry
                .iter()
                .filter(|e| e.expert.kind == kind && published(e))
                .map(|e| PublicExpert::of(e, &settings))
                .collect(),
        })
        .filter(|g| !g.experts.is_empty())
        .collect();
    Ok(Html(IndexPage { groups }.render()?).into_response())
}

/// `GET /experts/{id}`.
pub async fn show_expert(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    let entry = state
        .store()
        .expert(&id)
        .await?
        .filter(published)
        .ok_or(AppError::NotFound)?;
    let settings = DeskSettings::load(state.store()).await?;
    Ok(Html(
        ShowPage {
            e: PublicExpert::of(&entry, &settings),
        }
        .render()?,
    )
    .into_response())
}
