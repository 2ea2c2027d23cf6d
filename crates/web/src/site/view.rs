//! Programs as pages show them: every value already formatted the Japanese way.
//!
//! Templates only place text; all formatting (和暦, yen, labels) happens here, once,
//! so that every page writes a date or an amount the same way.

use madoguchi_core::calendar::{JstDateTime, wareki};
use madoguchi_core::japanese_amount::format_japanese_yen;
use madoguchi_core::program::{
    GovLevel, Program, Purpose, TargetAreas, TargetIndustries, VerifiedSource,
};
use madoguchi_core::reference::{self, JsicCode};
use time::Date;

/// One line of a program list.
#[derive(Debug)]
pub struct ProgramRow {
    pub id: String,
    pub title: String,
    /// 「国（中小企業庁）」, 「鹿児島県日置市」.
    pub issuer: String,
    pub kind: &'static str,
    pub status: &'static str,
    pub amount_max: Option<String>,
    pub deadline: Option<String>,
}

impl ProgramRow {
    pub fn of(p: &Program) -> Self {
        Self {
            id: p.id.to_string(),
            title: p.title.to_string(),
            issuer: issuer_label(p),
            kind: p.kind.label(),
            status: p.status.label(),
            amount_max: amount_label(p),
            deadline: p.final_deadline().map(datetime_label),
        }
    }
}

/// One option of a filter `<select>`.
#[derive(Debug)]
pub struct FilterOption {
    pub value: &'static str,
    pub label: &'static str,
    pub selected: bool,
}

/// The 15 purposes as filter options.
pub fn purpose_options(selected: Option<Purpose>) -> Vec<FilterOption> {
    Purpose::ALL
        .iter()
        .map(|p| FilterOption {
            value: p.code(),
            label: p.label(),
            selected: selected == Some(*p),
        })
        .collect()
}

/// 国・都道府県・市区町村 as filter options.
pub fn level_options(selected: Option<GovLevel>) -> Vec<FilterOption> {
    GovLevel::ALL
        .iter()
        .map(|l| FilterOption {
            value: l.code(),
            label: l.label(),
            selected: selected == Some(*l),
        })
        .collect()
}

/// A labelled value on the program page.
#[derive(Debug)]
pub struct Fact {
    pub label: &'static str,
    pub value: String,
}

/// Everything the program page shows.
#[derive(Debug)]
pub struct ProgramPage {
    pub row: ProgramRow,
    pub summary: String,
    /// Already sanitised when the record was imported or saved.
    pub detail_html: String,
    pub facts: Vec<Fact>,
    pub rounds: Vec<String>,
    pub official_url: Option<String>,
    pub attribution: Option<&'static str>,
    pub note: Option<String>,
    /// The public documents the record was checked against, and the day.
    pub verified_against: Vec<VerifiedSource>,
    pub verified_on: Option<String>,
}

impl ProgramPage {
    pub fn of(p: &Program) -> Self {
        let mut facts = vec![
            Fact {
                label: "種類",
                value: p.kind.label().to_owned(),
            },
            Fact {
                label: "発行元",
                value: issuer_label(p),
            },
            Fact {
                label: "受付状況",
                value: p.status.label().to_owned(),
            },
            Fact {
                label: "対象地域",
                value: areas_label(&p.areas),
            },
            Fact {
                label: "対象業種",
                value: industries_label(&p.industries),
            },
        ];
        let optional = [
            ("従業員数", p.employees.map(|b| b.label().to_owned())),
            (
                "利用目的",
                non_empty(
                    p.purposes
                        .iter()
                        .map(|x| x.label())
                        .collect::<Vec<_>>()
                        .join("、"),
                ),
            ),
            ("補助上限額", amount_label(p)),
            ("補助下限額", p.amount.min.map(|y| y.to_string())),
            ("補助率", rate_label(p)),
            ("金額について", p.amount.text.clone()),
            ("年度", p.fiscal_year.map(|fy| fy.label())),
            ("問い合わせ先", p.contact.clone()),
            ("出典", Some(source_label(p))),
            ("最終確認日", p.last_verified.map(wareki::format_date)),
            ("版", Some(format!("第{}版", p.version))),
        ];
        facts.extend(
            optional
                .into_iter()
                .filter_map(|(label, value)| value.map(|value| Fact { label, value })),
        );
        Self {
            row: ProgramRow::of(p),
            summary: p.summary.clone(),
            detail_html: p.detail.clone(),
            facts,
            rounds: p.rounds.iter().map(round_label).collect(),
            official_url: p.official_url.as_ref().map(|u| u.to_string()),
            attribution: p.source.attribution(),
            note: p.note.clone(),
            verified_against: p.verified_against.clone(),
            verified_on: p.last_verified.map(wareki::format_date),
        }
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn datetime_label(at: JstDateTime) -> String {
    wareki::format_date(at.date())
}

/// 「2026年3月31日（令和8年）」: 西暦 with 和暦 beside.
pub fn date_label(date: Date) -> String {
    wareki::format_date(date)
}

/// 「1,000万円」: the upper limit the Japanese way.
pub fn amount_label(p: &Program) -> Option<String> {
    p.amount.max.map(format_japanese_yen)
}

/// The rate as published (「2/3以内」), or the plain rate.
pub fn rate_label(p: &Program) -> Option<String> {
    p.amount
        .rate_text
        .clone()
        .or_else(|| p.amount.rate.map(|r| r.to_string()))
}

/// 「本日締切」 or 「締切まであと12日」; `None` once the day has passed.
pub fn days_left_label(closes: Date, today: Date) -> Option<String> {
    match (closes - today).whole_days() {
        0 => Some("本日締切".to_owned()),
        n if n > 0 => Some(format!("締切まであと{n}日")),
        _ => None,
    }
}

pub(crate) fn round_label(round: &madoguchi_core::program::ApplicationRound) -> String {
    let opens = round
        .opens()
        .map(datetime_label)
        .unwrap_or_else(|| "未定".to_owned());
    let closes = round
        .closes()
        .map(datetime_label)
        .unwrap_or_else(|| "未定".to_owned());
    match round.label() {
        Some(label) => format!("{label}：{opens} 〜 {closes}"),
        None => format!("{opens} 〜 {closes}"),
    }
}

/// 「国（中小企業庁）」: the issuer with its department where known.
pub(crate) fn issuer_label(p: &Program) -> String {
    match p.issuer.institution() {
        Some(inst) => format!("{}（{}）", p.issuer.name(), inst),
        None => p.issuer.name().to_owned(),
    }
}

fn areas_label(areas: &TargetAreas) -> String {
    match areas {
        TargetAreas::Nationwide => "全国".to_owned(),
        TargetAreas::Local(codes) => codes
            .iter()
            .map(|&c| {
                reference::local_gov(c)
                    .map(|g| g.full_name())
                    .unwrap_or_else(|| c.to_string())
            })
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn industries_label(industries: &TargetIndustries) -> String {
    match industries {
        TargetIndustries::All => "全業種".to_owned(),
        TargetIndustries::Only(codes) => codes
            .iter()
            .map(|&c| jsic_label(c))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

fn jsic_label(code: JsicCode) -> String {
    match code.name() {
        "" => code.to_string(),
        name => format!("{code} {name}"),
    }
}

fn source_label(p: &Program) -> String {
    let kind = p.source.kind.label();
    match (&p.source.external_id, p.source.fetched_at) {
        (Some(id), Some(at)) => format!("{kind}（ID: {id}、{}取得）", datetime_label(at)),
        (Some(id), None) => format!("{kind}（ID: {id}）"),
        (None, Some(at)) => format!("{kind}（{}取得）", datetime_label(at)),
        (None, None) => kind.to_owned(),
    }
}
