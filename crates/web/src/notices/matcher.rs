//! The job that turns program events into messages for the subscribers they fit.
//!
//! Every 30 seconds, in every process: the events the catalogue's writes recorded (and,
//! once a day, the deadlines drawing near) are matched against every confirmed
//! subscription — saved profiles all at once through the eligibility engine's fan-out
//! (`eligibility::fanout::reach`), saved searches through the search index — and each
//! event's notice, messages and digest items are written with the mark that it was
//! matched, in one transaction (`Store::deliver_event`). So a crash midway leaves the event
//! unmatched with nothing of it written, and the next run does it whole; two processes
//! matching the same event write it once (the second finds it matched and its writes roll
//! back); and every message key (`notice:{notice}:{subscription}`) is unique besides.
//!
//! Instant subscribers get a message of their own up to the daily cap (setting
//! `notices.daily_cap`, 3 by default, counted over the last 24 hours); past it, and for
//! weekly subscribers, the match waits as a digest item. The same job queues the weekly
//! digests once their round has started (Monday 9:00 JST), and sends the notices staff
//! wrote once their time has come ([`send_due_staff_notices`]).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use madoguchi_core::calendar::JST;
use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{Profile, RuleView, reach, reason_line};
use madoguchi_core::notices::{
    Candidate, Criteria, DigestRound, Event, EventKey, Route, Segment, daily_cap, deadline_event,
    route,
};
use madoguchi_core::program::{Program, ProgramId, Window, application_window};
use madoguchi_core::staff::Action;
use madoguchi_store::{
    DigestItem, EventDelivery, NoticeEvent, OutboxMessage, ProgramNotice, StaffDelivery,
    StaffNotice, StaffNoticeStep, Store, Subscription, program_notice_id,
};
use time::{Date, OffsetDateTime};

use super::NoticeLinks;
use super::message::{
    Foot, NoticeItem, StaffBody, digest_message, program_message, staff_message, webhook_message,
};
use super::saved_search::SavedSearch;
use crate::console::action::{self, Actor};
use crate::http::client::Client;
use crate::http::clock;
use crate::{AppError, AppState};

/// How often the job looks for events.
pub const MATCH_EVERY: Duration = Duration::from_secs(30);

/// The setting that caps instant messages per subscriber a day.
pub const DAILY_CAP_SETTING: &str = "notices.daily_cap";

/// The setting naming another system's URL that hears of every notice (none by default).
pub const WEBHOOK_URL_SETTING: &str = "notices.webhook_url";

/// Events read at a time; a run goes on until none is left.
const EVENTS_PER_BATCH: u32 = 50;

/// What one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MatchReport {
    /// Events matched (whether or not they reached anyone).
    pub events: usize,
    /// Messages queued to subscribers now.
    pub messages: usize,
    /// Matches folded into digests (weekly subscribers, and instant ones past their cap).
    pub folded: usize,
    /// Subscriptions skipped because their saved profile or terms no longer read.
    pub unreadable: usize,
    /// Weekly digests queued.
    pub digests: usize,
    /// Notices written by staff sent (their time had come).
    pub staff_notices: usize,
    /// Messages those notices queued, one per recipient.
    pub staff_messages: usize,
}

/// Runs the job for as long as the server runs: the deadline scan once a JST day, events
/// and digests every [`MATCH_EVERY`].
pub async fn run(state: AppState) {
    let mut ticks = tokio::time::interval(MATCH_EVERY);
    let mut scanned: Option<Date> = None;
    loop {
        ticks.tick().await;
        let now = clock::now();
        let today = now.to_offset(JST).date();
        if scanned != Some(today) {
            match record_deadlines(&state, today).await {
                Ok(_) => scanned = Some(today),
                Err(err) => tracing::warn!(%err, "deadline scan failed; trying again later"),
            }
            // Once a day too: an address nobody confirmed in time is not kept.
            let cut_off = now - time::Duration::days(super::site::CONFIRM_WITHIN_DAYS);
            match state.store().purge_unconfirmed(cut_off).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(subscriptions = n, "unconfirmed subscriptions erased"),
                Err(err) => tracing::warn!(%err, "could not erase unconfirmed subscriptions"),
            }
        }
        match match_pending(&state, now).await {
            Ok(report) if report.events > 0 || report.digests > 0 || report.staff_notices > 0 => {
                tracing::info!(?report, "notices matched");
            }
            Ok(_) => {}
            Err(err) => tracing::warn!(%err, "matching notices failed; trying again later"),
        }
    }
}

/// Records the deadline events due on `today` (JST) for the programs on the site; a scan
/// repeated the same day records nothing twice. Returns how many were new.
pub async fn record_deadlines(state: &AppState, today: Date) -> Result<usize, AppError> {
    let catalog = state.catalog();
    let mut added = 0;
    for program in catalog.programs() {
        if let Some((event, closes)) = deadline_event(program, today) {
            let key = EventKey::of_deadline(event, &program.id, closes);
            if state
                .store()
                .record_notice_event(&key, &program.id, event)
                .await?
            {
                added += 1;
            }
        }
    }
    Ok(added)
}

/// Matches every pending event at `now` and queues the digests due; see the module.
pub async fn match_pending(state: &AppState, now: OffsetDateTime) -> Result<MatchReport, AppError> {
    let store = state.store();
    let mut report = MatchReport::default();
    let mut events = store.unmatched_events(EVENTS_PER_BATCH).await?;
    let today = now.to_offset(JST).date();
    if !events.is_empty() {
        let subscribers = Subscribers::load(store).await?;
        report.unreadable = subscribers.unreadable;
        let cap = daily_cap(setting(store, DAILY_CAP_SETTING).await?.as_deref());
        let webhook = setting(store, WEBHOOK_URL_SETTING).await?;
        let name_recipients = store.records_subscriber_clicks().await?;
        let mut sent = store
            .notices_sent_since(now - time::Duration::days(1))
            .await?;
        while !events.is_empty() {
            let catalog = fresh_catalog(state, &events).await?;
            let run = Run {
                state,
                catalog: &catalog,
                subscribers: &subscribers,
                links: state.job_notice_links(),
                cap,
                webhook: webhook.clone(),
                name_recipients,
                today,
            };
            for event in &events {
                run.match_event(event, &mut sent, &mut report).await?;
            }
            events = store.unmatched_events(EVENTS_PER_BATCH).await?;
        }
    }
    report.digests = queue_digests(state, now).await?;
    let (notices, messages) = send_due_staff_notices(state, now).await?;
    report.staff_notices = notices;
    report.staff_messages = messages;
    Ok(report)
}

/// A setting's value, if set and not blank.
async fn setting(store: &Store, key: &str) -> Result<Option<String>, AppError> {
    let value = store.setting(key).await?.map(|s| s.value.trim().to_owned());
    Ok(value.filter(|v| !v.is_empty()))
}

/// The catalogue snapshot, reloaded first if it does not hold the versions the events were
/// recorded for yet (another process published, and this one has not heard yet).
async fn fresh_catalog(state: &AppState, events: &[NoticeEvent]) -> Result<Arc<Catalog>, AppError> {
    let behind = |catalog: &Catalog| {
        events.iter().any(|event| {
            let held = ProgramId::parse(&event.program_id)
                .ok()
                .and_then(|id| catalog.get(&id).map(|p| p.version));
            match (event.key.version(), held) {
                (Some(version), Some(held)) => held < version,
                (Some(_), None) => true,
                (None, _) => false,
            }
        })
    };
    if behind(&state.catalog()) {
        state.catalog_changed().await?;
    }
    Ok(state.catalog())
}

/// Every confirmed subscription, with its criteria read once for all events of a run.
struct Subscribers {
    all: Vec<Subscription>,
    /// Profile subscriptions: the position in `all` and the parsed profile.
    profiles: Vec<(usize, Profile)>,
    /// Search subscriptions: the position in `all` and the search.
    searches: Vec<(usize, SavedSearch)>,
    unreadable: usize,
}

impl Subscribers {
    async fn load(store: &Store) -> Result<Self, AppError> {
        let active = store.active_subscriptions().await?;
        let mut profiles = Vec::new();
        let mut searches = Vec::new();
        let mut unparsed = 0;
        for (position, subscription) in active.subscriptions.iter().enumerate() {
            match &subscription.criteria {
                Criteria::Profile(answers) => match Profile::from_value(answers) {
                    Ok(profile) => profiles.push((position, profile)),
                    // The vocabulary changed since it was saved: skipped and reported, and
                    // kept, so that a correction of the vocabulary brings it back.
                    Err(_) => unparsed += 1,
                },
                Criteria::Search(_) | Criteria::SearchWithFilters { .. } => {
                    match SavedSearch::of(&subscription.criteria) {
                        Some(Ok(search)) => searches.push((position, search)),
                        // A code taken out of the reference data: as for profiles.
                        _ => unparsed += 1,
                    }
                }
            }
        }
        let unreadable = unparsed + active.unreadable;
        if unreadable > 0 {
            tracing::warn!(
                count = unreadable,
                "subscriptions whose saved terms no longer read were skipped"
            );
        }
        Ok(Self {
            all: active.subscriptions,
            profiles,
            searches,
            unreadable,
        })
    }
}

/// What every event of one run shares.
struct Run<'r> {
    state: &'r AppState,
    catalog: &'r Catalog,
    subscribers: &'r Subscribers,
    links: NoticeLinks,
    cap: u32,
    webhook: Option<String>,
    /// Whether tracked links name their subscriber (the click-recording setting).
    name_recipients: bool,
    today: Date,
}

/// A subscriber an event reaches, and why.
struct Match {
    position: usize,
    reason: String,
}

impl Run<'_> {
    async fn match_event(
        &self,
        event: &NoticeEvent,
        sent: &mut HashMap<String, u32>,
        report: &mut MatchReport,
    ) -> Result<(), AppError> {
        let store = self.state.store();
        let found: Option<(&Program, usize)> =
            ProgramId::parse(&event.program_id).ok().and_then(|id| {
                let position = self.catalog.position(&id)?;
                Some((self.catalog.programs()[position].as_ref(), position))
            });
        let nothing = EventDelivery {
            event_id: event.id,
            notice: None,
            messages: &[],
            digest_items: &[],
        };
        // Off the site since, or a new program already closed: nothing to tell.
        let Some((program, position)) = found.filter(|(p, _)| worth_telling(p, event, self.today))
        else {
            if store.deliver_event(&nothing).await? {
                report.events += 1;
            }
            return Ok(());
        };
        let matches = self.matches(program, position, event.event);
        let notice_id = program_notice_id(event.id);
        let page = format!("{}/programs/{}", self.links.base(), program.id);
        let link_id = store.notice_link(&notice_id, &page).await?;
        let mut messages = Vec::new();
        let mut digest_items = Vec::new();
        for Match { position, reason } in matches {
            let subscription = &self.subscribers.all[position];
            let count = sent.entry(subscription.id.clone()).or_default();
            match route(subscription.choices.cadence, *count, self.cap) {
                Route::Instant => {
                    *count += 1;
                    let item = NoticeItem::of(
                        program,
                        event.event,
                        reason,
                        self.links.tracked_on(
                            subscription.address.channel(),
                            &link_id,
                            &subscription.id,
                            self.name_recipients,
                        ),
                        self.today,
                    );
                    let foot = Foot::of(&self.links, &subscription.id);
                    let channel = subscription.address.channel();
                    messages.push(OutboxMessage {
                        key: format!("notice:{notice_id}:{}", subscription.id),
                        channel,
                        recipient: subscription.address.to().to_owned(),
                        subscription_id: Some(subscription.id.clone()),
                        notice_id: Some(notice_id.clone()),
                        body: program_message(channel, event.event, &item, &foot)?,
                    });
                }
                Route::Digest => digest_items.push(DigestItem {
                    subscription_id: subscription.id.clone(),
                    notice_id: notice_id.clone(),
                    program_id: program.id.to_string(),
                    reason,
                }),
            }
        }
        let reached = messages.len() + digest_items.len();
        if let Some(url) = &self.webhook {
            messages.push(OutboxMessage {
                key: format!("notice:{notice_id}:webhook"),
                channel: "webhook",
                recipient: url.clone(),
                subscription_id: None,
                notice_id: Some(notice_id.clone()),
                body: webhook_message(program, event.event, &page),
            });
        }
        let delivery = EventDelivery {
            event_id: event.id,
            notice: Some(ProgramNotice {
                id: &notice_id,
                title: program.title.as_str(),
                recipients: u64::try_from(reached).unwrap_or(u64::MAX),
            }),
            messages: &messages,
            digest_items: &digest_items,
        };
        if store.deliver_event(&delivery).await? {
            report.events += 1;
            report.messages += reached - digest_items.len();
            report.folded += digest_items.len();
        }
        Ok(())
    }

    /// The subscribers who want `event` and whom `program` fits: profiles judged by its
    /// rule all at once, searches by the index.
    fn matches(&self, program: &Program, position: usize, event: Event) -> Vec<Match> {
        let subscribers = self.subscribers;
        let wants = |position: usize| {
            let subscription = &subscribers.all[position];
            subscription.confirmed && subscription.choices.events.contains(event)
        };
        let mut found = Vec::new();
        if let Some(rule) = self.catalog.rules().rule(position) {
            found.extend(self.profile_matches(rule, &wants));
        }
        let index = self.state.search_index();
        // Many subscribe to the same search: each is run once per program.
        let mut verdicts: HashMap<String, bool> = HashMap::new();
        for (position, search) in subscribers.searches.iter().filter(|(p, _)| wants(*p)) {
            let fits = *verdicts.entry(search.params()).or_insert_with(|| {
                index
                    .matching_ids(&search.matching_query(), self.today)
                    .is_ok_and(|ids| ids.contains(&program.id))
            });
            if fits {
                found.push(Match {
                    position: *position,
                    reason: format!("検索条件（{}）に合う制度です", search.summary()),
                });
            }
        }
        found
    }

    fn profile_matches(&self, rule: RuleView<'_>, wants: &dyn Fn(usize) -> bool) -> Vec<Match> {
        let candidates: Vec<&(usize, Profile)> = self
            .subscribers
            .profiles
            .iter()
            .filter(|(position, _)| wants(*position))
            .collect();
        let audience = candidates.iter().map(|(position, profile)| {
            let needs_info = self.subscribers.all[*position].choices.needs_info;
            (profile, needs_info)
        });
        reach(rule, audience, self.today)
            .into_iter()
            .map(|reached| {
                let (position, profile) = candidates[reached.index];
                Match {
                    position: *position,
                    reason: reason_line(rule, profile, self.today),
                }
            })
            .collect()
    }
}

/// Whether an event of `program` is still worth a notice: a program published already
/// closed is not news, every other event is (a window closed early is a change to hear of).
fn worth_telling(program: &Program, event: &NoticeEvent, today: Date) -> bool {
    !(event.event == Event::New && matches!(application_window(program, today), Window::Closed(_)))
}

/// Queues the digests the current round still owes; returns how many.
pub async fn queue_digests(state: &AppState, now: OffsetDateTime) -> Result<usize, AppError> {
    let store = state.store();
    let round = DigestRound::latest(now);
    let due = store.due_digests(&round).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let catalog = state.catalog();
    let links = state.job_notice_links();
    let name_recipients = store.records_subscriber_clicks().await?;
    let today = now.to_offset(JST).date();
    let more_link = format!("{}/programs/new", links.base());
    let mut queued = 0;
    for digest in due {
        let subscription = &digest.subscription;
        let mut items = Vec::new();
        for waiting in &digest.items {
            let program = ProgramId::parse(&waiting.program_id)
                .ok()
                .and_then(|id| catalog.get(&id));
            // A program taken off the site since is left out of the digest.
            let Some(program) = program else { continue };
            let page = format!("{}/programs/{}", links.base(), program.id);
            let link_id = store.notice_link(&waiting.notice_id, &page).await?;
            items.push(NoticeItem::of(
                program,
                waiting.event.unwrap_or(Event::New),
                waiting.reason.clone(),
                links.tracked_on(
                    subscription.address.channel(),
                    &link_id,
                    &subscription.id,
                    name_recipients,
                ),
                today,
            ));
        }
        let message = if items.is_empty() {
            None
        } else {
            let channel = subscription.address.channel();
            let foot = Foot::of(&links, &subscription.id);
            Some(OutboxMessage {
                key: round.key(&subscription.id),
                channel,
                recipient: subscription.address.to().to_owned(),
                subscription_id: Some(subscription.id.clone()),
                notice_id: None,
                body: digest_message(channel, &items, &more_link, &foot)?,
            })
        };
        if store
            .queue_digest(&subscription.id, &round, message.as_ref())
            .await?
            && message.is_some()
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// The notices job as the audit log names it.
const NOTICES_JOB: Actor<'static> = Actor {
    id: None,
    name: "お知らせの配信",
};

/// Sends every staff notice approved and due by `now`: its segment is evaluated against the
/// subscriptions confirmed now (`Segment::reach`), and one message per recipient enters the
/// outbox with the notice turning `sent`, in one transaction (`Store::deliver_staff_notice`),
/// keyed `notice:{notice}:{subscription}`. Staff notices are not counted against the daily
/// cap and go at once to weekly subscribers too: staff chose the segment and the moment.
/// A notice whose segment no longer reads (the vocabulary changed since it was approved)
/// is not sent but returned to 下書き, audited, for staff to correct. Returns how many
/// notices were sent and how many messages they queued.
pub async fn send_due_staff_notices(
    state: &AppState,
    now: OffsetDateTime,
) -> Result<(usize, usize), AppError> {
    let store = state.store();
    let due = store.due_staff_notices(now).await?;
    if due.is_empty() {
        return Ok((0, 0));
    }
    let active = store.active_subscriptions().await?;
    let links = state.job_notice_links();
    let name_recipients = store.records_subscriber_clicks().await?;
    let today = now.to_offset(JST).date();
    let (mut notices, mut messages) = (0, 0);
    for notice in due {
        let candidates = active.subscriptions.iter().map(|s| Candidate {
            channel: s.address.channel(),
            criteria: &s.criteria,
        });
        let reach = match Segment::from_json(&notice.segment).map(|s| s.reach(candidates, today)) {
            Some(Ok(reach)) => reach,
            Some(Err(_)) | None => {
                hold_back(state, &notice).await?;
                continue;
            }
        };
        let body = StaffBody::parse(&notice.body);
        let mut link_ids = Vec::new();
        for url in body.urls() {
            link_ids.push(store.notice_link(&notice.id, url).await?);
        }
        let mut queued = Vec::with_capacity(reach.reached.len());
        for position in reach.reached {
            let subscription = &active.subscriptions[position];
            let channel = subscription.address.channel();
            let tracked: Vec<String> = link_ids
                .iter()
                .map(|link| links.tracked_on(channel, link, &subscription.id, name_recipients))
                .collect();
            let foot = Foot::of(&links, &subscription.id);
            queued.push(OutboxMessage {
                key: format!("notice:{}:{}", notice.id, subscription.id),
                channel,
                recipient: subscription.address.to().to_owned(),
                subscription_id: Some(subscription.id.clone()),
                notice_id: Some(notice.id.clone()),
                body: staff_message(channel, &notice.title, &body, &tracked, &foot)?,
            });
        }
        let approver = match &notice.approved_by {
            Some(id) => store
                .account(id)
                .await?
                .map_or_else(|| id.clone(), |a| a.display_name.to_string()),
            None => "不明".to_owned(),
        };
        let detail = format!(
            "予約どおり送信しました（{}件、承認：{approver}）",
            queued.len()
        );
        let entry = action::entry(
            NOTICES_JOB,
            Action::NoticeSend,
            Some(&notice.id),
            detail,
            Client(None),
        );
        let delivery = StaffDelivery {
            notice_id: &notice.id,
            messages: &queued,
            audit: Some(&entry),
        };
        if store.deliver_staff_notice(&delivery).await? {
            notices += 1;
            messages += queued.len();
        }
    }
    Ok((notices, messages))
}

/// Returns a due notice whose segment cannot be evaluated to 下書き, with the reason in the
/// audit log; a notice that changed meanwhile is left to whoever changed it.
async fn hold_back(state: &AppState, notice: &StaffNotice) -> Result<(), AppError> {
    tracing::warn!(notice = %notice.id, "a staff notice's segment does not read; returned to draft");
    let entry = action::entry(
        NOTICES_JOB,
        Action::NoticeReturn,
        Some(&notice.id),
        "送る相手の条件を読み取れないため送信せず、下書きに戻しました。条件を直して、もう一度送信してください",
        Client(None),
    );
    match state
        .store()
        .step_staff_notice(
            &notice.id,
            &notice.revision(),
            StaffNoticeStep::ReturnToDraft,
            &entry,
        )
        .await
    {
        Ok(_) | Err(madoguchi_store::StoreError::StaleNotice) => Ok(()),
        Err(err) => Err(err.into()),
    }
}
