//! The limits on sign-in attempts, per client address and per login from one address,
//! shared by every app process through the database (see
//! `madoguchi_store::Store::admit_login_attempt`), so that a script gets no more attempts
//! for there being several app servers behind the load balancer.
//!
//! An attempt is counted before its password is checked, so a burst of parallel tries
//! gets no further than the limit. Accounts are never locked as such: a stranger's wrong
//! guesses hold back the stranger's address, not the owner at the office.

use std::time::Duration as StdDuration;

use madoguchi_store::{Admission, AttemptLimit, AttemptOf, LoginAttempt};
use time::Duration;

use crate::http::client::{Client, counted_as};
use crate::http::clock;
use crate::{AppError, AppState};

/// Twenty failed attempts from one address within ten minutes, then one more each time the
/// oldest of them is ten minutes old. Successes do not count, so a whole office behind one
/// address can sign in at nine o'clock.
pub const LOGIN_LIMIT: AttemptLimit = AttemptLimit {
    max_attempts: 20,
    window: Duration::minutes(10),
};

/// Five failed attempts at one login from one address within ten minutes, then one more
/// each time the oldest of them is ten minutes old. The window is `LOGIN_LIMIT`'s, so
/// that one sweep suits both.
pub const PER_LOGIN: AttemptLimit = AttemptLimit {
    max_attempts: 5,
    window: LOGIN_LIMIT.window,
};

/// How often attempts the limit no longer counts are deleted.
const SWEEP_EVERY: StdDuration = StdDuration::from_secs(600);

/// What the limits say to one sign-in attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Check the password; give the attempts back with [`succeeded`] if it is right.
    Open(Vec<LoginAttempt>),
    /// Too many attempts from this address, or at this login from it: try again in this
    /// many seconds (1 or more).
    Closed { wait_seconds: u64 },
}

/// Counts an attempt at `login` from `client` against the state's limit per address and
/// against [`PER_LOGIN`]. An address the server does not know is not limited (every real
/// connection has one).
pub async fn admit(state: &AppState, client: Client, login: &str) -> Result<Gate, AppError> {
    let Some(address) = client.0 else {
        return Ok(Gate::Open(Vec::new()));
    };
    let address = counted_as(address);
    let now = clock::now();
    let store = state.store();
    let limits = [
        (AttemptOf::Address(address), state.login_limit()),
        (
            AttemptOf::Login {
                client: address,
                login,
            },
            PER_LOGIN,
        ),
    ];
    let mut admitted = Vec::new();
    for (of, limit) in limits {
        match store.admit_login_attempt(of, now, limit).await? {
            Admission::Admitted(attempt) => admitted.push(attempt),
            Admission::Refused { retry_at } => {
                // A try that never reached a password is not a failure of the address.
                succeeded(state, admitted).await?;
                let wait_seconds = whole_seconds_up(retry_at - now);
                return Ok(Gate::Closed { wait_seconds });
            }
        }
    }
    Ok(Gate::Open(admitted))
}

/// A successful sign-in takes its attempts back: only failures count.
pub async fn succeeded(state: &AppState, attempts: Vec<LoginAttempt>) -> Result<(), AppError> {
    for attempt in attempts {
        state.store().forget_login_attempt(attempt).await?;
    }
    Ok(())
}

/// What the refused page says: when to try again, in seconds or, from a minute on, minutes.
pub fn too_many_attempts(wait_seconds: u64) -> String {
    let wait = if wait_seconds < 60 {
        format!("{wait_seconds}秒")
    } else {
        format!("{}分", wait_seconds.div_ceil(60))
    };
    format!("ログインの試行が多すぎます。{wait}ほど待ってから、もう一度お試しください。")
}

/// Deletes attempts the limit no longer counts, every `SWEEP_EVERY`, for as long as the
/// server runs; a refused or old attempt is already ignored, and this keeps the table small.
pub async fn sweep_old_attempts(state: AppState) {
    let mut ticks = tokio::time::interval(SWEEP_EVERY);
    loop {
        ticks.tick().await;
        let deleted = state
            .store()
            .delete_old_login_attempts(clock::now(), state.login_limit())
            .await;
        match deleted {
            Ok(0) => {}
            Ok(n) => tracing::info!(attempts = n, "old sign-in attempts deleted"),
            Err(err) => tracing::warn!(%err, "could not delete old sign-in attempts"),
        }
    }
}

/// `wait` in whole seconds, rounded up, at least one: a client told 0 would come straight
/// back.
fn whole_seconds_up(wait: Duration) -> u64 {
    let seconds = wait.whole_seconds() + i64::from(wait.subsec_nanoseconds() > 0);
    u64::try_from(seconds).unwrap_or(0).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_is_rounded_up_to_a_whole_second_and_never_zero() {
        assert_eq!(whole_seconds_up(Duration::milliseconds(1_200)), 2);
        assert_eq!(whole_seconds_up(Duration::seconds(30)), 30);
        assert_eq!(whole_seconds_up(Duration::ZERO), 1);
        assert_eq!(whole_seconds_up(Duration::seconds(-5)), 1);
    }

    #[test]
    fn the_message_says_seconds_under_a_minute_and_minutes_from_one() {
        assert!(too_many_attempts(45).contains("45秒ほど待って"));
        assert!(too_many_attempts(60).contains("1分ほど待って"));
        assert!(too_many_attempts(61).contains("2分ほど待って"));
        assert!(too_many_attempts(600).starts_with("ログインの試行が多すぎます。10分"));
    }
}
