//! `GET /api/openapi.json`: the API's contract, written by hand and compiled in.

use axum::http::header;
use axum::response::IntoResponse;

/// OpenAPI 3.1 description of every `/api/v1` route.
pub const OPENAPI_JSON: &str = include_str!("openapi.json");

pub async fn show_openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI_JSON)
}
