//! The two shapes jGrants records arrive in, read into one.
//!
//! The collector's file holds normalised records (`organization`, `start_date`, industries as
//! a list); the public API answers with raw ones (`institution_name`,
//! `acceptance_start_datetime` in UTC, lists joined with " / "). Both become a [`Record`] so
//! that the mapping to a program is written once.

use serde::Deserialize;
use serde_json::{Number, Value};

use crate::calendar::{DayEdge, JstDateTime};

/// The fields madoguchi uses, whichever shape they came in.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Record {
    /// The jGrants subsidy id without the `jgrants-` prefix.
    pub external_id: String,
    pub title: String,
    pub organization: Option<String>,
    pub summary: Option<String>,
    pub amount_max: Option<Number>,
    pub amount_text: Option<String>,
    pub rate_text: Option<String>,
    pub opens: Option<JstDateTime>,
    pub closes: Option<JstDateTime>,
    pub industries: Vec<String>,
    pub areas: Vec<String>,
    pub purposes: Vec<String>,
    pub employees: Option<String>,
    pub detail_html: Option<String>,
    pub official_url: Option<String>,
    /// The collector's own status (`open`, `closing_soon`, `closed`); raw records have none.
    pub status: Option<String>,
    /// When the record was read; `None` for raw records, which carry no date.
    pub fetched_at: Option<JstDateTime>,
}

/// Fields only the raw API uses; a record with any of them is read as raw.
const RAW_ONLY_FIELDS: &[&str] = &[
    "institution_name",
    "acceptance_start_datetime",
    "acceptance_end_datetime",
    "target_area_search",
    "front_subsidy_detail_page_url",
    "subsidy_max_limit",
];

impl Record {
    /// Reads one record of either shape.
    pub fn read(value: Value) -> Result<Self, String> {
        let raw = value
            .as_object()
            .is_some_and(|o| RAW_ONLY_FIELDS.iter().any(|f| o.contains_key(*f)));
        if raw {
            super::super::json::from_record::<ApiRecord>(value)?.into_record()
        } else {
            super::super::json::from_record::<CollectorRecord>(value)?.into_record()
        }
    }
}

/// A record of the collector's normalised file.
#[derive(Deserialize)]
struct CollectorRecord {
    id: String,
    title: Option<String>,
    organization: Option<String>,
    catch_phrase: Option<String>,
    summary: Option<String>,
    amount_max: Option<Number>,
    amount_text: Option<String>,
    subsidy_rate: Option<String>,
    start_date: Option<String>,
    deadline: Option<String>,
    target_industries: Option<Vec<String>>,
    target_area: Option<String>,
    target_number_of_employees: Option<String>,
    detail_html: Option<String>,
    official_url: Option<String>,
    status: Option<String>,
    last_updated: Option<String>,
}

impl CollectorRecord {
    fn into_record(self) -> Result<Record, String> {
        Ok(Record {
            external_id: self
                .id
                .trim()
                .strip_prefix("jgrants-")
                .unwrap_or(self.id.trim())
                .to_owned(),
            title: self.title.unwrap_or_default(),
            organization: self.organization,
            summary: self.summary.or(self.catch_phrase),
            amount_max: self.amount_max,
            amount_text: self.amount_text,
            rate_text: self.subsidy_rate,
            opens: date_time(self.start_date, DayEdge::Start, "受付開始日")?,
            closes: date_time(self.deadline, DayEdge::End, "受付終了日")?,
            industries: self.target_industries.unwrap_or_default(),
            areas: split_list(self.target_area.as_deref()),
            purposes: Vec::new(),
            employees: self.target_number_of_employees,
            detail_html: self.detail_html,
            official_url: self.official_url,
            status: self.status,
            fetched_at: date_time(self.last_updated, DayEdge::Start, "最終更新日")?,
        })
    }
}

/// A record of the public API (`/exp/v1/public/subsidies…`).
#[derive(Deserialize)]
struct ApiRecord {
    id: String,
    /// jGrants' short name; the title is used where present.
    name: Option<String>,
    title: Option<String>,
    institution_name: Option<String>,
    subsidy_catch_phrase: Option<String>,
    detail: Option<String>,
    use_purpose: Option<String>,
    industry: Option<String>,
    target_area_search: Option<String>,
    target_number_of_employees: Option<String>,
    subsidy_rate: Option<String>,
    subsidy_max_limit: Option<Number>,
    acceptance_start_datetime: Option<String>,
    acceptance_end_datetime: Option<String>,
    front_subsidy_detail_page_url: Option<String>,
}

impl ApiRecord {
    fn into_record(self) -> Result<Record, String> {
        Ok(Record {
            external_id: self.id.trim().to_owned(),
            title: self.title.or(self.name).unwrap_or_default(),
            organization: self.institution_name,
            summary: self.subsidy_catch_phrase,
            amount_max: self.subsidy_max_limit,
            amount_text: None,
            rate_text: self.subsidy_rate,
            opens: date_time(
                self.acceptance_start_datetime,
                DayEdge::Start,
                "受付開始日時",
            )?,
            closes: date_time(self.acceptance_end_datetime, DayEdge::End, "受付終了日時")?,
            industries: split_list(self.industry.as_deref()),
            areas: split_list(self.target_area_search.as_deref()),
            purposes: split_list(self.use_purpose.as_deref()),
            employees: self.target_number_of_employees,
            detail_html: self.detail,
            official_url: self.front_subsidy_detail_page_url,
            status: None,
            fetched_at: None,
        })
    }
}

/// 「北海道 / 青森県/岩手県」: jGrants joins lists with 「/」, with or without blanks.
fn split_list(joined: Option<&str>) -> Vec<String> {
    joined
        .unwrap_or_default()
        .split(['/', '／'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A date or date-time field; blank means unknown. A UTC instant is carried at JST.
fn date_time(
    raw: Option<String>,
    edge: DayEdge,
    what: &str,
) -> Result<Option<JstDateTime>, String> {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => JstDateTime::parse(s, edge)
            .map(Some)
            .map_err(|e| format!("{what}：{e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_raw_api_record_is_converted_to_japan_time() {
        let record = Record::read(json!({
            "id": "a0WJ200000CDNujMAH",
            "title": "情報通信拠点機能強化支援事業費補助金",
            "institution_name": "情報通信拠点機能強化支援事業",
            "acceptance_start_datetime": "2025-05-08T15:00:00.000Z",
            "acceptance_end_datetime": "2026-03-31T08:00:00.000Z",
            "industry": "情報通信業 / 農業、林業",
            "target_area_search": "北海道 / 青森県/岩手県",
            "subsidy_max_limit": 1280000000
        }))
        .unwrap();
        assert_eq!(record.external_id, "a0WJ200000CDNujMAH");
        assert_eq!(
            record.opens.unwrap().to_rfc3339(),
            "2025-05-09T00:00:00+09:00"
        );
        assert_eq!(
            record.closes.unwrap().to_rfc3339(),
            "2026-03-31T17:00:00+09:00"
        );
        assert_eq!(record.industries, ["情報通信業", "農業、林業"]);
        assert_eq!(record.areas, ["北海道", "青森県", "岩手県"]);
        assert_eq!(record.fetched_at, None);
    }

    #[test]
    fn a_collector_record_closes_at_the_end_of_its_deadline_day() {
        let record = Record::read(json!({
            "id": "jgrants-a0W",
            "title": "t",
            "start_date": "2026-04-01",
            "deadline": "2026-05-22",
            "last_updated": "2026-08-22"
        }))
        .unwrap();
        assert_eq!(record.external_id, "a0W");
        assert_eq!(
            record.closes.unwrap().to_rfc3339(),
            "2026-05-22T23:59:59+09:00"
        );
        assert_eq!(
            record.fetched_at.unwrap().to_rfc3339(),
            "2026-08-22T00:00:00+09:00"
        );
    }

    #[test]
    fn an_unreadable_date_names_the_field() {
        let err = Record::read(json!({"id": "x", "deadline": "来月末"})).unwrap_err();
        assert!(err.starts_with("受付終了日："), "{err}");
    }
}
