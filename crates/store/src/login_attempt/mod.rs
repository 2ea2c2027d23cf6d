//! Sign-in attempts per client address, kept in the database so that every app process
//! counts the same attempts: with several processes behind a load balancer, a limit kept
//! in each process's memory would give a script that many times the attempts.
//!
//! An attempt is written before the password is checked and counted together with the
//! attempts before it. Because every attempt is in the table before it is counted, the
//! last of any number of parallel attempts sees all the others: no more than the limit
//! get through, however many arrive at once. A success takes its attempt back, so staff
//! signing in one after another from one office address do not use up the limit; failures
//! and attempts still under way count.

pub(crate) mod sql;

use std::net::IpAddr;

use time::{Duration, OffsetDateTime};

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
    fn mapped_ipv4_addresses_count_as_the_ipv4_address() {
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(mapped), "192.0.2.1");
        let v6: IpAddr = "2001:db8::1".parse().unwrap();
        assert_eq!(client_key(v6), "2001:db8::1");
    }
}
