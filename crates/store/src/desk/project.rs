//! Side-job projects (副業人材) as the store keeps them: the project a business posted, the
//! professional a coordinator approved, where it stands and both sides' reviews.
//!
//! Every change names the revision it was made on and lands in one transaction with its
//! audit entry, so two coordinators approving different professionals at once cannot both
//! win, and nothing happens to a project that the audit log does not show. Approvals are
//! counted per professional for matching, beside the introductions of consultations.

use std::collections::HashMap;

use madoguchi_core::desk::{
    Category, ExpertKind, Project, ProjectState, ProjectStep, Standing, check_reviews,
    next_project_state,
};
use madoguchi_core::staff::Action;
use time::OffsetDateTime;

use super::{DeskActor, sql as desk_sql};
use crate::audit;
use crate::db::{Db, WriteLock, query};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{Store, StoreError};

/// One project as stored. Times are in UTC, to the whole second.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectEntry {
    pub id: i64,
    pub state: ProjectState,
    /// Bumped by every change; a change names the revision it was made on.
    pub revision: u32,
    pub project: Project,
    /// The professional approved, while matched and after (kept when it ends).
    pub talent_id: Option<String>,
    /// Why the professional was proposed, as the proposal said at the approval.
    pub reasons: String,
    /// The business's review of the work, written when it was done.
    pub business_review: String,
    /// The professional's review, written when it was done.
    pub talent_review: String,
    pub created_at: OffsetDateTime,
    pub updated_at: OffsetDateTime,
    pub approved_at: Option<OffsetDateTime>,
    pub done_at: Option<OffsetDateTime>,
}

/// What a coordinator does to a project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectChange<'a> {
    /// Approve the match with a proposed professional, with the proposal's reasons.
    Approve {
        talent_id: &'a str,
        reasons: &'a str,
    },
    Interview,
    Agree,
    Start,
    /// Done, with both sides' reviews (each at most 400 characters).
    Complete {
        business_review: &'a str,
        talent_review: &'a str,
    },
    /// The match did not work out before an agreement: back to 募集中.
    Reopen,
    Cancel,
}

impl ProjectChange<'_> {
    pub fn step(&self) -> ProjectStep {
        match self {
            Self::Approve { .. } => ProjectStep::Approve,
            Self::Interview => ProjectStep::Interview,
            Self::Agree => ProjectStep::Agree,
            Self::Start => ProjectStep::Start,
            Self::Complete { .. } => ProjectStep::Complete,
            Self::Reopen => ProjectStep::Reopen,
            Self::Cancel => ProjectStep::Cancel,
        }
    }
}

/// Which projects a list shows, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProjectQuery {
    pub state: Option<ProjectState>,
    /// 1-based.
    pub page: u32,
    pub per_page: u32,
}

/// One page of projects and how many match in all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectPage {
    pub projects: Vec<ProjectEntry>,
    pub total: u64,
}

const MAX_REASONS_CHARS: usize = 4_000;

/// The audit log's name for a project.
fn target(id: i64) -> String {
    format!("project-{id}")
}

impl Store {
    /// Keeps a checked project as 募集中, with its audit entry (`project.create`) in one
    /// transaction.
    pub async fn create_project(
        &self,
        project: &Project,
        actor: &DeskActor,
    ) -> Result<ProjectEntry, StoreError> {
        let body = serde_json::to_string(project)
            .map_err(|err| StoreError::InvalidDesk(err.to_string()))?;
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
        let id: i64 = query(
            "INSERT INTO desk_projects (state, revision, business, category, body, created_at,
                 updated_at)
             VALUES ('open', 1, $1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(project.business.as_str())
        .bind(project.category.as_str())
        .bind(body)
        .bind(at)
        .fetch_scalar(tx.db())
        .await?;
        let entry = audit::prepare(&actor.audit(
            Action::ProjectCreate,
            Some(&target(id)),
            format!("{}・分野 {}", project.business, project.category),
        ))?;
        audit::sql::append(tx.db(), &entry, at).await?;
        tx.commit().await?;
        self.project(id).await
    }

    /// The project with this id.
    pub async fn project(&self, id: i64) -> Result<ProjectEntry, StoreError> {
        find(self.db(), id)
            .await?
            .ok_or(StoreError::UnknownProject(id))
    }

    /// One page of projects matching `query`, newest first.
    pub async fn projects(&self, filter: &ProjectQuery) -> Result<ProjectPage, StoreError> {
        let per_page = filter.per_page.clamp(1, 200);
        let offset = i64::from(filter.page.max(1) - 1) * i64::from(per_page);
        let state = filter.state.map(ProjectState::code);
        let total: i64 =
            query("SELECT COUNT(*) FROM desk_projects WHERE ($1 IS NULL OR state = $1)")
                .bind(state)
                .fetch_scalar(self.db())
                .await?;
        let sql = format!(
            "SELECT {COLUMNS} FROM desk_projects WHERE ($1 IS NULL OR state = $1)
             ORDER BY id DESC LIMIT $2 OFFSET $3"
        );
        let rows: Vec<Row> = query(&sql)
            .bind(state)
            .bind(i64::from(per_page))
            .bind(offset)
            .fetch_all(self.db())
            .await?;
        Ok(ProjectPage {
            projects: rows.into_iter().map(from_row).collect::<Result<_, _>>()?,
            total: u64::try_from(total).unwrap_or(0),
        })
    }

    /// Applies `change` to the project at `revision`, with its audit entry, in one
    /// transaction. Refused, with nothing written, when the project moved on since
    /// ([`StoreError::StaleProject`]), when its workflow does not allow the step from where
    /// it stands ([`StoreError::ProjectStep`]), when the professional is not a registered
    /// side-job professional, or when a review is missing or too long.
    pub async fn change_project(
        &self,
        id: i64,
        revision: u32,
        change: &ProjectChange<'_>,
        actor: &DeskActor,
    ) -> Result<ProjectEntry, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Desk).await?;
        let mut project = find(tx.db(), id)
            .await?
            .ok_or(StoreError::UnknownProject(id))?;
        if project.revision != revision {
            return Err(StoreError::StaleProject { id });
        }
        project.state = next_project_state(project.state, change.step())?;
        match change {
            ProjectChange::Approve { talent_id, reasons } => {
                let talent = desk_sql::find_expert(tx.db(), "id", talent_id)
                    .await?
                    .map(desk_sql::expert_from_row)
                    .transpose()?;
                if talent.is_none_or(|t| t.expert.kind != ExpertKind::Talent) {
                    return Err(StoreError::UnknownExpert((*talent_id).to_owned()));
                }
                let count = reasons.chars().count();
                if count > MAX_REASONS_CHARS {
                    return Err(StoreError::InvalidDesk(format!(
                        "承認の理由は{MAX_REASONS_CHARS}文字以内にしてください（いまは{count}文字です）"
                    )));
                }
                project.talent_id = Some((*talent_id).to_owned());
                project.reasons = (*reasons).to_owned();
                project.approved_at = Some(at);
            }
            ProjectChange::Complete {
                business_review,
                talent_review,
            } => {
                let (business, talent) =
                    check_reviews(business_review, talent_review).map_err(|errors| {
                        let said: Vec<_> = errors.into_iter().map(|e| e.message).collect();
                        StoreError::InvalidDesk(said.join(""))
                    })?;
                project.business_review = business;
                project.talent_review = talent;
                project.done_at = Some(at);
            }
            ProjectChange::Reopen => {
                project.talent_id = None;
                project.reasons.clear();
                project.approved_at = None;
            }
            ProjectChange::Interview
            | ProjectChange::Agree
            | ProjectChange::Start
            | ProjectChange::Cancel => {}
        }
        project.revision += 1;
        project.updated_at = at;
        let action = match change {
            ProjectChange::Approve { .. } => Action::ProjectApprove,
            _ => Action::ProjectStep,
        };
        let talent = project.talent_id.as_deref().unwrap_or("なし");
        let entry = audit::prepare(&actor.audit(
            action,
            Some(&target(id)),
            format!(
                "{}：{}（副業人材 {talent}）",
                change.step().label(),
                project.state.label()
            ),
        ))?;
        if update(tx.db(), &project, revision).await? == 0 {
            return Err(StoreError::StaleProject { id });
        }
        audit::sql::append(tx.db(), &entry, at).await?;
        tx.commit().await?;
        Ok(project)
    }

    /// Each side-job professional's standing from projects: approvals in `month` and in
    /// `fiscal_year` (each a half-open range of time; a match sent back to 募集中 does not
    /// count) and projects of `category` they completed. Add it to the standing from
    /// consultations ([`Store::standings`]) before matching.
    pub async fn project_standings(
        &self,
        category: &Category,
        month: (OffsetDateTime, OffsetDateTime),
        fiscal_year: (OffsetDateTime, OffsetDateTime),
    ) -> Result<HashMap<String, Standing>, StoreError> {
        let mut standings: HashMap<String, Standing> = HashMap::new();
        let count = |n: i64| u32::try_from(n).unwrap_or(u32::MAX);
        for (id, n) in approvals(self.db(), month).await? {
            standings.entry(id).or_default().this_month = count(n);
        }
        for (id, n) in approvals(self.db(), fiscal_year).await? {
            standings.entry(id).or_default().this_fiscal_year = count(n);
        }
        let done: Vec<(String, i64)> = query(
            "SELECT talent_id, COUNT(*) FROM desk_projects
             WHERE talent_id IS NOT NULL AND state = 'done' AND category = $1
             GROUP BY talent_id",
        )
        .bind(category.as_str())
        .fetch_all(self.db())
        .await?;
        for (id, n) in done {
            standings.entry(id).or_default().similar_closed = count(n);
        }
        Ok(standings)
    }
}

const COLUMNS: &str = "id, state, revision, body, talent_id, reasons, business_review, \
     talent_review, created_at, updated_at, approved_at, done_at";

/// `(id, state, revision, body, talent_id, reasons, business_review, talent_review,
/// created_at, updated_at, approved_at, done_at)`.
type Row = (
    i64,
    String,
    i64,
    String,
    Option<String>,
    String,
    String,
    String,
    OffsetDateTime,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
);

fn from_row(row: Row) -> Result<ProjectEntry, StoreError> {
    let id = row.0;
    let corrupt = |what: &str| {
        StoreError::InvalidDesk(format!(
            "副業案件（番号 {id}）の{what}を読めません。データベースが壊れているおそれがあります"
        ))
    };
    Ok(ProjectEntry {
        id,
        state: ProjectState::parse(&row.1).ok_or_else(|| corrupt("状態"))?,
        revision: u32::try_from(row.2).map_err(|_| corrupt("改訂"))?,
        project: serde_json::from_str(&row.3).map_err(|_| corrupt("内容"))?,
        talent_id: row.4,
        reasons: row.5,
        business_review: row.6,
        talent_review: row.7,
        created_at: row.8,
        updated_at: row.9,
        approved_at: row.10,
        done_at: row.11,
    })
}

async fn find(db: Db<'_>, id: i64) -> Result<Option<ProjectEntry>, StoreError> {
    let sql = format!("SELECT {COLUMNS} FROM desk_projects WHERE id = $1");
    let row: Option<Row> = query(&sql).bind(id).fetch_optional(db).await?;
    row.map(from_row).transpose()
}

/// Writes the project's workflow columns as `project` holds them, if the stored revision is
/// still `revision`. Returns the rows written (0 or 1).
async fn update(db: Db<'_>, project: &ProjectEntry, revision: u32) -> Result<u64, StoreError> {
    query(
        "UPDATE desk_projects SET state = $1, revision = $2, talent_id = $3, reasons = $4,
             business_review = $5, talent_review = $6, updated_at = $7, approved_at = $8,
             done_at = $9
         WHERE id = $10 AND revision = $11",
    )
    .bind(project.state.code())
    .bind(i64::from(project.revision))
    .bind(project.talent_id.as_deref())
    .bind(project.reasons.as_str())
    .bind(project.business_review.as_str())
    .bind(project.talent_review.as_str())
    .bind(project.updated_at)
    .bind(project.approved_at)
    .bind(project.done_at)
    .bind(project.id)
    .bind(i64::from(revision))
    .execute(db)
    .await
}

/// Projects approved for each professional (and not sent back) in a half-open range.
async fn approvals(
    db: Db<'_>,
    range: (OffsetDateTime, OffsetDateTime),
) -> Result<Vec<(String, i64)>, StoreError> {
    let (from, to) = (whole_second_utc(range.0), whole_second_utc(range.1));
    query(
        "SELECT talent_id, COUNT(*) FROM desk_projects
         WHERE talent_id IS NOT NULL AND approved_at >= $1 AND approved_at < $2
         GROUP BY talent_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}
