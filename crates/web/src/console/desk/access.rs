//! Who may open the desk and which cases: staff (職員 and 管理者) see every case; a 専門家
//! sees only the cases introduced to them, and only for what
//! `Action::expert_may_on_own_case` allows; 閲覧 never sees consultations, which hold
//! personal data. A case that is not an expert's own answers 404 to them, so that they
//! cannot learn which receipts exist.

use madoguchi_core::staff::{Action, Role};
use madoguchi_store::Case;

use crate::console::staff::Staff;
use crate::{AppError, AppState};

/// The signed-in user as the desk sees them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeskUser {
    Staff,
    /// A 専門家, with the registry id their account is linked to.
    Expert(String),
}

impl DeskUser {
    /// The desk's view of `staff`, or 403 for a role that has no place on the desk.
    pub async fn of(state: &AppState, staff: &Staff) -> Result<Self, AppError> {
        if staff.account.role == Role::Expert {
            return match state.store().expert_of_account(&staff.account.id).await? {
                Some(entry) => Ok(Self::Expert(entry.expert.id)),
                None => Err(AppError::Forbidden(
                    "この利用者は専門家名簿に登録されていないため、相談を表示できません。管理者にお問い合わせください。".to_owned(),
                )),
            };
        }
        staff.require(Role::Staff)?;
        Ok(Self::Staff)
    }

    /// The expert id a list is limited to.
    pub fn own_expert(&self) -> Option<&str> {
        match self {
            Self::Staff => None,
            Self::Expert(id) => Some(id),
        }
    }

    /// Whether this user may take `action` on `case` (the role's part was checked by
    /// [`DeskUser::of`]).
    pub fn may(&self, action: Action, case: &Case) -> bool {
        match self {
            Self::Staff => true,
            Self::Expert(id) => {
                action.expert_may_on_own_case() && case.expert_id.as_deref() == Some(id.as_str())
            }
        }
    }

    /// Refuses `action` on `case` unless allowed: an expert sees 404 for another's case.
    pub fn require(&self, action: Action, case: &Case) -> Result<(), AppError> {
        match self {
            _ if self.may(action, case) => Ok(()),
            Self::Expert(id) if case.expert_id.as_deref() == Some(id.as_str()) => {
                Err(AppError::Forbidden(format!(
                    "専門家の方は「{}」を行えません。担当の職員にお問い合わせください。",
                    action.label()
                )))
            }
            _ => Err(AppError::NotFound),
        }
    }
}
