//! The conformance suite for program events: a catalogue write records `new` and `changed`
//! in its own transaction, whichever path makes it (a published draft, a batch save), only
//! for what matters to an applicant, and nothing when the write rolls back; a delivery is
//! written whole and only once. Run against every backend like `conformance.rs`.

#![allow(clippy::unwrap_used)]

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::notices::{Event, EventKey};
use madoguchi_core::program::{ApplicationRound, Program, Yen};
use madoguchi_store::testing::{TestDatabase, retitled, synthetic_program};
use madoguchi_store::{
    DigestItem, EventDelivery, MessageBody, NewAuditEntry, OutboxMessage, ProgramNotice,
    Publication, Store, StoreError, program_notice_id,
};
use time::macros::date;

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

/// The unmatched events' keys, oldest first.
async fn event_keys(store: &Store) -> Vec<String> {
    let events = store.unmatched_events(100).await.unwrap();
    events.iter().map(|e| e.key.as_str().to_owned()).collect()
}

fn with_window(program: &Program, closes: time::Date) -> Program {
    let round = ApplicationRound::new(
        None,
        Some(JstDateTime::from_date(
            date!(2026 - 04 - 01),
            DayEdge::Start,
        )),
        Some(JstDateTime::from_date(closes, DayEdge::End)),
    )
    .unwrap();
    Program {
        rounds: vec![round],
        ..program.clone()
    }
}

#[tokio::test]
async fn publishing_records_new_in_the_same_transaction_and_a_rolled_back_publish_records_nothing()
{
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let program = synthetic_program(1);
        let draft = store.save_draft(&program, 0, 0, "a").await.unwrap();

        // The audit log refuses the entry, so the whole publication rolls back.
        let refused = |_: u32| NewAuditEntry {
            actor_id: Some("b".to_owned()),
            actor_name: "承認者".to_owned(),
            action: "NOT AN ACTION".to_owned(),
            target: Some(program.id.to_string()),
            detail: "公開しました".to_owned(),
            client: None,
        };
        let publication = Publication {
            audit: Some(&refused),
            ..Publication::by("console:b")
        };
        let err = store
            .publish(&program.id, draft.revision, &publication)
            .await;
        assert!(
            matches!(err, Err(StoreError::InvalidAuditEntry(_))),
            "{name}: {err:?}"
        );
        assert!(event_keys(&store).await.is_empty(), "{name}");

        store
            .publish_draft(&program.id, draft.revision, "console:b")
            .await
            .unwrap();
        let events = store.unmatched_events(100).await.unwrap();
        assert_eq!(events.len(), 1, "{name}");
        assert_eq!(events[0].event, Event::New, "{name}");
        assert_eq!(events[0].program_id, program.id.as_str(), "{name}");
        assert_eq!(
            events[0].key,
            EventKey::of_version(Event::New, &program.id, 1),
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_change_of_wording_records_nothing_and_a_change_of_window_or_amount_records_changed() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let program = synthetic_program(2);
        store.save_program(&program, "cli").await.unwrap();
        let new = format!("new:{}:1", program.id);
        assert_eq!(
            event_keys(&store).await,
            std::slice::from_ref(&new),
            "{name}"
        );

        let mut reworded = retitled(&program, "題名だけを直した制度");
        reworded.summary = "説明の文を改めました。".to_owned();
        let outcome = store.save_program(&reworded, "web").await.unwrap();
        assert_eq!(outcome.version(), 2, "{name}: the wording is a new version");
        assert_eq!(
            event_keys(&store).await,
            std::slice::from_ref(&new),
            "{name}"
        );

        let moved = with_window(&reworded, date!(2026 - 12 - 25));
        store.save_program(&moved, "web").await.unwrap();
        let changed = format!("changed:{}:3", program.id);
        assert_eq!(
            event_keys(&store).await,
            [new.clone(), changed.clone()],
            "{name}"
        );

        // Saving the same content again is no version and no event.
        store.save_program(&moved, "web").await.unwrap();
        let mut raised = moved.clone();
        raised.amount.max = Some(Yen::from_u64(7_770_000));
        store
            .save_program_expecting(&raised, 3, "console:a")
            .await
            .unwrap();
        assert_eq!(
            event_keys(&store).await,
            [new, changed, format!("changed:{}:4", program.id)],
            "{name}"
        );
    }
}

#[tokio::test]
async fn a_batch_records_an_event_per_new_program_and_a_failed_batch_none() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let batch: Vec<Program> = (10..13).map(synthetic_program).collect();
        store
            .save_programs(&batch, "import:csv", &mut |_| {})
            .await
            .unwrap();
        assert_eq!(event_keys(&store).await.len(), 3, "{name}");

        // A stale save is refused inside the transaction: its change leaves no event.
        let moved = with_window(&batch[0], date!(2026 - 11 - 30));
        let err = store.save_program_expecting(&moved, 7, "console:a").await;
        assert!(matches!(err, Err(StoreError::Stale { .. })), "{name}");
        assert_eq!(event_keys(&store).await.len(), 3, "{name}");
    }
}

#[tokio::test]
async fn a_delivery_is_written_whole_and_only_once() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let program = synthetic_program(3);
        store.save_program(&program, "cli").await.unwrap();
        let key = EventKey::of_deadline(Event::Deadline7, &program.id, date!(2026 - 06 - 30));
        assert!(
            store
                .record_notice_event(&key, &program.id, Event::Deadline7)
                .await
                .unwrap()
        );
        assert!(
            !store
                .record_notice_event(&key, &program.id, Event::Deadline7)
                .await
                .unwrap(),
            "{name}: a scan that runs twice records the deadline once"
        );
        let events = store.unmatched_events(10).await.unwrap();
        let event = events.iter().find(|e| e.key == key).unwrap().clone();
        assert_eq!(event.event, Event::Deadline7, "{name}");
        let notice_id = program_notice_id(event.id);
        let messages: Vec<OutboxMessage> = (0..3)
            .map(|n| OutboxMessage {
                key: format!("notice:{notice_id}:s{n}"),
                channel: "email",
                recipient: format!("s{n}@example.jp"),
                subscription_id: Some(format!("s{n}")),
                notice_id: Some(notice_id.clone()),
                body: MessageBody {
                    subject: "新しい制度のお知らせ".to_owned(),
                    text: "本文".to_owned(),
                    html: None,
                    unsubscribe: None,
                },
            })
            .collect();
        let items = [DigestItem {
            subscription_id: "s9".to_owned(),
            notice_id: notice_id.clone(),
            program_id: program.id.to_string(),
            reason: "対象：条件を満たしています".to_owned(),
        }];
        let delivery = EventDelivery {
            event_id: event.id,
            notice: Some(ProgramNotice {
                id: &notice_id,
                title: program.title.as_str(),
                recipients: 4,
            }),
            messages: &messages,
            digest_items: &items,
        };
        assert!(store.deliver_event(&delivery).await.unwrap(), "{name}");
        assert_eq!(store.outbox_counts().await.unwrap().queued, 3, "{name}");
        assert!(
            !store.deliver_event(&delivery).await.unwrap(),
            "{name}: a second matcher finds it matched and writes nothing"
        );
        assert_eq!(store.outbox_counts().await.unwrap().queued, 3, "{name}");
        let sent = store
            .notices_sent_since(time::OffsetDateTime::now_utc() - time::Duration::days(1))
            .await
            .unwrap();
        assert_eq!(sent.get("s1"), Some(&1), "{name}");
        assert_eq!(sent.get("s9"), None, "{name}: a digest item is no message");
        let left = event_keys(&store).await;
        assert_eq!(left, [format!("new:{}:1", program.id)], "{name}");
    }
}
