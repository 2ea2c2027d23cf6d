//! What the desk is used for, counted without watching anyone: per JST day, how many
//! diagnoses were started and finished, which questions were reached and answered, the
//! verdicts results pages showed per program, searches that found nothing (their words:
//! the catalogue's gaps), program page views, clicks on official links and consultations
//! filed.
//!
//! Only aggregates exist here: a count per `(day, metric, key)`, where the key is a program
//! id, a question's field code or a search's normalised words, never a person, an address
//! or a session. Where a diagnosis stopped is read from the counts themselves: a question
//! reached more often than it was answered is where people left ([`QuestionRow`]).
//!
//! Every figure shown to staff goes through [`shown`]: a cell under five reads 「5未満」, so
//! that a small municipality's dashboard cannot single out the one business that asked.
//!
//! The shell counts in memory ([`Tally`]), flushes to the store every few seconds, reads
//! the sums back for a [`Period`] and builds the [`Dashboard`] here, with its CSV tables.

mod dashboard;
mod metric;
mod period;
mod suppress;
mod table;
mod tally;
mod words;

pub use dashboard::{
    Dashboard, DayTotal, FunnelStep, KeyTotal, NoticeTotals, ProgramRow, QuestionRow,
    TREND_METRICS, TrendDay, WordRow,
};
pub use metric::Metric;
pub use period::{MAX_PERIOD_DAYS, Period, PeriodError};
pub use suppress::{MIN_WORD_SEARCHES, SUPPRESS_BELOW, SUPPRESSED, rate_shown, shown};
pub use table::{KeyNames, Table, TableKind};
pub use tally::{Count, MAX_WORDS_PER_DAY, OVERFLOW_WORDS, Tally};
pub use words::{MAX_WORD_CHARS, search_words};
