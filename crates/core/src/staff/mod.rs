//! Staff of the console as the domain sees them: who they are (login names and display
//! names), what they may do (roles, actions and the table between them), what a new
//! password must be, and the rule that keeps the console manageable — the last active
//! 管理者 can be neither disabled nor demoted.
//!
//! It lives here, in the pure core, because two shells speak it: the console (madoguchi-web)
//! and `madoguchi user` (the CLI). Before, the CLI borrowed it from the web crate. The
//! store keeps accounts in these terms (it re-exports [`Login`], [`DisplayName`] and
//! [`Role`]); the use cases that change an account and write its audit entry are in the
//! madoguchi-staff crate, over the store.
//!
//! Hashing is not here: argon2id is CPU work only, but it needs a random salt (the
//! operating system's randomness) and a crate of its own, and this crate's dependency
//! list is kept to what cannot touch the outside world. A [`NewPassword`] is checked here
//! and hashed by madoguchi-staff.

mod action;
mod last_admin;
mod login;
mod password;
mod role;

pub use action::Action;
pub use last_admin::{Member, Refusal, check_disable, check_role_change, is_last_active_admin};
pub use login::{AccountError, DisplayName, Login};
pub use password::{MAX_CHARS, MIN_CHARS, NewPassword, PasswordError};
pub use role::Role;
