//! Matching program events to subscriptions, on the real demo catalogue and a real SQLite
//! store: only subscribers whom the program fits (対象, 条件付きで対象, and 要確認 for those
//! who chose it) or whose saved search finds it get a message, with the reason in one line;
//! a rerun adds nothing; the daily cap folds the rest into the weekly digest, which gathers
//! them in one message; a saved profile that no longer reads is skipped and counted, never
//! deleted; another system hears of every notice by webhook when one is set.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use madoguchi_core::calendar::{DayEdge, JST, JstDateTime};
use madoguchi_core::import::own;
use madoguchi_core::notices::{Address, Cadence, Criteria, Event, EventSet, SubscriptionChoices};
use madoguchi_core::program::{ApplicationRound, Program};
use madoguchi_store::{MessageBody, OutboxItem, OutboxMessage, Store};
use madoguchi_web::AppState;
use madoguchi_web::notices::matcher::{
    DAILY_CAP_SETTING, WEBHOOK_URL_SETTING, match_pending, queue_digests,
};
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime, Time, Weekday};

const PROGRAM: &str = "demo-mie-kaigai-takakuka";

fn demo_catalogue() -> Vec<Program> {
    madoguchi_core::demo::CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect()
}

/// A 12-person manufacturer in 津市, with everything the demo rules ask answered.
fn tsu_manufacturer() -> Value {
    json!({
        "municipality": "242012", "industry": "24", "org_form": "stock_company",
        "employees": 12, "capital": "1000万円", "founded": "2015-04-01",
        "large_investment": "none", "large_officers": false, "tax_arrears": false,
        "wage_increase_plan": true, "average_income_over_limit": false
    })
}

struct Desk {
    state: AppState,
    _dir: tempfile::TempDir,
}

impl Desk {
    /// The demo catalogue in a fresh store, its own `new` events matched while nobody had
    /// subscribed yet.
    async fn open() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(&dir.path().join("test.db"))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store
            .save_programs(&demo_catalogue(), "test", &mut |_| {})
            .await
            .unwrap();
        let state = AppState::load(store)
            .await
            .unwrap()
            .with_public_url("https://city.example.jp");
        let report = match_pending(&state, OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert!(report.events > 70, "{report:?}");
        assert_eq!(report.messages, 0, "{report:?}");
        Self { state, _dir: dir }
    }

    fn store(&self) -> &Store {
        self.state.store()
    }

    /// A confirmed subscription; returns its id.
    async fn subscribe(
        &self,
        to: &str,
        criteria: Criteria,
        choices: SubscriptionChoices,
    ) -> String {
        let address = Address::email(to).unwrap();
        let id = self
            .store()
            .subscribe(&address, &criteria, &choices, |id| OutboxMessage {
                key: format!("confirm:{id}"),
                channel: "email",
                recipient: to.to_owned(),
                subscription_id: Some(id.to_owned()),
                notice_id: None,
                body: MessageBody::default(),
            })
            .await
            .unwrap();
        assert!(self.store().confirm_subscription(&id).await.unwrap());
        id
    }

    /// Saves the program with its window moved: a change that matters.
    async fn move_window(&self, days: i64) {
        let store = self.store();
        let mut program = store
            .program(&madoguchi_core::program::ProgramId::parse(PROGRAM).unwrap())
            .await
            .unwrap()
            .unwrap();
        let today = OffsetDateTime::now_utc().to_offset(JST).date();
        program.rounds = vec![
            ApplicationRound::new(
                None,
                Some(JstDateTime::from_date(today, DayEdge::Start)),
                Some(JstDateTime::from_date(
                    today + Duration::days(days),
                    DayEdge::End,
                )),
            )
            .unwrap(),
        ];
        store.save_program(&program, "test").await.unwrap();
    }

    /// Every queued message by key (claimed, so each read takes them out of the queue).
    async fn take_outbox(&self) -> BTreeMap<String, OutboxItem> {
        let items = self
            .store()
            .claim_outbox(10_000, Duration::minutes(5))
            .await
            .unwrap();
        items
            .into_iter()
            .filter(|item| !item.key.starts_with("confirm:"))
            .map(|item| (item.key.clone(), item))
            .collect()
    }
}

fn choices(cadence: Cadence, needs_info: bool) -> SubscriptionChoices {
    SubscriptionChoices {
        events: EventSet::all(),
        cadence,
        needs_info,
    }
}

fn message_for<'o>(outbox: &'o BTreeMap<String, OutboxItem>, id: &str) -> Option<&'o OutboxItem> {
    outbox
        .values()
        .find(|item| item.subscription_id.as_deref() == Some(id) && item.key.starts_with("notice:"))
}

/// The next Monday 10:00 in Japan, a week or less from now: the digest round has started.
fn next_monday_morning() -> OffsetDateTime {
    let mut day = OffsetDateTime::now_utc().to_offset(JST).date() + Duration::days(1);
    while day.weekday() != Weekday::Monday {
        day += Duration::days(1);
    }
    day.with_time(Time::from_hms(10, 0, 0).unwrap())
        .assume_offset(JST)
}

#[tokio::test]
async fn an_event_reaches_only_the_subscribers_it_fits_with_the_reason_once() {
    let desk = Desk::open().await;
    let instant = |needs_info| choices(Cadence::Instant, needs_info);
    let fits = desk
        .subscribe(
            "fits@example.jp",
            Criteria::Profile(tsu_manufacturer()),
            instant(false),
        )
        .await;
    let akita = json!({"municipality": "052019", "industry": "24",
        "org_form": "stock_company", "employees": 12, "capital": "1000万円"});
    let elsewhere = desk
        .subscribe("akita@example.jp", Criteria::Profile(akita), instant(true))
        .await;
    let unknown = json!({"municipality": "242012"});
    let unsettled = desk
        .subscribe(
            "unsure@example.jp",
            Criteria::Profile(unknown.clone()),
            instant(false),
        )
        .await;
    let asks_unsettled = desk
        .subscribe("ask@example.jp", Criteria::Profile(unknown), instant(true))
        .await;
    let searched = desk
        .subscribe(
            "search@example.jp",
            Criteria::Search("海外 販路".to_owned()),
            instant(false),
        )
        .await;
    // The same words with a filter: the area decides.
    let filtered = |area: &str| Criteria::SearchWithFilters {
        words: "海外 販路".to_owned(),
        params: format!("q=海外 販路&area={area}&kind=subsidy"),
    };
    let searched_in_mie = desk
        .subscribe("mie@example.jp", filtered("240001"), instant(false))
        .await;
    let searched_in_akita = desk
        .subscribe(
            "akita-search@example.jp",
            filtered("050008"),
            instant(false),
        )
        .await;
    let other_search = desk
        .subscribe(
            "fish@example.jp",
            Criteria::Search("漁船".to_owned()),
            instant(false),
        )
        .await;
    let stale = desk
        .subscribe(
            "stale@example.jp",
            Criteria::Profile(json!({"favourite_colour": "red"})),
            instant(true),
        )
        .await;
    let deadlines_only = desk
        .subscribe(
            "deadline@example.jp",
            Criteria::Profile(tsu_manufacturer()),
            SubscriptionChoices {
                events: EventSet::parse(["deadline7"]).unwrap(),
                ..instant(true)
            },
        )
        .await;
    desk.store()
        .set_setting(
            WEBHOOK_URL_SETTING,
            "https://hooks.example.jp/madoguchi",
            None,
        )
        .await
        .unwrap();

    desk.move_window(60).await;
    let report = match_pending(&desk.state, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(report.events, 1, "{report:?}");
    assert_eq!(report.messages, 4, "{report:?}");
    assert_eq!(report.unreadable, 1, "{report:?}");

    let outbox = desk.take_outbox().await;
    let fits_message = message_for(&outbox, &fits).expect("対象 or 条件付き is told");
    assert!(
        fits_message.body.text.contains(
            "条件付きで対象：「海外の新たな輸出先への販路拡大に取り組むこと」の確認が必要です"
        ),
        "{}",
        fits_message.body.text
    );
    assert!(
        fits_message.body.subject.contains("変更"),
        "{}",
        fits_message.body.subject
    );
    // The tracked link says its channel (e-mail), so clicks count per channel; with the
    // click-recording setting off it does not name the subscriber.
    let tracked = &fits_message.body.text[fits_message
        .body
        .text
        .find("https://city.example.jp/r/")
        .expect("a tracked link")..];
    let token = tracked
        .split('/')
        .nth(5)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    assert!(token.starts_with("e."), "{token}");
    assert_eq!(token.split('.').count(), 3, "{token}");
    assert!(
        fits_message
            .body
            .unsubscribe
            .as_deref()
            .unwrap()
            .contains("/notices/unsubscribe/")
    );
    let asked = message_for(&outbox, &asks_unsettled).expect("要確認 when chosen");
    assert!(asked.body.text.contains("要確認："), "{}", asked.body.text);
    let search = message_for(&outbox, &searched).expect("a saved search that finds it");
    assert!(
        search
            .body
            .text
            .contains("検索条件（検索のことば：「海外 販路」）に合う制度です")
    );
    let in_mie = message_for(&outbox, &searched_in_mie).expect("its area holds the program");
    assert!(
        in_mie
            .body
            .text
            .contains("検索条件（検索のことば：「海外 販路」、地域：三重県、制度の種類：補助金）に合う制度です"),
        "{}",
        in_mie.body.text
    );
    for not_told in [
        &elsewhere,
        &unsettled,
        &other_search,
        &searched_in_akita,
        &stale,
        &deadlines_only,
    ] {
        assert!(message_for(&outbox, not_told).is_none(), "{not_told}");
    }
    let hook = outbox
        .values()
        .find(|item| item.channel == "webhook")
        .unwrap();
    assert_eq!(hook.recipient, "https://hooks.example.jp/madoguchi");
    let json: Value = serde_json::from_str(&hook.body.text).unwrap();
    assert_eq!(json["program_id"], PROGRAM);
    assert_eq!(json["event"], Event::Changed.code());
    assert_eq!(outbox.len(), 5);
    assert!(
        desk.store().subscription(&stale).await.unwrap().is_some(),
        "an unreadable profile is kept"
    );

    // A rerun (another process, or after a crash) adds nothing.
    let again = match_pending(&desk.state, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(again.events, 0, "{again:?}");
    assert!(desk.take_outbox().await.is_empty());
}

#[tokio::test]
async fn past_the_daily_cap_and_for_weekly_subscribers_matches_wait_for_one_digest() {
    let desk = Desk::open().await;
    desk.store()
        .set_setting(DAILY_CAP_SETTING, "1", None)
        .await
        .unwrap();
    let instant = desk
        .subscribe(
            "instant@example.jp",
            Criteria::Profile(tsu_manufacturer()),
            choices(Cadence::Instant, false),
        )
        .await;
    let weekly = desk
        .subscribe(
            "weekly@example.jp",
            Criteria::Profile(tsu_manufacturer()),
            choices(Cadence::Weekly, false),
        )
        .await;

    desk.move_window(60).await;
    let first = match_pending(&desk.state, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!((first.messages, first.folded), (1, 1), "{first:?}");
    desk.move_window(90).await;
    let second = match_pending(&desk.state, OffsetDateTime::now_utc())
        .await
        .unwrap();
    assert_eq!(
        (second.messages, second.folded),
        (0, 2),
        "{second:?}: the cap is 1"
    );
    let outbox = desk.take_outbox().await;
    assert_eq!(outbox.len(), 1);
    assert!(message_for(&outbox, &instant).is_some());

    // Items are matched before the next round's cut-off, so that round gathers them.
    let monday = next_monday_morning();
    assert_eq!(queue_digests(&desk.state, monday).await.unwrap(), 2);
    assert_eq!(
        queue_digests(&desk.state, monday).await.unwrap(),
        0,
        "one digest a round"
    );
    let digests = desk.take_outbox().await;
    assert_eq!(digests.len(), 2, "{:?}", digests.keys());
    let weekly_digest = digests
        .values()
        .find(|item| item.subscription_id.as_deref() == Some(weekly.as_str()))
        .unwrap();
    assert!(weekly_digest.key.starts_with(&format!("digest:{weekly}:")));
    assert!(
        weekly_digest.body.subject.contains("2件"),
        "{}",
        weekly_digest.body.subject
    );
    assert_eq!(
        weekly_digest
            .body
            .text
            .matches("海外ビジネス展開支援補助金")
            .count(),
        2,
        "{}",
        weekly_digest.body.text
    );
    let instant_digest = digests
        .values()
        .find(|item| item.subscription_id.as_deref() == Some(instant.as_str()))
        .unwrap();
    assert!(
        instant_digest.body.subject.contains("1件"),
        "{}",
        instant_digest.body.subject
    );
    assert!(
        instant_digest
            .body
            .html
            .as_deref()
            .unwrap()
            .contains("条件付きで対象")
    );
}
