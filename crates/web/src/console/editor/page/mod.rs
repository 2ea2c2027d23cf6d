//! The editor page: the program form and the rule builder as one plain HTML form.
//!
//! Every control is built here as a `FieldView` (label, value, hint, the Japanese error
//! beside it), so the template is a loop and every field is labelled and described the same
//! way. The page posts back to itself; each button says what it wants done.

mod fields;

use askama::Template;
use madoguchi_core::program::Program;

use super::case_view::CasePanel;
use super::program_form::{FieldErrors, ProgramForm};
use super::rule_view::RulePanel;

pub use fields::{DocumentView, FieldView, RoundView, Section};

/// The publishing side of the editor: where the program and its draft stand, and the
/// forms the person may use (each a separate form after the editor's own).
#[derive(Debug, Clone, Default)]
pub struct WorkflowView {
    pub program_id: String,
    /// 「公開中（第3版）」, 「公開終了（2026年…）」, 「未公開」.
    pub published: String,
    pub published_version: u32,
    /// 「2027年3月31日（令和9年）00:00に公開を終了します」.
    pub unpublish_plan: Option<String>,
    pub is_unpublished: bool,
    /// 「下書き（確認依頼中）：山田さんが2026年…に保存」.
    pub draft: Option<String>,
    pub draft_revision: u32,
    /// 「2026年…に公開する予約（承認：佐藤さん）」.
    pub schedule: Option<String>,
    pub can_change: bool,
    pub can_approve: bool,
    /// Why this person cannot approve (the second-person rule), if that is why.
    pub approve_note: Option<String>,
    pub can_return: bool,
    pub can_discard: bool,
    pub can_close_budget: bool,
    /// Today's date for the closure form (「2026-07-10」).
    pub today: String,
}

/// The whole editor page.
#[derive(Debug, Template)]
#[template(path = "editor/edit.html")]
pub struct EditorPage {
    /// The console's layout; `None` when the session ended (the page still keeps the edit).
    pub frame: Option<crate::console::Frame>,
    pub workflow: Option<WorkflowView>,
    /// What the other person saved, against what this person typed, after a refused save.
    pub changes: Vec<super::diff::FieldChange>,
    /// 閲覧: the page shows everything and saves nothing.
    pub read_only: bool,
    pub heading: String,
    pub form_action: String,
    pub csrf: String,
    /// The program's id, shown for an existing program (its form control is hidden).
    pub existing_id: Option<String>,
    /// A short confirmation (「下書きを保存しました」).
    pub notice: Option<String>,
    /// What stopped the last action, with the count of field errors.
    pub alert: Option<String>,
    pub sections: Vec<Section>,
    pub rounds: Vec<RoundView>,
    pub documents: Vec<DocumentView>,
    pub rule: RulePanel,
    /// The test profiles, editable, with how the draft judges each.
    pub cases: CasePanel,
    /// Hidden values the server checks on save (the version and draft revision edited).
    pub hidden: Vec<(String, String)>,
    /// Workflow buttons the person may press: (action value, label, primary).
    pub buttons: Vec<(&'static str, &'static str, bool)>,
}

impl EditorPage {
    /// The title a page for `program` shows.
    pub fn heading_for(program: &Program, is_new: bool) -> String {
        if is_new {
            "制度を新しく登録する".to_owned()
        } else {
            format!("「{}」を編集する", program.title)
        }
    }
}

/// Everything one rendering of the editor is made from.
#[derive(Debug)]
pub struct EditorInput<'a> {
    pub is_new: bool,
    pub form: &'a ProgramForm,
    pub errors: &'a FieldErrors,
    pub rows: &'a super::rule_form::RuleRows,
    /// The program being edited, as last saved (or a blank one for a new program).
    pub base: &'a Program,
    pub today: time::Date,
    /// The posted page, for the trial answers (`try-<field>`).
    pub posted: &'a crate::http::form::FormData,
    pub run_trial: bool,
    /// Whether to run the engine over the form (the rule's satisfiability and preview, the
    /// test profiles): only for a signed-in member of staff, so that an anonymous post
    /// costs no more than reading it back.
    pub analyse: bool,
}

impl EditorPage {
    /// The page for one state of the form; the handler sets the CSRF token, the action,
    /// the hidden values, the buttons and any notice.
    pub fn build(input: &EditorInput<'_>) -> Self {
        let built = input.rows.to_rule();
        // The preview reads the rule as the rows make it, on the program as the form makes
        // it, or on the saved program while the form still has mistakes.
        let read = if input.is_new {
            input.form.apply_as_new(input.base)
        } else {
            input.form.apply(input.base)
        };
        let mut draft = read.unwrap_or_else(|_| input.base.clone());
        // Unanalysed, the preview reads no posted rule: the saved program's (or none).
        draft.rule = if input.analyse {
            built.rule.clone().map(Box::new)
        } else {
            None
        };
        let rule = RulePanel::new(
            input.rows,
            &built,
            &draft,
            input.today,
            input.posted,
            input.run_trial,
        );
        let cases = if input.analyse {
            CasePanel::new(&input.form.cases, &draft, input.today)
        } else {
            CasePanel::unjudged(&input.form.cases)
        };
        Self {
            frame: None,
            workflow: None,
            changes: Vec::new(),
            read_only: false,
            heading: Self::heading_for(input.base, input.is_new),
            form_action: String::new(),
            csrf: String::new(),
            existing_id: (!input.is_new).then(|| input.base.id.to_string()),
            notice: None,
            alert: None,
            sections: Self::sections(input.form, input.errors, input.is_new),
            rounds: Self::rounds(input.form, input.errors),
            documents: Self::documents(input.form, input.errors),
            rule,
            cases,
            hidden: Vec::new(),
            buttons: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::editor::browser::submit;
    use crate::console::editor::rule_form::RuleRows;
    use crate::http::form::FormData;
    use madoguchi_core::demo::CATALOGUE;
    use madoguchi_core::eligibility::CompiledRule;
    use madoguchi_core::import::own;

    fn page_for(program: &Program) -> String {
        let form = ProgramForm::of(program);
        let rows = RuleRows::from_rule(program.rule.as_deref());
        let posted = FormData::default();
        let mut page = EditorPage::build(&EditorInput {
            is_new: false,
            form: &form,
            errors: &FieldErrors::default(),
            rows: &rows,
            base: program,
            today: time::macros::date!(2026 - 06 - 01),
            posted: &posted,
            run_trial: false,
            analyse: true,
        });
        page.csrf = "token".into();
        page.form_action = "/console/programs/x".into();
        page.buttons = vec![("save", "下書きを保存", true)];
        page.render().unwrap()
    }

    #[test]
    fn every_demo_program_survives_a_round_trip_through_its_rendered_form() {
        let programs: Vec<Program> = CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
            .collect();
        let cases: usize = programs.iter().map(|p| p.test_cases.len()).sum();
        assert!(cases > 150, "the demo programs carry their test profiles");
        for program in &programs {
            let html = page_for(program);
            let posted = FormData::from_pairs(submit(&html, Some(("action", "save"))));
            assert_eq!(posted.get("_csrf"), Some("token"));
            assert_eq!(posted.get("action"), Some("save"));
            let mut back = ProgramForm::read(&posted)
                .apply(program)
                .unwrap_or_else(|e| panic!("{}: {e:?}", program.id));
            let rows = RuleRows::read(&posted).unwrap();
            let rule = rows.to_rule().rule;
            assert_eq!(
                rule.as_ref().map(|r| CompiledRule::compile(r).unwrap()),
                program
                    .rule
                    .as_ref()
                    .map(|r| CompiledRule::compile(r).unwrap()),
                "{}",
                program.id
            );
            assert_eq!(back.test_cases, program.test_cases, "{}", program.id);
            back.rule = program.rule.clone();
            assert_eq!(&back, program, "{}", program.id);
        }
    }

    #[test]
    fn every_control_has_a_label_and_errors_are_tied_to_their_field() {
        let program = own::parse(CATALOGUE[2].1).unwrap().programs.remove(0);
        let mut form = ProgramForm::of(&program);
        form.title = String::new();
        let errors = form.apply(&program).unwrap_err();
        let rows = RuleRows::from_rule(program.rule.as_deref());
        let posted = FormData::default();
        let page = EditorPage::build(&EditorInput {
            is_new: false,
            form: &form,
            errors: &errors,
            rows: &rows,
            base: &program,
            today: time::macros::date!(2026 - 06 - 01),
            posted: &posted,
            run_trial: false,
            analyse: true,
        });
        let html = page.render().unwrap();
        let doc = scraper::Html::parse_document(&html);
        let controls =
            scraper::Selector::parse("input:not([type=hidden]), select, textarea").unwrap();
        for control in doc.select(&controls) {
            let id = control
                .value()
                .attr("id")
                .unwrap_or_else(|| panic!("{}", control.html()));
            let label = scraper::Selector::parse(&format!("label[for=\"{id}\"]")).unwrap();
            assert!(doc.select(&label).next().is_some(), "no label for {id}");
        }
        let title = scraper::Selector::parse("#f-title").unwrap();
        let input = doc.select(&title).next().unwrap();
        assert_eq!(input.value().attr("aria-invalid"), Some("true"));
        let described = input.value().attr("aria-describedby").unwrap();
        let error = scraper::Selector::parse(&format!("#{described}")).unwrap();
        let text: String = doc.select(&error).next().unwrap().text().collect();
        assert!(text.contains("制度名が空です"), "{text}");
    }
}
