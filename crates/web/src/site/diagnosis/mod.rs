//! The diagnosis wizard and its results: `/diagnosis`, `/diagnosis/answer`,
//! `/diagnosis/results`, and the buttons that start over or erase the answers.
//!
//! Every step is a plain form posted to the server, answers live in the visitor's server-side
//! session (see `session`), and every POST carries the session's CSRF token. An answer that
//! cannot be kept — mistyped, tampered with, or sent after the session expired — comes back on
//! the same question with the reason, so nothing the visitor typed is silently lost.

mod results;
mod step;
mod wizard;

use askama::Template;
use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use madoguchi_core::analytics::Metric;
use madoguchi_core::eligibility::{Field, Verdict};
use serde::Deserialize;

pub use results::ResultsQuery;
pub(crate) use results::answer_lines;
pub(crate) use results::run as run_diagnosis;
use results::{ResultFilter, ResultsView};
use step::{Rejected, StepView, apply};
pub use wizard::Wizard;

use crate::http::clock;
use crate::http::form::FormData;
use crate::http::origin::site_base;
use crate::http::session::{self, Visitor, with_cookie};
use crate::site::feeds::{calendar_response, ical};
use crate::{AppError, AppState};

#[derive(Debug, Deserialize)]
pub struct StepQuery {
    step: Option<String>,
    field: Option<String>,
}

#[derive(Template)]
#[template(path = "diagnosis/step.html")]
struct StepTemplate {
    s: StepView,
}

#[derive(Template)]
#[template(path = "diagnosis/results.html")]
struct ResultsTemplate {
    r: ResultsView,
}

#[derive(Template)]
#[template(path = "diagnosis/message.html")]
struct MessageTemplate {
    title: &'static str,
    message: &'static str,
    link: &'static str,
    link_text: &'static str,
}

/// `GET /diagnosis`: the step asked for, or the next question.
pub async fn show_step(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<StepQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    // A query that does not parse (not UTF-8, say) is treated as a step that does not exist.
    let query = query.map(|Query(q)| q).unwrap_or(StepQuery {
        step: Some(String::new()),
        field: None,
    });
    let (visitor, cookie) = Visitor::load_or_start(&state, &headers).await?;
    let wizard = Wizard::from_data(&visitor.data);
    // A step that is not a number, or a field that does not exist, is shown as out of range.
    let step = query
        .step
        .as_deref()
        .map(|s| s.trim().parse::<usize>().unwrap_or(usize::MAX));
    let field = query.field.as_deref().map(Field::parse);
    let bad_field = matches!(field, Some(Err(_)));
    let located = wizard.locate(step, field.and_then(Result::ok), || {
        wizard.next_field(&state.catalog(), clock::today())
    });
    let Some(field) = located.field else {
        return Ok(with_cookie(
            Redirect::to("/diagnosis/results").into_response(),
            cookie,
        ));
    };
    if located.step > wizard.asked.len() {
        state
            .analytics()
            .count(Metric::QuestionReached, field.code());
    }
    let mut view = StepView::new(field, located.step, &wizard.profile, &visitor.csrf);
    if located.out_of_range || bad_field {
        view.notice =
            Some("指定された質問は見つかりませんでした。次の質問を表示しています。".to_owned());
    }
    Ok(with_cookie(render_step(StatusCode::OK, view)?, cookie))
}

/// `POST /diagnosis/answer`: keeps one answer and moves on, or shows the step again.
pub async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let field = form
        .get("field")
        .and_then(|code| Field::parse(code).ok())
        .ok_or_else(|| {
            AppError::BadRequest(
                "回答する質問がわかりませんでした。診断のページからやり直してください。".to_owned(),
            )
        })?;
    let step = form
        .get("step")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let values = form.all("value");
    let Some(visitor) = Visitor::load(&state, &headers).await? else {
        return expired(&state, &headers, field, &values).await;
    };
    if !visitor.accepts(form.csrf()) {
        let wizard = Wizard::from_data(&visitor.data);
        let view = StepView::new(field, step, &wizard.profile, &visitor.csrf).rejected(
            &values,
            plain(
                "画面の有効期限が切れたか、別の画面で操作されたため、回答を保存できませんでした。内容を確かめて、もう一度送ってください。",
            ),
        );
        return render_step(StatusCode::FORBIDDEN, view);
    }
    let mut visitor = visitor;
    let mut wizard = Wizard::from_data(&visitor.data);
    let before = wizard.clone();
    let action = form.get("action").unwrap_or("next");
    let target = match action {
        "back" => return Ok(Redirect::to(&step_url(step.saturating_sub(1).max(1))).into_response()),
        "dont_know" => {
            wizard.profile.mark_dont_know(field);
            wizard
                .record(field)
                .map_or_else(|| "/diagnosis".to_owned(), step_url)
        }
        "results" if values.iter().all(|v| v.trim().is_empty()) => "/diagnosis/results".to_owned(),
        // Enter in the finder's box sends the form's first button, 「次へ」: with words typed
        // and nothing chosen, the visitor meant to search.
        "find_industry" | "next" if field == Field::Industry && wants_search(&form, &values) => {
            let describe = form.get("describe").unwrap_or_default();
            let view = StepView::new(field, step, &wizard.profile, &visitor.csrf)
                .with_industry_search(describe);
            return render_step(StatusCode::OK, view);
        }
        "next" | "results" => {
            if let Err(rejected) = apply(&mut wizard.profile, field, &values) {
                let view = StepView::new(field, step, &wizard.profile, &visitor.csrf)
                    .rejected(&values, rejected);
                return render_step(StatusCode::UNPROCESSABLE_ENTITY, view);
            }
            let following = wizard.record(field);
            match (action, following) {
                ("results", _) => "/diagnosis/results".to_owned(),
                (_, Some(n)) => step_url(n),
                (_, None) => "/diagnosis".to_owned(),
            }
        }
        _ => {
            return Err(AppError::BadRequest(
                "押されたボタンがわかりませんでした。もう一度お試しください。".to_owned(),
            ));
        }
    };
    visitor.data = wizard.to_data();
    let Some(renewed) = visitor.save(&state, &headers).await? else {
        return expired(&state, &headers, field, &values).await;
    };
    if wizard.asked.contains(&field) {
        state.analytics().count_answer(&before, field);
    }
    Ok(with_cookie(
        Redirect::to(&target).into_response(),
        Some(renewed),
    ))
}

/// `GET /diagnosis/results`.
pub async fn show_results(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw_query): RawQuery,
    query: Result<Query<ResultsQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    let Query(query) = query.map_err(|_| {
        AppError::BadRequest(
            "絞り込みの指定を読み取れませんでした。結果のページから選び直してください。".to_owned(),
        )
    })?;
    let filter = ResultFilter::parse(&query)?;
    let Some(visitor) = Visitor::load(&state, &headers).await? else {
        return no_answers();
    };
    let wizard = Wizard::from_data(&visitor.data);
    let view = ResultsView::new(
        &state.catalog(),
        &wizard,
        filter,
        clock::today(),
        &visitor.csrf,
    );
    // The page as the diagnosis ends on it; a filtered or printed view is the same result.
    if raw_query.is_none_or(|q| q.is_empty()) && !wizard.asked.is_empty() {
        let groups = view.groups.iter();
        state.analytics().count_results(
            groups.map(|g| (g.key, g.items.iter().map(|i| i.id.as_str()).collect())),
        );
    }
    Ok(Html(ResultsTemplate { r: view }.render()?).into_response())
}

/// `GET /diagnosis/results.ics`: the coming deadlines of every program the visitor may use
/// (all but 対象外), for a calendar app.
pub async fn results_calendar(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(visitor) = Visitor::load(&state, &headers).await? else {
        return no_answers();
    };
    let wizard = Wizard::from_data(&visitor.data);
    let (now, today) = (clock::now(), clock::today());
    let catalog = state.catalog();
    let diagnosis = run_diagnosis(&catalog, &wizard, today);
    let mut items: Vec<_> = diagnosis
        .results
        .iter()
        .filter(|r| r.verdict != Verdict::Ineligible)
        .filter_map(|r| {
            let closes = r.window_detail.closing_date().filter(|&c| c >= today)?;
            Some((catalog.get(&r.program_id)?, closes))
        })
        .collect();
    items.sort_by(|a, b| (a.1, &a.0.id).cmp(&(b.1, &b.0.id)));
    let body = ical::deadlines_calendar(
        "支援制度の締切（診断結果）",
        &site_base(&headers),
        &items,
        now,
    );
    Ok(calendar_response(body, "madoguchi-diagnosis-deadlines.ics"))
}

/// `POST /diagnosis/restart`: forgets the answers, keeps the session.
pub async fn restart(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    let mut renewed = None;
    if let Some(mut visitor) = checked_visitor(&state, &headers, &form).await? {
        visitor.data = session::VisitorData::default();
        renewed = visitor.save(&state, &headers).await?;
    }
    Ok(with_cookie(
        Redirect::to("/diagnosis").into_response(),
        renewed,
    ))
}

/// `POST /diagnosis/erase`: deletes the session and its answers at once.
pub async fn erase(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, AppError> {
    let form = FormData::read(body)?;
    if let Some(visitor) = checked_visitor(&state, &headers, &form).await? {
        visitor.erase(&state).await?;
    }
    let mut response = message(
        StatusCode::OK,
        "回答を消去しました",
        "入力いただいた回答は、このサーバーからすべて消去しました。",
    )?;
    response
        .headers_mut()
        .append(header::SET_COOKIE, session::clear_cookie(&state, &headers)?);
    Ok(response)
}

/// The session, if the form's token is its own; a forged form is refused.
async fn checked_visitor(
    state: &AppState,
    headers: &HeaderMap,
    form: &FormData,
) -> Result<Option<Visitor>, AppError> {
    match Visitor::load(state, headers).await? {
        Some(visitor) if visitor.accepts(form.csrf()) => Ok(Some(visitor)),
        Some(_) => Err(AppError::BadRequest(
            "画面の有効期限が切れました。ページを開き直して、もう一度お試しください。".to_owned(),
        )),
        None => Ok(None),
    }
}

/// The session ended before the answer arrived: a new one starts, and the question comes back
/// with the answer as typed, ready to send again.
async fn expired(
    state: &AppState,
    headers: &HeaderMap,
    field: Field,
    values: &[&str],
) -> Result<Response, AppError> {
    let (visitor, cookie) = Visitor::start(state, headers).await?;
    let wizard = Wizard::from_data(&visitor.data);
    let view = StepView::new(field, 1, &wizard.profile, &visitor.csrf).rejected(
        values,
        plain(
            "一定時間操作がなかったため、これまでの回答は個人情報保護のため消去されました。この質問への回答は残っています。内容を確かめて「次へ」を押してください。",
        ),
    );
    Ok(with_cookie(
        render_step(StatusCode::OK, view)?,
        Some(cookie),
    ))
}

/// The page for a results request without answers (none given, or the session ended).
fn no_answers() -> Result<Response, AppError> {
    message(
        StatusCode::OK,
        "まだ回答がありません",
        "診断の回答が見つかりませんでした。回答してから一定時間が経つと、個人情報保護のため回答は消去されます。お手数ですが、もう一度診断をはじめてください。",
    )
}

/// Words typed in the industry finder's box and no industry chosen (or the search pressed).
fn wants_search(form: &FormData, values: &[&str]) -> bool {
    let typed = form.get("describe").is_some_and(|d| !d.trim().is_empty());
    let chosen = values.iter().any(|v| !v.trim().is_empty());
    form.get("action") == Some("find_industry") || (typed && !chosen)
}

fn plain(message: &str) -> Rejected {
    Rejected {
        message: message.to_owned(),
        candidates: Vec::new(),
    }
}

fn step_url(step: usize) -> String {
    format!("/diagnosis?step={step}")
}

fn render_step(status: StatusCode, view: StepView) -> Result<Response, AppError> {
    Ok((status, Html(StepTemplate { s: view }.render()?)).into_response())
}

fn message(
    status: StatusCode,
    title: &'static str,
    message: &'static str,
) -> Result<Response, AppError> {
    let page = MessageTemplate {
        title,
        message,
        link: "/diagnosis",
        link_text: "診断をはじめる",
    };
    Ok((status, Html(page.render()?)).into_response())
}
