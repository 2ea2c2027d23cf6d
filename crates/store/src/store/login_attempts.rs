//! The store's API for sign-in attempts per client address.

use std::net::IpAddr;

use time::OffsetDateTime;

use super::{Backend, Store};
use crate::StoreError;
use crate::login_attempt::{Admission, AttemptLimit, LoginAttempt, client_key, decide, sql};
use crate::timestamp::whole_second_utc;

impl Store {
    /// Counts a sign-in attempt from `client` at `now` against `limit`, on every app
    /// process alike: admitted while fewer than `limit.max_attempts` attempts from the
    /// address, failed or under way, were made within `limit.window` before it. A refused
    /// attempt is not kept, so that waiting is enough to be let in again.
    pub async fn admit_login_attempt(
        &self,
        client: IpAddr,
        now: OffsetDateTime,
        limit: AttemptLimit,
    ) -> Result<Admission, StoreError> {
        let client = client_key(client);
        let at = whole_second_utc(now);
        let after = counted_after(now, limit);
        // One more than the limit: own attempt may be among them.
        let enough = i64::from(limit.max_attempts.max(1)) + 1;
        let (own, newest) = match &self.backend {
            Backend::Sqlite(pool) => {
                let own = sql::insert(pool, &client, at).await?;
                (own, sql::newest(pool, &client, after, enough).await?)
            }
            Backend::Postgres(pool) => {
                let own = sql::insert(pool, &client, at).await?;
                (own, sql::newest(pool, &client, after, enough).await?)
            }
        };
        let admission = decide(own, &newest, limit);
        if let Admission::Refused { .. } = admission {
            self.forget_login_attempt(LoginAttempt(own)).await?;
        }
        Ok(admission)
    }

    /// Takes back an admitted attempt that succeeded: only failures and attempts under way
    /// count against the address.
    pub async fn forget_login_attempt(&self, attempt: LoginAttempt) -> Result<(), StoreError> {
        match &self.backend {
            Backend::Sqlite(pool) => sql::delete(pool, attempt.0).await?.rows_affected(),
            Backend::Postgres(pool) => sql::delete(pool, attempt.0).await?.rows_affected(),
        };
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
        Ok(match &self.backend {
            Backend::Sqlite(pool) => sql::delete_until(pool, until).await?.rows_affected(),
            Backend::Postgres(pool) => sql::delete_until(pool, until).await?.rows_affected(),
        })
    }
}

/// Attempts made after this time count at `now`; those made at it or before do not.
fn counted_after(now: OffsetDateTime, limit: AttemptLimit) -> OffsetDateTime {
    whole_second_utc(now - limit.window)
}
