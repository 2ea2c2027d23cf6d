//! The public site a business visits: the top page, the program list and pages, search,
//! the diagnosis wizard and its results, and the feeds.
//!
//! Pages are server-rendered and work without JavaScript; [`view`] formats every value the
//! Japanese way once, and the staff console's previews borrow it so that staff see what
//! visitors will.

pub mod checklist;
pub mod condition_tree;
pub mod consult;
pub mod diagnosis;
pub mod experts;
pub mod feeds;
pub mod home;
pub mod listing;
pub mod official;
pub mod privacy;
pub mod programs;
pub mod search;
pub mod sheet;
pub mod view;
