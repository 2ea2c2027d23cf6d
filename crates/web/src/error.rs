//! The one error type at the HTTP edge: each failure becomes a Japanese page and a status.
//!
//! Internal details are logged, never shown: a business owner sees what happened and what
//! to do next, not a stack trace or a SQL message.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("ページが見つかりません")]
    NotFound,
    /// The request cannot be answered as asked; the message says what to change.
    #[error("{0}")]
    BadRequest(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<madoguchi_store::StoreError> for AppError {
    fn from(err: madoguchi_store::StoreError) -> Self {
        Self::Internal(err.to_string())
    }
}

impl From<askama::Error> for AppError {
    fn from(err: askama::Error) -> Self {
        Self::Internal(format!("template: {err}"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    title: &'static str,
    message: &'a str,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = match &self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                ErrorPage {
                    title: "ページが見つかりません",
                    message: "お探しのページは移動または削除された可能性があります。トップページから探し直してください。",
                },
            ),
            Self::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                ErrorPage {
                    title: "入力内容を確認してください",
                    message,
                },
            ),
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    ErrorPage {
                        title: "システムエラーが発生しました",
                        message: "申し訳ありません。時間をおいてもう一度お試しください。続く場合は窓口までお問い合わせください。",
                    },
                )
            }
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.title).into_response(),
        }
    }
}

/// The fallback for every unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
