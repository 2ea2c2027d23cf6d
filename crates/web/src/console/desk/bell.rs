//! The bell: how many cases wait for the signed-in user, each count linked to its list,
//! above the case list and on the console's home page.
//!
//! Counted from where the cases stand (not from a queue of messages), so it is never out
//! of step with the cases; the steps that change those counts are the case history's
//! entries, which the e-mail and LINE channels will follow.

use madoguchi_core::desk::CaseState;
use madoguchi_store::CaseQuery;

pub(crate) use super::access::DeskUser;
use super::list::overdue_cut_off;
use crate::desk::DeskSettings;
use crate::{AppError, AppState};

/// One count of the bell.
#[derive(Debug, Clone)]
pub struct BellItem {
    pub label: &'static str,
    pub count: u64,
    pub href: &'static str,
    /// Shown in the warning colour when not zero.
    pub urgent: bool,
}

/// The counts for one user.
#[derive(Debug, Clone)]
pub struct Bell {
    pub items: Vec<BellItem>,
}

impl Bell {
    pub fn total(&self) -> u64 {
        self.items.iter().map(|i| i.count).sum()
    }

    pub async fn of(
        state: &AppState,
        user: &DeskUser,
        settings: &DeskSettings,
    ) -> Result<Self, AppError> {
        let count = |query: CaseQuery| async move { state.store().count_cases(&query).await };
        let in_state = |s: CaseState, expert: Option<&str>| CaseQuery {
            state: Some(s),
            expert_id: expert.map(str::to_owned),
            ..CaseQuery::default()
        };
        let items = match user {
            DeskUser::Staff => vec![
                BellItem {
                    label: "新しい相談",
                    count: count(in_state(CaseState::Received, None)).await?,
                    href: "/console/desk?state=received",
                    urgent: false,
                },
                BellItem {
                    label: "紹介先を決める相談",
                    count: count(in_state(CaseState::Hearing, None)).await?,
                    href: "/console/desk?state=hearing",
                    urgent: false,
                },
                BellItem {
                    label: "初回連絡の期限を過ぎた相談",
                    count: count(CaseQuery {
                        uncontacted_before: Some(overdue_cut_off(settings)),
                        ..CaseQuery::default()
                    })
                    .await?,
                    href: "/console/desk?overdue=1",
                    urgent: true,
                },
            ],
            DeskUser::Expert(id) => vec![
                BellItem {
                    label: "引き受けの返事を待っている相談",
                    count: count(in_state(CaseState::Referred, Some(id))).await?,
                    href: "/console/desk?state=referred",
                    urgent: true,
                },
                BellItem {
                    label: "相談中の相談",
                    count: count(in_state(CaseState::Consulting, Some(id))).await?,
                    href: "/console/desk?state=consulting",
                    urgent: false,
                },
            ],
        };
        Ok(Self { items })
    }
}
