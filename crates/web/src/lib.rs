//! madoguchi-web: the site and API a municipality serves to its businesses.
//!
//! Handlers are thin: they read the in-memory catalogue snapshot (or the store), call
//! madoguchi-core, and render a compiled askama template. One route table lives here.

mod assets;
mod error;
mod health;
mod metrics;
mod programs;
mod security;
mod state;
mod view;

use axum::Router;
use axum::middleware;
use axum::routing::get;

pub use error::AppError;
pub use state::AppState;

/// The whole site: every route madoguchi answers.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(programs::list_programs))
        .route("/programs", get(programs::list_programs))
        .route("/programs/{id}", get(programs::show_program))
        .route("/assets/{file}", get(assets::serve_asset))
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
    axum::serve(listener, router(state))
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
