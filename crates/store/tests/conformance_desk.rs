//! The conformance suite for the consultation desk: the registry, filing a case, the
//! workflow with its history and audit entries, paged lists filtered in the database,
//! standings for matching, retention and one person's export and erasure. Run against
//! every backend like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::desk::{
    CaseState, Category, Expert, ExpertKind, Intake, IntakeForm, Requester, sample_registry,
};
use madoguchi_store::testing::{TestDatabase, at_once_from_two_processes};
use madoguchi_store::{
    AuditFilter, CaseChange, CaseQuery, DeskActor, ExpertEntry, Retention, Store, StoreError,
};
use time::macros::date;
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

fn categories() -> Vec<Category> {
    ["strategy", "security"]
        .into_iter()
        .map(|c| Category::parse(c).unwrap())
        .collect()
}

fn intake(email: &str, category: &str) -> Intake {
    let form = IntakeForm {
        requester: "business",
        category,
        name: "山田 花子",
        organisation: "（例）やまだ商店",
        business: "食品スーパー",
        email,
        phone: "059-224-0000",
        place: "242012",
        message: "在庫の管理を表計算から切り替えたい",
        method: "online",
        times: "平日の午後",
        attached: "診断の結果：IT導入補助金",
        consent: true,
    };
    Intake::check(&form, &categories()).unwrap()
}

/// Files a consultation as the public form does, with Mie's three sessions.
async fn file(store: &Store, email: &str, category: &str) -> madoguchi_store::Case {
    store
        .file_case(&intake(email, category), 3, &public())
        .await
        .unwrap()
}

fn staff() -> DeskActor {
    DeskActor {
        account_id: Some("a".repeat(32)),
        name: "窓口 太郎".to_owned(),
        client: Some("192.0.2.1".to_owned()),
    }
}

fn public() -> DeskActor {
    DeskActor {
        account_id: None,
        name: "相談者".to_owned(),
        client: None,
    }
}

fn entry(id: &str, kind: ExpertKind) -> ExpertEntry {
    let mut expert = Expert::new(id, kind, format!("（例）{id}")).with_tags(["EC", "SNS"]);
    expert.categories = categories();
    expert.takes = vec![Requester::Business];
    expert.monthly_capacity = 3;
    ExpertEntry {
        expert,
        contact: format!("{id}@example.jp"),
        profile: String::new(),
        account_id: None,
    }
}

async fn audit_actions(store: &Store) -> Vec<String> {
    let mut entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
    entries.sort_by_key(|e| e.id);
    entries.into_iter().map(|e| e.action).collect()
}

#[tokio::test]
async fn the_registry_keeps_each_expert_whole_and_finds_them_by_account() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        for sample in sample_registry() {
            let entry = ExpertEntry {
                expert: sample.expert,
                contact: sample.contact,
                profile: sample.profile,
                account_id: None,
            };
            store.save_expert(&entry, &staff()).await.unwrap();
        }
        let mut linked = entry("adv-99", ExpertKind::Advisor);
        linked.account_id = Some("b".repeat(32));
        store.save_expert(&linked, &staff()).await.unwrap();
        let all = store.experts().await.unwrap();
        assert_eq!(
            all.len(),
            sample_registry().len() + 1,
            "{}",
            db.backend_name()
        );
        let first = &sample_registry()[0];
        assert_eq!(all[0].expert, first.expert);
        assert_eq!(
            store.expert_of_account(&"b".repeat(32)).await.unwrap(),
            Some(linked.clone())
        );
        // Saving again replaces the entry under its id.
        linked.expert.monthly_capacity = 9;
        store.save_expert(&linked, &staff()).await.unwrap();
        let read = store.expert("adv-99").await.unwrap().unwrap();
        assert_eq!(read.expert.monthly_capacity, 9);
        let bad = entry("Adv 1", ExpertKind::Advisor);
        assert!(matches!(
            store.save_expert(&bad, &staff()).await,
            Err(StoreError::InvalidDesk(_))
        ));
    }
}

#[tokio::test]
async fn a_case_goes_through_the_workflow_with_its_history_and_audit_entries() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        store
            .save_expert(&entry("adv-01", ExpertKind::Advisor), &staff())
            .await
            .unwrap();
        let filed = file(&store, "hanako@example.jp", "strategy").await;
        assert_eq!(filed.state, CaseState::Received);
        assert_eq!(filed.personal.as_ref().unwrap().name, "山田 花子");
        let id = filed.id;
        let steps = [
            CaseChange::StartHearing,
            CaseChange::Note {
                category: Category::parse("security").unwrap(),
                tags: &["ＥＣ", "在庫"],
                notes: "在庫表の共有に困っている",
            },
            CaseChange::Refer {
                expert_id: "adv-01",
                reasons: "得意分野が一致：ec",
            },
            CaseChange::Accept,
            CaseChange::RecordSession {
                on: date!(2026 - 12 - 07),
                summary: "現状の聞き取り",
            },
            CaseChange::RecordSession {
                on: date!(2026 - 12 - 14),
                summary: "ツールの比較",
            },
            CaseChange::Close {
                outcome: "クラウド在庫管理を試す。IT導入補助金に申請する。",
            },
        ];
        let mut revision = filed.revision;
        for step in &steps {
            let case = store
                .change_case(id, revision, step, &staff())
                .await
                .unwrap();
            assert_eq!(case.revision, revision + 1);
            revision = case.revision;
        }
        let case = store.open_case(id, &staff()).await.unwrap();
        assert_eq!(case.state, CaseState::Closed, "{}", db.backend_name());
        assert_eq!(case.sessions, 2);
        assert_eq!(case.category.as_str(), "security");
        assert_eq!(case.tags, ["ec", "在庫"]);
        assert_eq!(case.expert_id.as_deref(), Some("adv-01"));
        assert!(case.first_contact_at.is_some() && case.closed_at.is_some());
        assert_eq!(case.record.notes, "在庫表の共有に困っている");
        assert!(case.record.outcome.contains("IT導入補助金"));
        let events = store.case_events(id).await.unwrap();
        let names: Vec<_> = events.iter().map(|e| e.step.as_str()).collect();
        assert_eq!(
            names,
            [
                "file", "hearing", "note", "refer", "accept", "session", "session", "close"
            ]
        );
        assert_eq!(events[3].text, "得意分野が一致：ec");
        assert_eq!(events[5].text, "2026-12-07：現状の聞き取り");
        let actions = audit_actions(&store).await;
        let desk: Vec<_> = actions
            .iter()
            .filter(|a| a.starts_with("case."))
            .map(String::as_str)
            .collect();
        assert_eq!(
            desk,
            [
                "case.file",
                "case.hearing",
                "case.note",
                "case.refer",
                "case.accept",
                "case.session",
                "case.session",
                "case.close",
                "case.view"
            ]
        );
        // No personal data reaches the audit log.
        let entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
        assert!(entries.iter().all(|e| {
            !e.detail.contains("山田") && !e.detail.contains("hanako") && !e.detail.contains("在庫")
        }));
    }
}

#[tokio::test]
async fn a_refused_step_changes_nothing_and_says_why() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let case = store
            .file_case(&intake("a@example.jp", "strategy"), 1, &public())
            .await
            .unwrap();
        let refused = store
            .change_case(case.id, case.revision, &CaseChange::Accept, &staff())
            .await
            .unwrap_err();
        assert!(matches!(refused, StoreError::CaseStep(_)), "{refused:?}");
        assert!(refused.to_string().contains("受付"), "{refused}");
        let unknown = CaseChange::Refer {
            expert_id: "nobody",
            reasons: "理由",
        };
        let heard = store
            .change_case(case.id, case.revision, &CaseChange::StartHearing, &staff())
            .await
            .unwrap();
        assert!(matches!(
            store
                .change_case(case.id, heard.revision, &unknown, &staff())
                .await,
            Err(StoreError::UnknownExpert(_))
        ));
        let empty = CaseChange::Withdraw { reason: " " };
        assert!(matches!(
            store
                .change_case(case.id, heard.revision, &empty, &staff())
                .await,
            Err(StoreError::InvalidDesk(_))
        ));
        // An old revision is refused even for a step that would be allowed.
        let stale = store
            .change_case(case.id, case.revision, &CaseChange::StartHearing, &staff())
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::StaleCase { .. }), "{stale:?}");
        let now = store.case_standing(case.id).await.unwrap();
        assert_eq!(
            (now.state, now.revision),
            (CaseState::Hearing, heard.revision)
        );
        assert!(
            now.personal.is_none(),
            "a standing carries no personal data"
        );
    }
}

#[tokio::test]
async fn two_staff_confirming_different_experts_at_once_cannot_both_win() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        for n in 0..8 {
            store
                .save_expert(&entry(&format!("adv-{n}"), ExpertKind::Advisor), &staff())
                .await
                .unwrap();
        }
        let case = file(&store, "a@example.jp", "strategy").await;
        let heard = store
            .change_case(case.id, case.revision, &CaseChange::StartHearing, &staff())
            .await
            .unwrap();
        let (id, revision) = (heard.id, heard.revision);
        let results = at_once_from_two_processes(&db, &store, 8, |s| {
            let n = next_expert();
            async move {
                let expert = format!("adv-{n}");
                let change = CaseChange::Refer {
                    expert_id: &expert,
                    reasons: "候補の1位",
                };
                s.change_case(id, revision, &change, &staff()).await
            }
        })
        .await
        .unwrap();
        let won = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(won, 1, "{}: {results:?}", db.backend_name());
        assert!(results.iter().all(|r| matches!(
            r,
            Ok(_) | Err(StoreError::StaleCase { .. } | StoreError::Busy)
        )));
        let refers = store
            .case_events(id)
            .await
            .unwrap()
            .into_iter()
            .filter(|e| e.step == "refer")
            .count();
        assert_eq!(refers, 1);
    }
}

/// A different expert per call, so that the racing confirmations differ.
fn next_expert() -> usize {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed) % 8
}

#[tokio::test]
async fn lists_are_paged_and_filtered_in_the_database_without_personal_data() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        store
            .save_expert(&entry("adv-01", ExpertKind::Advisor), &staff())
            .await
            .unwrap();
        let mut ids = Vec::new();
        for n in 0..25 {
            let category = if n % 5 == 0 { "security" } else { "strategy" };
            let case = store
                .file_case(&intake(&format!("p{n}@example.jp"), category), 3, &public())
                .await
                .unwrap();
            ids.push(case);
        }
        // Three heard, one of them introduced to adv-01, one withdrawn.
        for case in &ids[..3] {
            store
                .change_case(case.id, case.revision, &CaseChange::StartHearing, &staff())
                .await
                .unwrap();
        }
        let refer = CaseChange::Refer {
            expert_id: "adv-01",
            reasons: "理由",
        };
        store
            .change_case(ids[0].id, ids[0].revision + 1, &refer, &staff())
            .await
            .unwrap();
        let withdraw = CaseChange::Withdraw {
            reason: "解決した"
        };
        store
            .change_case(ids[1].id, ids[1].revision + 1, &withdraw, &staff())
            .await
            .unwrap();

        let page = |page, per_page| CaseQuery {
            page,
            per_page,
            ..CaseQuery::default()
        };
        let first = store.cases(&page(1, 10)).await.unwrap();
        assert_eq!(first.total, 25, "{}", db.backend_name());
        assert_eq!(first.cases.len(), 10);
        assert!(first.cases.iter().all(|c| c.personal.is_none()));
        let third = store.cases(&page(3, 10)).await.unwrap();
        assert_eq!(third.cases.len(), 5);
        // Newest first, with no case on two pages.
        assert!(first.cases[0].id > third.cases[4].id);
        let open = CaseQuery {
            open_only: true,
            ..page(1, 50)
        };
        assert_eq!(store.count_cases(&open).await.unwrap(), 24);
        let mine = CaseQuery {
            expert_id: Some("adv-01".to_owned()),
            ..page(1, 50)
        };
        let mine = store.cases(&mine).await.unwrap();
        assert_eq!(mine.total, 1);
        assert_eq!(mine.cases[0].receipt, ids[0].receipt);
        let security = CaseQuery {
            category: Some(Category::parse("security").unwrap()),
            state: Some(CaseState::Received),
            ..page(1, 50)
        };
        assert_eq!(store.count_cases(&security).await.unwrap(), 4);
        let later = OffsetDateTime::now_utc() + Duration::days(1);
        let uncontacted = CaseQuery {
            uncontacted_before: Some(later),
            ..page(1, 50)
        };
        assert_eq!(store.count_cases(&uncontacted).await.unwrap(), 22);
        let earlier = CaseQuery {
            uncontacted_before: Some(later - Duration::days(3)),
            ..page(1, 50)
        };
        assert_eq!(store.count_cases(&earlier).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn standings_count_this_months_introductions_and_similar_closed_cases() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        store
            .save_expert(&entry("ptn-01", ExpertKind::Partner), &staff())
            .await
            .unwrap();
        for n in 0..3 {
            let case = store
                .file_case(
                    &intake(&format!("s{n}@example.jp"), "strategy"),
                    3,
                    &public(),
                )
                .await
                .unwrap();
            let r = case.revision;
            store
                .change_case(case.id, r, &CaseChange::StartHearing, &staff())
                .await
                .unwrap();
            let refer = CaseChange::Refer {
                expert_id: "ptn-01",
                reasons: "順番",
            };
            store
                .change_case(case.id, r + 1, &refer, &staff())
                .await
                .unwrap();
            if n == 0 {
                // A declined introduction does not count against the expert.
                let decline = CaseChange::Decline {
                    reason: "日程が合わない",
                };
                store
                    .change_case(case.id, r + 2, &decline, &staff())
                    .await
                    .unwrap();
            } else if n == 1 {
                store
                    .change_case(case.id, r + 2, &CaseChange::Accept, &staff())
                    .await
                    .unwrap();
                let close = CaseChange::Close {
                    outcome: "計画を作った",
                };
                store
                    .change_case(case.id, r + 3, &close, &staff())
                    .await
                    .unwrap();
            }
        }
        let now = OffsetDateTime::now_utc();
        let around = (now - Duration::days(1), now + Duration::days(1));
        let strategy = Category::parse("strategy").unwrap();
        let standings = store.standings(&strategy, around, around).await.unwrap();
        let partner = standings["ptn-01"];
        assert_eq!(partner.this_month, 2, "{}", db.backend_name());
        assert_eq!(partner.this_fiscal_year, 2);
        assert_eq!(partner.similar_closed, 1);
        let before = (now - Duration::days(60), now - Duration::days(30));
        let security = Category::parse("security").unwrap();
        let other = store.standings(&security, before, around).await.unwrap();
        assert_eq!(other["ptn-01"].this_month, 0);
        assert_eq!(other["ptn-01"].similar_closed, 0);
    }
}

#[tokio::test]
async fn retention_purges_ended_cases_and_a_person_can_be_exported_and_erased() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let kept = file(&store, "open@example.jp", "strategy").await;
        let ended = file(&store, "ended@example.jp", "strategy").await;
        let withdraw = CaseChange::Withdraw {
            reason: "不要になった",
        };
        store
            .change_case(ended.id, ended.revision, &withdraw, &staff())
            .await
            .unwrap();
        let job = DeskActor {
            account_id: None,
            name: "保存期間の処理".to_owned(),
            client: None,
        };
        let now = OffsetDateTime::now_utc();
        // Not yet due: nothing is purged.
        let not_yet = Retention {
            closed_before: now - Duration::days(1),
            withdrawn_before: now - Duration::days(1),
        };
        assert_eq!(store.purge_cases(not_yet, &job).await.unwrap(), 0);
        let due = Retention {
            closed_before: now + Duration::days(1),
            withdrawn_before: now + Duration::days(1),
        };
        assert_eq!(
            store.purge_cases(due, &job).await.unwrap(),
            1,
            "{}",
            db.backend_name()
        );
        assert_eq!(
            store.purge_cases(due, &job).await.unwrap(),
            0,
            "purged once"
        );
        let purged = store.open_case(ended.id, &staff()).await.unwrap();
        assert!(purged.personal.is_none());
        assert!(purged.record.end_reason.is_empty());
        assert_eq!(purged.state, CaseState::Withdrawn, "the figures stay");
        assert!(
            store
                .case_events(ended.id)
                .await
                .unwrap()
                .iter()
                .all(|e| e.text.is_empty())
        );
        assert!(
            store
                .open_case(kept.id, &staff())
                .await
                .unwrap()
                .personal
                .is_some()
        );

        // One person's data, by e-mail (any case) or phone digits, exported then erased.
        let again = file(&store, "OPEN@example.jp", "security").await;
        let export = store
            .export_person("open@example.jp", &staff())
            .await
            .unwrap();
        let receipts: Vec<_> = export.iter().map(|(c, _)| c.receipt.as_str()).collect();
        assert_eq!(receipts, [kept.receipt.as_str(), again.receipt.as_str()]);
        assert!(export.iter().all(|(c, _)| c.personal.is_some()));
        assert_eq!(
            store
                .erase_person(" Open@Example.jp ", &staff())
                .await
                .unwrap(),
            2
        );
        assert!(
            store
                .open_case(kept.id, &staff())
                .await
                .unwrap()
                .personal
                .is_none()
        );
        assert!(matches!(
            store.erase_person("誰か", &staff()).await,
            Err(StoreError::InvalidDesk(_))
        ));
        let actions = audit_actions(&store).await;
        for action in ["case.purge", "person.export", "person.erase"] {
            assert!(actions.iter().any(|a| a == action), "{action}");
        }
    }
}
