//! The statements on the desk's tables, written once for both backends.

use madoguchi_core::desk::{CaseState, Category, Expert, ExpertKind, Intake, Requester};
use time::OffsetDateTime;

use super::{Case, CaseEvent, CaseQuery, CaseRecord, ExpertEntry, Retention};
use crate::StoreError;
use crate::db::{Db, query};

/// `(id, receipt, state, revision, requester, category, expert_id, sessions, max_sessions,
/// tags, received_at, first_contact_at, referred_at, closed_at, personal, record)`.
pub(crate) type CaseRow = (
    i64,
    String,
    String,
    i64,
    String,
    String,
    Option<String>,
    i64,
    i64,
    String,
    OffsetDateTime,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<OffsetDateTime>,
    Option<String>,
    String,
);

const CASE_COLUMNS: &str = "id, receipt, state, revision, requester, category, expert_id, \
     sessions, max_sessions, tags, received_at, first_contact_at, referred_at, closed_at";

fn corrupt(id: i64, what: &str) -> StoreError {
    StoreError::InvalidDesk(format!(
        "相談（番号 {id}）の{what}を読めません。データベースが壊れているおそれがあります"
    ))
}

pub(crate) fn case_from_row(row: CaseRow) -> Result<Case, StoreError> {
    let (id, receipt, state, revision, requester, category, expert_id, sessions, max_sessions) = (
        row.0, row.1, row.2, row.3, row.4, row.5, row.6, row.7, row.8,
    );
    let count = |n: i64| u32::try_from(n).map_err(|_| corrupt(id, "回数"));
    let personal = row
        .14
        .map(|json| serde_json::from_str::<Intake>(&json))
        .transpose()
        .map_err(|_| corrupt(id, "個人情報"))?;
    let record: CaseRecord = serde_json::from_str(&row.15).map_err(|_| corrupt(id, "記録"))?;
    Ok(Case {
        id,
        receipt,
        state: CaseState::parse(&state).ok_or_else(|| corrupt(id, "状態"))?,
        revision: count(revision)?,
        requester: Requester::parse(&requester).ok_or_else(|| corrupt(id, "相談者の区分"))?,
        category: Category::parse(&category).map_err(|_| corrupt(id, "分野"))?,
        expert_id,
        sessions: count(sessions)?,
        max_sessions: count(max_sessions)?,
        tags: row.9.split_whitespace().map(str::to_owned).collect(),
        received_at: row.10,
        first_contact_at: row.11,
        referred_at: row.12,
        closed_at: row.13,
        personal,
        record,
    })
}

pub(crate) async fn find_case(db: Db<'_>, id: i64) -> Result<Option<CaseRow>, StoreError> {
    let sql = format!("SELECT {CASE_COLUMNS}, personal, record FROM desk_cases WHERE id = $1");
    query(&sql).bind(id).fetch_optional(db).await
}

pub(crate) async fn case_id_of(db: Db<'_>, receipt: &str) -> Result<Option<i64>, StoreError> {
    query("SELECT id FROM desk_cases WHERE receipt = $1")
        .bind(receipt)
        .fetch_optional_scalar(db)
        .await
}

/// A new case's columns.
pub(crate) struct NewCaseRow<'a> {
    pub receipt: &'a str,
    pub requester: &'a str,
    pub category: &'a str,
    pub max_sessions: u32,
    pub personal: &'a str,
    pub email_key: Option<String>,
    pub phone_key: Option<String>,
    pub at: OffsetDateTime,
}

pub(crate) async fn insert_case(db: Db<'_>, case: &NewCaseRow<'_>) -> Result<i64, StoreError> {
    query(
        "INSERT INTO desk_cases (receipt, state, revision, requester, category, received_at,
             max_sessions, personal, email_key, phone_key)
         VALUES ($1, 'received', 1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(case.receipt)
    .bind(case.requester)
    .bind(case.category)
    .bind(case.at)
    .bind(i64::from(case.max_sessions))
    .bind(case.personal)
    .bind(case.email_key.clone())
    .bind(case.phone_key.clone())
    .fetch_scalar(db)
    .await
}

/// Writes the case's workflow columns and record as `case` holds them, if the stored
/// revision is still `revision`. Returns the rows written (0 or 1).
pub(crate) async fn update_case(db: Db<'_>, case: &Case, revision: u32) -> Result<u64, StoreError> {
    let record = serde_json::to_string(&case.record)
        .map_err(|err| StoreError::InvalidDesk(err.to_string()))?;
    query(
        "UPDATE desk_cases SET state = $1, revision = $2, category = $3, expert_id = $4,
             sessions = $5, tags = $6, first_contact_at = $7, referred_at = $8,
             closed_at = $9, record = $10
         WHERE id = $11 AND revision = $12",
    )
    .bind(case.state.code())
    .bind(i64::from(case.revision))
    .bind(case.category.as_str())
    .bind(case.expert_id.as_deref())
    .bind(i64::from(case.sessions))
    .bind(case.tags.join(" "))
    .bind(case.first_contact_at)
    .bind(case.referred_at)
    .bind(case.closed_at)
    .bind(record)
    .bind(case.id)
    .bind(i64::from(revision))
    .execute(db)
    .await
}

pub(crate) async fn insert_event(
    db: Db<'_>,
    case_id: i64,
    at: OffsetDateTime,
    actor: &str,
    step: &str,
    expert_id: Option<&str>,
    text: &str,
) -> Result<(), StoreError> {
    query(
        "INSERT INTO desk_case_events (case_id, at, actor, step, expert_id, text)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(at)
    .bind(actor)
    .bind(step)
    .bind(expert_id)
    .bind(text)
    .execute(db)
    .await?;
    Ok(())
}

/// `(at, actor, step, expert_id, text)`.
pub(crate) type EventRow = (OffsetDateTime, String, String, Option<String>, String);

pub(crate) fn event_from_row(row: EventRow) -> CaseEvent {
    let (at, actor, step, expert_id, text) = row;
    CaseEvent {
        at,
        actor,
        step,
        expert_id,
        text,
    }
}

pub(crate) async fn events(db: Db<'_>, case_id: i64) -> Result<Vec<EventRow>, StoreError> {
    query(
        "SELECT at, actor, step, expert_id, text FROM desk_case_events
         WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(db)
    .await
}

/// The filter every list and count shares; `$1`–`$5` are bound by [`filtered`].
const CASE_FILTER: &str = "WHERE ($1 IS NULL OR state = $1)
       AND (NOT $2 OR state NOT IN ('closed', 'withdrawn'))
       AND ($3 IS NULL OR category = $3)
       AND ($4 IS NULL OR expert_id = $4)
       AND ($5 IS NULL OR (state = 'received' AND first_contact_at IS NULL
                           AND received_at < $5))";

fn filtered<'q>(sql: &'q str, filter: &'q CaseQuery) -> crate::db::Query<'q> {
    query(sql)
        .bind(filter.state.map(CaseState::code))
        .bind(filter.open_only)
        .bind(filter.category.as_ref().map(Category::as_str))
        .bind(filter.expert_id.as_deref())
        .bind(filter.uncontacted_before)
}

pub(crate) async fn count_cases(db: Db<'_>, filter: &CaseQuery) -> Result<i64, StoreError> {
    let sql = format!("SELECT COUNT(*) FROM desk_cases {CASE_FILTER}");
    filtered(&sql, filter).fetch_scalar(db).await
}

/// One page of cases, newest first, without personal data or record.
pub(crate) async fn list_cases(
    db: Db<'_>,
    filter: &CaseQuery,
    limit: i64,
    offset: i64,
) -> Result<Vec<CaseRow>, StoreError> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, CAST(NULL AS TEXT), '{{}}' FROM desk_cases {CASE_FILTER}
         ORDER BY received_at DESC, id DESC LIMIT $6 OFFSET $7"
    );
    filtered(&sql, filter)
        .bind(limit)
        .bind(offset)
        .fetch_all(db)
        .await
}

/// The cases received since `since`, without personal data or record, oldest first: what
/// the service figures count.
pub(crate) async fn cases_since(
    db: Db<'_>,
    since: OffsetDateTime,
) -> Result<Vec<CaseRow>, StoreError> {
    let sql = format!(
        "SELECT {CASE_COLUMNS}, CAST(NULL AS TEXT), '{{}}' FROM desk_cases
         WHERE received_at >= $1 ORDER BY received_at, id"
    );
    query(&sql).bind(since).fetch_all(db).await
}

/// Cases that ended before the retention's cut-offs and still hold personal data.
pub(crate) async fn ended_before(db: Db<'_>, retention: Retention) -> Result<Vec<i64>, StoreError> {
    query(
        "SELECT id FROM desk_cases WHERE purged_at IS NULL
           AND ((state = 'closed' AND closed_at < $1) OR (state = 'withdrawn' AND closed_at < $2))
         ORDER BY id",
    )
    .bind(retention.closed_before)
    .bind(retention.withdrawn_before)
    .fetch_all_scalars(db)
    .await
}

pub(crate) async fn cases_of_person(
    db: Db<'_>,
    email_key: Option<&str>,
    phone_key: Option<&str>,
) -> Result<Vec<i64>, StoreError> {
    query("SELECT id FROM desk_cases WHERE email_key = $1 OR phone_key = $2 ORDER BY id")
        .bind(email_key)
        .bind(phone_key)
        .fetch_all_scalars(db)
        .await
}

/// Empties a case's personal data, record and history texts, keeping what the figures use.
pub(crate) async fn purge(db: Db<'_>, id: i64, at: OffsetDateTime) -> Result<(), StoreError> {
    let mut db = db;
    query(
        "UPDATE desk_cases SET personal = NULL, email_key = NULL, phone_key = NULL,
             record = '{}', purged_at = $2 WHERE id = $1",
    )
    .bind(id)
    .bind(at)
    .execute(db.reborrow())
    .await?;
    query("UPDATE desk_case_events SET text = '' WHERE case_id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// `(id, kind, name, account_id, body, contact, profile)`.
pub(crate) type ExpertRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

pub(crate) fn expert_from_row(row: ExpertRow) -> Result<ExpertEntry, StoreError> {
    let (id, kind, name, account_id, body, contact, profile) = row;
    let broken = || {
        StoreError::InvalidDesk(format!(
            "専門家「{id}」の登録内容を読めません。データベースが壊れているおそれがあります"
        ))
    };
    let mut expert: Expert = serde_json::from_str(&body).map_err(|_| broken())?;
    expert.kind = ExpertKind::parse(&kind).ok_or_else(broken)?;
    expert.name = name;
    expert.id.clone_from(&id);
    Ok(ExpertEntry {
        expert,
        contact,
        profile,
        account_id,
    })
}

const EXPERT_COLUMNS: &str = "id, kind, name, account_id, body, contact, profile";

pub(crate) async fn all_experts(db: Db<'_>) -> Result<Vec<ExpertRow>, StoreError> {
    let sql = format!("SELECT {EXPERT_COLUMNS} FROM desk_experts ORDER BY id");
    query(&sql).fetch_all(db).await
}

/// The expert whose `column` (`id` or `account_id`) is `value`.
pub(crate) async fn find_expert(
    db: Db<'_>,
    column: &'static str,
    value: &str,
) -> Result<Option<ExpertRow>, StoreError> {
    debug_assert!(matches!(column, "id" | "account_id"));
    let sql = format!("SELECT {EXPERT_COLUMNS} FROM desk_experts WHERE {column} = $1");
    query(&sql).bind(value).fetch_optional(db).await
}

pub(crate) async fn upsert_expert(
    db: Db<'_>,
    entry: &ExpertEntry,
    body: &str,
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    query(
        "INSERT INTO desk_experts (id, kind, name, account_id, body, contact, profile, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name,
             account_id = excluded.account_id, body = excluded.body,
             contact = excluded.contact, profile = excluded.profile,
             updated_at = excluded.updated_at",
    )
    .bind(entry.expert.id.as_str())
    .bind(entry.expert.kind.code())
    .bind(entry.expert.name.trim())
    .bind(entry.account_id.as_deref())
    .bind(body)
    .bind(entry.contact.as_str())
    .bind(entry.profile.as_str())
    .bind(at)
    .execute(db)
    .await?;
    Ok(())
}

/// Cases introduced to each expert (and not declined) in a half-open range of time.
pub(crate) async fn introductions(
    db: Db<'_>,
    (from, to): (OffsetDateTime, OffsetDateTime),
) -> Result<Vec<(String, i64)>, StoreError> {
    query(
        "SELECT expert_id, COUNT(*) FROM desk_cases
         WHERE expert_id IS NOT NULL AND referred_at >= $1 AND referred_at < $2
         GROUP BY expert_id",
    )
    .bind(from)
    .bind(to)
    .fetch_all(db)
    .await
}

/// Closed cases of one category per expert.
pub(crate) async fn closed_in_category(
    db: Db<'_>,
    category: &str,
) -> Result<Vec<(String, i64)>, StoreError> {
    query(
        "SELECT expert_id, COUNT(*) FROM desk_cases
         WHERE expert_id IS NOT NULL AND state = 'closed' AND category = $1
         GROUP BY expert_id",
    )
    .bind(category)
    .fetch_all(db)
    .await
}
