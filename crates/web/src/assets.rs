//! Static assets compiled into the binary: nothing is fetched from elsewhere at run time.

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;

use crate::AppError;

const SITE_CSS: &str = include_str!("../assets/site.css");

pub async fn serve_asset(Path(file): Path<String>) -> Result<impl IntoResponse, AppError> {
    match file.as_str() {
        "site.css" => Ok((
            [
                (header::CONTENT_TYPE, "text/css; charset=utf-8"),
                (header::CACHE_CONTROL, "public, max-age=3600"),
            ],
            SITE_CSS,
        )),
        _ => Err(AppError::NotFound),
    }
}
