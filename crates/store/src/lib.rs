//! madoguchi-store: everything in madoguchi that touches the database.
//!
//! One [`Store`] hides which backend is in use: an embedded SQLite file (the default, one
//! process) or a shared PostgreSQL (several app processes). Each backend has its own module
//! with its own SQL and its own append-only migrations; the public API, the save plan and
//! the error translation are written once, here and in the shared modules beside.
//!
//! The catalogue is versioned: every save that changes a program adds a version, and every
//! version stays readable. A batch of saves lands whole or not at all. Beside the
//! catalogue it keeps the import log, the web layer's server-side sessions, and the staff
//! console's accounts, append-only audit log, settings and sign-in attempts.

mod account;
mod audit;
mod draft;
mod error;
mod import_run;
mod login_attempt;
mod migrations;
mod outcome;
mod pending_import;
mod plan;
mod portable;
mod postgres;
mod record;
mod restore;
mod session;
mod setting;
mod sqlite;
mod store;
mod target;
pub mod testing;
mod timestamp;
mod watch;

pub use account::{Account, DisplayName, Lockout, Login, LoginFailures, NewAccount, Role};
pub use audit::{AuditEntry, AuditFilter, NewAuditEntry};
pub use draft::{
    Draft, DraftState, DraftStep, DueChange, EntryPage, EntryQuery, EntryShow, ProgramEntry,
};
pub use error::StoreError;
pub use import_run::{ImportCounts, ImportRun, NewImportRun};
pub use login_attempt::{Admission, AttemptLimit, LoginAttempt};
pub use outcome::{ProgramDates, SaveOutcome, SaveSummary, VersionInfo};
pub use pending_import::{DoneMessage, ImportJobState, NewPendingImport, PendingImport};
pub use restore::restore_sqlite;
pub use session::{NewSession, Session};
pub use setting::Setting;
pub use store::Store;
pub use target::redact_url;
pub use watch::CatalogWatch;
