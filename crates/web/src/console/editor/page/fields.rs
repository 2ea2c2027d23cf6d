//! The program form's controls, section by section: each field labelled, described and
//! given its error the same way, so the template only loops over them.

use madoguchi_core::program::{
    DocumentIssuer, EmployeeBand, GovLevel, ProgramKind, ProgramStatus, Purpose,
};

use super::EditorPage;
use crate::console::editor::program_form::{FieldErrors, ProgramForm, WHEN_CHOICES};
use crate::console::editor::rule_view::Choice;

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

/// One required document's controls.
#[derive(Debug, Clone)]
pub struct DocumentView {
    pub n: usize,
    pub fields: Vec<FieldView>,
}

/// One application round's three controls.
#[derive(Debug, Clone)]
pub struct RoundView {
    pub n: usize,
    pub fields: Vec<FieldView>,
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

    /// The documents' controls, with errors beside them.
    pub fn documents(form: &ProgramForm, errors: &FieldErrors) -> Vec<DocumentView> {
        form.documents
            .iter()
            .enumerate()
            .map(|(n, d)| {
                let name = |part: &str| format!("document-{n}-{part}");
                let issuers = with_blank(
                    choices(
                        DocumentIssuer::ALL,
                        DocumentIssuer::code,
                        DocumentIssuer::label,
                        |c| c == d.issuer,
                    ),
                    "（未設定）",
                    d.issuer.is_empty(),
                );
                let pick = |all: &[(&str, &str)], current: &str| -> Vec<Choice> {
                    all.iter()
                        .map(|(value, label)| Choice {
                            value: (*value).to_owned(),
                            label: (*label).to_owned(),
                            selected: *value == current,
                        })
                        .collect()
                };
                let mut fields = vec![
                    FieldView::new(&name("name"), "書類名", "text", &d.name)
                        .hint("例：履歴事項全部証明書"),
                    FieldView::new(&name("issuer"), "発行元", "select", &d.issuer)
                        .options(issuers),
                    FieldView::new(&name("lead-days"), "取得にかかる日数", "text", &d.lead_days)
                        .hint("おおよその日数（即日なら 0）"),
                    FieldView::new(
                        &name("valid-months"),
                        "有効期間（か月）",
                        "text",
                        &d.valid_months,
                    )
                    .hint("「発行後3か月以内」なら 3。期限がなければ空欄"),
                    FieldView::new(&name("form"), "様式", "select", &d.form_provided).options(
                        pick(
                            &[("", "制度の様式はない"), ("yes", "制度の様式がある")],
                            &d.form_provided,
                        ),
                    ),
                    FieldView::new(&name("when"), "必要な申請者", "select", &d.when)
                        .options(pick(&WHEN_CHOICES, &d.when)),
                    FieldView::textarea(&name("rule"), "条件（JSON）", &d.rule).hint(
                        "「条件を指定する」を選んだときだけ使います。資格の条件と同じ書き方です（例：{\"field\": \"employees\", \"op\": \"gt\", \"value\": 20}）。",
                    ),
                ];
                for f in &mut fields {
                    f.error = errors.get(&f.name).map(str::to_owned);
                }
                DocumentView { n, fields }
            })
            .collect()
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
}
