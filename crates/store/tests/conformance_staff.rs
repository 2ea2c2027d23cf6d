//! The conformance suite for the staff console's tables — accounts, the audit log,
//! settings, sign-in attempts — and for saves that must not overwrite a newer version, run
//! against every backend like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::program::{Program, ProgramId, Title};
use madoguchi_store::testing::{TestDatabase, synthetic_program};

use madoguchi_store::{
    AccountChange, AuditFilter, DisplayName, Login, NewAccount, NewAuditEntry, Role, SaveOutcome,
    StoreError,
};
use time::macros::date;
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

/// A PHC-shaped string; the store never hashes, so any such string will do.
fn phc(n: u32) -> String {
    format!("$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ{n:04}$aGFzaGhhc2hoYXNoaGFzaA")
}

fn new_account(login: &str, role: Role) -> NewAccount {
    NewAccount {
        login: Login::parse(login).unwrap(),
        display_name: DisplayName::parse("田中 一郎").unwrap(),
        role,
        password_hash: phc(1),
        must_change_password: false,
    }
}

#[tokio::test]
async fn an_account_reads_back_by_id_and_by_login_whatever_its_case() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let before = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap();
        let created = store
            .create_account(&new_account("Tanaka", Role::Staff))
            .await
            .unwrap();
        assert_eq!(created.login.as_str(), "tanaka");
        assert_eq!(created.display_name, "田中 一郎");
        assert_eq!(created.role, Role::Staff);
        assert_eq!(created.password_hash, phc(1));
        assert!(created.is_active() && !created.must_change_password);
        assert!(created.created_at >= before && created.created_at.nanosecond() == 0);
        assert_eq!(created.password_changed_at, created.created_at);

        let by_id = store.account(&created.id).await.unwrap().unwrap();
        assert_eq!(by_id, created, "{}", db.backend_name());
        let by_login = store
            .account_by_login(&Login::parse("ＴＡＮＡＫＡ").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(by_login, created);
        assert!(
            store
                .account("0".repeat(32).as_str())
                .await
                .unwrap()
                .is_none()
        );
    }
}

#[tokio::test]
async fn a_login_can_be_taken_only_once_in_any_case() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        store
            .create_account(&new_account("sato", Role::Admin))
            .await
            .unwrap();
        let err = store
            .create_account(&new_account("SATO", Role::Viewer))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::LoginTaken(ref l) if l == "sato"),
            "{err:?}"
        );
        assert!(err.to_string().contains("既に使われています"));
        assert!(!err.is_internal());
        assert_eq!(store.accounts().await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn a_password_is_never_stored_in_place_of_its_hash() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let plain = NewAccount {
            password_hash: "correct horse battery staple".to_owned(),
            ..new_account("suzuki", Role::Staff)
        };
        let err = store.create_account(&plain).await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidAccount(_)), "{err:?}");
        assert!(store.accounts().await.unwrap().is_empty());
        let account = store
            .create_account(&new_account("suzuki", Role::Staff))
            .await
            .unwrap();
        assert!(
            store
                .set_password(&account.id, "hunter2hunter2")
                .await
                .is_err()
        );
    }
}

#[tokio::test]
async fn accounts_are_listed_by_login_and_roles_and_disabling_stick() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        for login in ["watanabe", "abe", "Ito"] {
            store
                .create_account(&new_account(login, Role::Viewer))
                .await
                .unwrap();
        }
        let logins: Vec<String> = store
            .accounts()
            .await
            .unwrap()
            .iter()
            .map(|a| a.login.to_string())
            .collect();
        assert_eq!(logins, ["abe", "ito", "watanabe"], "{}", db.backend_name());

        let abe = store
            .account_by_login(&Login::parse("abe").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert!(store.set_role(&abe.id, Role::Admin).await.unwrap());
        assert!(store.disable_account(&abe.id).await.unwrap());
        let changed = store.account(&abe.id).await.unwrap().unwrap();
        assert_eq!(changed.role, Role::Admin);
        let disabled_at = changed.disabled_at.unwrap();
        assert!(!changed.is_active());

        // Disabling again keeps the first time; enabling clears it.
        assert!(store.disable_account(&abe.id).await.unwrap());
        let again = store.account(&abe.id).await.unwrap().unwrap();
        assert_eq!(again.disabled_at, Some(disabled_at));
        assert!(store.enable_account(&abe.id).await.unwrap());
        assert!(store.account(&abe.id).await.unwrap().unwrap().is_active());

        let nobody = "f".repeat(32);
        assert!(!store.set_role(&nobody, Role::Admin).await.unwrap());
        assert!(!store.disable_account(&nobody).await.unwrap());
        assert!(!store.set_password(&nobody, &phc(2)).await.unwrap());
    }
}

#[tokio::test]
async fn a_new_password_replaces_the_hash_and_is_the_holders_own() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let temporary = NewAccount {
            must_change_password: true,
            ..new_account("yamada", Role::Staff)
        };
        let account = store.create_account(&temporary).await.unwrap();
        assert!(account.must_change_password, "{}", db.backend_name());
        assert!(store.set_password(&account.id, &phc(7)).await.unwrap());
        let changed = store.account(&account.id).await.unwrap().unwrap();
        assert_eq!(changed.password_hash, phc(7));
        assert!(!changed.must_change_password);
        assert!(changed.password_changed_at >= account.password_changed_at);
    }
}

#[tokio::test]
async fn an_account_change_and_its_audit_entry_are_written_together_or_not_at_all() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let account = store
            .create_account(&new_account("tanaka", Role::Staff))
            .await
            .unwrap();
        // An entry the log refuses (an action that is no code): the role stays.
        let refused = store
            .change_account(
                &account.id,
                AccountChange::Role(Role::Admin),
                |_| Ok::<_, StoreError>(()),
                |_| entry(None, "管理者", "Not A Code", "役割を変更しました"),
            )
            .await
            .unwrap_err();
        assert!(
            matches!(refused, StoreError::InvalidAuditEntry(_)),
            "{}: {refused:?}",
            db.backend_name()
        );
        let now = store.account(&account.id).await.unwrap().unwrap();
        assert_eq!(now.role, Role::Staff, "{}", db.backend_name());
        assert_eq!(
            store
                .count_audit_entries(&AuditFilter::default())
                .await
                .unwrap(),
            0
        );

        // A check that refuses writes nothing either, and sees every account.
        let seen = std::sync::Mutex::new(0);
        let refused = store
            .change_account(
                &account.id,
                AccountChange::Disable,
                |accounts| {
                    *seen.lock().unwrap() = accounts.len();
                    Err(StoreError::Conflict)
                },
                |_| entry(None, "管理者", "account.disable", "無効にしました"),
            )
            .await
            .unwrap_err();
        assert!(matches!(refused, StoreError::Conflict));
        assert_eq!(*seen.lock().unwrap(), 1);
        assert!(
            store
                .account(&account.id)
                .await
                .unwrap()
                .unwrap()
                .is_active()
        );

        // Allowed: the change, the sessions it ends and the entry, with the count in it.
        let ended = store
            .change_account(
                &account.id,
                AccountChange::Password {
                    hash: &phc(2),
                    temporary: true,
                },
                |_| Ok::<_, StoreError>(()),
                |ended| {
                    entry(
                        None,
                        "管理者",
                        "account.password_reset",
                        &format!("{ended}件"),
                    )
                },
            )
            .await
            .unwrap();
        assert_eq!(ended, 0);
        let now = store.account(&account.id).await.unwrap().unwrap();
        assert_eq!(now.password_hash, phc(2));
        assert!(now.must_change_password, "{}", db.backend_name());
        let log = store.audit_entries(&AuditFilter::default()).await.unwrap();
        assert_eq!(log.len(), 1, "{}", db.backend_name());
        assert_eq!(log[0].detail, "0件");

        let missing = store
            .change_account(
                "no-such-account",
                AccountChange::Enable,
                |_| Ok::<_, StoreError>(()),
                |_| entry(None, "管理者", "account.enable", "有効にしました"),
            )
            .await
            .unwrap_err();
        assert!(matches!(missing, StoreError::InvalidAccount(_)));
    }
}

fn entry(actor: Option<&str>, name: &str, action: &str, detail: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor_id: actor.map(str::to_owned),
        actor_name: name.to_owned(),
        action: action.to_owned(),
        target: Some("demo-program".to_owned()),
        detail: detail.to_owned(),
        client: Some("192.0.2.7".to_owned()),
    }
}

fn signed_in() -> NewAuditEntry {
    entry(Some("a1"), "田中", "login.success", "ログインしました")
}

#[tokio::test]
async fn audit_entries_read_back_newest_first_with_growing_ids() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let first = store.append_audit(&signed_in()).await.unwrap();
        let second = store
            .append_audit(&NewAuditEntry {
                target: None,
                client: None,
                ..entry(
                    None,
                    "コマンドライン",
                    "account.create",
                    "利用者「sato」を追加",
                )
            })
            .await
            .unwrap();
        assert!(second.id > first.id);
        assert_eq!(first.at.nanosecond(), 0);
        let all = store.audit_entries(&AuditFilter::default()).await.unwrap();
        assert_eq!(
            all,
            [second.clone(), first.clone()],
            "{}",
            db.backend_name()
        );
        assert_eq!(all[1].client.as_deref(), Some("192.0.2.7"));
        assert_eq!(all[0].actor_id, None);
        assert_eq!(
            store.audit_actions().await.unwrap(),
            ["account.create", "login.success"]
        );
    }
}

#[tokio::test]
async fn the_audit_filter_narrows_by_actor_action_time_and_text_and_pages() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let mut ids = Vec::new();
        for i in 0..7 {
            let (actor, action) = if i % 2 == 0 {
                ("a1", "program.verify")
            } else {
                ("a2", "login.failure")
            };
            let detail = format!("記録{i}：100%_確認 Demo");
            let stored = store
                .append_audit(&entry(
                    Some(actor),
                    &format!("職員{actor}"),
                    action,
                    &detail,
                ))
                .await
                .unwrap();
            ids.push(stored.id);
        }
        let ids_of = |filter: AuditFilter| {
            let store = store.clone();
            async move {
                store
                    .audit_entries(&filter)
                    .await
                    .unwrap()
                    .iter()
                    .map(|e| e.id)
                    .collect::<Vec<_>>()
            }
        };
        let by_actor = ids_of(AuditFilter {
            actor: Some("a2".to_owned()),
            ..AuditFilter::default()
        })
        .await;
        assert_eq!(by_actor, [ids[5], ids[3], ids[1]], "{}", db.backend_name());
        let by_action = AuditFilter {
            action: Some("program.verify".to_owned()),
            ..AuditFilter::default()
        };
        assert_eq!(ids_of(by_action.clone()).await.len(), 4);
        assert_eq!(store.count_audit_entries(&by_action).await.unwrap(), 4);

        // Text: Japanese, ASCII in any case, and wildcards taken literally.
        for (text, expected) in [
            ("記録3", vec![ids[3]]),
            ("demo", ids.clone()),
            ("0%_確", ids.clone()),
            ("_x", vec![]),
        ] {
            let mut expected = expected;
            expected.reverse();
            let found = ids_of(AuditFilter {
                text: Some(text.to_owned()),
                ..AuditFilter::default()
            })
            .await;
            assert_eq!(found, expected, "{text} on {}", db.backend_name());
        }
        // The client address and the target are searched too.
        assert_eq!(
            ids_of(AuditFilter {
                text: Some("192.0.2".to_owned()),
                ..AuditFilter::default()
            })
            .await
            .len(),
            7
        );

        // Time: every entry was stamped within this test.
        let now = OffsetDateTime::now_utc();
        let within = AuditFilter {
            from: Some(now - Duration::hours(1)),
            to: Some(now + Duration::hours(1)),
            ..AuditFilter::default()
        };
        assert_eq!(ids_of(within).await.len(), 7);
        // The console asks in JST (a day from 00:00+09:00): the same instants, the same rows,
        // whatever the hour of the day the test runs at.
        let jst = time::UtcOffset::from_hms(9, 0, 0).unwrap();
        let within_jst = AuditFilter {
            from: Some((now - Duration::minutes(10)).to_offset(jst)),
            to: Some((now + Duration::minutes(10)).to_offset(jst)),
            ..AuditFilter::default()
        };
        assert_eq!(ids_of(within_jst).await.len(), 7);
        let before = AuditFilter {
            to: Some(now - Duration::hours(1)),
            ..AuditFilter::default()
        };
        assert!(ids_of(before).await.is_empty());

        // Pages: newest first, offset then limit; the count ignores both.
        let page = AuditFilter {
            limit: Some(3),
            offset: 2,
            ..AuditFilter::default()
        };
        assert_eq!(ids_of(page.clone()).await, [ids[4], ids[3], ids[2]]);
        assert_eq!(store.count_audit_entries(&page).await.unwrap(), 7);
        // Blank conditions (an empty form field) are no condition.
        let blank = AuditFilter {
            actor: Some(String::new()),
            text: Some("  ".to_owned()),
            ..AuditFilter::default()
        };
        assert_eq!(ids_of(blank).await.len(), 7);
    }
}

#[tokio::test]
async fn the_audit_log_refuses_update_and_delete_even_in_plain_sql() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let stored = store.append_audit(&signed_in()).await.unwrap();
        for sql in [
            "UPDATE audit_log SET detail = 'rewritten'",
            "DELETE FROM audit_log",
        ] {
            let err = db.execute_sql(sql).await.unwrap_err();
            assert!(
                format!("{err:?}").contains("append-only"),
                "{sql} on {}: {err:?}",
                db.backend_name()
            );
        }
        if db.backend_name() == "postgresql" {
            assert!(db.execute_sql("TRUNCATE audit_log").await.is_err());
        }
        let left = store.audit_entries(&AuditFilter::default()).await.unwrap();
        assert_eq!(left, [stored]);
    }
}

#[tokio::test]
async fn an_audit_entry_needs_an_action_code_and_an_actor() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let err = store
            .append_audit(&entry(None, "田中", "ログイン", ""))
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::InvalidAuditEntry(_)), "{err:?}");
        assert!(
            store
                .append_audit(&entry(None, " ", "login.success", ""))
                .await
                .is_err()
        );
        assert_eq!(
            store
                .count_audit_entries(&AuditFilter::default())
                .await
                .unwrap(),
            0
        );
    }
}

#[tokio::test]
async fn settings_are_absent_until_set_and_remember_who_set_them() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        assert!(store.setting("stale_after_days").await.unwrap().is_none());
        let set = store
            .set_setting("stale_after_days", "90", Some("a1"))
            .await
            .unwrap();
        assert_eq!(
            (set.value.as_str(), set.updated_by.as_deref()),
            ("90", Some("a1"))
        );
        let changed = store
            .set_setting("stale_after_days", "120", None)
            .await
            .unwrap();
        assert_eq!(
            store.setting("stale_after_days").await.unwrap(),
            Some(changed.clone())
        );
        assert_eq!(changed.updated_by, None);
        store
            .set_setting("require_second_approval", "true", Some("a1"))
            .await
            .unwrap();
        let keys: Vec<String> = store
            .settings()
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.key)
            .collect();
        assert_eq!(keys, ["require_second_approval", "stale_after_days"]);
        assert!(matches!(
            store.set_setting("Bad Key", "1", None).await.unwrap_err(),
            StoreError::InvalidSetting(_)
        ));
    }
}

fn program(id: &str) -> Program {
    Program {
        id: ProgramId::parse(id).unwrap(),
        ..synthetic_program(1)
    }
}

#[tokio::test]
async fn marking_a_program_verified_saves_a_version_once_a_day() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let id = ProgramId::parse("verify-me").unwrap();
        store
            .save_program(&program("verify-me"), "cli")
            .await
            .unwrap();
        let outcome = store
            .mark_verified(&id, 1, date!(2026 - 08 - 21), "web")
            .await
            .unwrap();
        assert_eq!(outcome, SaveOutcome::Updated { version: 2 });
        let saved = store.program(&id).await.unwrap().unwrap();
        assert_eq!(saved.last_verified, Some(date!(2026 - 08 - 21)));
        let history = store.program_versions(&id).await.unwrap();
        assert_eq!(history[1].origin, "web");

        let again = store
            .mark_verified(&id, 2, date!(2026 - 08 - 21), "web")
            .await
            .unwrap();
        assert_eq!(again, SaveOutcome::Unchanged { version: 2 });

        let unknown = ProgramId::parse("no-such-program").unwrap();
        let err = store
            .mark_verified(&unknown, 1, date!(2026 - 08 - 21), "web")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::UnknownProgram(_)), "{err:?}");
        assert!(!err.is_internal());
    }
}

#[tokio::test]
async fn a_save_based_on_an_old_version_is_refused_and_changes_nothing() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let id = ProgramId::parse("edited-twice").unwrap();
        store
            .save_program(&program("edited-twice"), "cli")
            .await
            .unwrap();

        // Two people open version 1; the first saves.
        let first = Program {
            title: Title::parse("一人目の修正").unwrap(),
            ..program("edited-twice")
        };
        let second = Program {
            title: Title::parse("二人目の修正").unwrap(),
            ..program("edited-twice")
        };
        assert_eq!(
            store
                .save_program_expecting(&first, 1, "web")
                .await
                .unwrap(),
            SaveOutcome::Updated { version: 2 }
        );
        let err = store
            .save_program_expecting(&second, 1, "web")
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Stale {
                    expected: 1,
                    current: 2,
                    ..
                }
            ),
            "{}: {err:?}",
            db.backend_name()
        );
        assert!(err.to_string().contains("他の人が更新しました"));
        assert_eq!(
            store.program(&id).await.unwrap().unwrap().title.as_str(),
            "一人目の修正"
        );
        // Verifying what one saw is refused the same way once it changed.
        assert!(matches!(
            store
                .mark_verified(&id, 1, date!(2026 - 08 - 21), "web")
                .await
                .unwrap_err(),
            StoreError::Stale { .. }
        ));

        // Version 0 means "only if new".
        let fresh = program("brand-new");
        assert_eq!(
            store
                .save_program_expecting(&fresh, 0, "web")
                .await
                .unwrap(),
            SaveOutcome::Created { version: 1 }
        );
        assert!(
            store
                .save_program_expecting(&fresh, 0, "web")
                .await
                .is_err()
        );
    }
}
