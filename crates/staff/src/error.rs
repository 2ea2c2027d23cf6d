//! Why a use case on an account did not happen, in Japanese for the person who asked.

use madoguchi_core::staff::{Refusal, Role};
use madoguchi_store::StoreError;

use crate::password::HashError;

/// A use case refused or failed; nothing of it was recorded in the audit log.
#[derive(Debug, thiserror::Error)]
pub enum StaffError {
    /// The member of staff who asked lacks the role the action needs.
    #[error(
        "この操作には「{}」以上の役割が必要です。必要な場合は管理者に依頼してください。",
        needed.label()
    )]
    NotAllowed { needed: Role },
    /// A rule of the domain refuses the change (the last 管理者, disabling oneself).
    #[error(transparent)]
    Refused(#[from] Refusal),
    #[error(transparent)]
    Hashing(#[from] HashError),
    #[error(transparent)]
    Store(#[from] StoreError),
}
