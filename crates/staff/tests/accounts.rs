//! The account use cases over a real store (SQLite always, PostgreSQL when
//! `MADOGUCHI_TEST_DATABASE_URL` is set): the rules hold for both operators, each change
//! is audited once with its text, and a refused change writes nothing.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::staff::{DisplayName, Login, NewPassword, Refusal, Role};
use madoguchi_staff::accounts::{self, NewMember};
use madoguchi_staff::{Operator, StaffError, password};
use madoguchi_store::testing::TestDatabase;
use madoguchi_store::{Account, AuditFilter, NewSession, Store, StoreError};

fn new_member(login: &str, role: Role) -> NewMember {
    let login = Login::parse(login).unwrap();
    NewMember {
        password: NewPassword::parse("correct horse battery", &login).unwrap(),
        login,
        display_name: DisplayName::parse(&format!("{}さん", role.label())).unwrap(),
        role,
    }
}

async fn add(store: &Store, login: &str, role: Role) -> Account {
    accounts::add(store, &Operator::CommandLine, new_member(login, role))
        .await
        .unwrap()
}

async fn audit(store: &Store) -> Vec<(String, String, Option<String>, String)> {
    let mut entries = store.audit_entries(&AuditFilter::default()).await.unwrap();
    entries.sort_by_key(|e| e.id);
    entries
        .into_iter()
        .map(|e| (e.actor_name, e.action, e.target, e.detail))
        .collect()
}

async fn sign_in(store: &Store, account: &Account, token: char) {
    let now = time::OffsetDateTime::now_utc();
    let session = NewSession {
        token_hash: token.to_string().repeat(64),
        subject: Some(account.id.clone()),
        csrf_token: "csrf".to_owned(),
        data: "{}".to_owned(),
        expires_at: now + time::Duration::hours(1),
    };
    store.create_session(&session, now).await.unwrap();
}

async fn stores() -> Vec<(TestDatabase, Store)> {
    let mut stores = Vec::new();
    for db in TestDatabase::every_backend().await.unwrap() {
        let store = db.migrated_store().await.unwrap();
        stores.push((db, store));
    }
    stores
}

#[tokio::test]
async fn the_command_line_cannot_disable_the_last_administrator_either() {
    for (db, store) in stores().await {
        let admin = add(&store, "admin", Role::Admin).await;
        let err = accounts::disable(&store, &Operator::CommandLine, &admin)
            .await
            .unwrap_err();
        assert!(
            matches!(err, StaffError::Refused(Refusal::DisableLastAdmin)),
            "{}: {err:?}",
            db.backend_name()
        );
        assert!(err.to_string().contains("最後の管理者は無効にできません"));
        assert!(store.account(&admin.id).await.unwrap().unwrap().is_active());

        let second = add(&store, "second", Role::Admin).await;
        sign_in(&store, &admin, 'a').await;
        let ended = accounts::disable(&store, &Operator::CommandLine, &admin)
            .await
            .unwrap();
        assert_eq!(ended, 1);
        assert!(!store.account(&admin.id).await.unwrap().unwrap().is_active());
        // Now `second` is the last active 管理者.
        let err = accounts::disable(&store, &Operator::CommandLine, &second)
            .await
            .unwrap_err();
        assert!(matches!(
            err,
            StaffError::Refused(Refusal::DisableLastAdmin)
        ));

        let entries = audit(&store).await;
        assert_eq!(
            entries.len(),
            3,
            "two additions and one disable: {entries:?}"
        );
        assert_eq!(
            entries[0],
            (
                "コマンドライン".to_owned(),
                "account.create".to_owned(),
                Some("admin".to_owned()),
                "利用者「admin」（管理者さん、管理者）を追加しました".to_owned()
            )
        );
        assert_eq!(
            entries[2],
            (
                "コマンドライン".to_owned(),
                "account.disable".to_owned(),
                Some("admin".to_owned()),
                "利用者を無効にしました（終了したセッション 1件）".to_owned()
            )
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_administrators_demoting_each_other_at_once_leave_one_administrator() {
    for (db, store) in stores().await {
        let mut left = add(&store, "a", Role::Admin).await;
        for round in 0..5 {
            let other = add(&store, &format!("b{round}"), Role::Admin).await;
            let (first, second) = tokio::join!(
                accounts::change_role(&store, &Operator::CommandLine, &left, Role::Staff),
                accounts::change_role(&store, &Operator::CommandLine, &other, Role::Staff),
            );
            let admins: Vec<Account> = store
                .accounts()
                .await
                .unwrap()
                .into_iter()
                .filter(|x| x.role == Role::Admin && x.is_active())
                .collect();
            assert_eq!(admins.len(), 1, "{} round {round}", db.backend_name());
            assert!(
                first.is_ok() != second.is_ok(),
                "{}: exactly one of the two may pass: {first:?} {second:?}",
                db.backend_name()
            );
            left = admins.into_iter().next().unwrap();
        }
    }
}

#[tokio::test]
async fn in_the_console_nobody_disables_themselves_or_demotes_the_last_administrator() {
    for (_db, store) in stores().await {
        let admin = add(&store, "admin", Role::Admin).await;
        let staff = add(&store, "staff", Role::Staff).await;
        let console = Operator::Console {
            account: &admin,
            client: Some("192.0.2.1".to_owned()),
        };
        let err = accounts::disable(&store, &console, &admin)
            .await
            .unwrap_err();
        assert!(matches!(err, StaffError::Refused(Refusal::DisableSelf)));
        let err = accounts::change_role(&store, &console, &admin, Role::Staff)
            .await
            .unwrap_err();
        assert!(matches!(err, StaffError::Refused(Refusal::DemoteLastAdmin)));
        assert!(
            !accounts::change_role(&store, &console, &admin, Role::Admin)
                .await
                .unwrap(),
            "no change, nothing recorded"
        );

        assert!(
            accounts::change_role(&store, &console, &staff, Role::Admin)
                .await
                .unwrap()
        );
        // With a second 管理者, the first may be demoted, then disabled and enabled again.
        assert!(
            accounts::change_role(&store, &console, &admin, Role::Viewer)
                .await
                .unwrap()
        );
        accounts::disable(&store, &Operator::CommandLine, &admin)
            .await
            .unwrap();
        accounts::enable(&store, &Operator::CommandLine, &admin)
            .await
            .unwrap();

        let entries = audit(&store).await;
        let console_entries: Vec<_> = entries.iter().filter(|e| e.0 == "管理者さん").collect();
        assert_eq!(console_entries.len(), 2, "{entries:?}");
        assert_eq!(console_entries[0].1, "account.role");
        assert_eq!(console_entries[0].3, "役割を職員から管理者に変更しました");
        let all = store.audit_entries(&AuditFilter::default()).await.unwrap();
        let by_console = all.iter().find(|e| e.action == "account.role").unwrap();
        assert_eq!(by_console.actor_id.as_deref(), Some(admin.id.as_str()));
        assert_eq!(by_console.client.as_deref(), Some("192.0.2.1"));
        assert_eq!(entries.last().unwrap().3, "利用者を有効にしました");
    }
}

#[tokio::test]
async fn only_a_role_the_table_allows_may_change_an_account_and_a_refusal_writes_nothing() {
    for (_db, store) in stores().await {
        let admin = add(&store, "admin", Role::Admin).await;
        let viewer = add(&store, "viewer", Role::Viewer).await;
        let before = audit(&store).await.len();
        let as_viewer = Operator::Console {
            account: &viewer,
            client: None,
        };
        let err = accounts::add(&store, &as_viewer, new_member("new", Role::Staff))
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                StaffError::NotAllowed {
                    needed: Role::Admin
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("「管理者」以上の役割が必要です"));
        let password = NewPassword::parse("a new passphrase", &admin.login).unwrap();
        assert!(
            accounts::reset_password(&store, &as_viewer, &admin, password)
                .await
                .is_err()
        );
        assert!(accounts::disable(&store, &as_viewer, &admin).await.is_err());
        assert_eq!(audit(&store).await.len(), before);
        assert!(store.accounts().await.unwrap().len() == 2);

        let taken = accounts::add(
            &store,
            &Operator::CommandLine,
            new_member("ADMIN", Role::Staff),
        )
        .await
        .unwrap_err();
        assert!(matches!(
            taken,
            StaffError::Store(StoreError::LoginTaken(_))
        ));
    }
}

#[tokio::test]
async fn a_password_reset_stores_a_new_hash_and_ends_the_sessions() {
    for (_db, store) in stores().await {
        let admin = add(&store, "admin", Role::Admin).await;
        let staff = add(&store, "tanaka", Role::Staff).await;
        sign_in(&store, &staff, 'b').await;
        sign_in(&store, &staff, 'c').await;
        let console = Operator::Console {
            account: &admin,
            client: None,
        };
        let password = NewPassword::parse("the new passphrase", &staff.login).unwrap();
        let ended = accounts::reset_password(&store, &console, &staff, password)
            .await
            .unwrap();
        assert_eq!(ended, 2);
        let changed = store.account(&staff.id).await.unwrap().unwrap();
        assert!(password::verify(
            "the new passphrase",
            &changed.password_hash
        ));
        assert!(!password::verify(
            "correct horse battery",
            &changed.password_hash
        ));
        let last = audit(&store).await.pop().unwrap();
        assert_eq!(
            last,
            (
                "管理者さん".to_owned(),
                "account.password_reset".to_owned(),
                Some("tanaka".to_owned()),
                "パスワードを再設定しました（終了したセッション 2件）".to_owned()
            )
        );
        assert!(!format!("{last:?}").contains("passphrase"));
    }
}
