//! The conformance suite for signing in: server-side sessions and sign-in attempts per
//! client address, run against every backend like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::net::IpAddr;

use madoguchi_store::testing::{TestDatabase, at_once_from_two_processes};
use madoguchi_store::{
    Admission, AttemptLimit, AttemptOf, LoginAttempt, NewSession, Session, StoreError,
};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

// ---- Sessions ----

/// 10:00:00.25 in Tokyo: not UTC and not a whole second, as a caller might pass it.
const T0: OffsetDateTime = datetime!(2026-08-21 10:00:00.25 +09:00);

/// `T0` as the store keeps it: UTC, whole seconds.
const T0_STORED: OffsetDateTime = datetime!(2026-08-21 01:00:00 UTC);

/// A distinct session key: 64 lowercase hex digits, as a SHA-256 hex looks.
fn key(n: u64) -> String {
    format!("{n:064x}")
}

fn visitor_session(n: u64, expires_at: OffsetDateTime) -> NewSession {
    NewSession {
        token_hash: key(n),
        subject: None,
        csrf_token: format!("csrf-{n}"),
        data: r#"{"step":"業種","answers":{"prefecture":"鳥取県"}}"#.to_owned(),
        expires_at,
    }
}

fn staff_session(n: u64, subject: &str) -> NewSession {
    NewSession {
        subject: Some(subject.to_owned()),
        ..visitor_session(n, T0 + Duration::hours(8))
    }
}

#[tokio::test]
async fn a_session_reads_back_as_created_in_utc_whole_seconds() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let new = staff_session(1, "staff-42");
        store.create_session(&new, T0).await.unwrap();

        let read = store
            .session(&new.token_hash, T0 + Duration::minutes(1))
            .await
            .unwrap();

        let expected = Session {
            token_hash: new.token_hash.clone(),
            subject: Some("staff-42".to_owned()),
            csrf_token: new.csrf_token.clone(),
            data: new.data.clone(),
            created_at: T0_STORED,
            last_seen_at: T0_STORED,
            expires_at: T0_STORED + Duration::hours(8),
        };
        assert_eq!(read, Some(expected), "{}", db.backend_name());
        assert!(store.session(&key(2), T0).await.unwrap().is_none());
    }
}

#[tokio::test]
async fn an_expired_session_is_neither_returned_nor_revived_by_an_update() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let expires_at = T0 + Duration::minutes(30);
        let new = visitor_session(1, expires_at);
        store.create_session(&new, T0).await.unwrap();
        let hash = new.token_hash.as_str();

        let just_before = expires_at - Duration::seconds(1);
        assert!(store.session(hash, just_before).await.unwrap().is_some());
        assert!(store.session(hash, expires_at).await.unwrap().is_none());

        let later = expires_at + Duration::minutes(1);
        let revived = store
            .update_session(hash, "{}", later, later + Duration::hours(1))
            .await
            .unwrap();
        assert!(!revived, "{}", db.backend_name());
        let touched = store
            .touch_session(hash, later, later + Duration::hours(1))
            .await
            .unwrap();
        assert!(!touched);
        assert!(store.session(hash, later).await.unwrap().is_none());
        // The row itself is untouched: read as of before its expiry, it is as created.
        let row = store.session(hash, just_before).await.unwrap().unwrap();
        assert_eq!((row.data, row.last_seen_at), (new.data, T0_STORED));
    }
}

#[tokio::test]
async fn updating_a_session_saves_its_data_and_slides_its_expiry() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let new = visitor_session(1, T0 + Duration::minutes(30));
        store.create_session(&new, T0).await.unwrap();
        let hash = new.token_hash.as_str();

        let seen = T0 + Duration::minutes(20);
        let data = r#"{"step":"従業員数"}"#;
        assert!(
            store
                .update_session(hash, data, seen, seen + Duration::minutes(30))
                .await
                .unwrap()
        );
        // Past the first expiry, the session lives on with the new data.
        let read = store
            .session(hash, T0 + Duration::minutes(45))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.data, data, "{}", db.backend_name());
        assert_eq!(read.created_at, T0_STORED);
        assert_eq!(read.last_seen_at, T0_STORED + Duration::minutes(20));
        assert_eq!(read.expires_at, T0_STORED + Duration::minutes(50));

        let touched_at = T0 + Duration::minutes(45);
        assert!(
            store
                .touch_session(hash, touched_at, touched_at + Duration::minutes(30))
                .await
                .unwrap()
        );
        let read = store
            .session(hash, T0 + Duration::minutes(70))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(read.data, data);
        assert_eq!(read.expires_at, T0_STORED + Duration::minutes(75));
    }
}

#[tokio::test]
async fn deleting_a_session_signs_out_that_session_only() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let (one, other) = (staff_session(1, "staff-1"), staff_session(2, "staff-1"));
        store.create_session(&one, T0).await.unwrap();
        store.create_session(&other, T0).await.unwrap();

        assert!(store.delete_session(&one.token_hash).await.unwrap());

        assert!(store.session(&one.token_hash, T0).await.unwrap().is_none());
        assert!(
            store
                .session(&other.token_hash, T0)
                .await
                .unwrap()
                .is_some()
        );
        assert!(!store.delete_session(&one.token_hash).await.unwrap());
        let seen = T0 + Duration::minutes(1);
        let updated = store
            .update_session(&one.token_hash, "{}", seen, seen + Duration::hours(1))
            .await
            .unwrap();
        assert!(!updated, "{}", db.backend_name());
    }
}

#[tokio::test]
async fn logging_out_everywhere_removes_only_that_accounts_sessions() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let sessions = [
            staff_session(1, "staff-a"),
            staff_session(2, "staff-a"),
            staff_session(3, "staff-b"),
            visitor_session(4, T0 + Duration::hours(1)),
        ];
        for session in &sessions {
            store.create_session(session, T0).await.unwrap();
        }

        assert_eq!(store.delete_sessions_of("staff-a").await.unwrap(), 2);

        let mut left = Vec::new();
        for session in &sessions {
            if store
                .session(&session.token_hash, T0)
                .await
                .unwrap()
                .is_some()
            {
                left.push(session.token_hash.clone());
            }
        }
        assert_eq!(left, [key(3), key(4)], "{}", db.backend_name());
        assert_eq!(store.delete_sessions_of("staff-a").await.unwrap(), 0);
    }
}

#[tokio::test]
async fn the_sweep_deletes_exactly_the_sessions_expired_by_then() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        for hours in 1..=3 {
            let session = visitor_session(hours, T0 + Duration::hours(hours.cast_signed()));
            store.create_session(&session, T0).await.unwrap();
        }
        let sweep_at = T0 + Duration::hours(2);

        assert_eq!(
            store.delete_expired_sessions(sweep_at).await.unwrap(),
            2,
            "{}",
            db.backend_name()
        );

        assert!(store.session(&key(3), sweep_at).await.unwrap().is_some());
        // Read as of before they expired, the swept rows are really gone.
        assert!(store.session(&key(1), T0).await.unwrap().is_none());
        assert!(store.session(&key(2), T0).await.unwrap().is_none());
        assert_eq!(store.delete_expired_sessions(sweep_at).await.unwrap(), 0);
    }
}

#[tokio::test]
async fn a_bad_session_key_or_a_taken_one_is_refused_in_japanese() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let err = store.session("", T0).await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidSession(_)), "{err:?}");
        assert!(err.to_string().contains("セッション"), "{err}");
        assert!(!err.is_internal());
        // A raw cookie token is not a hash and never reaches the table.
        let raw = NewSession {
            token_hash: "dG9rZW4tdGhhdC13YXMtbm90LWhhc2hlZA".to_owned(),
            ..visitor_session(1, T0 + Duration::hours(1))
        };
        let err = store.create_session(&raw, T0).await.unwrap_err();
        assert!(matches!(err, StoreError::InvalidSession(_)), "{err:?}");
        assert!(store.delete_session("").await.is_err());
        assert!(store.delete_sessions_of("").await.is_err());

        let new = visitor_session(1, T0 + Duration::hours(1));
        store.create_session(&new, T0).await.unwrap();
        let again = NewSession {
            csrf_token: "another".to_owned(),
            ..new.clone()
        };
        let err = store.create_session(&again, T0).await.unwrap_err();
        assert!(
            matches!(err, StoreError::SessionExists),
            "{}: {err:?}",
            db.backend_name()
        );
        let kept = store.session(&new.token_hash, T0).await.unwrap().unwrap();
        assert_eq!(kept.csrf_token, new.csrf_token);
    }
}

// ---- Sign-in attempts ----

const ATTEMPTS: AttemptLimit = AttemptLimit {
    max_attempts: 3,
    window: Duration::minutes(10),
};

fn admitted(admission: Admission) -> LoginAttempt {
    match admission {
        Admission::Admitted(attempt) => attempt,
        Admission::Refused { retry_at } => panic!("refused until {retry_at}"),
    }
}

#[tokio::test]
async fn attempts_from_one_address_are_refused_past_the_limit_until_the_oldest_leaves_the_window() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let client = IpAddr::from([198, 51, 100, 7]);
        let start = datetime!(2026-08-21 09:00:00.4 UTC);
        for minute in 0..3 {
            let at = start + Duration::minutes(minute);
            admitted(
                store
                    .admit_login_attempt(AttemptOf::Address(client), at, ATTEMPTS)
                    .await
                    .unwrap(),
            );
        }
        let refused = store
            .admit_login_attempt(
                AttemptOf::Address(client),
                start + Duration::minutes(3),
                ATTEMPTS,
            )
            .await
            .unwrap();
        let first_leaves = datetime!(2026-08-21 09:10:00 UTC);
        assert_eq!(
            refused,
            Admission::Refused {
                retry_at: first_leaves
            },
            "{}",
            db.backend_name()
        );
        // Another address has its own count; the same address written as IPv4-mapped IPv6
        // does not.
        let other = IpAddr::from([198, 51, 100, 8]);
        admitted(
            store
                .admit_login_attempt(AttemptOf::Address(other), start, ATTEMPTS)
                .await
                .unwrap(),
        );
        let mapped: IpAddr = "::ffff:198.51.100.7".parse().unwrap();
        assert!(matches!(
            store
                .admit_login_attempt(
                    AttemptOf::Address(mapped),
                    start + Duration::minutes(3),
                    ATTEMPTS
                )
                .await
                .unwrap(),
            Admission::Refused { .. }
        ));
        // Just before the first attempt leaves the window it still counts; at that moment
        // it does not, and the refused attempts were never kept.
        assert!(matches!(
            store
                .admit_login_attempt(
                    AttemptOf::Address(client),
                    first_leaves - Duration::seconds(1),
                    ATTEMPTS
                )
                .await
                .unwrap(),
            Admission::Refused { .. }
        ));
        admitted(
            store
                .admit_login_attempt(AttemptOf::Address(client), first_leaves, ATTEMPTS)
                .await
                .unwrap(),
        );
        assert_eq!(
            store
                .admit_login_attempt(AttemptOf::Address(client), first_leaves, ATTEMPTS)
                .await
                .unwrap(),
            Admission::Refused {
                retry_at: datetime!(2026-08-21 09:11:00 UTC)
            },
            "{}",
            db.backend_name()
        );
    }
}

#[tokio::test]
async fn a_forgotten_attempt_no_longer_counts_and_old_attempts_are_swept() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let client = IpAddr::from([203, 0, 113, 9]);
        let now = datetime!(2026-08-21 09:00:00 UTC);
        // Signing in successfully again and again never uses up the limit.
        for _ in 0..10 {
            let attempt = admitted(
                store
                    .admit_login_attempt(AttemptOf::Address(client), now, ATTEMPTS)
                    .await
                    .unwrap(),
            );
            store.forget_login_attempt(attempt).await.unwrap();
        }
        for _ in 0..3 {
            admitted(
                store
                    .admit_login_attempt(AttemptOf::Address(client), now, ATTEMPTS)
                    .await
                    .unwrap(),
            );
        }
        let v6: IpAddr = "2001:db8::7".parse().unwrap();
        admitted(
            store
                .admit_login_attempt(AttemptOf::Address(v6), now + Duration::minutes(5), ATTEMPTS)
                .await
                .unwrap(),
        );
        let later = now + Duration::minutes(10);
        assert_eq!(
            store
                .delete_old_login_attempts(later, ATTEMPTS)
                .await
                .unwrap(),
            3,
            "{}",
            db.backend_name()
        );
        assert_eq!(
            store
                .delete_old_login_attempts(later + Duration::minutes(5), ATTEMPTS)
                .await
                .unwrap(),
            1
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_more_than_the_limit_get_through_when_many_processes_try_at_once() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let client = IpAddr::from([192, 0, 2, 55]);
        let now = OffsetDateTime::now_utc();
        let limit = AttemptLimit {
            max_attempts: 5,
            ..ATTEMPTS
        };
        let admissions = at_once_from_two_processes(&db, &store, 20, |store| async move {
            store
                .admit_login_attempt(AttemptOf::Address(client), now, limit)
                .await
        })
        .await
        .unwrap();
        let through = admissions
            .into_iter()
            .filter(|admission| matches!(admission.as_ref().unwrap(), Admission::Admitted(_)))
            .count();
        // Never more than the limit (fewer when attempts made at the same moment counted
        // each other before the refused ones were taken back).
        assert!(through <= 5, "{through} on {}", db.backend_name());
        // Once they are over, the count is exactly what got through.
        let left = 5 - through;
        for _ in 0..left {
            admitted(
                store
                    .admit_login_attempt(AttemptOf::Address(client), now, limit)
                    .await
                    .unwrap(),
            );
        }
        assert!(matches!(
            store
                .admit_login_attempt(AttemptOf::Address(client), now, limit)
                .await
                .unwrap(),
            Admission::Refused { .. }
        ));
    }
}

#[tokio::test]
async fn a_logins_attempts_count_per_address_apart_from_other_logins_and_addresses() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let name = db.backend_name();
        let now = OffsetDateTime::now_utc();
        let (stranger, office) = (IpAddr::from([203, 0, 113, 9]), IpAddr::from([192, 0, 2, 1]));
        let of = |client, login| AttemptOf::Login { client, login };
        for _ in 0..ATTEMPTS.max_attempts {
            admitted(
                store
                    .admit_login_attempt(of(stranger, "tanaka"), now, ATTEMPTS)
                    .await
                    .unwrap(),
            );
        }
        let refused = store
            .admit_login_attempt(of(stranger, "tanaka"), now, ATTEMPTS)
            .await
            .unwrap();
        assert!(matches!(refused, Admission::Refused { .. }), "{name}");
        // The owner at the office, another login from the stranger's address, and the
        // stranger's address as a whole are not held back by those.
        for other in [
            of(office, "tanaka"),
            of(stranger, "suzuki"),
            AttemptOf::Address(stranger),
        ] {
            admitted(
                store
                    .admit_login_attempt(other, now, ATTEMPTS)
                    .await
                    .unwrap(),
            );
        }
    }
}
