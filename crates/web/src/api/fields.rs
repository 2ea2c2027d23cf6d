//! `GET /api/v1/fields`: the questionnaire schema, derived from the profile vocabulary.

use axum::Json;
use madoguchi_core::eligibility::{Question, questionnaire};

pub async fn list_fields() -> Json<Vec<Question>> {
    Json(questionnaire())
}
