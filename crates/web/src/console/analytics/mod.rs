//! The analytics dashboard for 閲覧 and above: `GET /console/analytics` shows, for a
//! period (the last 30 days by default, JST), the trends, the funnel from diagnosis to
//! consultation, where people stopped answering, the programs most viewed and most often
//! 対象, the searches that found nothing (each with a link that opens a new program draft
//! titled with the words, for 職員 and above), the notices' figures and the freshness of the
//! catalogue; `GET /console/analytics.csv?table=…` downloads any of its tables.
//!
//! Figures are sums of the daily aggregates (`madoguchi_core::analytics`), never of
//! visits; every table goes through the core's suppression, so that the page and the CSV
//! files show 「5未満」 alike. Charts are SVG drawn here (`charts`), each beside its table.

mod charts;

use askama::Template;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use madoguchi_core::analytics::{
    Dashboard, KeyNames, MIN_WORD_SEARCHES, Period, TREND_METRICS, Table, TableKind, shown,
};
use madoguchi_core::catalog::Catalog;
use madoguchi_core::eligibility::Field;
use madoguchi_core::program::ProgramId;
use madoguchi_store::Role;
use serde::Deserialize;

use super::audit_csv::{as_text, csv_download, excel_csv};
use super::audit_log::read_date;
use super::frame::Frame;
use super::freshness;
use super::settings::ConsoleSettings;
use super::staff::Staff;
use crate::http::clock;
use crate::site::view::date_label;
use crate::{AppError, AppState};

/// The period as the form sends it; blank means the default.
#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    /// For the CSV export: which table.
    #[serde(default)]
    table: String,
}

/// A period that did not read, with the message for each field.
#[derive(Debug, Default)]
struct PeriodErrors {
    from: Option<String>,
    to: Option<String>,
}

impl PeriodQuery {
    fn period(&self) -> Result<Period, PeriodErrors> {
        let from = read_date(&self.from);
        let to = read_date(&self.to);
        if from.is_err() || to.is_err() {
            return Err(PeriodErrors {
                from: from.err().map(str::to_owned),
                to: to.err().map(str::to_owned),
            });
        }
        Period::new(from.ok().flatten(), to.ok().flatten(), clock::today()).map_err(|e| {
            PeriodErrors {
                from: None,
                to: Some(e.to_string()),
            }
        })
    }
}

/// Program titles and questions for the tables' keys, from the catalogue in memory.
struct Names<'c>(&'c Catalog);

impl KeyNames for Names<'_> {
    fn program(&self, id: &str) -> String {
        ProgramId::parse(id)
            .ok()
            .and_then(|id| self.0.get(&id).map(|p| p.title.to_string()))
            .unwrap_or_else(|| format!("（公開されていない制度 {id}）"))
    }

    fn question(&self, field: &str) -> String {
        Field::parse(field).map_or_else(|_| field.to_owned(), |f| f.question().to_owned())
    }
}

/// A table as the page shows it.
#[derive(Debug)]
pub struct TableView {
    pub slug: &'static str,
    pub title: &'static str,
    pub header: Vec<&'static str>,
    pub rows: Vec<Vec<String>>,
    /// Some rows are only in the CSV file.
    pub cut: bool,
}

/// One search that found nothing.
#[derive(Debug)]
pub struct WordView {
    pub words: String,
    pub count: String,
    /// Opens a new program draft titled with the words (職員 and above).
    pub draft_href: Option<String>,
}

#[derive(Template)]
#[template(path = "console/analytics.html")]
struct AnalyticsPage {
    frame: Option<Frame>,
    from: String,
    to: String,
    from_error: Option<String>,
    to_error: Option<String>,
    /// 「2026年7月23日（令和8年）から2026年8月21日（令和8年）まで（30日間）」.
    period_label: String,
    /// The period as a query string, for the CSV links.
    period_query: String,
    /// Nothing was counted in the period (or the period did not read).
    empty: bool,
    trend_svg: String,
    funnel_svg: String,
    tables: Vec<TableView>,
    words: Vec<WordView>,
    words_cut: bool,
    /// Distinct words searched too rarely to list (`MIN_WORD_SEARCHES`).
    rare_words: usize,
    min_word_searches: u64,
    stale_after_days: u32,
    stale: usize,
    overdue: usize,
}

impl AnalyticsPage {
    fn table(&self, slug: &str) -> Option<&TableView> {
        self.tables.iter().find(|t| t.slug == slug)
    }
}

/// Words per page in the catalogue-gap list; the CSV file holds all of them.
const WORDS_SHOWN: usize = 50;

/// Reads the dashboard of `period` from the store (after writing this process's counts).
async fn dashboard(state: &AppState, period: Period) -> Result<Dashboard, AppError> {
    if let Err(err) = state.analytics().flush(state.store()).await {
        tracing::warn!(%err, "could not write the analytics counts before reading them");
    }
    let store = state.store();
    let (from, to) = (period.from(), period.to());
    let days = store.analytics_by_day(from, to, &TREND_METRICS).await?;
    let keys = store.analytics_by_key(from, to).await?;
    let notices = store.notice_totals(from, to).await?;
    Ok(Dashboard::build(period, &days, &keys, notices))
}

/// `GET /console/analytics` (閲覧以上).
pub async fn show_dashboard(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    let settings = ConsoleSettings::load(state.store()).await?;
    let catalog = state.catalog();
    let today = clock::today();
    let mut page = AnalyticsPage {
        frame: Some(staff.frame("/console/analytics")),
        from: query.from.trim().to_owned(),
        to: query.to.trim().to_owned(),
        from_error: None,
        to_error: None,
        period_label: String::new(),
        period_query: String::new(),
        empty: true,
        trend_svg: String::new(),
        funnel_svg: String::new(),
        tables: Vec::new(),
        words: Vec::new(),
        words_cut: false,
        rare_words: 0,
        min_word_searches: MIN_WORD_SEARCHES,
        stale_after_days: settings.stale_after_days,
        stale: freshness::stale(catalog.programs(), today, settings.stale_after_days).len(),
        overdue: freshness::overdue(catalog.programs(), today).len(),
    };
    let period = match query.period() {
        Ok(period) => period,
        Err(errors) => {
            page.from_error = errors.from;
            page.to_error = errors.to;
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, Html(page.render()?)).into_response());
        }
    };
    let dashboard = dashboard(&state, period).await?;
    let names = Names(&catalog);
    page.period_label = format!(
        "{}から{}まで（{}日間）",
        date_label(period.from()),
        date_label(period.to()),
        period.len_days()
    );
    page.from = period.from().to_string();
    page.to = period.to().to_string();
    page.period_query = form_urlencoded::Serializer::new(String::new())
        .append_pair("from", &page.from)
        .append_pair("to", &page.to)
        .finish();
    page.empty = dashboard.is_empty();
    if !page.empty {
        page.trend_svg = charts::trend_svg(&dashboard.trend, "table-trend");
        page.funnel_svg = charts::funnel_svg(&dashboard.funnel(), "table-funnel");
        page.tables = [
            TableKind::Trend,
            TableKind::Funnel,
            TableKind::Questions,
            TableKind::TopViewed,
            TableKind::TopEligible,
            TableKind::Programs,
            TableKind::Notices,
        ]
        .into_iter()
        .map(|kind| {
            let table = dashboard.table(kind, &names, false);
            let whole = dashboard.table(kind, &names, true).rows.len();
            TableView {
                slug: kind.slug(),
                title: kind.title(),
                cut: whole > table.rows.len(),
                header: table.header,
                rows: table.rows,
            }
        })
        .collect();
        let can_draft = staff.account.role.allows(Role::Staff);
        page.words_cut = dashboard.words.len() > WORDS_SHOWN;
        page.rare_words = dashboard.rare_words;
        page.words = dashboard
            .words
            .iter()
            .take(WORDS_SHOWN)
            .map(|w| WordView {
                words: if w.is_overflow() {
                    "（1日の上限を超えたその他の言葉）".to_owned()
                } else {
                    w.words.clone()
                },
                count: shown(w.n),
                draft_href: (can_draft && !w.is_overflow()).then(|| {
                    let query = form_urlencoded::Serializer::new(String::new())
                        .append_pair("title", &w.words)
                        .finish();
                    format!("/console/programs/new?{query}")
                }),
            })
            .collect();
    }
    Ok(Html(page.render()?).into_response())
}

/// `GET /console/analytics.csv?table=…&from=…&to=…` (閲覧以上): one table, every row,
/// suppressed as on the page. The period is bounded (`MAX_PERIOD_DAYS`), so is the file.
pub async fn export_csv(
    State(state): State<AppState>,
    staff: Staff,
    query: Result<Query<PeriodQuery>, QueryRejection>,
) -> Result<Response, AppError> {
    staff.require(Role::Viewer)?;
    let query = query.map(|Query(q)| q).unwrap_or_default();
    // Without a table named, the first one (the daily trend).
    let table = Some(query.table.trim()).filter(|t| !t.is_empty());
    let kind = TableKind::parse(table.unwrap_or("trend")).ok_or_else(|| {
        AppError::BadRequest(
            "書き出す表がわかりませんでした。集計のページのリンクから選び直してください。"
                .to_owned(),
        )
    })?;
    let period = query
        .period()
        .map_err(|errors| AppError::BadRequest(errors.from.or(errors.to).unwrap_or_default()))?;
    let dashboard = dashboard(&state, period).await?;
    let catalog = state.catalog();
    let Table { header, rows, .. } = dashboard.table(kind, &Names(&catalog), true);
    let body = excel_csv(header, |writer| {
        for row in rows {
            writer.write_record(row.iter().map(|cell| as_text(cell)))?;
        }
        Ok(())
    })
    .map_err(|e| AppError::Internal(e.to_string()))?;
    let filename = format!(
        "madoguchi-{}-{}-{}.csv",
        kind.slug(),
        period.from(),
        period.to()
    );
    Ok(csv_download(&filename, body))
}
