//! [`AppError`] as a Japanese HTML page: how the public site and the console show a failure.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};

use super::AppError;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    title: &'static str,
    message: String,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        self.log_internal();
        let (title, message) = self.title_and_message();
        let page = ErrorPage { title, message };
        let status = self.status();
        let mut response = match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => (status, page.title).into_response(),
        };
        self.add_retry_after(&mut response);
        response
    }
}
