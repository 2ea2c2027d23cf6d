//! [`AppError`] as RFC 9457 problem details: what went wrong, in Japanese, as
//! `application/problem+json` — the form the JSON API answers in.
//!
//! The status comes from the error, as for a page; the API may name its failure more
//! precisely (a title for its own operation, a detail with its own limit, each bad field).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::AppError;

/// One problem report. `errors` lists each bad field when there are several.
#[derive(Debug, Serialize)]
pub struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    errors: Vec<FieldProblem>,
    /// The error it renders, for the headers that go with it (`Retry-After`).
    #[serde(skip)]
    error: AppError,
}

/// A problem with one named field of the request.
#[derive(Debug, Serialize)]
pub struct FieldProblem {
    /// The field's code, where the problem is about a known field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub detail: String,
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        error.log_internal();
        let (title, detail) = match &error {
            // The API's caller sent a request, not a form a person typed into.
            AppError::BadRequest(detail) => ("リクエストの内容に誤りがあります", detail.clone()),
            // A program calls the API: there is no desk to point it to, only to try again.
            AppError::Internal(_) => (
                "システムエラーが発生しました",
                "時間をおいて、もう一度お試しください。".to_owned(),
            ),
            other => other.title_and_message(),
        };
        Self {
            kind: "about:blank",
            title,
            status: error.status().as_u16(),
            detail,
            errors: Vec::new(),
            error,
        }
    }
}

impl Problem {
    /// 400: the request itself is wrong; `detail` says how to fix it.
    pub fn bad_request(detail: impl Into<String>) -> Self {
        AppError::BadRequest(detail.into()).into()
    }

    /// Names the failure after the operation that failed (「検索できませんでした」).
    pub fn titled(mut self, title: &'static str) -> Self {
        self.title = title;
        self
    }

    /// Says more precisely what to do than the error's own message.
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }

    pub fn with_errors(mut self, errors: Vec<FieldProblem>) -> Self {
        self.errors = errors;
        self
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self).unwrap_or_else(|_| "{}".to_owned());
        let mut response = (
            self.error.status(),
            [(header::CONTENT_TYPE, "application/problem+json")],
            body,
        )
            .into_response();
        self.error.add_retry_after(&mut response);
        response
    }
}
