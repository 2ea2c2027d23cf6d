//! Turning published records into programs: jGrants, J-Net21 and madoguchi's own format.
//!
//! Every importer reads records one at a time from a reader the shell hands in (`read`),
//! giving each program to the caller as soon as it is built and returning an
//! [`ImportReport`]; `parse` does the same over bytes in memory and keeps the programs in an
//! [`ImportBatch`]. Either way the result names the programs
//! that could be built, the records left out on purpose (skipped) and the records that could
//! not be read (invalid), each with a Japanese reason that names the record. A problem with the
//! file as a whole (empty, not UTF-8, not JSON, wrong shape) is an [`ImportError`] instead.
//! Nothing here opens a file or reads a clock or the network: dates the records do not carry are
//! passed in.

mod batch;
mod error;
mod fiscal;
mod industries;
mod json;
mod local_issuer;
mod rate;
mod sanitize;
mod status;
mod stream;
mod text;

pub mod jgrants;
pub mod jnet21;
pub mod own;

pub use batch::{ImportBatch, ImportReport, RecordIssue};
pub use error::{ImportError, SuspectedEncoding};
pub use sanitize::sanitize_detail;
pub use stream::MAX_RECORD_BYTES;
