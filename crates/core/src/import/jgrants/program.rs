//! One jGrants record mapped to a program, with the decisions the mapping makes written down.
//!
//! - id `jgrants-<id>`; source Jグランツ with the raw id and the time the record was read.
//! - kind 助成金 when the title says 助成, 融資・保証 for a loan that is no subsidy, else 補助金.
//! - issuer: 国 with the organisation as department, unless a 【…】 tag or the start of the
//!   title (or of the organisation) names a prefecture or municipality. A name that fits several
//!   places is not guessed: the record stays national and a warning says so.
//! - areas: see [`super::areas`]; a municipal program whose area is its own prefecture (all the
//!   jGrants form lets a municipality choose) is narrowed to the municipality.
//! - status: the collector's, else judged from the window at the time the record was read.

use serde_json::Number;

use super::areas::{areas_from_names, prefectures_in};
use super::pseudo::intake_reason;
use super::record::Record;
use crate::calendar::JstDateTime;
use crate::import::batch::Outcome;
use crate::import::fiscal::fiscal_year;
use crate::import::industries::industries_from_labels;
use crate::import::local_issuer::{Place, local_issuer, place_in_text};
use crate::import::rate::rate_from_text;
use crate::import::sanitize::sanitize_detail;
use crate::import::status::status_at;
use crate::program::{
    Amount, ApplicationRound, CodeSet, EmployeeBand, GovLevel, Issuer, OfficialUrl, Program,
    ProgramId, ProgramKind, ProgramStatus, Purpose, Source, SourceKind, TargetAreas, Title, Yen,
};
use crate::text::fold::unify_radicals;

/// Maps a record; `read_at` dates records that carry no date of their own.
pub(super) fn to_program(record: Record, read_at: Option<JstDateTime>) -> Result<Outcome, String> {
    let title = Title::parse(&unify_radicals(&record.title)).map_err(|e| e.to_string())?;
    if let Some(reason) = intake_reason(title.as_str()) {
        return Ok(Outcome::Skipped(reason));
    }
    let mut warnings = Vec::new();
    let id =
        ProgramId::parse(&format!("jgrants-{}", record.external_id)).map_err(|e| e.to_string())?;
    let fetched_at = record.fetched_at.or(read_at);

    let mut areas = if record.areas.is_empty() {
        warnings.push("対象地域が空のため、全国として取り込みました。".to_owned());
        TargetAreas::Nationwide
    } else {
        areas_from_names(&record.areas)?
    };
    let institution = record
        .organization
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(unify_radicals);
    let issuer = issuer(&title, institution, &areas, &mut warnings)?;
    if let (GovLevel::Municipal, Some(code), TargetAreas::Local(codes)) =
        (issuer.level(), issuer.code(), &areas)
        && codes.iter().all(|c| *c == code.prefecture())
    {
        areas = TargetAreas::Local(CodeSet::from([code]));
    }

    let labels: Vec<&str> = record.industries.iter().map(String::as_str).collect();
    let (industries, unknown) = industries_from_labels(&labels)?;
    if !unknown.is_empty() {
        warnings.push(format!(
            "対象業種「{}」は日本標準産業分類にないため除きました。",
            unknown.join("」「")
        ));
    }

    let round =
        ApplicationRound::new(None, record.opens, record.closes).map_err(|e| e.to_string())?;
    let rounds: Vec<_> = (record.opens.is_some() || record.closes.is_some())
        .then_some(round)
        .into_iter()
        .collect();
    let status = match (record.status.as_deref(), fetched_at) {
        (Some("open" | "closing_soon"), _) => ProgramStatus::Open,
        (Some("closed"), _) => ProgramStatus::Closed,
        (_, Some(at)) => status_at(&rounds, at),
        (_, None) => return Err(
            "取得日時がないため受付状況を判断できません。APIの応答は取得した日時を指定して取り込んでください。".to_owned(),
        ),
    };

    let program = Program {
        id,
        kind: kind(title.as_str()),
        fiscal_year: fiscal_year(title.as_str(), record.opens.map(JstDateTime::date)),
        title,
        summary: unify_radicals(record.summary.as_deref().unwrap_or_default().trim()),
        detail: sanitize_detail(record.detail_html.as_deref().unwrap_or_default()),
        issuer,
        purposes: purposes(&record.purposes, &mut warnings),
        industries,
        areas,
        employees: employees(record.employees.as_deref(), &mut warnings),
        amount: amount(
            record.amount_max.as_ref(),
            record.amount_text,
            record.rate_text,
        )?,
        rounds,
        status,
        official_url: official_url(
            record.official_url.as_deref(),
            &record.external_id,
            &mut warnings,
        ),
        contact: None,
        documents: Vec::new(),
        source: Source {
            kind: SourceKind::Jgrants,
            external_id: Some(record.external_id),
            fetched_at,
        },
        last_verified: None,
        verified_against: Vec::new(),
        note: None,
        rule: None,
        test_cases: Vec::new(),
        version: 0,
    };
    program.validate().map_err(|e| e.to_string())?;
    Ok(Outcome::imported(program, warnings))
}

fn kind(title: &str) -> ProgramKind {
    if title.contains("助成") {
        ProgramKind::Grant
    } else if title.contains("融資") && !title.contains("補助") {
        ProgramKind::Loan
    } else {
        ProgramKind::Subsidy
    }
}

fn issuer(
    title: &Title,
    institution: Option<String>,
    areas: &TargetAreas,
    warnings: &mut Vec<String>,
) -> Result<Issuer, String> {
    let prefectures = prefectures_in(areas);
    let place = match place_in_text(title.as_str(), &prefectures) {
        Place::NotNamed => institution
            .as_deref()
            .map_or(Place::NotNamed, |o| place_in_text(o, &prefectures)),
        place => place,
    };
    match place {
        Place::Found(gov) => local_issuer(gov, institution).map_err(|e| e.to_string()),
        Place::Ambiguous(name) => {
            warnings.push(format!(
                "発行元「{name}」に当てはまる自治体が複数あるため、国の制度として取り込みました。発行元を確認してください。"
            ));
            Ok(Issuer::national("国", institution))
        }
        Place::NotNamed => Ok(Issuer::national("国", institution)),
    }
}

fn purposes(labels: &[String], warnings: &mut Vec<String>) -> CodeSet<Purpose> {
    labels
        .iter()
        .filter_map(|label| {
            Purpose::parse(label)
                .map_err(|e| warnings.push(format!("利用目的を除きました：{e}")))
                .ok()
        })
        .collect()
}

fn employees(label: Option<&str>, warnings: &mut Vec<String>) -> Option<EmployeeBand> {
    let label = label.map(str::trim).filter(|l| !l.is_empty())?;
    EmployeeBand::parse(label)
        .map_err(|e| warnings.push(format!("従業員数の区分を除きました：{e}")))
        .ok()
}

/// jGrants writes 0 where no maximum is published; the collector's 「最大1,000円」 restates it.
fn amount(
    max: Option<&Number>,
    text: Option<String>,
    rate_text: Option<String>,
) -> Result<Amount, String> {
    let max = match max {
        None => None,
        Some(n) => {
            let yen = n
                .as_i64()
                .or_else(|| n.as_f64().filter(|f| f.fract() == 0.0).map(|f| f as i64))
                .ok_or_else(|| format!("補助上限額「{n}」を円の金額として読み取れません。"))?;
            Some(Yen::new(yen).map_err(|e| e.to_string())?).filter(|y| y.get() > 0)
        }
    };
    let text = text.map(|t| t.trim().to_owned()).filter(|t| {
        !t.is_empty() && Some(t.as_str()) != max.map(|m| format!("最大{m}")).as_deref()
    });
    let rate_text = rate_text
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty());
    Ok(Amount {
        max,
        min: None,
        rate: rate_text.as_deref().and_then(rate_from_text),
        rate_text,
        text,
    })
}

/// The published page, or the jGrants page every subsidy id has when none is given.
fn official_url(
    raw: Option<&str>,
    external_id: &str,
    warnings: &mut Vec<String>,
) -> Option<OfficialUrl> {
    match raw.map(str::trim).filter(|u| !u.is_empty()) {
        Some(url) => OfficialUrl::parse(url)
            .map_err(|e| warnings.push(format!("公式URLを除きました：{e}")))
            .ok(),
        None => OfficialUrl::parse(&format!(
            "https://www.jgrants-portal.go.jp/subsidy/{external_id}"
        ))
        .ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_kind_follows_the_words_of_the_title() {
        assert_eq!(
            kind("令和８年度 第１回 事業承継支援助成金"),
            ProgramKind::Grant
        );
        assert_eq!(kind("東京都環境保全資金融資あっせん"), ProgramKind::Loan);
        assert_eq!(
            kind("東京都環境保全資金融資保証債務履行補助金"),
            ProgramKind::Subsidy
        );
        assert_eq!(kind("エイジフレンドリー補助金"), ProgramKind::Subsidy);
    }

    #[test]
    fn a_zero_maximum_means_none_and_a_restated_maximum_is_not_kept_as_text() {
        let zero = amount(
            Some(&Number::from(0)),
            Some("不明".into()),
            Some("定額".into()),
        )
        .unwrap();
        assert_eq!(zero.max, None);
        assert_eq!(zero.text.as_deref(), Some("不明"));
        assert_eq!(zero.rate, None);
        assert_eq!(zero.rate_text.as_deref(), Some("定額"));
        let restated = amount(
            Some(&Number::from(1_280_000_000)),
            Some("最大1,280,000,000円".into()),
            Some("事業費の３分の１".into()),
        )
        .unwrap();
        assert_eq!(restated.max, Some(Yen::from_u64(1_280_000_000)));
        assert_eq!(restated.text, None);
        assert_eq!(restated.rate.unwrap().to_string(), "1/3");
        let negative = amount(Some(&Number::from(-5)), None, None).unwrap_err();
        assert!(negative.contains("負の値"), "{negative}");
    }
}
