//! Sign-in attempts per client address, and per login from one address, kept in the
//! database so that every app process counts the same attempts: with several processes
//! behind a load balancer, a limit kept in each process's memory would give a script that
//! many times the attempts.
//!
//! Counting a login's failures per address, rather than locking the account, keeps a
//! stranger's wrong guesses from stopping the account's owner at the office: the owner's
//! own address has its own count.
//!
//! An attempt is written before the password is checked and counted together with the
//! attempts before it. Because every attempt is in the table before it is counted, the
//! last of any number of parallel attempts sees all the others: no more than the limit
//! get through, however many arrive at once. A success takes its attempt back, so staff
//! signing in one after another from one office address do not use up the limit; failures
//! and attempts still under way count.

use std::net::IpAddr;

use time::{Duration, OffsetDateTime};

use crate::catalogue::sha256_hex;
use crate::timestamp::whole_second_utc;
use crate::{Store, StoreError};

/// How many sign-in attempts one client address may have under way or failed within a
/// window of time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AttemptLimit {
    /// Attempts allowed within `window`; the next one is refused until the oldest of them
    /// is older than `window`.
    pub max_attempts: u32,
    pub window: Duration,
}

/// An admitted attempt, to take back when it succeeds ([`crate::Store::forget_login_attempt`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginAttempt(pub(crate) i64);

/// The answer to a sign-in attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admission {
    /// Go on and check the password.
    Admitted(LoginAttempt),
    /// Too many attempts from the address: the next one will be let through at `retry_at`
    /// (unless others come first). A refused attempt is not kept.
    Refused { retry_at: OffsetDateTime },
}

/// What an attempt is counted against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttemptOf<'a> {
    /// Every sign-in from one client address, whatever the login.
    Address(IpAddr),
    /// Sign-ins to one login (as typed, whether it exists or not, so that the count tells
    /// nothing about which logins exist) from one client address.
    Login { client: IpAddr, login: &'a str },
}

impl AttemptOf<'_> {
    /// The key the table keeps: the address, then after a space (an address has none) the
    /// SHA-256 of the login as typed. Never the text itself: what is typed in the login box
    /// is sometimes a password, and the table is in every backup.
    fn key(self) -> String {
        match self {
            Self::Address(client) => client_key(client),
            Self::Login { client, login } => {
                format!("{} {}", client_key(client), sha256_hex(login.trim()))
            }
        }
    }
}

/// The address as the table keeps it: IPv4-mapped IPv6 addresses as the IPv4 address they
/// carry, so that a server listening on both families counts one client once.
pub(crate) fn client_key(client: IpAddr) -> String {
    client.to_canonical().to_string()
}

/// Whether the attempt `own` (already written) may go on, given the newest attempts from
/// its address within the window, newest first (at most `max_attempts + 1` of them, `own`
/// among them or newer than all of them).
pub(crate) fn decide(own: i64, newest: &[(i64, OffsetDateTime)], limit: AttemptLimit) -> Admission {
    let max = usize::try_from(limit.max_attempts.max(1)).unwrap_or(usize::MAX);
    let others: Vec<OffsetDateTime> = newest
        .iter()
        .filter(|(id, _)| *id != own)
        .map(|(_, at)| *at)
        .collect();
    match others.get(max - 1) {
        // The next attempt fits once this one, the oldest that would still fill the
        // limit, has left the window.
        Some(oldest_counted) => Admission::Refused {
            retry_at: *oldest_counted + limit.window,
        },
        None => Admission::Admitted(LoginAttempt(own)),
    }
}

impl Store {
    /// Counts a sign-in attempt `of` an address (or a login from it) at `now` against
    /// `limit`, on every app process alike: admitted while fewer than `limit.max_attempts`
    /// attempts of the same, failed or under way, were made within `limit.window` before
    /// it. A refused attempt is not kept, so that waiting is enough to be let in again.
    pub async fn admit_login_attempt(
        &self,
        of: AttemptOf<'_>,
        now: OffsetDateTime,
        limit: AttemptLimit,
    ) -> Result<Admission, StoreError> {
        let client = of.key();
        let at = whole_second_utc(now);
        let after = counted_after(now, limit);
        // One more than the limit: own attempt may be among them.
        let enough = i64::from(limit.max_attempts.max(1)) + 1;
        let own = sql::insert(self.db(), &client, at).await?;
        let newest = sql::newest(self.db(), &client, after, enough).await?;
        let admission = decide(own, &newest, limit);
        if let Admission::Refused { .. } = admission {
            self.forget_login_attempt(LoginAttempt(own)).await?;
        }
        Ok(admission)
    }

    /// Takes back an admitted attempt that succeeded: only failures and attempts under way
    /// count against the address.
    pub async fn forget_login_attempt(&self, attempt: LoginAttempt) -> Result<(), StoreError> {
        sql::delete(self.db(), attempt.0).await?;
        Ok(())
    }

    /// Deletes the attempts that `limit` no longer counts at `now`, returning how many: for
    /// a periodic sweep.
    pub async fn delete_old_login_attempts(
        &self,
        now: OffsetDateTime,
        limit: AttemptLimit,
    ) -> Result<u64, StoreError> {
        let until = counted_after(now, limit);
        sql::delete_until(self.db(), until).await
    }
}

/// Attempts made after this time count at `now`; those made at it or before do not.
fn counted_after(now: OffsetDateTime, limit: AttemptLimit) -> OffsetDateTime {
    whole_second_utc(now - limit.window)
}

/// The statements on `login_attempts`, written once for both backends. Times come in
/// already cut to whole seconds in UTC.
mod sql {
    use time::OffsetDateTime;

    use crate::StoreError;
    use crate::db::{Db, query};

    /// Writes an attempt, returning its id.
    pub(crate) async fn insert(
        db: Db<'_>,
        client: &str,
        at: OffsetDateTime,
    ) -> Result<i64, StoreError> {
        query("INSERT INTO login_attempts (client, at) VALUES ($1, $2) RETURNING id")
            .bind(client)
            .bind(at)
            .fetch_scalar(db)
            .await
    }

    /// The newest `limit` attempts from `client` made after `after`, newest first.
    pub(crate) async fn newest(
        db: Db<'_>,
        client: &str,
        after: OffsetDateTime,
        limit: i64,
    ) -> Result<Vec<(i64, OffsetDateTime)>, StoreError> {
        query(
            "SELECT id, at FROM login_attempts WHERE client = $1 AND at > $2
             ORDER BY at DESC LIMIT $3",
        )
        .bind(client)
        .bind(after)
        .bind(limit)
        .fetch_all(db)
        .await
    }

    pub(crate) async fn delete(db: Db<'_>, id: i64) -> Result<u64, StoreError> {
        query("DELETE FROM login_attempts WHERE id = $1")
            .bind(id)
            .execute(db)
            .await
    }

    pub(crate) async fn delete_until(db: Db<'_>, until: OffsetDateTime) -> Result<u64, StoreError> {
        query("DELETE FROM login_attempts WHERE at <= $1")
            .bind(until)
            .execute(db)
            .await
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    const LIMIT: AttemptLimit = AttemptLimit {
        max_attempts: 2,
        window: Duration::minutes(10),
    };

    #[test]
    fn an_attempt_is_admitted_while_fewer_than_the_limit_came_before_it() {
        let at = datetime!(2026-08-21 09:00:00 UTC);
        assert_eq!(
            decide(7, &[(7, at)], LIMIT),
            Admission::Admitted(LoginAttempt(7))
        );
        assert_eq!(
            decide(7, &[(7, at), (3, at - Duration::minutes(1))], LIMIT),
            Admission::Admitted(LoginAttempt(7))
        );
    }

    #[test]
    fn a_refused_attempt_may_come_back_when_the_oldest_counted_one_leaves_the_window() {
        let at = datetime!(2026-08-21 09:00:00 UTC);
        let newest = [(9, at), (7, at), (5, at - Duration::minutes(2))];
        // Own attempt 7 is not one of the others, whatever its place in the list.
        assert_eq!(
            decide(7, &newest, LIMIT),
            Admission::Refused {
                retry_at: at + Duration::minutes(8)
            }
        );
        // A limit of nothing is taken as one.
        let zero = AttemptLimit {
            max_attempts: 0,
            ..LIMIT
        };
        assert_eq!(
            decide(7, &newest, zero),
            Admission::Refused {
                retry_at: at + Duration::minutes(10)
            }
        );
    }

    #[test]
    fn a_login_is_counted_apart_for_each_address() {
        let client: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        let login = AttemptOf::Login {
            client,
            login: " tanaka ",
        };
        let key = login.key();
        assert_eq!(key, format!("192.0.2.1 {}", sha256_hex("tanaka")));
        assert!(!key.contains("tanaka"), "{key}");
        assert_eq!(AttemptOf::Address(client).key(), "192.0.2.1");
        // However long what was typed, the key has the same, bounded length.
        let long = "x".repeat(500);
        let key = AttemptOf::Login {
            client,
            login: &long,
        }
        .key();
        assert_eq!(key.len(), "192.0.2.1 ".len() + 64);
    }

    #[test]
    fn mapped_ipv4_addresses_count_as_the_ipv4_address() {
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.1");
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(client_key(v6), "2001:db8::1");
    }
}
