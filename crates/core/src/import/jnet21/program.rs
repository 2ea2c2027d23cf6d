//! One J-Net21 item mapped to a program, or refused with the reason.
//!
//! - Junk from the scraper is invalid: items without id, title or a web link, and items whose
//!   summary is the search page's navigation text instead of the notice.
//! - Seminars, exhibitions, awards and calls for vendors or experts are skipped: they are not
//!   support a business applies for. 支援情報 is imported as その他, consultations as 相談.
//! - The issuer is the municipality or prefecture in the title's 【】, looked up within the
//!   prefecture the summary states (【池田町】（岐阜県）); without a title tag, the body the
//!   summary names, placed by the local government in its name (公益財団法人佐賀県産業振興機構 →
//!   佐賀県) or else national with the body as department. A name that fits several places
//!   and cannot be narrowed makes the item invalid; nothing is guessed.
//! - Areas are the issuer's own; industries all; the window comes from the summary
//!   ([`super::window`]) and the status from the window at the time the item was read.

use super::notice::Notice;
use super::window::window_in;
use crate::calendar::{DayEdge, JstDateTime};
use crate::import::batch::Outcome;
use crate::import::fiscal::fiscal_year;
use crate::import::local_issuer::{Place, local_issuer, place_in_text, place_named};
use crate::import::status::status_at;
use crate::program::{
    Amount, ApplicationRound, CodeSet, Issuer, OfficialUrl, Program, ProgramId, ProgramKind,
    Source, SourceKind, TargetAreas, TargetIndustries, Title,
};
use crate::reference::{LocalGovCode, prefecture_by_name};
use crate::text::fold::unify_radicals;

/// An item as the collector stored it.
#[derive(Debug, serde::Deserialize)]
pub(super) struct Item {
    pub id: Option<String>,
    pub title: Option<String>,
    pub link: Option<String>,
    pub summary: Option<String>,
    pub fetched_at: Option<String>,
}

/// What the search pages put where a notice's summary belongs.
const NAVIGATION_TEXT: &str = "が選択されているため、すべての種類が検索対象となります";

/// Categories that are not programs, and why.
const NOT_PROGRAMS: &[(&str, &str)] = &[
    ("セミナー・イベント", "セミナー・イベントの告知"),
    ("展示会情報", "展示会の告知"),
    ("イベント出展者募集", "イベントの出展者募集"),
    ("表彰", "表彰の募集"),
    (
        "事業者募集",
        "自治体による事業者の募集（広告・出店・協賛など）",
    ),
    ("専門家向け公募", "支援する側の専門家の募集"),
];

pub(super) fn to_program(item: Item) -> Result<Outcome, String> {
    let id = item.id.as_deref().map(str::trim).unwrap_or_default();
    if id.is_empty() {
        return Err("IDがありません。".to_owned());
    }
    let title = item.title.as_deref().map(str::trim).unwrap_or_default();
    if title.is_empty() {
        return Err("題名（title）が空です。".to_owned());
    }
    let link = item.link.as_deref().unwrap_or_default();
    let official_url = OfficialUrl::parse(link).map_err(|e| format!("記事へのリンク：{e}"))?;
    let summary = item.summary.as_deref().unwrap_or_default();
    if summary.contains(NAVIGATION_TEXT) {
        return Err(
            "概要が検索画面の案内文（「現在「すべて」が選択されているため…」）で、制度の内容がありません。検索結果ではなく記事から取得し直してください。"
                .to_owned(),
        );
    }
    let notice = Notice::read(title, summary);
    let Some(category) = notice.category else {
        return Err("題名に「補助金・助成金：」のような種類の表示がありません。".to_owned());
    };
    if let Some((_, what)) = NOT_PROGRAMS.iter().find(|(c, _)| *c == category) {
        return Ok(Outcome::Skipped(format!(
            "{what}で、事業者が申し込む支援制度ではないため取り込みません。"
        )));
    }
    let mut warnings = Vec::new();
    let kind = kind(category, notice.name, &mut warnings);
    let fetched_at = fetched_at(item.fetched_at.as_deref())?;
    let (issuer, areas) = issuer_and_areas(&notice, &mut warnings)?;

    let window = window_in(summary);
    let opens = window
        .opens
        .map(|d| JstDateTime::from_date(d, DayEdge::Start));
    let closes = window
        .closes
        .map(|d| JstDateTime::from_date(d, DayEdge::End));
    let rounds = match ApplicationRound::new(None, opens, closes) {
        _ if opens.is_none() && closes.is_none() => Vec::new(),
        Ok(round) => vec![round],
        Err(e) => {
            warnings.push(format!("受付期間を読み取れなかったため空にしました：{e}"));
            Vec::new()
        }
    };
    let title = Title::parse(&unify_radicals(notice.name)).map_err(|e| e.to_string())?;
    let program = Program {
        id: ProgramId::parse(&format!("jnet21-{id}")).map_err(|e| e.to_string())?,
        fiscal_year: fiscal_year(title.as_str(), window.opens),
        title,
        summary: unify_radicals(&notice.text),
        detail: String::new(),
        kind,
        issuer,
        purposes: CodeSet::new(),
        industries: TargetIndustries::All,
        areas,
        employees: None,
        amount: Amount::default(),
        status: status_at(&rounds, fetched_at),
        rounds,
        official_url: Some(official_url),
        contact: None,
        documents: Vec::new(),
        source: Source {
            kind: SourceKind::Jnet21,
            external_id: Some(id.to_owned()),
            fetched_at: Some(fetched_at),
        },
        last_verified: None,
        verified_against: Vec::new(),
        note: None,
        rule: None,
        test_cases: Vec::new(),
        version: 0,
    };
    Ok(Outcome::imported(program, warnings))
}

fn kind(category: &str, name: &str, warnings: &mut Vec<String>) -> ProgramKind {
    match category {
        "補助金・助成金" if name.contains("助成") => ProgramKind::Grant,
        "補助金・助成金" => ProgramKind::Subsidy,
        "融資・貸付" => ProgramKind::Loan,
        "税制" => ProgramKind::Tax,
        "専門家による支援" | "相談会" | "相談窓口" => ProgramKind::Advice,
        "支援情報" => ProgramKind::Other,
        other => {
            warnings.push(format!(
                "種類「{other}」は想定外のため「その他」として取り込みました。"
            ));
            ProgramKind::Other
        }
    }
}

/// Naive collector times are Japanese wall-clock times; fractions of a second are dropped.
fn fetched_at(raw: Option<&str>) -> Result<JstDateTime, String> {
    let raw = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or("取得日時（fetched_at）がありません。")?;
    JstDateTime::parse(raw, DayEdge::Start)
        .or_else(|e| match raw.split_once('.') {
            Some((whole_seconds, _)) => JstDateTime::parse(whole_seconds, DayEdge::Start),
            None => Err(e),
        })
        .map_err(|e| format!("取得日時（fetched_at）：{e}"))
}

fn issuer_and_areas(
    notice: &Notice<'_>,
    warnings: &mut Vec<String>,
) -> Result<(Issuer, TargetAreas), String> {
    let name = notice
        .title_tag
        .or(notice.body)
        .ok_or("発行元が題名にも概要にもありません。")?;
    let region = notice.region.filter(|r| *r != "全国");
    let prefecture: Option<LocalGovCode> = region.and_then(prefecture_by_name).map(|p| p.code);
    let within: Vec<LocalGovCode> = prefecture.into_iter().collect();
    let exact = place_named(name, &within);
    let named_exactly = matches!(exact, Place::Found(_));
    let place = exact.or_else(|| place_in_text(without_legal_form(name), &within));
    // A body such as a foundation stays as the department of the place it belongs to.
    let institution = (!named_exactly).then(|| name.to_owned());
    match place {
        Place::Found(gov) => {
            if let (Some(region), Some(code)) = (region, prefecture)
                && gov.code.prefecture() != code
            {
                warnings.push(format!(
                    "発行元「{}」が概要の都道府県「{region}」と一致しません。発行元を確認してください。",
                    gov.full_name()
                ));
            }
            let issuer = local_issuer(gov, institution).map_err(|e| e.to_string())?;
            Ok((issuer, TargetAreas::Local(CodeSet::from([gov.code]))))
        }
        Place::Ambiguous(name) => Err(format!(
            "発行元「{name}」に当てはまる自治体が複数あり、都道府県から絞り込めません。"
        )),
        Place::NotNamed => {
            if notice.title_tag.is_some() {
                warnings.push(format!(
                    "発行元「{name}」が自治体の一覧にないため、国の機関として取り込みました。発行元を確認してください。"
                ));
            }
            let areas = match (region, prefecture) {
                (None, _) => TargetAreas::Nationwide,
                (Some(_), Some(code)) => TargetAreas::Local(CodeSet::from([code])),
                (Some(region), None) => {
                    return Err(format!(
                        "対象地域「{region}」を都道府県名として読み取れません。"
                    ));
                }
            };
            Ok((Issuer::national("国", institution), areas))
        }
    }
}

/// 「公益財団法人 新潟市産業振興財団」 → 「新潟市産業振興財団」, so that its place is at the start.
fn without_legal_form(body: &str) -> &str {
    const FORMS: &[&str] = &[
        "公益財団法人",
        "一般財団法人",
        "公益社団法人",
        "一般社団法人",
        "独立行政法人",
        "国立研究開発法人",
        "地方独立行政法人",
    ];
    let body = body.trim();
    FORMS
        .iter()
        .find_map(|f| body.strip_prefix(f))
        .unwrap_or(body)
        .trim_start()
}
