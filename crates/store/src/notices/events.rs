//! Program events for notices, from the catalogue write that causes them to the
//! transaction that turns one into messages.
//!
//! Every save of the catalogue, whichever path makes it (a draft published in the console or
//! by its schedule, an import, `save_program*`), records its events in its own transaction
//! ([`record_catalogue_events`]), so a change that rolls back leaves no event and one that
//! commits cannot lose its event. (A SQLite import writes its events as it stages its
//! programs, out of the matcher's sight until the transaction that makes those programs
//! public: `catalogue::staging`.)
//! The matcher then takes the unmatched events and delivers
//! each in one transaction ([`Store::deliver_event`]): the notice, its outbox messages, its
//! digest items and the mark that it was matched land together or not at all.

use std::collections::HashMap;

use madoguchi_core::notices::{Event, EventKey, catalogue_event};
use madoguchi_core::program::ProgramId;
use time::OffsetDateTime;

use super::sql::{self as subscriptions, SubscriptionRow};
use super::{OutboxMessage, Subscription, to_json};
use crate::catalogue::{Destination, IMPORTS_NOT_PUBLIC, Prepared, decode_body};
use crate::db::{Db, Dialect, WriteLock, query};
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{SaveOutcome, SaveSummary, Store, StoreError};

/// Rows written by one multi-row statement: well under both backends' parameter limits.
pub(super) const ROWS_PER_STATEMENT: usize = 500;

/// An event waiting to be (or already) matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeEvent {
    pub id: i64,
    pub key: EventKey,
    /// As stored: the program may since have left the catalogue.
    pub program_id: String,
    pub event: Event,
    pub created_at: OffsetDateTime,
}

/// The confirmed subscriptions, as the matcher reads them all at once.
#[derive(Debug, Clone, Default)]
pub struct ActiveSubscriptions {
    pub subscriptions: Vec<Subscription>,
    /// Rows whose stored terms no longer read: counted and left as they are.
    pub unreadable: usize,
}

/// A notice about a program event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramNotice<'a> {
    pub id: &'a str,
    pub title: &'a str,
    /// Subscribers it reaches: messages now plus digest items.
    pub recipients: u64,
}

/// One matched program waiting for a subscriber's next digest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DigestItem {
    pub subscription_id: String,
    pub notice_id: String,
    pub program_id: String,
    /// Why the program fits, in one line.
    pub reason: String,
}

/// What matching one event produced, to be written in one transaction.
#[derive(Debug, Clone)]
pub struct EventDelivery<'a> {
    pub event_id: i64,
    /// None when the event reaches nobody (the program left the site, or nobody fits).
    pub notice: Option<ProgramNotice<'a>>,
    pub messages: &'a [OutboxMessage],
    pub digest_items: &'a [DigestItem],
}

/// The notice id of a program event: known before the delivery is written, so that the
/// tracked links of its messages can be stored first, and the same on a rerun.
pub fn program_notice_id(event_id: i64) -> String {
    format!("event-{event_id}")
}

/// What a save's events write, and what a staged import's write (SQLite): the same row,
/// naming the import that keeps it out of sight until it is public (migration 0021).
const COLUMNS: &str = "key, program_id, event, created_at";
const STAGED_COLUMNS: &str = "key, program_id, event, created_at, import_id";

/// A public save's event whose key a staged import's event holds takes that row over: the
/// import wrote the same version number, so this save wrote over its version, and the
/// import will be refused and its events removed. (SQLite; the row is public already when
/// the import that holds it is.)
fn take_over_staged() -> String {
    format!(
        "DO UPDATE SET
             program_id = excluded.program_id, event = excluded.event,
             created_at = excluded.created_at, import_id = NULL
         WHERE notice_events.import_id IN ({IMPORTS_NOT_PUBLIC})"
    )
}

/// Records the events of a catalogue save inside its transaction, after its versions are
/// written: `new` for a program saved for the first time, `changed` for one whose window,
/// amount or rules differ from its previous version. The key carries the version, so a
/// repeated save records nothing twice. A staged save's events wait, unseen, until its
/// programs become public.
pub(crate) async fn record_catalogue_events(
    mut db: Db<'_>,
    prepared: &[Prepared<'_>],
    summary: &SaveSummary,
    at: OffsetDateTime,
    destination: Destination,
) -> Result<(), StoreError> {
    let programs: HashMap<&ProgramId, &Prepared<'_>> =
        prepared.iter().map(|p| (&p.program.id, p)).collect();
    let updated: Vec<&str> = summary
        .outcomes
        .iter()
        .filter(|(_, outcome)| matches!(outcome, SaveOutcome::Updated { .. }))
        .map(|(id, _)| id.as_str())
        .collect();
    let mut previous = HashMap::new();
    for ids in updated.chunks(ROWS_PER_STATEMENT) {
        for program in previous_versions(db.reborrow(), ids, destination).await? {
            previous.insert(program.id.clone(), program);
        }
    }
    let mut events = Vec::new();
    for (id, outcome) in &summary.outcomes {
        let Some(saved) = programs.get(id) else {
            continue;
        };
        let old = match outcome {
            SaveOutcome::Unchanged { .. } => continue,
            SaveOutcome::Created { .. } => None,
            SaveOutcome::Updated { .. } => previous.get(id),
        };
        // An update whose previous version is missing (never so, short of a damaged
        // database) is announced as a change rather than dropped.
        let event = if matches!(outcome, SaveOutcome::Updated { .. }) && old.is_none() {
            Some(Event::Changed)
        } else {
            catalogue_event(old, saved.program)
        };
        if let Some(event) = event {
            let key = EventKey::of_version(event, id, outcome.version());
            events.push((key, id.as_str(), event));
        }
    }
    let at = whole_second_utc(at);
    let (columns, shared, on_conflict) = match (destination, db.dialect()) {
        // The import's id is ours, a number: written into the statement as it is.
        (Destination::Staged { import }, _) => (
            STAGED_COLUMNS,
            format!("$1, {import}"),
            "DO NOTHING".to_owned(),
        ),
        (Destination::Public, Dialect::Sqlite) => (COLUMNS, "$1".to_owned(), take_over_staged()),
        (Destination::Public, Dialect::Postgres) => {
            (COLUMNS, "$1".to_owned(), "DO NOTHING".to_owned())
        }
    };
    for chunk in events.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO notice_events ({columns}) VALUES {}
             ON CONFLICT (key) {on_conflict}",
            placeholders(chunk.len(), 3, &shared)
        );
        let mut insert = query(&sql).bind(at);
        for (key, id, event) in chunk {
            insert = insert.bind(key.as_str()).bind(*id).bind(event.code());
        }
        insert.execute(db.reborrow()).await?;
    }
    Ok(())
}

/// The version each updated program had before this save: the one before the program's
/// current version once its row points at the new one, or its current version while a
/// staged save has not moved the row yet.
async fn previous_versions(
    db: Db<'_>,
    ids: &[&str],
    destination: Destination,
) -> Result<Vec<madoguchi_core::program::Program>, StoreError> {
    let back = match destination {
        Destination::Public => 1,
        Destination::Staged { .. } => 0,
    };
    let list: Vec<String> = (1..=ids.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT v.program_id, v.version, v.body
         FROM programs p JOIN program_versions v
             ON v.program_id = p.id AND v.version = p.current_version - {back}
         WHERE p.id IN ({})",
        list.join(", ")
    );
    let mut select = query(&sql);
    for id in ids {
        select = select.bind(*id);
    }
    let rows = select.fetch_all(db).await?;
    rows.into_iter().map(decode_body).collect()
}

/// `($2, $3, $4, shared), ($5, $6, $7, shared)`: the `VALUES` of `rows` rows of `columns`
/// parameters each, numbered after `$1`, each row ending with `shared` (a parameter all rows
/// use, or a literal). Empty `shared` adds nothing.
pub(super) fn placeholders(rows: usize, columns: usize, shared: &str) -> String {
    let tail = if shared.is_empty() {
        String::new()
    } else {
        format!(", {shared}")
    };
    (0..rows)
        .map(|row| {
            let params: Vec<String> = (0..columns)
                .map(|column| format!("${}", 2 + row * columns + column))
                .collect();
            format!("({}{tail})", params.join(", "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `(id, key, program_id, event, created_at)`.
type EventRow = (i64, String, String, String, OffsetDateTime);

impl Store {
    /// Records an event found by a scan (a deadline drawing near); false when its key was
    /// recorded before.
    pub async fn record_notice_event(
        &self,
        key: &EventKey,
        program: &ProgramId,
        event: Event,
    ) -> Result<bool, StoreError> {
        let added = query(
            "INSERT INTO notice_events (key, program_id, event, created_at)
             VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO NOTHING",
        )
        .bind(key.as_str())
        .bind(program.as_str())
        .bind(event.code())
        .bind(now_whole_second())
        .execute(self.db())
        .await?;
        Ok(added > 0)
    }

    /// Events not matched yet, oldest first, at most `limit`.
    pub async fn unmatched_events(&self, limit: u32) -> Result<Vec<NoticeEvent>, StoreError> {
        // A staged import's events wait for it (SQLite; see `STAGED_COLUMNS`).
        let public = match self.backend.dialect() {
            Dialect::Sqlite => {
                format!("AND (import_id IS NULL OR import_id NOT IN ({IMPORTS_NOT_PUBLIC}))")
            }
            Dialect::Postgres => String::new(),
        };
        let sql = format!(
            "SELECT id, key, program_id, event, created_at FROM notice_events
             WHERE matched_at IS NULL {public} ORDER BY id LIMIT $1"
        );
        let rows: Vec<EventRow> = query(&sql)
            .bind(i64::from(limit))
            .fetch_all(self.db())
            .await?;
        rows.into_iter()
            .map(|(id, key, program_id, event, created_at)| {
                let event = Event::parse(&event).ok_or_else(|| {
                    StoreError::InvalidDesk(format!("お知らせの出来事「{event}」を読めません"))
                })?;
                Ok(NoticeEvent {
                    id,
                    key: EventKey::from_stored(&key),
                    program_id,
                    event,
                    created_at,
                })
            })
            .collect()
    }

    /// Every confirmed subscription, by id; those whose stored terms no longer read are
    /// counted, not returned, and stay in the database for staff to look at.
    pub async fn active_subscriptions(&self) -> Result<ActiveSubscriptions, StoreError> {
        let rows: Vec<SubscriptionRow> = query(
            "SELECT id, channel, address, criteria, choices, state, created_at
             FROM notice_subscriptions WHERE state = 'active' ORDER BY id",
        )
        .fetch_all(self.db())
        .await?;
        let mut active = ActiveSubscriptions::default();
        for row in rows {
            match subscriptions::subscription_from_row(row) {
                Ok(subscription) => active.subscriptions.push(subscription),
                Err(_) => active.unreadable += 1,
            }
        }
        Ok(active)
    }

    /// How many notice messages each subscription has had queued since `since` (for the
    /// daily cap); confirmations and digests are not counted.
    pub async fn notices_sent_since(
        &self,
        since: OffsetDateTime,
    ) -> Result<HashMap<String, u32>, StoreError> {
        let rows: Vec<(String, i64)> = query(
            "SELECT subscription_id, COUNT(*) FROM notice_outbox
             WHERE notice_id IS NOT NULL AND subscription_id IS NOT NULL AND created_at >= $1
             GROUP BY subscription_id",
        )
        .bind(whole_second_utc(since))
        .fetch_all(self.db())
        .await?;
        Ok(rows
            .into_iter()
            .map(|(id, n)| (id, u32::try_from(n).unwrap_or(u32::MAX)))
            .collect())
    }

    /// Writes what matching one event produced and marks it matched, in one transaction:
    /// a crash midway leaves the event unmatched and nothing of it written, so a rerun
    /// neither loses nor duplicates. False (and nothing written) when another process
    /// matched it first.
    pub async fn deliver_event(&self, delivery: &EventDelivery<'_>) -> Result<bool, StoreError> {
        let at = now_whole_second();
        let mut tx = self.backend.begin_write(WriteLock::Notices).await?;
        let claimed =
            query("UPDATE notice_events SET matched_at = $2 WHERE id = $1 AND matched_at IS NULL")
                .bind(delivery.event_id)
                .bind(at)
                .execute(tx.db())
                .await?;
        if claimed == 0 {
            return Ok(false);
        }
        if let Some(notice) = &delivery.notice {
            query(
                "INSERT INTO notices (id, kind, event_id, title, state, recipients, created_at,
                     sent_at)
                 VALUES ($1, 'program', $2, $3, 'sent', $4, $5, $5)
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(notice.id)
            .bind(delivery.event_id)
            .bind(notice.title)
            .bind(i64::try_from(notice.recipients).unwrap_or(i64::MAX))
            .bind(at)
            .execute(tx.db())
            .await?;
        }
        enqueue_many(tx.db(), delivery.messages, at).await?;
        add_digest_items(tx.db(), delivery.digest_items, at).await?;
        tx.commit().await?;
        Ok(true)
    }
}

/// Puts messages in the outbox in multi-row statements; a key already there is kept.
/// Returns how many were new.
pub(super) async fn enqueue_many(
    mut db: Db<'_>,
    messages: &[OutboxMessage],
    at: OffsetDateTime,
) -> Result<u64, StoreError> {
    let mut added = 0;
    for chunk in messages.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO notice_outbox (key, subscription_id, notice_id, channel, recipient,
                 message, state, next_attempt_at, created_at)
             VALUES {} ON CONFLICT (key) DO NOTHING",
            placeholders(chunk.len(), 6, "'queued', $1, $1")
        );
        let mut insert = query(&sql).bind(at);
        for message in chunk {
            insert = insert
                .bind(message.key.as_str())
                .bind(message.subscription_id.as_deref())
                .bind(message.notice_id.as_deref())
                .bind(message.channel)
                .bind(message.recipient.as_str())
                .bind(to_json(&message.body)?);
        }
        added += insert.execute(db.reborrow()).await?;
    }
    Ok(added)
}

async fn add_digest_items(
    mut db: Db<'_>,
    items: &[DigestItem],
    at: OffsetDateTime,
) -> Result<(), StoreError> {
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO notice_digest_items (subscription_id, notice_id, program_id, reason,
                 created_at)
             VALUES {} ON CONFLICT (subscription_id, notice_id) DO NOTHING",
            placeholders(chunk.len(), 4, "$1")
        );
        let mut insert = query(&sql).bind(at);
        for item in chunk {
            insert = insert
                .bind(item.subscription_id.as_str())
                .bind(item.notice_id.as_str())
                .bind(item.program_id.as_str())
                .bind(item.reason.as_str());
        }
        insert.execute(db.reborrow()).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_each_row_after_the_shared_first() {
        assert_eq!(placeholders(2, 2, "$1"), "($2, $3, $1), ($4, $5, $1)");
        assert_eq!(placeholders(1, 3, ""), "($2, $3, $4)");
    }
}
