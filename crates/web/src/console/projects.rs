//! Side-job projects (副業人材): a business's project, the professionals proposed for it,
//! and the match a coordinator approves.
//!
//! 大田区 matches its manufacturers with professionals who work for them on the side; here
//! a coordinator (職員) posts a business's project at `/console/projects`, sees on
//! `/console/projects/{id}` the three professionals the desk's matching engine proposes
//! (with its reasons, and who was left out and why), approves one, and then moves the
//! project on 応募 → 面談 → 合意 → 実施中 → 完了, the last with a short review from each
//! side. Every change is one POST with the session's CSRF token, names the revision it was
//! made on and is written with its audit entry by the store; a change on an old revision is
//! refused with a conflict page, so two coordinators acting at once cannot both win. The
//! form and the reviews are checked by `madoguchi_core::desk`, and a refused form comes
//! back with every message beside its field and everything typed still in it.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use madoguchi_core::calendar::{FiscalYear, JST};
use madoguchi_core::desk::{
    Candidate, Category, ExpertKind, FieldError, Project, ProjectForm, ProjectState, ProjectStep,
    Reward, Standing, WorkStyle, check_reviews, project_steps_from, propose,
};
use madoguchi_core::reference::local_gov;
use madoguchi_core::staff::Role;
use madoguchi_store::{ExpertEntry, ProjectChange, ProjectEntry, ProjectQuery, StoreError};
use serde::Deserialize;
use time::{Date, OffsetDateTime, Time};

use super::staff::Staff;
use crate::desk::DeskSettings;
use crate::http::clock;
use crate::http::form::FormData;
use crate::site::view::date_label;
use crate::{AppError, AppState};

const LIST: &str = "/console/projects";
/// Professionals proposed for a project.
const PROPOSALS: usize = 3;
const PER_PAGE: u32 = 20;

/// Every route of the projects pages.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/console/projects", get(list_projects).post(create_project))
        .route("/console/projects/{id}", get(show_project))
        .route("/console/projects/{id}/approve", post(approve_talent))
        .route("/console/projects/{id}/step", post(step_project))
        .route("/console/projects/{id}/complete", post(complete_project))
}

/// One choice of a select or a group of radio buttons.
#[derive(Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// One field of the project form: what was typed and the message beside it, if any.
#[derive(Debug)]
pub struct FieldView {
    pub name: &'static str,
    pub label: &'static str,
    pub required: bool,
    pub hint: &'static str,
    /// `text`, `textarea`, `date`, `number`, `select` or `radios`.
    pub control: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub error: Option<String>,
}

impl FieldView {
    pub fn id(&self) -> String {
        format!("project-{}", self.name)
    }

    /// The ids of the hint and the error, for `aria-describedby`.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("project-{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("project-{}-error", self.name));
        }
        ids.join(" ")
    }

    pub fn is_group(&self) -> bool {
        self.control == "radios"
    }
}

/// The fields of the form, as `(name, label, required, hint, control)`, in order.
const FIELDS: [(&str, &str, bool, &str, &str); 11] = [
    ("business", "事業者名", true, "", "text"),
    (
        "goal",
        "プロジェクトの目的",
        true,
        "何のために、何を変えたいか。1,000文字以内。",
        "textarea",
    ),
    (
        "deliverable",
        "成果物",
        true,
        "終わったときに何が残るか（仕組み、資料、手順書など）。1,000文字以内。",
        "textarea",
    ),
    (
        "hours_per_week",
        "1週間あたりの時間",
        true,
        "1から40までの整数（時間）。",
        "number",
    ),
    ("work_style", "働き方", true, "", "radios"),
    ("reward", "報酬", true, "", "radios"),
    ("starts", "開始日", true, "例：2027-04-01", "date"),
    ("ends", "終了日", true, "例：2027-09-30", "date"),
    ("category", "分野", true, "", "select"),
    (
        "place",
        "所在地（市区町村コード）",
        false,
        "全国地方公共団体コードの半角数字6桁（例：131113 は東京都大田区）。空欄でもかまいません。",
        "text",
    ),
    (
        "tags",
        "求めるスキル",
        false,
        "「、」か空白で区切って10個まで（例：生産管理、Excel）。",
        "text",
    ),
];

/// The form as typed (every field empty for a new one) with the errors beside its fields.
fn form_fields(form: &FormData, settings: &DeskSettings, errors: &[FieldError]) -> Vec<FieldView> {
    let typed = |name: &str| form.get(name).unwrap_or_default().to_owned();
    let choices = |pairs: Vec<(String, String)>, chosen: &str| -> Vec<Choice> {
        pairs
            .into_iter()
            .map(|(value, label)| Choice {
                selected: value == chosen,
                value,
                label,
            })
            .collect()
    };
    FIELDS
        .iter()
        .map(|&(name, label, required, hint, control)| {
            let value = typed(name);
            let options = match name {
                "work_style" => WorkStyle::ALL
                    .iter()
                    .map(|s| (s.code().to_owned(), s.label().to_owned()))
                    .collect(),
                "reward" => Reward::ALL
                    .iter()
                    .map(|r| (r.code().to_owned(), r.label().to_owned()))
                    .collect(),
                "category" => std::iter::once((String::new(), "選んでください".to_owned()))
                    .chain(
                        settings
                            .categories
                            .iter()
                            .map(|c| (c.category.as_str().to_owned(), c.label.clone())),
                    )
                    .collect(),
                _ => Vec::new(),
            };
            FieldView {
                name,
                label,
                required,
                hint,
                control,
                options: choices(options, &value),
                value,
                error: message_for(errors, name),
            }
        })
        .collect()
}

/// The messages for one field, joined.
fn message_for(errors: &[FieldError], field: &str) -> Option<String> {
    let said: Vec<&str> = errors
        .iter()
        .filter(|e| e.field == field)
        .map(|e| e.message.as_str())
        .collect();
    (!said.is_empty()).then(|| said.join(""))
}

/// One project as the list shows it.
#[derive(Debug)]
pub struct ProjectRow {
    pub id: i64,
    pub business: String,
    pub category: String,
    pub state: &'static str,
    pub talent: String,
    pub period: String,
    pub updated: String,
}

#[derive(Template)]
#[template(path = "console/projects/list.html")]
struct ListPage {
    frame: Option<super::Frame>,
    csrf: String,
    rows: Vec<ProjectRow>,
    total: u64,
    page: u32,
    previous: Option<u32>,
    next: Option<u32>,
    fields: Vec<FieldView>,
    errors: Vec<FieldError>,
}

#[derive(Debug, Deserialize)]
pub struct ListQuery {
    page: Option<u32>,
}

/// `GET /console/projects`: the projects, newest first, and the form for a new one.
pub async fn list_projects(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let page = query.ok().and_then(|Query(q)| q.page).unwrap_or(1).max(1);
    render_list(
        &state,
        &staff,
        StatusCode::OK,
        page,
        &FormData::default(),
        Vec::new(),
    )
    .await
}

/// `POST /console/projects`: posts a business's project, or shows the form again with
/// every problem beside its field.
pub async fn create_project(
    State(state): State<AppState>,
    staff: Staff,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let settings = DeskSettings::load(state.store()).await?;
    let field = |name: &str| form.get(name).unwrap_or_default();
    let typed = ProjectForm {
        business: field("business"),
        goal: field("goal"),
        deliverable: field("deliverable"),
        hours_per_week: field("hours_per_week"),
        work_style: field("work_style"),
        reward: field("reward"),
        starts: field("starts"),
        ends: field("ends"),
        category: field("category"),
        place: field("place"),
        tags: field("tags"),
    };
    match Project::check(&typed, &settings.category_codes()) {
        Ok(project) => {
            let created = state
                .store()
                .create_project(&project, &staff.desk_actor())
                .await?;
            Ok(Redirect::to(&format!("{LIST}/{}?done=created", created.id)).into_response())
        }
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            render_list(&state, &staff, status, 1, &form, errors).await
        }
    }
}

async fn render_list(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    page: u32,
    form: &FormData,
    errors: Vec<FieldError>,
) -> Result<Response, AppError> {
    let settings = DeskSettings::load(state.store()).await?;
    let listed = state
        .store()
        .projects(&ProjectQuery {
            state: None,
            page,
            per_page: PER_PAGE,
        })
        .await?;
    let names = talent_names(&state.store().experts().await?);
    let rows = listed
        .projects
        .iter()
        .map(|p| ProjectRow {
            id: p.id,
            business: p.project.business.clone(),
            category: settings.label_of(&p.project.category).to_owned(),
            state: p.state.label(),
            talent: p
                .talent_id
                .as_ref()
                .map(|id| names.get(id).cloned().unwrap_or_else(|| id.clone()))
                .unwrap_or_default(),
            period: period(&p.project),
            updated: date_label(p.updated_at.to_offset(JST).date()),
        })
        .collect();
    let last_page = u32::try_from(listed.total.div_ceil(u64::from(PER_PAGE))).unwrap_or(u32::MAX);
    let page_view = ListPage {
        frame: Some(staff.frame(LIST)),
        csrf: staff.csrf.clone(),
        rows,
        total: listed.total,
        page,
        previous: (page > 1).then(|| page - 1),
        next: (page < last_page).then(|| page + 1),
        fields: form_fields(form, &settings, &errors),
        errors,
    };
    Ok((status, Html(page_view.render()?)).into_response())
}

/// A proposed professional with the engine's reasons.
#[derive(Debug)]
pub struct ProposalView {
    pub id: String,
    pub name: String,
    pub score: u32,
    pub reasons: Vec<String>,
}

/// One step button of the project page.
#[derive(Debug)]
pub struct StepButton {
    pub code: &'static str,
    pub label: &'static str,
}

/// A label and its value in the project's description.
#[derive(Debug)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "console/projects/show.html")]
struct ShowPage {
    frame: Option<super::Frame>,
    csrf: String,
    id: i64,
    business: String,
    state: &'static str,
    revision: u32,
    facts: Vec<Fact>,
    notice: Option<&'static str>,
    /// Shown while the project waits for a professional.
    matching: bool,
    proposals: Vec<ProposalView>,
    left_out: Vec<(String, String)>,
    steps: Vec<StepButton>,
    /// The reviews' form, while the work is under way.
    completing: bool,
    business_review: String,
    talent_review: String,
    review_errors: Vec<FieldError>,
    /// The reviews, once done.
    reviews: Option<(String, String)>,
}

impl ShowPage {
    fn review_error(&self, field: &str) -> Option<String> {
        message_for(&self.review_errors, field)
    }
}

#[derive(Debug, Deserialize)]
pub struct ShowQuery {
    done: Option<String>,
}

/// `GET /console/projects/{id}`: the project, the professionals proposed for it while it
/// waits for one, and the steps it can take now.
pub async fn show_project(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    query: Result<Query<ShowQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Staff)?;
    let project = load(&state, &id).await?;
    let notice = match query.ok().and_then(|Query(q)| q.done).as_deref() {
        Some("created") => {
            Some("案件を登録しました。提案された副業人材を確かめて、承認してください。")
        }
        Some("approved") => Some("マッチングを承認しました（応募）。"),
        Some("step") => Some("案件の状態を変更しました。"),
        Some("completed") => Some("案件を完了にしました。評価を記録しました。"),
        _ => None,
    };
    let reviews = Reviews::default();
    render_show(&state, &staff, StatusCode::OK, &project, notice, reviews).await
}

/// What was typed in the reviews' form and what was wrong with it.
#[derive(Debug, Default)]
struct Reviews {
    business: String,
    talent: String,
    errors: Vec<FieldError>,
}

async fn render_show(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    entry: &ProjectEntry,
    notice: Option<&'static str>,
    reviews: Reviews,
) -> Result<Response, AppError> {
    let settings = DeskSettings::load(state.store()).await?;
    let registry = state.store().experts().await?;
    let names = talent_names(&registry);
    let project = &entry.project;
    let matching = entry.state == ProjectState::Open;
    let (proposals, left_out) = if matching {
        let proposed = proposals_for(state, project, &registry).await?;
        (proposed.0, proposed.1)
    } else {
        (Vec::new(), Vec::new())
    };
    let place = project
        .place
        .map(|code| local_gov(code).map_or_else(|| code.to_string(), |gov| gov.full_name()));
    let mut facts = vec![
        Fact {
            label: "状態",
            value: entry.state.label().to_owned(),
        },
        Fact {
            label: "プロジェクトの目的",
            value: project.goal.clone(),
        },
        Fact {
            label: "成果物",
            value: project.deliverable.clone(),
        },
        Fact {
            label: "1週間あたりの時間",
            value: format!("{}時間", project.hours_per_week),
        },
        Fact {
            label: "働き方",
            value: project.work_style.label().to_owned(),
        },
        Fact {
            label: "報酬",
            value: project.reward.label().to_owned(),
        },
        Fact {
            label: "期間",
            value: period(project),
        },
        Fact {
            label: "分野",
            value: settings.label_of(&project.category).to_owned(),
        },
        Fact {
            label: "所在地",
            value: place.unwrap_or_else(|| "指定なし".to_owned()),
        },
        Fact {
            label: "求めるスキル",
            value: if project.tags.is_empty() {
                "指定なし".to_owned()
            } else {
                project.tags.join("、")
            },
        },
    ];
    if let Some(talent) = &entry.talent_id {
        facts.push(Fact {
            label: "副業人材",
            value: names.get(talent).cloned().unwrap_or_else(|| talent.clone()),
        });
        if !entry.reasons.is_empty() {
            facts.push(Fact {
                label: "承認したときの提案の理由",
                value: entry.reasons.clone(),
            });
        }
    }
    let steps = project_steps_from(entry.state)
        .into_iter()
        .filter(|s| !matches!(s, ProjectStep::Approve | ProjectStep::Complete))
        .map(|s| StepButton {
            code: s.code(),
            label: s.label(),
        })
        .collect();
    let page = ShowPage {
        frame: Some(staff.frame(LIST)),
        csrf: staff.csrf.clone(),
        id: entry.id,
        business: project.business.clone(),
        state: entry.state.label(),
        revision: entry.revision,
        facts,
        notice,
        matching,
        proposals,
        left_out,
        steps,
        completing: entry.state == ProjectState::Active,
        business_review: reviews.business,
        talent_review: reviews.talent,
        review_errors: reviews.errors,
        reviews: (entry.state == ProjectState::Done)
            .then(|| (entry.business_review.clone(), entry.talent_review.clone())),
    };
    Ok((status, Html(page.render()?)).into_response())
}

type Proposed = (Vec<ProposalView>, Vec<(String, String)>);

/// The professionals the engine proposes for the project today, best first, with the
/// side-job professionals it left out and why.
async fn proposals_for(
    state: &AppState,
    project: &Project,
    registry: &[ExpertEntry],
) -> Result<Proposed, AppError> {
    let standings = standings(state, &project.category).await?;
    let candidates: Vec<Candidate<'_>> = registry
        .iter()
        .filter(|e| e.expert.kind == ExpertKind::Talent)
        .map(|e| Candidate {
            expert: &e.expert,
            standing: standings.get(&e.expert.id).copied().unwrap_or_default(),
        })
        .collect();
    let matched = propose(
        &project.need(clock::today()),
        ExpertKind::Talent,
        &candidates,
        PROPOSALS,
    );
    let proposals = matched
        .proposals
        .iter()
        .map(|p| ProposalView {
            id: p.expert.id.clone(),
            name: p.expert.name.clone(),
            score: p.score,
            reasons: p.reasons.clone(),
        })
        .collect();
    let left_out = matched
        .excluded
        .iter()
        .map(|(expert, why)| (expert.name.clone(), why.message()))
        .collect();
    Ok((proposals, left_out))
}

/// Each professional's standing: consultations introduced and projects approved this month
/// and this fiscal year (in JST), and similar ones completed.
async fn standings(
    state: &AppState,
    category: &Category,
) -> Result<HashMap<String, Standing>, AppError> {
    let today = clock::today();
    let month_start = today.replace_day(1).unwrap_or(today);
    let next_month = month_start
        .checked_add(time::Duration::days(32))
        .and_then(|d| d.replace_day(1).ok())
        .unwrap_or(today);
    let fiscal = FiscalYear::containing(today);
    let month = (midnight(month_start), midnight(next_month));
    let year = (
        midnight(fiscal.first_day()),
        midnight(fiscal.last_day().next_day().unwrap_or(today)),
    );
    let mut standings = state.store().standings(category, month, year).await?;
    for (id, more) in state
        .store()
        .project_standings(category, month, year)
        .await?
    {
        let standing = standings.entry(id).or_default();
        standing.this_month += more.this_month;
        standing.this_fiscal_year += more.this_fiscal_year;
        standing.similar_closed += more.similar_closed;
    }
    Ok(standings)
}

fn midnight(date: Date) -> OffsetDateTime {
    date.with_time(Time::MIDNIGHT).assume_offset(JST)
}

/// `POST /console/projects/{id}/approve`: approves the match with one of the professionals
/// proposed now (応募), keeping the proposal's reasons.
pub async fn approve_talent(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, entry, revision) = project_form(&state, &staff, &id, body).await?;
    let talent_id = form.get("talent_id").unwrap_or_default();
    let registry = state.store().experts().await?;
    let (proposals, _) = proposals_for(&state, &entry.project, &registry).await?;
    let Some(chosen) = proposals.iter().find(|p| p.id == talent_id) else {
        return Err(AppError::Conflict(
            "この副業人材は、いまはこの案件の提案に含まれていません。画面を開き直して、提案を確かめてから承認してください。"
                .to_owned(),
        ));
    };
    let change = ProjectChange::Approve {
        talent_id,
        reasons: &chosen.reasons.join("\n"),
    };
    apply(&state, &staff, &entry, revision, &change, "approved").await
}

/// `POST /console/projects/{id}/step`: 面談へ, 合意, 実施中, back to 募集中, or 取りやめ.
pub async fn step_project(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, entry, revision) = project_form(&state, &staff, &id, body).await?;
    let change = match ProjectStep::parse(form.get("step").unwrap_or_default()) {
        Some(ProjectStep::Interview) => ProjectChange::Interview,
        Some(ProjectStep::Agree) => ProjectChange::Agree,
        Some(ProjectStep::Start) => ProjectChange::Start,
        Some(ProjectStep::Reopen) => ProjectChange::Reopen,
        Some(ProjectStep::Cancel) => ProjectChange::Cancel,
        _ => {
            return Err(AppError::BadRequest(
                "操作を読み取れませんでした。画面を開き直して、もう一度操作してください。"
                    .to_owned(),
            ));
        }
    };
    apply(&state, &staff, &entry, revision, &change, "step").await
}

/// `POST /console/projects/{id}/complete`: 完了, with both sides' reviews; a review
/// missing or too long comes back beside its field, as typed.
pub async fn complete_project(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let (form, entry, revision) = project_form(&state, &staff, &id, body).await?;
    let business = form.get("business_review").unwrap_or_default();
    let talent = form.get("talent_review").unwrap_or_default();
    if let Err(errors) = check_reviews(business, talent) {
        let reviews = Reviews {
            business: business.to_owned(),
            talent: talent.to_owned(),
            errors,
        };
        let status = StatusCode::UNPROCESSABLE_ENTITY;
        return render_show(&state, &staff, status, &entry, None, reviews).await;
    }
    let change = ProjectChange::Complete {
        business_review: business,
        talent_review: talent,
    };
    apply(&state, &staff, &entry, revision, &change, "completed").await
}

/// What every change starts with: the form, checked for 職員 and its token, the project the
/// path names (404 if none) and the revision the page was showing.
async fn project_form(
    state: &AppState,
    staff: &Staff,
    id: &str,
    body: Result<Bytes, BytesRejection>,
) -> Result<(FormData, ProjectEntry, u32), AppError> {
    let form = FormData::read(body)?;
    staff.authorize(Role::Staff, &form)?;
    let entry = load(state, id).await?;
    let revision = form
        .get("revision")
        .and_then(|r| r.trim().parse::<u32>().ok())
        .ok_or_else(|| {
            AppError::BadRequest(
                "画面の版を読み取れませんでした。画面を開き直して、もう一度操作してください。"
                    .to_owned(),
            )
        })?;
    Ok((form, entry, revision))
}

/// Applies a change through the store (which writes its audit entry and refuses an old
/// revision with a conflict page), then back to the project with a notice.
async fn apply(
    state: &AppState,
    staff: &Staff,
    entry: &ProjectEntry,
    revision: u32,
    change: &ProjectChange<'_>,
    done: &str,
) -> Result<Response, AppError> {
    state
        .store()
        .change_project(entry.id, revision, change, &staff.desk_actor())
        .await?;
    Ok(Redirect::to(&format!("{LIST}/{}?done={done}", entry.id)).into_response())
}

/// The project the path names, or 404.
async fn load(state: &AppState, id: &str) -> Result<ProjectEntry, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    match state.store().project(id).await {
        Err(StoreError::UnknownProject(_)) => Err(AppError::NotFound),
        other => Ok(other?),
    }
}

/// The side-job professionals' names by id.
fn talent_names(registry: &[ExpertEntry]) -> HashMap<String, String> {
    registry
        .iter()
        .filter(|e| e.expert.kind == ExpertKind::Talent)
        .map(|e| (e.expert.id.clone(), e.expert.name.clone()))
        .collect()
}

/// 「2027年4月1日（令和9年）〜2027年9月30日（令和9年）」.
fn period(project: &Project) -> String {
    format!(
        "{}〜{}",
        date_label(project.starts),
        date_label(project.ends)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fields_hint_and_error_describe_it() {
        let form = FormData::from_pairs(vec![("business".to_owned(), "（例）町工場".to_owned())]);
        let errors = [FieldError {
            field: "goal",
            message: "プロジェクトの目的を入力してください。".to_owned(),
        }];
        let fields = form_fields(&form, &DeskSettings::default(), &errors);
        assert_eq!(fields.len(), FIELDS.len());
        assert_eq!(fields[0].value, "（例）町工場");
        assert_eq!(fields[0].described_by(), "");
        assert_eq!(
            fields[1].described_by(),
            "project-goal-hint project-goal-error"
        );
        let category = fields.iter().find(|f| f.name == "category").unwrap();
        assert_eq!(category.options.len(), 6);
        assert!(
            fields
                .iter()
                .find(|f| f.name == "reward")
                .unwrap()
                .is_group()
        );
    }
}
