//! The store's API for the publishing workflow: drafts, publishing, scheduled changes,
//! taking programs off the site, and the catalogue's revision for other processes.

use madoguchi_core::program::{Program, ProgramId};
use time::OffsetDateTime;

use super::{Backend, Store, now};
use crate::draft::list::{self, ListShape, Merge};
use crate::draft::{
    Draft, DraftStep, DueChange, EntryPage, EntryQuery, ProgramEntry, check_revision, check_step,
    encode, sql,
};
use crate::plan::check_origin;
use crate::portable::like_pattern;
use crate::record::version_number;
use crate::timestamp::{now_whole_second, whole_second_utc};
use crate::{SaveOutcome, StoreError, postgres, sqlite};

/// Runs one portable statement on whichever backend the store has.
macro_rules! on_backend {
    ($store:expr, |$db:ident| $body:expr) => {
        match &$store.backend {
            Backend::Sqlite($db) => $body,
            Backend::Postgres($db) => $body,
        }
    };
}

impl Store {
    /// The program's draft, if it has one.
    pub async fn draft(&self, id: &ProgramId) -> Result<Option<Draft>, StoreError> {
        let row = on_backend!(self, |pool| sql::find(pool, id.as_str()).await?);
        row.map(Draft::from_row).transpose()
    }

    /// Every draft, the most recently changed first.
    pub async fn drafts(&self) -> Result<Vec<Draft>, StoreError> {
        let rows = on_backend!(self, |pool| sql::all(pool).await?);
        rows.into_iter().map(Draft::from_row).collect()
    }

    /// Saves `program` as its draft, made by `author` (an account id) from the published
    /// `base_version` (0: a new program) on draft `revision` (0: no draft yet). Refused
    /// with [`StoreError::StaleDraft`] when someone saved the draft since that revision,
    /// and with [`StoreError::Stale`] when the program was published since that version:
    /// nothing is overwritten. A draft saved again on the current version after such a
    /// refusal (having seen the other change) is based on that version from then on. The
    /// draft goes back to 下書き. Returns it as stored.
    pub async fn save_draft(
        &self,
        program: &Program,
        base_version: u32,
        revision: u32,
        author: &str,
    ) -> Result<Draft, StoreError> {
        program
            .validate()
            .map_err(|source| StoreError::InvalidProgram {
                id: program.id.clone(),
                source,
            })?;
        check_origin(author)?;
        let id = &program.id;
        let current = self.published_version(id).await?;
        if current != base_version {
            return Err(StoreError::Stale {
                id: id.clone(),
                expected: base_version,
                current,
            });
        }
        let mut body = program.clone();
        body.version = base_version;
        let body = encode(&body)?;
        let at = now_whole_second();
        let (key, rev) = (id.as_str(), i64::from(revision));
        let base = i64::from(base_version);
        let text = (body.as_str(), program.title.as_str());
        let written = if revision == 0 {
            on_backend!(self, |pool| sql::insert(pool, key, base, text, author, at)
                .await?)
        } else {
            on_backend!(self, |pool| sql::update_body(
                pool, key, rev, base, text, author, at
            )
            .await?)
        };
        self.written_or_stale(id, revision, written).await
    }

    /// Starts (or, at `revision`, replaces) the draft with the content of an old
    /// `version`, to be reviewed and published like any edit.
    pub async fn restore_version(
        &self,
        id: &ProgramId,
        version: u32,
        revision: u32,
        author: &str,
    ) -> Result<Draft, StoreError> {
        let old = self
            .program_version(id, version)
            .await?
            .ok_or_else(|| StoreError::UnknownProgram(id.clone()))?;
        let current = self.published_version(id).await?;
        self.save_draft(&old, current, revision, author).await
    }

    /// Moves a draft one step along the workflow, if it is still at `revision` and its
    /// state allows the step ([`StoreError::DraftState`] otherwise).
    pub async fn change_draft(
        &self,
        id: &ProgramId,
        revision: u32,
        step: DraftStep<'_>,
    ) -> Result<Draft, StoreError> {
        let draft = self.draft_at(id, revision).await?;
        let state = check_step(&draft, &step)?.code();
        let (reviewer, publish_at, unpublish_at) = match step {
            DraftStep::Schedule {
                reviewer,
                publish_at,
                unpublish_at,
            } => {
                check_origin(reviewer)?;
                (
                    Some(reviewer),
                    Some(whole_second_utc(publish_at)),
                    unpublish_at.map(whole_second_utc),
                )
            }
            DraftStep::RequestReview | DraftStep::ReturnToDraft => (None, None, None),
        };
        let at = now_whole_second();
        let (key, rev) = (id.as_str(), i64::from(revision));
        let written = on_backend!(self, |pool| sql::set_state(
            pool,
            key,
            rev,
            state,
            reviewer,
            publish_at,
            unpublish_at,
            at
        )
        .await?);
        self.written_or_stale(id, revision, written).await
    }

    /// Publishes the draft at `revision`: its body becomes the program's next version
    /// (or version 1) and the draft is deleted, in one transaction. `origin` says who
    /// (`console:<account id>`). Refused, with nothing changed, if the draft moved on or
    /// the program was published by someone else since the draft was started.
    pub async fn publish_draft(
        &self,
        id: &ProgramId,
        revision: u32,
        origin: &str,
    ) -> Result<SaveOutcome, StoreError> {
        let origin = check_origin(origin)?;
        let saved_at = now();
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::publish(pool, id, revision, origin, saved_at).await,
            Backend::Postgres(pool) => {
                postgres::publish(pool, id, revision, origin, saved_at).await
            }
        }
    }

    /// Deletes the draft at `revision`; the published program is untouched.
    pub async fn discard_draft(&self, id: &ProgramId, revision: u32) -> Result<(), StoreError> {
        let rev = i64::from(revision);
        let deleted = on_backend!(self, |pool| sql::delete(pool, id.as_str(), rev).await?);
        if deleted > 0 {
            return Ok(());
        }
        self.written_or_stale(id, revision, deleted)
            .await
            .map(|_| ())
    }

    /// Takes a program off the public site now (its versions stay). False when it was off
    /// already or does not exist.
    pub async fn unpublish_program(&self, id: &ProgramId) -> Result<bool, StoreError> {
        let now = now_whole_second();
        match &self.backend {
            Backend::Sqlite(pool) => sqlite::unpublish(pool, id.as_str(), now).await,
            Backend::Postgres(pool) => postgres::unpublish(pool, id.as_str(), now).await,
        }
    }

    /// Plans when a published program leaves the site; `None` cancels the plan.
    pub async fn schedule_unpublish(
        &self,
        id: &ProgramId,
        at: Option<OffsetDateTime>,
    ) -> Result<(), StoreError> {
        let at = at.map(whole_second_utc);
        let set = on_backend!(self, |pool| sql::set_unpublish_at(pool, id.as_str(), at)
            .await?);
        if set == 0 {
            return Err(StoreError::UnknownProgram(id.clone()));
        }
        Ok(())
    }

    /// Carries out every scheduled change due by `now`: approved drafts are published and
    /// programs leave the site. Safe to run from several processes at once: each change
    /// happens once. A scheduled draft that can no longer be published as approved (the
    /// program changed meanwhile) goes back to 下書き and is reported as held.
    pub async fn apply_due_changes(
        &self,
        now: OffsetDateTime,
    ) -> Result<Vec<DueChange>, StoreError> {
        let now = whole_second_utc(now);
        let mut done = Vec::new();
        let due = on_backend!(self, |pool| sql::due_drafts(pool, now).await?);
        for (raw_id, revision) in due {
            let Ok(id) = ProgramId::parse(&raw_id) else {
                continue;
            };
            let revision = version_number(&raw_id, revision)?;
            let Some(draft) = self.draft(&id).await?.filter(|d| d.revision == revision) else {
                continue;
            };
            let reviewer = draft.reviewer.clone();
            let origin = format!("schedule:{}", reviewer.as_deref().unwrap_or("unknown"));
            let origin: String = origin.chars().take(64).collect();
            match self.publish_draft(&id, revision, &origin).await {
                Ok(outcome) => done.push(DueChange::Published {
                    id,
                    version: outcome.version(),
                    reviewer,
                }),
                // Another process got there first.
                Err(StoreError::StaleDraft { .. } | StoreError::NoDraft(_)) => {}
                Err(StoreError::Stale { .. }) => {
                    if self
                        .change_draft(&id, revision, DraftStep::ReturnToDraft)
                        .await
                        .is_ok()
                    {
                        done.push(DueChange::Held { id });
                    }
                }
                Err(other) => return Err(other),
            }
        }
        let leaving = on_backend!(self, |pool| sql::due_unpublish(pool, now).await?);
        for raw_id in leaving {
            let Ok(id) = ProgramId::parse(&raw_id) else {
                continue;
            };
            let changed = match &self.backend {
                Backend::Sqlite(pool) => sqlite::unpublish(pool, &raw_id, now).await?,
                Backend::Postgres(pool) => postgres::unpublish(pool, &raw_id, now).await?,
            };
            if changed {
                done.push(DueChange::Unpublished { id });
            }
        }
        Ok(done)
    }

    /// How many times the public catalogue has changed: a process that saw another number
    /// last time reloads its snapshot.
    pub async fn catalog_revision(&self) -> Result<i64, StoreError> {
        on_backend!(self, |pool| sql::revision(pool).await)
    }

    /// Every program for the console's list, with its draft's state, and every program
    /// that so far exists only as a draft, by id.
    pub async fn program_entries(&self) -> Result<Vec<ProgramEntry>, StoreError> {
        self.program_entries_page(&EntryQuery::default(), u32::MAX, 0)
            .await
    }

    /// Page `page` (from 1) of the console's list as `query` narrows it, `per_page` to a
    /// page, by id in byte order, with the total; a page past the end gives the last. When
    /// the page is not full its entries tell the total, and the count (another pass over
    /// every title, for a search) is left out.
    pub async fn program_entry_page(
        &self,
        query: &EntryQuery,
        per_page: u32,
        page: u64,
    ) -> Result<EntryPage, StoreError> {
        let per_page = per_page.max(1);
        let size = u64::from(per_page);
        let page = page.max(1);
        let offset = (page - 1).saturating_mul(size);
        let entries = self.program_entries_page(query, per_page, offset).await?;
        let found = entries.len() as u64;
        if found < size && (found > 0 || offset == 0) {
            let total = offset + found;
            return Ok(EntryPage {
                entries,
                total,
                page,
            });
        }
        let total = self.count_program_entries(query).await?;
        if found > 0 {
            return Ok(EntryPage {
                entries,
                total,
                page,
            });
        }
        let last = total.div_ceil(size).max(1);
        let entries = self
            .program_entries_page(query, per_page, (last - 1) * size)
            .await?;
        Ok(EntryPage {
            entries,
            total,
            page: last,
        })
    }

    /// The console's list as `query` narrows it, by id in byte order: `limit` entries after
    /// the first `offset`. The search and the paging happen in the database.
    pub async fn program_entries_page(
        &self,
        query: &EntryQuery,
        limit: u32,
        offset: u64,
    ) -> Result<Vec<ProgramEntry>, StoreError> {
        let (shape, pattern) = shape_of(query);
        let limit = i64::from(limit);
        let offset = i64::try_from(offset).unwrap_or(i64::MAX);
        let rows = match &self.backend {
            Backend::Sqlite(pool) => {
                let how = (shape, Merge::Compound);
                list::list_entries(pool, how, &pattern, limit, offset).await?
            }
            Backend::Postgres(pool) => {
                let how = (shape, Merge::LimitedParts);
                list::list_entries(pool, how, &pattern, limit, offset).await?
            }
        };
        rows.into_iter().map(ProgramEntry::from_row).collect()
    }

    /// How many entries the console's list has as `query` narrows it.
    pub async fn count_program_entries(&self, query: &EntryQuery) -> Result<u64, StoreError> {
        let (shape, pattern) = shape_of(query);
        let count = on_backend!(self, |pool| list::count_entries(pool, shape, &pattern)
            .await?);
        Ok(u64::try_from(count).unwrap_or_default())
    }

    /// One program's entry, as in [`Store::program_entries`].
    pub async fn program_entry(&self, id: &ProgramId) -> Result<Option<ProgramEntry>, StoreError> {
        let row = on_backend!(self, |pool| list::entry(pool, id.as_str()).await?);
        row.map(ProgramEntry::from_row).transpose()
    }

    async fn published_version(&self, id: &ProgramId) -> Result<u32, StoreError> {
        let version = on_backend!(self, |pool| sql::current_version(pool, id.as_str()).await?);
        version
            .map(|v| version_number(id.as_str(), v))
            .transpose()
            .map(Option::unwrap_or_default)
    }

    /// The draft at `revision`, or why there is none.
    async fn draft_at(&self, id: &ProgramId, revision: u32) -> Result<Draft, StoreError> {
        let draft = self.draft(id).await?;
        check_revision(id, draft.as_ref().map(|d| d.revision), revision)?;
        draft.ok_or_else(|| StoreError::NoDraft(id.clone()))
    }

    /// The draft after a write that touched `written` rows: none means someone else
    /// changed it first.
    async fn written_or_stale(
        &self,
        id: &ProgramId,
        revision: u32,
        written: u64,
    ) -> Result<Draft, StoreError> {
        let draft = self.draft(id).await?;
        if written == 0 {
            let current = draft.as_ref().map_or(0, |d| d.revision);
            if draft.is_none() && revision > 0 {
                return Err(StoreError::NoDraft(id.clone()));
            }
            return Err(StoreError::StaleDraft {
                id: id.clone(),
                expected: revision,
                current,
            });
        }
        draft.ok_or_else(|| StoreError::NoDraft(id.clone()))
    }
}

/// The statement's shape of a list query, and its `LIKE` pattern (empty, and not bound,
/// when no text is searched).
fn shape_of(query: &EntryQuery) -> (ListShape, String) {
    let text = query.text.trim();
    let shape = ListShape {
        searched: !text.is_empty(),
        show: query.show,
    };
    let pattern = if shape.searched {
        like_pattern(text)
    } else {
        String::new()
    };
    (shape, pattern)
}
