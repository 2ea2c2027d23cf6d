//! The console's program pages under `/console/programs`: the list with search, the editor
//! (new and existing programs), the publishing workflow (review, approval, scheduling,
//! quick closure for budget, taking off the site), and each program's history with diffs
//! and restore.
//!
//! Every handler checks the role on the server (閲覧 reads, 職員 changes) and every form
//! its CSRF token; every change is written to the audit log. The editor's own form is
//! special in one way: a post whose session has ended, or whose token is stale, is shown
//! again with everything typed kept and a Japanese message, so an edit is never lost.

mod context;
mod edit;
mod history;
mod list;
mod workflow;

pub use edit::{edit_program, new_program, post_edit_program, post_new_program};
pub use history::{show_diff, show_history};
pub use list::list_programs;
pub use workflow::{
    close_for_budget, discard_draft, publish_program, restore_version, return_draft,
    unpublish_program,
};

use time::OffsetDateTime;

use madoguchi_core::calendar::{JST, wareki};

/// The most a program editor form may send: long outlines and many rule rows.
pub const EDITOR_FORM_BYTES: usize = 512 * 1024;

/// 「2026年7月10日（令和8年）17:00」: a moment in JST.
pub(crate) fn moment_label(at: OffsetDateTime) -> String {
    let jst = at.to_offset(JST);
    format!(
        "{} {:02}:{:02}",
        wareki::format_date(jst.date()),
        jst.hour(),
        jst.minute()
    )
}

/// The page of one program's editor.
pub(crate) fn edit_path(id: &str) -> String {
    format!("/console/programs/{id}/edit")
}
