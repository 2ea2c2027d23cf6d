//! One module per command; each takes the resolved config and its own arguments.

pub mod backup;
pub mod check_rules;
pub mod classify;
pub mod demo;
mod demo_desk;
pub mod desk;
pub mod diagnose;
pub mod export;
pub mod import;
pub mod migrate;
pub mod notices;
pub mod serve;
pub mod user;
