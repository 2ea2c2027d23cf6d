//! The editor page: the program form and the rule builder as one plain HTML form.
//!
//! Every control is built here as a `FieldView` (label, value, hint, the Japanese error
//! beside it), so the template is a loop and every field is labelled and described the same
//! way. The page posts back to itself; each button says what it wants done.

use askama::Template;
use madoguchi_core::program::{
    EmployeeBand, GovLevel, Program, ProgramKind, ProgramStatus, Purpose,
};

use super::case_view::CasePanel;
use super::program_form::{FieldErrors, ProgramForm};
use super::rule_view::{Choice, RulePanel};

/// One form control with its label, hint and error.
#[derive(Debug, Clone)]
pub struct FieldView {
    pub name: String,
    pub label: &'static str,
    /// `text`, `textarea`, `select`, `radios` or `checkboxes`.
    pub control: &'static str,
    pub value: String,
    pub options: Vec<Choice>,
    pub hint: String,
    pub error: Option<String>,
    pub required: bool,
}

impl FieldView {
    pub(crate) fn new(name: &str, label: &'static str, control: &'static str, value: &str) -> Self {
        Self {
            name: name.to_owned(),
            label,
            control,
            value: value.to_owned(),
            options: Vec::new(),
            hint: String::new(),
            error: None,
            required: false,
        }
    }

    /// A multi-line text control.
    pub fn textarea(name: &str, label: &'static str, value: &str) -> Self {
        Self::new(name, label, "textarea", value)
    }

    pub(crate) fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = hint.into();
        self
    }

    pub(crate) fn options(mut self, options: Vec<Choice>) -> Self {
        self.options = options;
        self
    }

    fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// The control's id.
    pub fn id(&self) -> String {
        format!("f-{}", self.name)
    }

    /// The ids `aria-describedby` names: the hint and the error.
    pub fn described_by(&self) -> String {
        let mut ids = Vec::new();
        if !self.hint.is_empty() {
            ids.push(format!("f-{}-hint", self.name));
        }
        if self.error.is_some() {
            ids.push(format!("f-{}-error", self.name));
        }
        ids.join(" ")
    }

    /// Whether the control is a group of radios or checkboxes (a fieldset).
    pub fn is_group(&self) -> bool {
        matches!(self.control, "radios" | "checkboxes")
    }
}

/// A titled part of the form.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

/// One application round's three controls.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub n: usize,
    pub fields: Vec<FieldView>,
}

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
    pub rule: RulePanel,
    /// The test profiles, editable, with how the draft judges each.
    pub cases: CasePanel,
    /// Hidden values the server checks on save (the version and draft revision edited).
    pub hidden: Vec<(String, String)>,
    /// Workflow buttons the person may press: (action value, label, primary).
    pub buttons: Vec<(&'static str, &'static str, bool)>,
}

fn choices<T: Copy>(
    all: &[T],
    code: impl Fn(T) -> &'static str,
    label: impl Fn(T) -> &'static str,
    selected: impl Fn(&str) -> bool,
) -> Vec<Choice> {
    all.iter()
        .map(|&v| Choice {
            value: code(v).to_owned(),
            label: label(v).to_owned(),
            selected: selected(code(v)),
        })
        .collect()
}

fn with_blank(mut options: Vec<Choice>, label: &str, selected: bool) -> Vec<Choice> {
    options.insert(
        0,
        Choice {
            value: String::new(),
            label: label.to_owned(),
            selected,
        },
    );
    options
}

/// The two radios of a scope: everything (chosen unless the list is), or the list.
fn scope_options(current: &str, every: (&str, &str), list: (&str, &str)) -> Vec<Choice> {
    [every, list]
        .into_iter()
        .map(|(value, label)| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            selected: (current == list.0) == (value == list.0),
        })
        .collect()
}

impl EditorPage {
    /// The sections of the program form, filled from `form`, with `errors` beside fields.
    pub fn sections(form: &ProgramForm, errors: &FieldErrors, is_new: bool) -> Vec<Section> {
        let one = |current: &str| {
            let current = current.to_owned();
            move |code: &str| code == current
        };
        let mut basics = Vec::new();
        if is_new {
            basics.push(
                FieldView::new("id", "制度ID", "text", &form.id)
                    .hint("半角英数字・ハイフンで、他の制度と重ならない名前（例：hioki-rishi-hojo）。後から変えられません。")
                    .required(),
            );
        }
        basics.extend([
            FieldView::new("title", "制度名", "text", &form.title).required(),
            FieldView::new("summary", "概要", "textarea", &form.summary)
                .hint("事業者向けに、何のための制度かを2〜3文で。"),
            FieldView::new("detail", "詳細", "textarea", &form.detail)
                .hint("段落・箇条書き・リンクのHTMLが使えます。それ以外のタグは保存時に取り除きます。"),
            FieldView::new("kind", "制度の種類", "select", &form.kind)
                .options(choices(
                    ProgramKind::ALL,
                    ProgramKind::code,
                    ProgramKind::label,
                    one(&form.kind),
                ))
                .required(),
            FieldView::new("status", "受付状況", "select", &form.status)
                .options(choices(
                    ProgramStatus::ALL,
                    ProgramStatus::code,
                    ProgramStatus::label,
                    one(&form.status),
                ))
                .hint("受付期間の日付より優先されます。予算上限で締め切ったときは「予算上限により受付終了」に。")
                .required(),
        ]);
        let issuer = vec![
            FieldView::new("issuer-level", "発行元の区分", "select", &form.issuer_level)
                .options(choices(
                    GovLevel::ALL,
                    GovLevel::code,
                    GovLevel::label,
                    one(&form.issuer_level),
                ))
                .required(),
            FieldView::new(
                "issuer-code",
                "全国地方公共団体コード",
                "text",
                &form.issuer_code,
            )
            .hint("都道府県・市区町村の制度では必須です（例：462161）。名称でも入力できます。"),
            FieldView::new("issuer-name", "発行元の名称", "text", &form.issuer_name)
                .hint("例：鹿児島県日置市、国")
                .required(),
            FieldView::new(
                "issuer-institution",
                "担当部署・機関",
                "text",
                &form.issuer_institution,
            )
            .hint("例：商工観光課、中小企業庁"),
        ];
        let purposes: Vec<String> = form.purposes.clone();
        let area_names = form.area_names();
        let target = vec![
            FieldView::new("purposes", "利用目的", "checkboxes", "").options(choices(
                Purpose::ALL,
                Purpose::code,
                Purpose::label,
                |code| purposes.iter().any(|p| p == code),
            )),
            FieldView::new("areas-scope", "対象地域", "radios", &form.areas_scope).options(
                scope_options(&form.areas_scope, ("nationwide", "全国"), ("local", "次の地域")),
            ),
            FieldView::new("areas", "対象地域のコード又は名称", "text", &form.areas).hint(
                if area_names.is_empty() {
                    "「次の地域」のとき、全国地方公共団体コード又は名称を「、」で区切って（例：462161、鹿児島県）。".to_owned()
                } else {
                    format!("現在の指定：{area_names}")
                },
            ),
            FieldView::new(
                "industries-scope",
                "対象業種",
                "radios",
                &form.industries_scope,
            )
            .options(scope_options(
                &form.industries_scope,
                ("all", "すべての業種"),
                ("only", "次の業種"),
            )),
            FieldView::new("industries", "対象業種のコード", "text", &form.industries)
                .hint("「次の業種」のとき、日本標準産業分類の大分類（例：E）又は中分類（例：24）を「、」で区切って。"),
            FieldView::new("employees", "従業員数の区分", "select", &form.employees).options(
                with_blank(
                    choices(
                        EmployeeBand::ALL,
                        EmployeeBand::code,
                        EmployeeBand::label,
                        one(&form.employees),
                    ),
                    "指定しない",
                    form.employees.is_empty(),
                ),
            ),
        ];
        let money = vec![
            FieldView::new("amount-max", "補助上限額", "text", &form.amount_max)
                .hint("例：5,000万円、300000"),
            FieldView::new("amount-min", "補助下限額", "text", &form.amount_min)
                .hint("例：100万円"),
            FieldView::new("amount-rate", "補助率", "text", &form.rate)
                .hint("分子/分母で（例：2/3）。定額などは下の「補助率（公表どおり）」に。"),
            FieldView::new(
                "amount-rate-text",
                "補助率（公表どおり）",
                "text",
                &form.rate_text,
            )
            .hint("例：2/3以内（小規模事業者は3/4以内）"),
            FieldView::new("amount-text", "金額について", "text", &form.amount_text)
                .hint("上限額で表せないとき（例：借入額の2.0%以内）"),
        ];
        let other = vec![
            FieldView::new("fiscal-year", "年度", "text", &form.fiscal_year)
                .hint("西暦で（例：2026）"),
            FieldView::new(
                "official-url",
                "公式ページのURL",
                "text",
                &form.official_url,
            )
            .hint("https:// で始まるアドレス"),
            FieldView::new("contact", "問い合わせ先", "textarea", &form.contact),
            FieldView::new("documents", "必要書類", "textarea", &form.documents)
                .hint("1行に1つずつ書いてください。"),
            FieldView::new("note", "お知らせ", "textarea", &form.note)
                .hint("制度のページの上に表示します。"),
            FieldView::new("last-verified", "最終確認日", "text", &form.last_verified)
                .hint("公式ページと照合した日（例：2026-04-01）"),
            FieldView::new(
                "verified-against",
                "確認した資料",
                "textarea",
                &form.verified_against,
            )
            .hint("1行に1つ、資料の名前とURL（例：公募要領（第18回） https://…）"),
        ];
        let mut sections = vec![
            Section {
                id: "basics",
                title: "基本情報",
                fields: basics,
            },
            Section {
                id: "issuer",
                title: "発行元",
                fields: issuer,
            },
            Section {
                id: "target",
                title: "対象",
                fields: target,
            },
            Section {
                id: "money",
                title: "金額",
                fields: money,
            },
            Section {
                id: "other",
                title: "その他",
                fields: other,
            },
        ];
        for field in sections.iter_mut().flat_map(|s| s.fields.iter_mut()) {
            field.error = errors.get(&field.name).map(str::to_owned);
        }
        sections
    }

    /// The rounds' controls, with errors beside them.
    pub fn rounds(form: &ProgramForm, errors: &FieldErrors) -> Vec<RoundView> {
        form.rounds
            .iter()
            .enumerate()
            .map(|(n, r)| {
                let mut fields = vec![
                    FieldView::new(&format!("round-{n}-label"), "回の名前", "text", &r.label)
                        .hint("例：第1回公募、令和8年度（随時）"),
                    FieldView::new(&format!("round-{n}-opens"), "受付開始", "text", &r.opens)
                        .hint("例：2026-04-01（時刻を付けるときは 2026-04-01T09:00）"),
                    FieldView::new(&format!("round-{n}-closes"), "受付終了", "text", &r.closes)
                        .hint("例：2026-05-29（日付だけならその日の終わりまで）"),
                ];
                for f in &mut fields {
                    f.error = errors.get(&f.name).map(str::to_owned);
                }
                RoundView { n, fields }
            })
            .collect()
    }

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
        draft.rule = built.rule.clone();
        let rule = RulePanel::new(
            input.rows,
            &built,
            &draft,
            input.today,
            input.posted,
            input.run_trial,
        );
        let cases = CasePanel::new(&input.form.cases, &draft, input.today);
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
        let rows = RuleRows::from_rule(program.rule.as_ref());
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
        let rows = RuleRows::from_rule(program.rule.as_ref());
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
