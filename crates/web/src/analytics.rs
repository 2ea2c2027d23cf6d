//! Counting what the desk is used for, without slowing a page or keeping anyone's trail.
//!
//! A handler adds one to a map in memory ([`Counter::count`], a short lock, no await); a
//! background task ([`flush_every`]) writes what was counted to the store every
//! [`FLUSH_EVERY`] as upserts, and once more when the server stops. The dashboard flushes
//! its own process's counts before it reads, so that staff see what just happened. A
//! write that fails puts its counts back for the next one; a process killed without
//! warning loses at most the last few seconds of counts, which aggregates can afford.
//!
//! What is counted, and when (see `madoguchi_core::analytics::Metric`):
//! - a diagnosis is started when its first answer is kept, and each question is counted as
//!   answered the first time it is answered in that diagnosis;
//! - a question is reached when it is shown as the next new step;
//! - a diagnosis is finished when its results page is shown without filters, which also
//!   counts each shown program's verdict;
//! - a search with words and no results counts its normalised words;
//! - a program page view, a followed official link, a filed consultation count one each.
//!
//! Nothing but the day, the metric and the key (a program, a question, search words) is
//! ever kept: no session, address or answer.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use madoguchi_core::analytics::{Metric, Tally, search_words};
use madoguchi_core::eligibility::Field;
use madoguchi_store::{Store, StoreError};

use crate::AppState;
use crate::http::clock;
use crate::site::diagnosis::Wizard;

/// How often counts are written to the store.
pub const FLUSH_EVERY: Duration = Duration::from_secs(5);

/// This process's counts not yet written. Cheap to share.
#[derive(Debug, Default)]
pub struct Counter {
    tally: Mutex<Tally>,
}

impl Counter {
    pub fn shared() -> Arc<Self> {
        Arc::default()
    }

    /// Adds one `metric` for `key` (empty for metrics without a key) today, in Japan.
    pub fn count(&self, metric: Metric, key: &str) {
        let today = clock::today();
        // A panic elsewhere while holding the lock leaves a usable map; keep counting.
        let mut tally = self.tally.lock().unwrap_or_else(PoisonError::into_inner);
        tally.add(today, metric, key);
    }

    /// Writes everything counted so far to `store`; on failure the counts wait for the
    /// next write.
    pub async fn flush(&self, store: &Store) -> Result<(), StoreError> {
        let counts = self
            .tally
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if counts.is_empty() {
            return Ok(());
        }
        if let Err(err) = store.add_analytics(&counts).await {
            self.tally
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .restore(counts);
            return Err(err);
        }
        Ok(())
    }

    /// A question kept for the diagnosis `before` (the wizard before this answer): the
    /// diagnosis starts with its first answer, and a question counts once per diagnosis.
    pub fn count_answer(&self, before: &Wizard, field: Field) {
        if before.asked.is_empty() {
            self.count(Metric::DiagnosisStarted, "");
        }
        if !before.asked.contains(&field) {
            self.count(Metric::QuestionAnswered, field.code());
        }
    }

    /// A search that found nothing: its words, if it had any.
    pub fn count_zero_results(&self, text: &str) {
        if let Some(words) = search_words(text) {
            self.count(Metric::ZeroResultSearch, &words);
        }
    }

    /// A results page: the diagnosis finished, and each program shown with its verdict
    /// (`(verdict code, program ids)` per group of the page).
    pub fn count_results<'a>(&self, groups: impl IntoIterator<Item = (&'a str, Vec<&'a str>)>) {
        self.count(Metric::DiagnosisFinished, "");
        for (verdict, programs) in groups {
            let Some(metric) = madoguchi_core::eligibility::Verdict::parse(verdict)
                .ok()
                .map(Metric::of_verdict)
            else {
                continue;
            };
            for program in programs {
                self.count(metric, program);
            }
        }
    }
}

/// Writes the counts every [`FLUSH_EVERY`] until the server stops.
pub async fn flush_every(state: AppState) {
    let mut ticks = tokio::time::interval(FLUSH_EVERY);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        if let Err(err) = state.analytics().flush(state.store()).await {
            tracing::warn!(%err, "could not write the analytics counts; they wait for the next write");
        }
    }
}
