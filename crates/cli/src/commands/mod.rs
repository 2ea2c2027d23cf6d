//! One module per command; each takes the resolved config and its own arguments.

pub mod backup;
pub mod demo;
pub mod export;
pub mod import;
pub mod migrate;
pub mod serve;
