//! The publishing side of the editor page: where the program and its draft stand, and
//! which of the workflow's forms this person may use.

use madoguchi_store::{DraftState, Role};
use time::Date;

use crate::console::editor::page::WorkflowView;
use crate::console::programs::context::EditContext;
use crate::console::programs::moment_label;
use crate::console::settings::ConsoleSettings;
use crate::console::staff::Staff;
use crate::{AppError, AppState};

/// Where the program and its draft stand, and what this person may do about it.
pub(super) async fn workflow(
    state: &AppState,
    staff: &Staff,
    ctx: &EditContext,
    settings: &ConsoleSettings,
    today: Date,
) -> Result<WorkflowView, AppError> {
    let store = state.store();
    let name_of = |id: String| async move {
        store
            .account(&id)
            .await
            .ok()
            .flatten()
            .map_or(id, |a| a.display_name.to_string())
    };
    let can_change = staff.account.role.allows(Role::Staff);
    let entry = match &ctx.id {
        Some(id) => store.program_entry(id).await?,
        None => None,
    };
    let unpublished_at = entry.as_ref().and_then(|e| e.unpublished_at);
    let unpublish_at = entry.as_ref().and_then(|e| e.unpublish_at);
    let published_version = ctx.published.as_ref().map_or(0, |p| p.version);
    let published = match (&ctx.published, unpublished_at) {
        (None, _) => "未公開".to_owned(),
        (Some(p), Some(at)) => format!("公開終了（{}、第{}版）", moment_label(at), p.version),
        (Some(p), None) => format!("公開中（第{}版、{}）", p.version, p.status.label()),
    };
    let mut view = WorkflowView {
        program_id: ctx.id.as_ref().map(ToString::to_string).unwrap_or_default(),
        published,
        published_version,
        unpublish_plan: unpublish_at
            .filter(|_| unpublished_at.is_none())
            .map(|at| format!("{}に公開を終了します", moment_label(at))),
        is_unpublished: unpublished_at.is_some(),
        can_change,
        can_close_budget: can_change
            && unpublished_at.is_none()
            && ctx
                .published
                .as_ref()
                .is_some_and(|p| p.status != madoguchi_core::program::ProgramStatus::ClosedBudget),
        today: today.to_string(),
        ..WorkflowView::default()
    };
    if let Some(draft) = &ctx.draft {
        let author = name_of(draft.author.clone()).await;
        view.draft = Some(format!(
            "{}：{}さんが{}に保存（改訂{}）",
            draft.state.label(),
            author,
            moment_label(draft.updated_at),
            draft.revision
        ));
        view.draft_revision = draft.revision;
        if let (Some(at), Some(reviewer)) = (draft.publish_at, draft.reviewer.clone()) {
            view.schedule = Some(format!(
                "{}に公開（承認：{}さん）",
                moment_label(at),
                name_of(reviewer).await
            ));
        }
        let own = draft.author == staff.account.id;
        let awaiting = draft.state == DraftState::Review;
        let second = settings.require_second_approval;
        view.can_approve = can_change
            && (if second {
                awaiting && !own
            } else {
                draft.state != DraftState::Scheduled
            });
        view.approve_note = (can_change && second && awaiting && own)
            .then(|| "この下書きはあなたが保存したため、承認は別の職員が行います。".to_owned());
        view.can_return = can_change && draft.state != DraftState::Draft;
        view.can_discard = can_change;
    }
    Ok(view)
}
