//! The one error type at the HTTP edge: each failure becomes a Japanese page and a status.
//!
//! Internal details are logged, never shown: a business owner sees what happened and what
//! to do next, not a stack trace or a SQL message.

use askama::Template;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("ページが見つかりません")]
    NotFound,
    /// The request itself is wrong (a tampered form, an unknown code); the text says how.
    #[error("{0}")]
    BadRequest(String),
    /// Signed in, but the role does not allow it, or the form's CSRF token is not the
    /// session's; the text says which.
    #[error("{0}")]
    Forbidden(String),
    /// Someone else changed the thing first (a stale version); the text says what to do.
    #[error("{0}")]
    Conflict(String),
    #[error("送信された内容が大きすぎます")]
    PayloadTooLarge,
    /// Too many diagnoses from one client; retry after this many seconds.
    #[error("診断の回数が多すぎます")]
    TooManyRequests(u64),
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<madoguchi_store::StoreError> for AppError {
    /// By the error's kind, every kind named: a new kind of store error cannot fall to a
    /// 500 unnoticed. What a person can fix says what to change (400) or that someone
    /// else came first (409); the rest is logged and shown as a system error.
    fn from(err: madoguchi_store::StoreError) -> Self {
        use madoguchi_store::ErrorKind;
        match err.kind() {
            ErrorKind::StaleRevision | ErrorKind::Conflict => Self::Conflict(err.to_string()),
            // An id from a form that names no program: the form is what is wrong.
            ErrorKind::Invalid | ErrorKind::NotFound => Self::BadRequest(err.to_string()),
            // Busy, unreachable, not migrated: for whoever runs madoguchi, not the visitor.
            ErrorKind::Unavailable | ErrorKind::Internal => Self::Internal(err.to_string()),
        }
    }
}

impl From<madoguchi_core::staff::AccountError> for AppError {
    /// A login, display name or role typed wrong: say what to type.
    fn from(err: madoguchi_core::staff::AccountError) -> Self {
        Self::BadRequest(err.to_string())
    }
}

impl From<madoguchi_staff::StaffError> for AppError {
    /// A use case on an account: refused for the role (403) or by a rule (what to do
    /// instead), or the store's error as the store's.
    fn from(err: madoguchi_staff::StaffError) -> Self {
        use madoguchi_staff::StaffError as E;
        match err {
            E::NotAllowed { .. } => Self::Forbidden(err.to_string()),
            E::Refused(_) => Self::BadRequest(err.to_string()),
            E::Hashing(_) => Self::Internal(err.to_string()),
            E::Store(err) => err.into(),
        }
    }
}

impl From<crate::LoadError> for AppError {
    fn from(err: crate::LoadError) -> Self {
        match err {
            crate::LoadError::Store(err) => err.into(),
            crate::LoadError::Search(err) => Self::Internal(err.to_string()),
        }
    }
}

impl From<madoguchi_search::SearchError> for AppError {
    fn from(err: madoguchi_search::SearchError) -> Self {
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
struct ErrorPage {
    title: &'static str,
    message: String,
}

impl AppError {
    fn status_and_page(&self) -> (StatusCode, ErrorPage) {
        let page = |title, message: &str| ErrorPage {
            title,
            message: message.to_owned(),
        };
        match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                page(
                    "ページが見つかりません",
                    "お探しのページは移動または削除された可能性があります。トップページから探し直してください。",
                ),
            ),
            Self::BadRequest(message) => (
                StatusCode::BAD_REQUEST,
                page("入力内容を確認してください", message),
            ),
            Self::Forbidden(message) => {
                (StatusCode::FORBIDDEN, page("この操作はできません", message))
            }
            Self::Conflict(message) => (
                StatusCode::CONFLICT,
                page("ほかの人が先に更新しました", message),
            ),
            Self::PayloadTooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                page(
                    "送信された内容が大きすぎます",
                    "入力した内容が長すぎるため受け付けられませんでした。短くしてもう一度お試しください。",
                ),
            ),
            Self::TooManyRequests(seconds) => (
                StatusCode::TOO_MANY_REQUESTS,
                page(
                    "診断の回数が多すぎます",
                    &format!(
                        "短い時間に多くの診断が行われました。{seconds}秒ほど待ってから、もう一度お試しください。"
                    ),
                ),
            ),
            Self::Internal(detail) => {
                tracing::error!(%detail, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    page(
                        "システムエラーが発生しました",
                        "申し訳ありません。時間をおいてもう一度お試しください。続く場合は窓口までお問い合わせください。",
                    ),
                )
            }
        }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, page) = self.status_and_page();
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.title).into_response(),
        };
        if let Self::TooManyRequests(seconds) = self
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            response.headers_mut().insert(header::RETRY_AFTER, value);
        }
        response
    }
}

/// The fallback for every unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}
