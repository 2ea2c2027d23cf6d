//! The consultation desk from the command line, on both backends: `madoguchi demo` fills
//! the registry, an expert's account and cases in every state (and adds nothing twice);
//! `desk purge` empties the personal data of cases past their retention and nothing else;
//! `desk export` and `desk erase` answer one person's request.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

mod common;

use std::process::{Output, Stdio};

use common::database::Database;
use madoguchi_core::desk::CaseState;
use madoguchi_core::staff::Role;
use madoguchi_store::{CaseQuery, DeskActor, Login};
use madoguchi_web::desk::DeskSettings;
use madoguchi_web::desk_jobs;
use time::OffsetDateTime;

/// Each test on SQLite, and on PostgreSQL when a server is named.
fn on_both_backends(test: impl Fn(&Database)) {
    test(&Database::sqlite());
    if let Some(db) = Database::postgres() {
        test(&db);
    }
}

fn count(db: &Database, state: CaseState) -> u64 {
    let query = CaseQuery {
        state: Some(state),
        ..CaseQuery::default()
    };
    db.block_on(db.store().count_cases(&query)).unwrap()
}

fn cases_of(db: &Database, state: CaseState) -> Vec<madoguchi_store::Case> {
    let query = CaseQuery {
        state: Some(state),
        page: 1,
        per_page: 100,
        ..CaseQuery::default()
    };
    db.block_on(db.store().cases(&query)).unwrap().cases
}

/// The test itself, as the audit log names it when it reads a case.
fn tester() -> DeskActor {
    DeskActor {
        account_id: None,
        name: "試験".to_owned(),
        client: None,
    }
}

/// Whether the case still holds its personal data.
fn has_personal_data(db: &Database, id: i64) -> bool {
    let case = db.block_on(db.store().open_case(id, &tester())).unwrap();
    case.personal.is_some()
}

fn output(db: &Database, args: &[&str]) -> Output {
    db.command(args).stdin(Stdio::null()).output().unwrap()
}

#[test]
fn the_demo_fills_the_desk_with_cases_in_every_state_and_an_experts_account() {
    on_both_backends(|db| {
        let printed = db.run(&["demo"]);
        let experts = db.block_on(db.store().experts()).unwrap();
        assert_eq!(experts.len(), 34, "{}", db.backend());
        for state in CaseState::ALL {
            assert_eq!(count(db, state), 3, "{} {state:?}", db.backend());
        }

        // The demo advisor signs in as 専門家 and has a case to answer and one to advise on.
        assert!(printed.contains("ログインID: demo-expert"), "{printed}");
        assert!(printed.contains("パスワード: "), "{printed}");
        let login = Login::parse("demo-expert").unwrap();
        let account = db.block_on(db.store().account_by_login(&login)).unwrap();
        let account = account.unwrap();
        assert_eq!(account.role, Role::Expert);
        let advisor = experts.iter().find(|e| e.expert.id == "adv-01").unwrap();
        assert_eq!(advisor.account_id.as_deref(), Some(account.id.as_str()));
        for state in [CaseState::Referred, CaseState::Consulting] {
            let query = CaseQuery {
                state: Some(state),
                expert_id: Some("adv-01".to_owned()),
                ..CaseQuery::default()
            };
            let n = db.block_on(db.store().count_cases(&query)).unwrap();
            assert_eq!(n, 1, "{state:?}");
        }
        // Every introduction kept its reasons, and a case that ended kept its outcome.
        let closed = &cases_of(db, CaseState::Closed)[0];
        let events = db.block_on(db.store().case_events(closed.id)).unwrap();
        assert!(events.iter().any(|e| e.step == "close"));
        let opened = db.block_on(db.store().open_case(closed.id, &tester()));
        assert!(!opened.unwrap().record.outcome.is_empty());

        // Run again: nothing is added twice, and the password is not shown again.
        let again = db.run(&["demo"]);
        assert!(!again.contains("パスワード: "), "{again}");
        assert!(again.contains("作成済み"), "{again}");
        assert_eq!(db.block_on(db.store().experts()).unwrap().len(), 34);
        let total = db.block_on(db.store().count_cases(&CaseQuery::default()));
        assert_eq!(total.unwrap(), 18);
    });
}

#[test]
fn purge_empties_only_the_cases_past_their_retention() {
    on_both_backends(|db| {
        db.run(&["demo"]);
        let purged = db.run(&["desk", "purge"]);
        assert!(
            purged.contains("保存期間を過ぎた相談はありませんでした"),
            "{purged}"
        );

        // The closed cases ended six years ago: past the five years closed cases are kept.
        db.execute_sql(
            "UPDATE desk_cases SET closed_at = '2000-01-01T00:00:00Z' WHERE state = 'closed'",
        );
        let purged = db.run(&["desk", "purge"]);
        assert!(
            purged.contains("保存期間を過ぎた相談3件の個人情報を消去しました"),
            "{purged}"
        );
        for case in cases_of(db, CaseState::Closed) {
            assert!(!has_personal_data(db, case.id), "{}", case.receipt);
            let events = db.block_on(db.store().case_events(case.id)).unwrap();
            assert!(events.iter().all(|e| e.text.is_empty()));
        }
        for case in cases_of(db, CaseState::Withdrawn) {
            assert!(has_personal_data(db, case.id), "{}", case.receipt);
        }
        let again = db.run(&["desk", "purge"]);
        assert!(again.contains("ありませんでした"), "{again}");

        // The scheduled job's cut-offs, a year and a day on: the withdrawn cases are past
        // theirs, and open cases are never purged, however old.
        let settings = DeskSettings::default();
        let later = OffsetDateTime::now_utc()
            + time::Duration::days(i64::from(settings.retention_withdrawn_days) + 1);
        let job = tester();
        let purge = desk_jobs::purge_expired(db.store(), &settings, later, &job);
        assert_eq!(db.block_on(purge).unwrap(), 3);
        for case in cases_of(db, CaseState::Withdrawn) {
            assert!(!has_personal_data(db, case.id), "{}", case.receipt);
        }
        for state in [
            CaseState::Received,
            CaseState::Hearing,
            CaseState::Consulting,
        ] {
            for case in cases_of(db, state) {
                assert!(has_personal_data(db, case.id), "{state:?}");
            }
        }
    });
}

#[test]
fn one_persons_cases_are_exported_as_json_and_erased_only_when_confirmed() {
    on_both_backends(|db| {
        db.run(&["demo"]);
        // The demo's 鈴鹿 manufacturer filed twice: once withdrawn, once waiting.
        let contact = "Suzuki@Suzuka-Seimitsu.example.jp";
        let exported = db.run(&["desk", "export", "--contact", contact]);
        let cases: serde_json::Value = serde_json::from_str(&exported).unwrap();
        let cases = cases.as_array().unwrap();
        assert_eq!(cases.len(), 2, "{exported}");
        assert!(
            cases
                .iter()
                .all(|c| c["personal"]["name"] == "（例）鈴木 健一")
        );
        assert!(cases.iter().any(|c| c["state"] == "withdrawn"));
        assert!(cases.iter().all(|c| c["history"][0]["step"] == "file"));

        let asked = db.run(&["desk", "erase", "--contact", "059-000-0001"]);
        assert!(asked.contains("--yes"), "{asked}");
        let still = db.run(&["desk", "export", "--contact", contact]);
        assert_eq!(
            serde_json::from_str::<Vec<serde_json::Value>>(&still)
                .unwrap()
                .len(),
            2
        );

        let erased = db.run(&["desk", "erase", "--contact", "059-000-0001", "--yes"]);
        assert!(
            erased.contains("相談2件の個人情報を消去しました"),
            "{erased}"
        );
        let after = db.run(&["desk", "export", "--contact", contact]);
        assert_eq!(after.trim(), "[]");
        // The others' cases are untouched.
        let other = db.run(&["desk", "export", "--contact", "059-000-0002"]);
        assert!(other.contains("（例）中西 美和"), "{other}");

        let refused = output(db, &["desk", "export", "--contact", "鈴木さん"]);
        assert!(!refused.status.success());
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            stderr.contains("メールアドレスでも電話番号でもありません"),
            "{stderr}"
        );
    });
}

#[test]
fn an_expert_account_made_beforehand_is_linked_to_the_demo_advisor() {
    let db = Database::sqlite();
    db.add_account("demo-expert", "expert");
    let printed = db.run(&["demo"]);
    assert!(!printed.contains("パスワード: "), "{printed}");
    let advisor = db.block_on(db.store().expert("adv-01")).unwrap().unwrap();
    assert_eq!(advisor.account_id, Some(db.account_id("demo-expert")));
    let login = Login::parse("demo-expert").unwrap();
    let account = db.block_on(db.store().account_by_login(&login)).unwrap();
    assert_eq!(account.unwrap().role, Role::Expert);
}
