//! Static assets compiled into the binary: nothing is fetched from elsewhere at run time.

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;

use crate::AppError;

/// The Digital Agency design tokens, vendored unmodified (MIT; see the LICENSE beside it).
const TOKENS_CSS: &str = include_str!("../../assets/vendor/digital-go-jp-design-tokens/tokens.css");
const SITE_CSS: &str = include_str!("../../assets/site.css");

pub async fn serve_asset(Path(file): Path<String>) -> Result<impl IntoResponse, AppError> {
    let css = match file.as_str() {
        "tokens.css" => TOKENS_CSS,
        "site.css" => SITE_CSS,
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        css,
    ))
}
