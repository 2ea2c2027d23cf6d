//! madoguchi-core: the pure domain of a municipal one-stop support desk.
//!
//! Everything here is a value or a function over values: programs and their parsed parts,
//! the bundled reference data (municipalities, industries), the calendar (JST, 和暦, 年度),
//! the importers that turn published records into programs, and the staff of the console
//! (logins, roles, who may do what, the password policy). Nothing here performs I/O,
//! reads a clock or awaits; the shell (store, web, cli) does that and passes values in.

pub mod analytics;
pub mod calendar;
pub mod catalog;
pub mod demo;
pub mod desk;
pub mod eligibility;
mod error;
pub mod import;
pub mod japanese_amount;
pub mod notices;
pub mod program;
pub mod reference;
pub mod staff;
pub mod text;
