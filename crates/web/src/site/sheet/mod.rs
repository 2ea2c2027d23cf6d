//! From the results page: the application / consultation sheet (申請・相談シート) as a
//! printable page and as a PDF, and the side-by-side comparison of two to four programs.
//!
//! The programs come from the results page's checkboxes as repeated `p` parameters of a GET
//! form, so that both work without JavaScript and a link can be printed or kept. Nothing is
//! stored: each page is made from the visitor's answers in their session.

pub mod compare;
pub mod pdf;
pub mod view;

use askama::Template;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::eligibility::Profile;

use crate::http::clock;
use crate::http::session::Visitor;
use crate::site::diagnosis::Wizard;
use crate::{AppError, AppState};
use compare::CompareView;
use view::SheetView;

/// The most `p` parameters read from one URL: more than any results page offers.
const MAX_CHOSEN: usize = 200;

#[derive(Template)]
#[template(path = "sheet/page.html")]
struct SheetTemplate {
    s: SheetView,
    pdf_href: String,
}

#[derive(Template)]
#[template(path = "sheet/compare.html")]
struct CompareTemplate {
    view: Option<CompareView>,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "diagnosis/message.html")]
struct NoAnswersTemplate {
    title: &'static str,
    message: &'static str,
    link: &'static str,
    link_text: &'static str,
}

/// The program ids chosen: every `p` of the query, blanks and repeats dropped.
pub fn chosen_ids(uri: &Uri) -> Vec<String> {
    let mut ids: Vec<String> = Vec::new();
    for (key, value) in form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        let value = value.trim();
        if key == "p" && !value.is_empty() && !ids.iter().any(|id| id == value) {
            ids.push(value.to_owned());
        }
        if ids.len() >= MAX_CHOSEN {
            break;
        }
    }
    ids
}

/// The visitor's answers, or the page that says there are none.
async fn answers(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Result<Profile, Response>, AppError> {
    let profile = Visitor::load(state, headers)
        .await?
        .map(|v| Wizard::from_data(&v.data))
        .filter(|w| !w.asked.is_empty())
        .map(|w| w.profile);
    Ok(match profile {
        Some(profile) => Ok(profile),
        None => Err(no_answers()?),
    })
}

fn no_answers() -> Result<Response, AppError> {
    let page = NoAnswersTemplate {
        title: "まだ回答がありません",
        message: "申請・相談シートや比較は、診断の回答から作ります。回答が見つかりませんでした（回答してから一定時間が経つと、個人情報保護のため消去されます）。お手数ですが、診断をはじめてください。",
        link: "/diagnosis",
        link_text: "診断をはじめる",
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /diagnosis/sheet?p=…&p=…`: the printable sheet.
pub async fn show_sheet(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, AppError> {
    let profile = match answers(&state, &headers).await? {
        Ok(profile) => profile,
        Err(page) => return Ok(page),
    };
    let sheet = SheetView::build(
        &state.catalog(),
        &profile,
        &chosen_ids(&uri),
        clock::today(),
    );
    let pdf_href = if sheet.query.is_empty() {
        "/diagnosis/sheet.pdf".to_owned()
    } else {
        format!("/diagnosis/sheet.pdf?{}", sheet.query)
    };
    Ok(Html(SheetTemplate { s: sheet, pdf_href }.render()?).into_response())
}

/// `GET /diagnosis/sheet.pdf?p=…`: the same sheet as a PDF download.
pub async fn sheet_pdf(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, AppError> {
    let profile = match answers(&state, &headers).await? {
        Ok(profile) => profile,
        Err(page) => return Ok(page),
    };
    let sheet = SheetView::build(
        &state.catalog(),
        &profile,
        &chosen_ids(&uri),
        clock::today(),
    );
    pdf_response(&sheet)
}

/// The sheet as a PDF download (also the console's).
pub fn pdf_response(sheet: &SheetView) -> Result<Response, AppError> {
    let bytes = pdf::sheet_pdf(sheet).map_err(|e| AppError::Internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"madoguchi-sheet.pdf\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// `GET /diagnosis/compare?p=…&p=…`: two to four programs side by side.
pub async fn show_comparison(
    State(state): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, AppError> {
    let ids = chosen_ids(&uri);
    // The count is checked first: it needs no answers, and says what to change.
    if let Err(message) = compare::check_count(&ids) {
        return compare_error(message);
    }
    let profile = match answers(&state, &headers).await? {
        Ok(profile) => profile,
        Err(page) => return Ok(page),
    };
    match CompareView::build(&state.catalog(), &profile, &ids, clock::today()) {
        Ok(view) => Ok(Html(
            CompareTemplate {
                view: Some(view),
                error: None,
            }
            .render()?,
        )
        .into_response()),
        Err(message) => compare_error(message),
    }
}

fn compare_error(message: String) -> Result<Response, AppError> {
    let page = CompareTemplate {
        view: None,
        error: Some(message),
    };
    Ok((StatusCode::BAD_REQUEST, Html(page.render()?)).into_response())
}
