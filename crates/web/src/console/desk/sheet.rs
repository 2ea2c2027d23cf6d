//! `GET /console/desk/{id}/sheet` (and `.pdf`): the application / consultation sheet for a
//! case, so that staff can print it at the counter and hand it over.
//!
//! A case keeps the diagnosis the requester attached as the text they saw (`Intake::attached`:
//! 「・項目：回答」 lines and 「・制度名（判定）」 lines), not as a profile. The sheet reads that
//! text back with the same parsers as the wizard: every line the desk wrote reads back, and a
//! line that does not (an answer in a format since changed) is left unknown — the sheet then
//! says so — rather than guessed. Opening it is audit-logged like the case page.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::{Field, Profile};
use madoguchi_core::reference::{NameLookup, find_local_gov};
use madoguchi_core::staff::Action;
use madoguchi_store::ErrorKind;

use super::access::DeskUser;
use super::case_page::standing;
use crate::console::frame::Frame;
use crate::console::staff::Staff;
use crate::http::clock;
use crate::site::sheet::pdf_response;
use crate::site::sheet::view::SheetView;
use crate::{AppError, AppState};

/// The verdict words the consultation form writes after each program's title.
const VERDICT_SUFFIXES: [&str; 4] = [
    "（対象となる可能性が高い）",
    "（条件を確認すれば対象）",
    "（回答が足りず判定できない）",
    "（対象外）",
];

#[derive(Template)]
#[template(path = "console/desk/sheet.html")]
struct SheetTemplate {
    frame: Option<Frame>,
    id: i64,
    receipt: String,
    /// `None` when the requester attached no diagnosis: the page says so.
    s: Option<SheetView>,
}

/// The answers and the chosen programs read back from an attached diagnosis; `None` when the
/// text holds no answers.
pub fn read_attached(attached: &str, catalog: &Catalog) -> Option<(Profile, Vec<String>)> {
    let mut profile = Profile::default();
    let mut programs = Vec::new();
    let mut section = "";
    let mut any = false;
    for line in attached.lines() {
        let line = line.trim();
        if line.starts_with('【') {
            section = line;
            continue;
        }
        let Some(item) = line.strip_prefix('・') else {
            continue;
        };
        if section.contains("回答") {
            let Some((label, value)) = item.split_once('：') else {
                continue;
            };
            let Ok(field) = Field::parse(label) else {
                continue;
            };
            any = true;
            read_answer(&mut profile, field, value);
        } else if section.contains("制度") {
            let title = VERDICT_SUFFIXES
                .iter()
                .find_map(|suffix| item.strip_suffix(suffix))
                .unwrap_or(item);
            if let Some(p) = catalog
                .programs()
                .iter()
                .find(|p| p.title.to_string() == title)
            {
                programs.push(p.id.to_string());
            }
        }
    }
    any.then_some((profile, programs))
}

/// One answer as `Profile::shown` wrote it; what does not read back stays unanswered.
fn read_answer(profile: &mut Profile, field: Field, shown: &str) {
    if shown == "わからない" {
        profile.mark_dont_know(field);
        return;
    }
    // 「金属製品製造業（24）」 → 「24」; 「2023年5月1日（令和5年）」 → 「2023年5月1日」.
    let bracketed = shown
        .rsplit_once('（')
        .and_then(|(head, tail)| Some((head, tail.strip_suffix('）')?)));
    let candidates: Vec<&str> = match (field, bracketed) {
        (Field::Industry, Some((_, code))) => vec![code, shown],
        (_, Some((head, _))) => vec![shown, head],
        _ => vec![shown],
    };
    // A place is written by its full name (「鹿児島県日置市」): looked up for its code.
    let code = (field == Field::Municipality)
        .then(|| match find_local_gov(shown) {
            NameLookup::Found(gov) => Some(gov.code.to_string()),
            _ => None,
        })
        .flatten();
    for text in code.as_deref().into_iter().chain(candidates) {
        if profile.set_text(field, text).is_ok() {
            return;
        }
    }
}

/// `GET /console/desk/{id}/sheet`.
pub async fn show_case_sheet(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let (receipt, sheet) = case_sheet(&state, &staff, id).await?;
    let page = SheetTemplate {
        frame: Some(staff.frame("/console/desk")),
        id,
        receipt,
        s: sheet,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /console/desk/{id}/sheet.pdf`; a case without a diagnosis gets the page that says so.
pub async fn case_sheet_pdf(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    match case_sheet(&state, &staff, id).await? {
        (_, Some(sheet)) => pdf_response(&sheet),
        (receipt, None) => {
            let page = SheetTemplate {
                frame: Some(staff.frame("/console/desk")),
                id,
                receipt,
                s: None,
            };
            Ok(Html(page.render()?).into_response())
        }
    }
}

async fn case_sheet(
    state: &AppState,
    staff: &Staff,
    id: i64,
) -> Result<(String, Option<SheetView>), AppError> {
    let user = DeskUser::of(state, staff).await?;
    user.require(Action::CaseView, &standing(state, id).await?)?;
    let case = state
        .store()
        .open_case(id, &staff.desk_actor())
        .await
        .map_err(|err| {
            if err.kind() == ErrorKind::NotFound {
                AppError::NotFound
            } else {
                err.into()
            }
        })?;
    let catalog = state.catalog();
    let sheet = case
        .personal
        .as_ref()
        .and_then(|p| read_attached(&p.attached, &catalog))
        .map(|(profile, programs)| SheetView::build(&catalog, &profile, &programs, clock::today()));
    Ok((case.receipt, sheet))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attached_diagnosis_reads_back_into_answers_and_programs() {
        let catalog = Catalog::new(
            madoguchi_core::import::own::parse(madoguchi_core::demo::CATALOGUE[0].1)
                .unwrap()
                .programs,
        );
        let text = "【診断での回答】\n・所在地：鹿児島県日置市\n・業種：金属製品製造業（24）\n・組織形態：株式会社（特例有限会社を含む）\n・常時使用する従業員数：12人\n・創業・設立年月日：2023年5月1日（令和5年）\n・資本金又は出資の総額：わからない\n・税の滞納：いいえ\n【相談したい制度】\n・新規開業・スタートアップ支援資金（日本政策金融公庫 国民生活事業）（条件を確認すれば対象）\n";
        let (profile, programs) = read_attached(text, &catalog).unwrap();
        for field in [
            Field::Municipality,
            Field::Industry,
            Field::OrgForm,
            Field::Employees,
            Field::Founded,
            Field::TaxArrears,
        ] {
            assert!(
                profile.shown(field).is_some(),
                "{field:?} did not read back"
            );
        }
        assert_eq!(
            profile.shown(Field::Industry).unwrap(),
            "金属製品製造業（24）"
        );
        assert_eq!(profile.shown(Field::Capital).unwrap(), "わからない");
        assert_eq!(programs, ["demo-jfc-shinki-kaigyo"]);
        assert!(read_attached("【相談したい制度】\n", &catalog).is_none());
    }
}
