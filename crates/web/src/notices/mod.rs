//! Notices on the web side: the signed links every message carries, the public pages that
//! subscribe, confirm, change and unsubscribe, and the jobs that turn program events into
//! messages and deliver them.
//!
//! Nothing here sends in a request: pages and jobs write to the outbox (`madoguchi-store`),
//! and the delivery worker hands it to `madoguchi-channels`.

pub mod keys;
pub mod line;
pub mod matcher;
pub mod message;
pub mod redirect;
pub mod saved_search;
pub mod site;
pub mod worker;

pub use keys::{NoticeKeys, NoticeLinks};
