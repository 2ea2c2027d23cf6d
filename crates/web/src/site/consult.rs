//! The public consultation form: `/consult`, and its confirmation `/consult/received`.
//!
//! A business, a resident or a municipality writes in without JavaScript; from a diagnosis
//! result the form carries the answers and the programs chosen, each line shown with a box
//! to leave it out, and what is sent is rebuilt on the server from those very lines. The
//! form posts the visitor session's CSRF token, one client may file only a few at a time,
//! and every problem comes back beside what was typed, so nothing is lost. The receipt
//! number reaches the confirmation page through the session, never the URL, and that page
//! shows nothing else of the case.

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::analytics::Metric;
use madoguchi_core::desk::{FieldError, Intake, IntakeForm, Method, Requester};
use madoguchi_core::eligibility::Verdict;
use madoguchi_store::DeskActor;
use serde::Deserialize;
use std::time::Instant;

use crate::desk::DeskSettings;
use crate::http::client::Client;
use crate::http::clock;
use crate::http::form::FormData;
use crate::http::session::{Visitor, with_cookie};
use crate::site::diagnosis::{Wizard, answer_lines, run_diagnosis};
use crate::{AppError, AppState};

/// A message of 4,000 characters is about 12 KB; a pasted 50,000 characters must still
/// arrive, so that the form can say how long it is and keep it.
pub const CONSULT_FORM_BYTES: usize = 1024 * 1024;
/// Programs a diagnosis attaches at most: the likeliest first.
const MAX_ATTACHED_PROGRAMS: usize = 20;

/// The purpose the requester consents to (個人情報保護法 第61条・第62条: the purpose is
/// stated when the data is collected).
pub const PURPOSE: &str = "ご記入の個人情報は、この相談への対応（担当者からの連絡、専門家・連携企業へのご紹介、相談の記録）にのみ利用します。ご紹介の際は、紹介先の専門家・企業に必要な範囲で提供します。相談が終わってから定められた期間が過ぎると、個人情報は消去します。";

#[derive(Debug, Deserialize)]
pub struct ConsultQuery {
    from: Option<String>,
}

/// The typed form, as it comes back on an error.
#[derive(Debug, Default)]
struct Typed {
    requester: String,
    category: String,
    name: String,
    organisation: String,
    business: String,
    email: String,
    phone: String,
    message: String,
    method: String,
    times: String,
    consent: bool,
}

impl Typed {
    fn read(form: &FormData) -> Self {
        let text = |name: &str| form.get(name).unwrap_or_default().to_owned();
        Self {
            requester: text("requester"),
            category: text("category"),
            name: text("name"),
            organisation: text("organisation"),
            business: text("business"),
            email: text("email"),
            phone: text("phone"),
            message: text("message"),
            method: text("method"),
            times: text("times"),
            consent: form.get("consent") == Some("yes"),
        }
    }
}

/// One choice of a radio group.
#[derive(Debug)]
struct Choice {
    value: String,
    label: String,
    checked: bool,
}

/// One program a diagnosis may attach.
#[derive(Debug)]
struct AttachedProgram {
    id: String,
    line: String,
    checked: bool,
}

/// What a diagnosis attaches: the answers and the programs, each line as it is sent.
#[derive(Debug)]
struct Attachment {
    answers: Vec<String>,
    with_answers: bool,
    programs: Vec<AttachedProgram>,
    place: Option<String>,
}

impl Attachment {
    /// The visitor's diagnosis, if they answered anything: every answer, and the programs
    /// that may fit (対象 and 条件つき), all chosen to begin with.
    fn of(state: &AppState, visitor: &Visitor) -> Option<Self> {
        let wizard = Wizard::from_data(&visitor.data);
        if wizard.asked.is_empty() {
            return None;
        }
        let catalog = state.catalog();
        let diagnosis = run_diagnosis(&catalog, &wizard, clock::today());
        let mut fitting: Vec<_> = diagnosis
            .results
            .iter()
            .filter(|r| matches!(r.verdict, Verdict::Eligible | Verdict::Conditional))
            .filter_map(|r| Some((r.verdict, catalog.get(&r.program_id)?)))
            .collect();
        fitting.sort_by_key(|(verdict, _)| verdict.rank());
        let programs = fitting
            .into_iter()
            .take(MAX_ATTACHED_PROGRAMS)
            .map(|(verdict, program)| AttachedProgram {
                id: program.id.to_string(),
                line: format!("{}（{}）", program.title, verdict_label(verdict)),
                checked: true,
            })
            .collect();
        Some(Self {
            answers: answer_lines(&wizard)
                .into_iter()
                .map(|a| format!("{}：{}", a.label, a.value))
                .collect(),
            with_answers: true,
            programs,
            place: wizard.profile.municipality.known().map(ToString::to_string),
        })
    }

    /// Leaves out what the form unticked.
    fn choose(mut self, form: &FormData) -> Self {
        let chosen = form.all("program");
        self.with_answers = form.get("attach_answers") == Some("yes");
        for program in &mut self.programs {
            program.checked = chosen.contains(&program.id.as_str());
        }
        self
    }

    /// The text kept with the case: exactly the lines the requester left ticked.
    fn text(&self) -> String {
        let mut text = String::new();
        if self.with_answers && !self.answers.is_empty() {
            text.push_str("【診断での回答】\n");
            for line in &self.answers {
                text.push_str(&format!("・{line}\n"));
            }
        }
        let chosen: Vec<_> = self.programs.iter().filter(|p| p.checked).collect();
        if !chosen.is_empty() {
            text.push_str("【相談したい制度】\n");
            for program in chosen {
                text.push_str(&format!("・{}\n", program.line));
            }
        }
        text
    }
}

fn verdict_label(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Eligible => "対象となる可能性が高い",
        Verdict::Conditional => "条件を確認すれば対象",
        Verdict::NeedsInfo => "回答が足りず判定できない",
        Verdict::Ineligible => "対象外",
    }
}

#[derive(Template)]
#[template(path = "consult/form.html")]
struct FormTemplate {
    csrf: String,
    typed: Typed,
    requesters: Vec<Choice>,
    categories: Vec<Choice>,
    methods: Vec<Choice>,
    attachment: Option<Attachment>,
    errors: Vec<FieldError>,
    notice: Option<String>,
    purpose: &'static str,
    first_contact_days: u32,
}

impl FormTemplate {
    fn new(csrf: &str, typed: Typed, settings: &DeskSettings) -> Self {
        let choice = |value: &str, label: &str, chosen: &str| Choice {
            value: value.to_owned(),
            label: label.to_owned(),
            checked: value == chosen,
        };
        Self {
            requesters: Requester::ALL
                .iter()
                .map(|r| choice(r.code(), r.label(), &typed.requester))
                .collect(),
            categories: settings
                .categories
                .iter()
                .map(|c| choice(c.category.as_str(), &c.label, &typed.category))
                .collect(),
            methods: Method::ALL
                .iter()
                .map(|m| choice(m.code(), m.label(), &typed.method))
                .collect(),
            csrf: csrf.to_owned(),
            typed,
            attachment: None,
            errors: Vec::new(),
            notice: None,
            purpose: PURPOSE,
            first_contact_days: settings.first_contact_days,
        }
    }

    /// The problem with `field`, for the template.
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    fn render(self, status: StatusCode) -> Result<Response, AppError> {
        Ok((status, Html(Template::render(&self)?)).into_response())
    }
}

#[derive(Template)]
#[template(path = "consult/received.html")]
struct ReceivedTemplate {
    receipt: String,
    first_contact_days: u32,
}

/// `GET /consult`: the empty form, or with `?from=diagnosis` the diagnosis attached.
pub async fn show_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<ConsultQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let from_diagnosis = query.is_ok_and(|Query(q)| q.from.as_deref() == Some("diagnosis"));
    let (visitor, cookie) = Visitor::load_or_start(&state, &headers).await?;
    let settings = DeskSettings::load(state.store()).await?;
    // 「どれでもよい」 is chosen to begin with: most people have no preference.
    let typed = Typed {
        method: Method::Any.code().to_owned(),
        ..Typed::default()
    };
    let mut page = FormTemplate::new(&visitor.csrf, typed, &settings);
    if from_diagnosis {
        page.attachment = Attachment::of(&state, &visitor);
        if page.attachment.is_none() {
            page.notice = Some(
                "診断の回答が見つからなかったため、診断結果は添えずに相談を受け付けます。"
                    .to_owned(),
            );
        }
    }
    Ok(with_cookie(page.render(StatusCode::OK)?, cookie))
}

/// `POST /consult`: files the consultation and shows its receipt, or the form again with
/// every problem beside what was typed.
pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    client: Client,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let settings = DeskSettings::load(state.store()).await?;
    let typed = Typed::read(&form);
    let from_diagnosis = form.get("from") == Some("diagnosis");
    let Some(mut visitor) = Visitor::load(&state, &headers).await? else {
        // The session ended while the form was open: a new one, and the form as typed.
        let (visitor, cookie) = Visitor::start(&state, &headers).await?;
        let mut page = FormTemplate::new(&visitor.csrf, typed, &settings);
        page.notice = Some(expired_notice(from_diagnosis).to_owned());
        return Ok(with_cookie(page.render(StatusCode::OK)?, Some(cookie)));
    };
    let attachment = from_diagnosis
        .then(|| Attachment::of(&state, &visitor))
        .flatten()
        .map(|a| a.choose(&form));
    let mut page = FormTemplate::new(&visitor.csrf, typed, &settings);
    page.attachment = attachment;
    if !visitor.accepts(form.csrf()) {
        page.notice = Some(
            "画面の有効期限が切れたか、別の画面で操作されたため、送信できませんでした。内容を確かめて、もう一度「相談を送る」を押してください。".to_owned(),
        );
        return page.render(StatusCode::FORBIDDEN);
    }
    let attached = page
        .attachment
        .as_ref()
        .map(Attachment::text)
        .unwrap_or_default();
    let place = page
        .attachment
        .as_ref()
        .filter(|a| a.with_answers)
        .and_then(|a| a.place.clone())
        .unwrap_or_default();
    let t = &page.typed;
    let raw = IntakeForm {
        requester: &t.requester,
        category: &t.category,
        name: &t.name,
        organisation: &t.organisation,
        business: &t.business,
        email: &t.email,
        phone: &t.phone,
        place: &place,
        message: &t.message,
        method: &t.method,
        times: &t.times,
        attached: &attached,
        consent: t.consent,
    };
    let intake = match Intake::check(&raw, &settings.category_codes()) {
        Ok(intake) => intake,
        Err(errors) => {
            page.errors = errors;
            return page.render(StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    // Counted only for what would be filed: a person correcting a form is not slowed.
    if let Err(wait) = state.consult_limit().take(client.0, Instant::now()) {
        page.notice = Some(format!(
            "短い時間に多くの相談が送られたため、受け付けを止めています。入力した内容は残っています。{}秒ほど待ってから、もう一度「相談を送る」を押してください。",
            wait.as_secs().max(1)
        ));
        return page.render(StatusCode::TOO_MANY_REQUESTS);
    }
    let actor = DeskActor {
        account_id: None,
        name: "相談者".to_owned(),
        client: client.for_audit(),
    };
    let case = state
        .store()
        .file_case(&intake, settings.max_sessions, &actor)
        .await?;
    state.analytics().count(Metric::ConsultationFiled, "");
    visitor.data.receipt = Some(case.receipt);
    let renewed = visitor.save(&state, &headers).await?;
    Ok(with_cookie(
        Redirect::to("/consult/received").into_response(),
        renewed,
    ))
}

/// `GET /consult/received`: the receipt number and what happens next, nothing more.
pub async fn show_received(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let receipt = Visitor::load(&state, &headers)
        .await?
        .and_then(|v| v.data.receipt);
    let Some(receipt) = receipt else {
        return Ok(Redirect::to("/consult").into_response());
    };
    let settings = DeskSettings::load(state.store()).await?;
    let page = ReceivedTemplate {
        receipt,
        first_contact_days: settings.first_contact_days,
    };
    Ok(Html(page.render()?).into_response())
}

fn expired_notice(from_diagnosis: bool) -> &'static str {
    if from_diagnosis {
        "一定時間操作がなかったため、個人情報保護のため診断の回答は消去されました。入力した内容は残っています。確かめて、もう一度「相談を送る」を押してください（診断結果は添えられません）。"
    } else {
        "一定時間操作がなかったため、送信できませんでした。入力した内容は残っています。確かめて、もう一度「相談を送る」を押してください。"
    }
}
