//! The one error type at the HTTP edge: each failure becomes a status and a Japanese message,
//! rendered in the form the caller reads.
//!
//! A page request gets an HTML page ([`page`], `impl IntoResponse for AppError`); the JSON
//! API gets the same error as RFC 9457 problem details ([`Problem`]). The status of each kind
//! of failure is decided once, here, for both. Internal details are logged, never shown: a
//! business owner sees what happened and what to do next, not a stack trace or a SQL message.

mod page;
mod problem;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

pub use problem::{FieldProblem, Problem};

/// How long to wait after [`AppError::Busy`]: a save that held the database this long
/// already is about done.
const BUSY_RETRY_SECONDS: u64 = 10;

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
    /// The body is not in the form the route takes (the API takes only JSON); the text says
    /// what to send.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Too many diagnoses from one client; retry after this many seconds.
    #[error("診断の回数が多すぎます")]
    TooManyRequests(u64),
    /// The database is held by another writer longer than a request waits (on SQLite, a
    /// large import's save): nothing was written; the same request later will do.
    #[error("データベースが使用中です")]
    Busy,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<madoguchi_store::StoreError> for AppError {
    /// By the error's kind, every kind named: a new kind of store error cannot fall to a
    /// 500 unnoticed. What a person can fix says what to change (400) or that someone
    /// else came first (409); the rest is logged and shown as a system error.
    fn from(err: madoguchi_store::StoreError) -> Self {
        use madoguchi_store::{ErrorKind, StoreError};
        if matches!(err, StoreError::Busy) {
            return Self::Busy;
        }
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

impl AppError {
    /// The status every rendering of this error answers with.
    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound => StatusCode::NOT_FOUND,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Busy => StatusCode::SERVICE_UNAVAILABLE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The title and the message a person reads: the page shows them, and the problem
    /// details say the same where the API has nothing more fitting to say.
    fn title_and_message(&self) -> (&'static str, String) {
        match self {
            Self::NotFound => (
                "ページが見つかりません",
                "お探しのページは移動または削除された可能性があります。トップページから探し直してください。"
                    .to_owned(),
            ),
            Self::BadRequest(message) => ("入力内容を確認してください", message.clone()),
            Self::Forbidden(message) => ("この操作はできません", message.clone()),
            Self::Conflict(message) => ("ほかの人が先に更新しました", message.clone()),
            Self::PayloadTooLarge => (
                "送信された内容が大きすぎます",
                "入力した内容が長すぎるため受け付けられませんでした。短くしてもう一度お試しください。"
                    .to_owned(),
            ),
            Self::UnsupportedMediaType(message) => ("送信の形式が違います", message.clone()),
            Self::TooManyRequests(seconds) => (
                "診断の回数が多すぎます",
                format!(
                    "短い時間に多くの診断が行われました。{seconds}秒ほど待ってから、もう一度お試しください。"
                ),
            ),
            Self::Busy => (
                "少し待ってからお試しください",
                format!(
                    "ほかの処理（大きな取り込みの保存など）が終わるのを待っています。何も変更していません。{BUSY_RETRY_SECONDS}秒ほど待ってから、もう一度お試しください。"
                ),
            ),
            Self::Internal(_) => (
                "システムエラーが発生しました",
                "申し訳ありません。時間をおいてもう一度お試しください。続く場合は窓口までお問い合わせください。"
                    .to_owned(),
            ),
        }
    }

    /// A 429 or 503 says when to come back, in whichever form it is rendered.
    fn add_retry_after(&self, response: &mut Response) {
        let seconds = match self {
            Self::TooManyRequests(seconds) => *seconds,
            Self::Busy => BUSY_RETRY_SECONDS,
            _ => return,
        };
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
    }

    /// Logs what went wrong inside, for whoever runs madoguchi; the visitor is shown only
    /// that something did.
    fn log_internal(&self) {
        if let Self::Internal(detail) = self {
            tracing::error!(%detail, "request failed");
        }
    }
}

/// The fallback for every unknown path.
pub async fn not_found() -> AppError {
    AppError::NotFound
}

#[cfg(test)]
mod tests {
    use axum::response::IntoResponse;

    use super::*;

    #[test]
    fn a_database_held_by_another_writer_is_a_503_that_says_when_to_come_back() {
        let err = AppError::from(madoguchi_store::StoreError::Busy);
        assert!(matches!(err, AppError::Busy), "{err:?}");
        let (_, message) = err.title_and_message();
        assert!(message.contains("何も変更していません"), "{message}");
        for response in [
            AppError::Busy.into_response(),
            Problem::from(AppError::Busy).into_response(),
        ] {
            assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
            assert_eq!(response.headers()[header::RETRY_AFTER], "10");
        }
    }
}
