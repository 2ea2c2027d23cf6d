//! madoguchi-fuzz: proves that every parser of outside bytes in madoguchi-core survives
//! hostile input.
//!
//! The shell hands core whatever a person uploaded or typed: jGrants and J-Net21 files, the
//! own JSON/CSV exchange format, rule JSON, profile JSON, amounts (「3億円」) and dates
//! (「令和8年3月24日」). A panic on any of them is a bug (the workspace treats panics on user
//! input as bugs). This crate has one [`targets::Target`] per parser, a deterministic
//! generator of inputs that mutates the real data in `data/` ([`mutate`], [`seeds`]), and a
//! runner ([`engine`]) that catches panics, shrinks the input and keeps it under
//! `regressions/<target>/`, where `tests/fuzz.rs` replays it on every `cargo test`.
//!
//! No coverage guidance: nightly cannot be had here, so the generator is structure-aware
//! instead (JSON value swaps, deep nesting, Japanese text, huge numbers, invalid UTF-8, BOMs,
//! Shift_JIS bytes). See `docs/robustness.md` for the smoke and the long campaign.

pub mod engine;
pub mod mutate;
pub mod rng;
pub mod seeds;
pub mod targets;
