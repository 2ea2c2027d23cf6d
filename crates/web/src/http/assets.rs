//! Static assets compiled into the binary: nothing is fetched from elsewhere at run time.

use axum::extract::Path;
use axum::http::header;
use axum::response::IntoResponse;

use crate::AppError;

/// The Digital Agency design tokens, vendored unmodified (MIT; see the LICENSE beside it).
const TOKENS_CSS: &str = include_str!("../../assets/vendor/digital-go-jp-design-tokens/tokens.css");
const SITE_CSS: &str = include_str!("../../assets/site.css");
/// The diagnosis industry step's combobox; the step works without it.
const INDUSTRY_FINDER_JS: &str = include_str!("../../assets/industry-finder.js");

pub async fn serve_asset(Path(file): Path<String>) -> Result<impl IntoResponse, AppError> {
    const CSS: &str = "text/css; charset=utf-8";
    let (content_type, body) = match file.as_str() {
        "tokens.css" => (CSS, TOKENS_CSS),
        "site.css" => (CSS, SITE_CSS),
        "industry-finder.js" => ("text/javascript; charset=utf-8", INDUSTRY_FINDER_JS),
        _ => return Err(AppError::NotFound),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    ))
}
