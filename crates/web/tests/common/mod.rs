//! The in-process test app both web test binaries drive: a router over a real SQLite store.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, Response};
use madoguchi_core::import::own;
use madoguchi_core::program::Program;
use madoguchi_store::Store;
use madoguchi_web::AppState;
use tower::ServiceExt;

/// A router over its own database in a temporary directory.
pub struct TestApp {
    pub router: Router,
    _dir: tempfile::TempDir,
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
        let state = configure(AppState::load(store).await.unwrap());
        Self {
            router: madoguchi_web::router(state),
            _dir: dir,
        }
    }

    pub async fn send(&self, request: Request<Body>) -> Response<axum::body::Body> {
        self.router.clone().oneshot(request).await.unwrap()
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
