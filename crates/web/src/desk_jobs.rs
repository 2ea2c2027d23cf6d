//! The desk's retention, carried out: the personal data of cases that ended longer ago than
//! the desk keeps it (`desk.retention_*_days`) is purged once a day while the server runs,
//! and on demand by `madoguchi desk purge`.
//!
//! Both go through [`purge_expired`], so that the command and the job read the settings and
//! turn them into cut-offs the same way and cannot drift apart.

use std::time::Duration;

use madoguchi_store::{DeskActor, Retention, Store, StoreError};
use time::OffsetDateTime;

use crate::AppState;
use crate::desk::DeskSettings;
use crate::http::clock;

/// How often the job purges: retention is counted in days, so once a day is on time.
pub const PURGE_EVERY: Duration = Duration::from_secs(24 * 60 * 60);
/// The first run waits this long after start, so that a restart does not compete with the
/// first requests, yet a server restarted every night still purges.
const FIRST_RUN_AFTER: Duration = Duration::from_secs(60);

/// How the audit log names the scheduled job.
const JOB_NAME: &str = "保存期間の処理";

/// The cut-offs the settings give at `now`: cases closed more than
/// `retention_closed_days`, or withdrawn more than `retention_withdrawn_days`, before it.
pub fn retention(settings: &DeskSettings, now: OffsetDateTime) -> Retention {
    let days_before = |days: u32| now - time::Duration::days(i64::from(days));
    Retention {
        closed_before: days_before(settings.retention_closed_days),
        withdrawn_before: days_before(settings.retention_withdrawn_days),
    }
}

/// Purges every case past its retention at `now`, as `actor`. Returns how many were
/// purged.
pub async fn purge_expired(
    store: &Store,
    settings: &DeskSettings,
    now: OffsetDateTime,
    actor: &DeskActor,
) -> Result<u64, StoreError> {
    store.purge_cases(retention(settings, now), actor).await
}

/// Purges ended cases past their retention every `every`, the first time shortly after
/// start, for as long as the server runs. The settings are read on each run, so that a
/// changed retention applies from the next one. Only counts are logged, never a case.
pub async fn purge_on_schedule(state: AppState, every: Duration) {
    let actor = DeskActor {
        account_id: None,
        name: JOB_NAME.to_owned(),
        client: None,
    };
    let first = tokio::time::Instant::now() + FIRST_RUN_AFTER.min(every);
    let mut ticks = tokio::time::interval_at(first, every);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let purged = match DeskSettings::load(state.store()).await {
            Ok(settings) => purge_expired(state.store(), &settings, clock::now(), &actor).await,
            Err(err) => Err(err),
        };
        match purged {
            Ok(0) => tracing::debug!("no ended cases past their retention"),
            Ok(n) => tracing::info!(cases = n, "personal data of ended cases purged"),
            Err(err) => tracing::warn!(%err, "could not purge ended cases; trying again later"),
        }
    }
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn cut_offs_are_the_settings_days_before_now() {
        let settings = DeskSettings {
            retention_closed_days: 1825,
            retention_withdrawn_days: 365,
            ..DeskSettings::default()
        };
        let cut = retention(&settings, datetime!(2031-04-01 09:00 UTC));
        assert_eq!(cut.closed_before, datetime!(2026-04-02 09:00 UTC));
        assert_eq!(cut.withdrawn_before, datetime!(2030-04-01 09:00 UTC));
    }
}
