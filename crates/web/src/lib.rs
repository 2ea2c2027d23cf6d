//! madoguchi-web: the site and API a municipality serves to its businesses.
//!
//! Handlers are thin: they read the in-memory catalogue snapshot (or the store), call
//! madoguchi-core, and render a compiled askama template. One route table lives here.

mod api;
mod assets;
mod error;
mod health;
mod metrics;
mod programs;
mod rate_limit;
mod security;
mod state;
mod view;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

pub use error::AppError;
pub use rate_limit::{RateLimit, RateLimitError, RateLimiter};
pub use state::AppState;

/// The whole site: every route madoguchi answers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(programs::list_programs))
        .route("/programs", get(programs::list_programs))
        .route("/programs/{id}", get(programs::show_program))
        .route("/assets/{file}", get(assets::serve_asset))
        .route("/api/openapi.json", get(api::show_openapi))
        .route("/api/v1/fields", get(api::list_fields))
        .route(
            "/api/v1/diagnose",
            post(api::diagnose)
                .layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES))
                .layer(middleware::from_fn_with_state(
                    state.clone(),
                    rate_limit::limit_diagnoses,
                )),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::show_metrics))
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(middleware::from_fn(security::add_security_headers))
        .with_state(state)
}

/// Serves the site on `listener` until the process is asked to stop (Ctrl-C / SIGTERM).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut sig) =
            tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            sig.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
