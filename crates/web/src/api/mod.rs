//! The JSON API under `/api/v1`, described by the OpenAPI document at `/api/openapi.json`.
//!
//! Answers are the same values the pages show, as JSON; errors are the site's `AppError`
//! rendered as RFC 9457 problem details (`Problem`) with a Japanese `detail`, so a client can
//! show the message as is.

mod diagnose;
mod fields;
pub mod industries;
mod openapi;
mod programs;

pub use diagnose::diagnose;
pub use fields::list_fields;
pub use industries::find_industries;
pub use openapi::show_openapi;
pub use programs::search_programs;

/// The most a diagnosis request may send: a profile is a few hundred bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;
