//! Request plumbing: what every part of the site needs from HTTP and nothing of what it says.
//!
//! Who the client is (behind which proxies), the visitor's session and its cookie, forms,
//! origins, HTTPS, the diagnosis limit, security headers, metrics, health, assets, the clock, and
//! the one error type at the edge. The public site, the API and the staff console build on
//! these; nothing here knows a page, so none of them is reached from here.

pub mod assets;
pub mod client;
pub mod clock;
pub mod error;
pub mod form;
pub mod health;
pub mod metrics;
pub mod origin;
pub mod rate_limit;
pub mod security;
pub mod session;
pub mod transport;
pub mod trusted_proxy;

pub use error::AppError;
