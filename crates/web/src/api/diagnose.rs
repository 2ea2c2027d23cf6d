//! `POST /api/v1/diagnose`: a profile in, every program's verdict out, ranked and explained.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use madoguchi_core::calendar::{DayEdge, JST, JstDateTime};
use madoguchi_core::eligibility::{self, Diagnosis, Profile};
use serde::Deserialize;
use time::{Date, OffsetDateTime};

use crate::AppState;
use crate::http::error::{AppError, FieldProblem, Problem};

#[derive(Debug, Deserialize)]
pub struct DiagnoseParams {
    /// `YYYY-MM-DD`; today in JST when absent.
    as_of: Option<String>,
    /// How many ranked results to explain; all when absent.
    limit: Option<usize>,
}

pub async fn diagnose(
    State(state): State<AppState>,
    headers: HeaderMap,
    params: Result<Query<DiagnoseParams>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    if !is_json(&headers) {
        // A form on another site can POST text/plain but not JSON without the browser asking
        // first: requiring JSON keeps cross-site posts out.
        return Problem::from(AppError::UnsupportedMediaType(
            "Content-Type: application/json を付けて、診断の回答をJSONで送ってください。"
                .to_owned(),
        ))
        .titled("JSONで送ってください")
        .into_response();
    }
    match run(&state, params, body) {
        Ok(response) => response,
        Err(problem) => problem.into_response(),
    }
}

fn run(
    state: &AppState,
    params: Result<Query<DiagnoseParams>, axum::extract::rejection::QueryRejection>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, Problem> {
    let Query(params) = params.map_err(|_| {
        Problem::bad_request(
            "URLのパラメータを読み取れません。as_of は YYYY-MM-DD、limit は数で指定してください。",
        )
    })?;
    let body = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Problem::from(AppError::PayloadTooLarge).with_detail(format!(
                "診断の回答は{}KB以内で送ってください。",
                super::MAX_BODY_BYTES / 1024
            ))
        } else {
            Problem::bad_request("送信された内容を読み取れません。")
        }
    })?;
    let text = std::str::from_utf8(&body).map_err(|_| {
        Problem::bad_request("送信された内容がUTF-8ではありません。UTF-8のJSONで送ってください。")
    })?;
    let profile = Profile::from_json(text).map_err(|errors| {
        let items = errors
            .0
            .iter()
            .map(|e| FieldProblem {
                field: e.field().map(|f| f.code().to_owned()),
                detail: e.to_string(),
            })
            .collect();
        Problem::bad_request(errors.to_string()).with_errors(items)
    })?;
    let as_of = match params.as_of.as_deref() {
        Some(raw) => parse_date(raw)?,
        None => OffsetDateTime::now_utc().to_offset(JST).date(),
    };
    let catalog = state.catalog();
    let diagnosis = eligibility::diagnose(
        catalog.programs(),
        catalog.rules(),
        &profile,
        as_of,
        params.limit,
    );
    Ok(json_response(&diagnosis))
}

/// Roughly what one explained result takes as JSON (about 0.9 KB in the demo catalogue).
const JSON_BYTES_PER_RESULT: usize = 1024;

/// The diagnosis as `application/json`, written into one buffer sized for it up front:
/// `axum::Json` starts at 128 bytes and grows it about eight times for twenty results.
fn json_response(diagnosis: &Diagnosis) -> Response {
    let mut body = Vec::with_capacity(JSON_BYTES_PER_RESULT * (diagnosis.results.len() + 1));
    match serde_json::to_writer(&mut body, diagnosis) {
        Ok(()) => ([(header::CONTENT_TYPE, "application/json")], body).into_response(),
        Err(err) => Problem::from(AppError::Internal(format!(
            "a diagnosis could not be written as JSON: {err}"
        )))
        .titled("診断結果を返せませんでした")
        .into_response(),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

fn parse_date(raw: &str) -> Result<Date, Problem> {
    JstDateTime::parse(raw, DayEdge::Start)
        .map(JstDateTime::date)
        .map_err(|err| Problem::bad_request(format!("as_of：{err}")))
}
