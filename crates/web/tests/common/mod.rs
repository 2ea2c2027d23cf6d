//! The in-process test app both web test binaries drive: a router over a real SQLite store.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response, StatusCode, header};
use icalendar::CalendarComponent;
use madoguchi_core::calendar::{DayEdge, JST, JstDateTime};
use madoguchi_core::import::own;
use madoguchi_core::program::{ApplicationRound, Program, ProgramStatus};
use madoguchi_store::Store;
use madoguchi_web::AppState;
use time::{Date, Duration, OffsetDateTime, Time};
use tower::ServiceExt;

pub mod visitor;

/// A router over its own database in a temporary directory (or over a state the test made).
pub struct TestApp {
    pub router: Router,
    /// The same store the router uses, for arranging and checking what the pages cannot.
    #[allow(dead_code)] // Not every test binary uses it.
    pub store: Store,
    _dir: Option<tempfile::TempDir>,
}

impl TestApp {
    /// Saves `programs` in a fresh database and loads the catalogue from it.
    pub async fn with_programs(programs: &[Program]) -> Self {
        Self::configured(programs, |state| state).await
    }

    /// Saves each batch in turn, a second apart, so that later batches are newer.
    #[allow(dead_code)] // Not every test binary uses it.
    pub async fn with_batches(batches: &[&[Program]]) -> Self {
        let (store, dir) = Self::store().await;
        for (i, batch) in batches.iter().enumerate() {
            if i > 0 {
                // Stored times are compared to the second.
                tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
            }
            store
                .save_programs(batch, "test", &mut |_| {})
                .await
                .unwrap();
        }
        Self::serve(store, dir, |state| state).await
    }

    /// Like `with_programs`, with the state adjusted before the router is built.
    pub async fn configured(
        programs: &[Program],
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        let (store, dir) = Self::store().await;
        store
            .save_programs(programs, "test", &mut |_| {})
            .await
            .unwrap();
        Self::serve(store, dir, configure).await
    }

    async fn store() -> (Store, tempfile::TempDir) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_sqlite(&dir.path().join("test.db"))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        (store, dir)
    }

    async fn serve(
        store: Store,
        dir: tempfile::TempDir,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Self {
        Self {
            _dir: Some(dir),
            ..Self::over(configure(AppState::load(store).await.unwrap()))
        }
    }

    /// A router over `state`, whose database the test keeps: one app process of several
    /// on one database.
    pub fn over(state: AppState) -> Self {
        Self {
            store: state.store().clone(),
            router: madoguchi_web::router(state),
            _dir: None,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Response<axum::body::Body> {
        self.router.clone().oneshot(request).await.unwrap()
    }

    /// Sends `request`; returns the status, the content type and the body bytes.
    #[allow(dead_code)] // Not every test binary uses it.
    pub async fn exchange(&self, request: Request<Body>) -> (StatusCode, String, Vec<u8>) {
        use http_body_util::BodyExt;
        let response = self.send(request).await;
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, content_type, bytes.to_vec())
    }
}

/// The hand-written demo catalogue (76 real programs with rules), through the real importer.
#[allow(dead_code)] // Not every test binary uses it.
pub fn demo_catalogue() -> Vec<Program> {
    madoguchi_core::demo::CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect()
}

/// Today in Japan, as the site decides what is open.
#[allow(dead_code)] // Not every test binary uses it.
pub fn today_jst() -> Date {
    OffsetDateTime::now_utc().to_offset(JST).date()
}

/// `program` open from 30 days ago until `closes`, at `time` on that day (JST).
#[allow(dead_code)] // Not every test binary uses it.
pub fn closing_on(mut program: Program, closes: Date, time: Time) -> Program {
    let opens = JstDateTime::from_date(today_jst() - Duration::days(30), DayEdge::Start);
    let closes =
        JstDateTime::from_offset(time::PrimitiveDateTime::new(closes, time).assume_offset(JST));
    program.rounds = vec![ApplicationRound::new(None, Some(opens), Some(closes)).unwrap()];
    program.status = ProgramStatus::Open;
    program
}

/// The events of an iCalendar body, read by a real parser.
#[allow(dead_code)] // Not every test binary uses it.
pub fn events(body: &str) -> Vec<icalendar::Event> {
    let calendar: icalendar::Calendar = body.parse().unwrap();
    calendar
        .components
        .into_iter()
        .filter_map(|c| match c {
            CalendarComponent::Event(e) => Some(e),
            _ => None,
        })
        .collect()
}
