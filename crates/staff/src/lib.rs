//! madoguchi-staff: what is done to a staff account, written once for both shells — the
//! console (madoguchi-web) and `madoguchi user` (the CLI).
//!
//! Adding an account, changing its role, disabling and enabling it and resetting its
//! password are use cases in [`accounts`]: each checks who asks against the permission
//! table ([`madoguchi_core::staff::Action::least_role`]), applies the domain's rules (the
//! last active 管理者 stays; nobody disables themselves), makes the change through the
//! [`Store`](madoguchi_store::Store) and writes its audit entry, with its text, here and
//! nowhere else. [`password`] hashes and verifies passwords with argon2id.
//!
//! Why a crate of its own: the rules are pure and live in `madoguchi_core::staff`, but the
//! use cases need the store and hashing needs argon2 and the operating system's randomness,
//! neither of which belongs in the pure core. They are not in the store either, which is
//! about the database and never sees a password; and not in the web crate, which the CLI
//! would then have to depend on for something that has nothing to do with HTTP. Both
//! shells depend on this crate; it depends on core and the store's public API only.

pub mod accounts;
mod error;
mod operator;
pub mod password;

pub use error::StaffError;
pub use operator::Operator;
