//! Saving the editor's draft: the checks before it, the audit entry, and a save refused
//! because someone else saved or published first.

use axum::http::StatusCode;
use axum::response::Response;
use madoguchi_core::eligibility::{run_test_cases, validate_program_rule};
use madoguchi_core::program::Program;
use madoguchi_core::staff::Action;
use madoguchi_store::{Draft, DraftStep, Publication, StoreError};
use time::Date;

use super::{EditAction, Shown, Typed, done, origin_of, render};
use crate::console::editor::diff::diff_programs;
use crate::console::editor::program_form::FieldErrors;
use crate::console::programs::context::EditContext;
use crate::console::settings::ConsoleSettings;
use crate::console::staff::Staff;
use crate::http::clock;
use crate::http::form::FormData;
use crate::{AppError, AppState};

pub(super) async fn save(
    state: &AppState,
    staff: &Staff,
    ctx: EditContext,
    mut typed: Typed,
    posted: &FormData,
    action: EditAction,
) -> Result<Response, AppError> {
    let store = state.store();
    let today = clock::today();
    let settings = ConsoleSettings::load(store).await?;
    let again = |status, alert: String, errors| Shown {
        status: Some(status),
        alert: Some(alert),
        errors,
        ..Shown::default()
    };
    if action == EditAction::Publish && settings.require_second_approval {
        let shown = again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "公開には、確認を依頼した人とは別の人の承認が必要です。「保存して確認を依頼」を押してください。".to_owned(),
            FieldErrors::default(),
        );
        return render(state, Some(staff), &ctx, &typed, posted, shown).await;
    }
    let base = ctx.base();
    let read = if ctx.is_new() {
        typed.form.apply_as_new(&base)
    } else {
        typed.form.apply(&base)
    };
    let mut program = match read {
        Ok(program) => program,
        Err(errors) => {
            let alert = format!(
                "入力内容に{}件の誤りがあるため、保存していません。各項目の説明を確かめてください。",
                errors.0.len()
            );
            let shown = again(StatusCode::UNPROCESSABLE_ENTITY, alert, errors);
            return render(state, Some(staff), &ctx, &typed, posted, shown).await;
        }
    };
    program.rule = typed.rows.to_rule().rule.map(Box::new);
    if ctx.is_new() && id_taken(state, &program).await? {
        let mut errors = FieldErrors::default();
        errors.0.push((
            "id".to_owned(),
            format!(
                "制度ID「{}」は既に使われています。別のIDにしてください。",
                program.id
            ),
        ));
        let shown = again(
            StatusCode::UNPROCESSABLE_ENTITY,
            "入力内容に1件の誤りがあるため、保存していません。".to_owned(),
            errors,
        );
        return render(state, Some(staff), &ctx, &typed, posted, shown).await;
    }
    let saved = store
        .save_draft(
            &program,
            typed.base_version,
            typed.revision,
            &staff.account.id,
        )
        .await;
    let draft = match saved {
        Ok(draft) => draft,
        Err(
            err @ (StoreError::StaleDraft { .. }
            | StoreError::Stale { .. }
            | StoreError::NoDraft(_)),
        ) => return refused_as_stale(state, staff, &program, typed, posted, err).await,
        Err(StoreError::InvalidProgram { source, .. }) => {
            let shown = again(
                StatusCode::UNPROCESSABLE_ENTITY,
                source.to_string(),
                FieldErrors::default(),
            );
            return render(state, Some(staff), &ctx, &typed, posted, shown).await;
        }
        Err(err) => return Err(err.into()),
    };
    let id = draft.program.id.clone();
    staff
        .audit(
            state,
            Action::ProgramDraftSave,
            Some(id.as_str()),
            save_detail(ctx.published.as_ref(), &draft, today),
        )
        .await?;
    if action == EditAction::Save {
        return done(id.as_str(), "saved");
    }
    if let Some(problem) = not_ready(&draft.program, today) {
        let ctx = EditContext::load(store, id.as_str()).await?;
        typed.base_version = ctx.base_version();
        typed.revision = ctx.revision();
        let step = if action == EditAction::Review {
            "確認を依頼"
        } else {
            "公開"
        };
        let shown = again(
            StatusCode::UNPROCESSABLE_ENTITY,
            format!("下書きは保存しました。ただし、{problem}ため、{step}できません。"),
            FieldErrors::default(),
        );
        return render(state, Some(staff), &ctx, &typed, posted, shown).await;
    }
    if action == EditAction::Review {
        store
            .change_draft(&id, draft.revision, DraftStep::RequestReview)
            .await?;
        staff
            .audit(
                state,
                Action::ProgramReviewRequest,
                Some(id.as_str()),
                "確認を依頼しました",
            )
            .await?;
        return done(id.as_str(), "review");
    }
    let origin = origin_of(staff);
    let audit = |version: u32| {
        let detail = format!("第{version}版として公開しました");
        staff.audit_entry(Action::ProgramPublish, Some(id.as_str()), detail)
    };
    let publication = Publication {
        audit: Some(&audit),
        ..Publication::by(&origin)
    };
    store.publish(&id, draft.revision, &publication).await?;
    state.catalog_changed().await?;
    done(id.as_str(), "published")
}

async fn id_taken(state: &AppState, program: &Program) -> Result<bool, AppError> {
    let store = state.store();
    Ok(store.program(&program.id).await?.is_some() || store.draft(&program.id).await?.is_some())
}

/// Why a saved draft may not go on to review or publication, if it may not.
fn not_ready(program: &Program, today: Date) -> Option<String> {
    if validate_program_rule(program).is_err() {
        return Some("対象となる条件に誤りがある".to_owned());
    }
    let failures = run_test_cases(program, today).len();
    (failures > 0).then(|| format!("テスト用の事業者{failures}件が期待どおりに判定されない"))
}

/// The audit entry of a save: which fields changed against the published version.
fn save_detail(published: Option<&Program>, draft: &Draft, today: Date) -> String {
    let Some(published) = published else {
        return format!("新しい制度の下書きを保存しました（改訂{}）", draft.revision);
    };
    let labels: Vec<String> = diff_programs(published, &draft.program, today)
        .into_iter()
        .map(|c| c.label)
        .collect();
    let changed = if labels.is_empty() {
        "公開中の内容と同じ".to_owned()
    } else {
        format!("公開中の内容から変えた項目：{}", labels.join("、"))
    };
    format!("下書きを保存しました（改訂{}）。{changed}", draft.revision)
}

/// A save refused because someone else saved or published first: the page again with the
/// other version's differences, and the page's version and revision moved to the current
/// ones, so that saving again (after looking) is a deliberate choice.
async fn refused_as_stale(
    state: &AppState,
    staff: &Staff,
    program: &Program,
    mut typed: Typed,
    posted: &FormData,
    err: StoreError,
) -> Result<Response, AppError> {
    let store = state.store();
    let ctx = EditContext {
        id: Some(program.id.clone()),
        published: store.program(&program.id).await?,
        draft: store.draft(&program.id).await?,
    };
    let theirs = ctx.base();
    typed.base_version = ctx.base_version();
    typed.revision = ctx.revision();
    let shown = Shown {
        status: Some(StatusCode::CONFLICT),
        alert: Some(format!(
            "{err} 下に違いを示します。必要な変更をこの画面に取り込んでから「下書きを保存」を押すと、この画面の内容で保存します。"
        )),
        changes: diff_programs(&theirs, program, clock::today()),
        ..Shown::default()
    };
    // A new program whose id someone else took meanwhile is edited as theirs from now on.
    render(state, Some(staff), &ctx, &typed, posted, shown).await
}
