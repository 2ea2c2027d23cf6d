//! madoguchi-web: the site and API a municipality serves to its businesses.
//!
//! Handlers are thin: they read the in-memory catalogue snapshot (or the store), call
//! madoguchi-core, and render a compiled askama template. One route table lives here.

pub mod analytics;
mod api;
pub mod catalog_sync;
pub mod console;
pub mod desk;
pub mod desk_jobs;
#[doc(hidden)]
pub mod fuzzing;
mod http;
pub mod notices;
mod site;
mod snapshot;
mod state;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::{get, post};

use http::{
    assets, error, form, health, metrics, origin, rate_limit, security, session, transport,
};
use site::{consult, diagnosis, experts, feeds, home, official, privacy, programs, sheet};

pub use http::AppError;
pub use http::metrics::MetricsAccess;
pub use http::rate_limit::{RateLimit, RateLimitError, RateLimiter};
pub use http::transport::Transport;
pub use http::trusted_proxy::{TrustedProxies, TrustedProxy, TrustedProxyError};
pub use state::{AppState, LoadError};

/// The whole site: every route madoguchi answers.
pub fn router(state: AppState) -> Router {
    // Routes that run the eligibility engine share one per-client limit.
    let limit = middleware::from_fn_with_state(state.clone(), rate_limit::limit_diagnoses);
    Router::new()
        .route("/", get(home::show_home))
        .route("/programs", get(programs::list_programs))
        .route("/programs/closing-soon", get(home::show_closing_soon))
        .route("/programs/new", get(home::show_new))
        .route("/programs/{id}", get(programs::show_program))
        .route(
            "/programs/{id}/official",
            get(official::follow_official_link),
        )
        .route("/privacy", get(privacy::show_privacy))
        .route("/experts", get(experts::list_experts))
        .route("/experts/{id}", get(experts::show_expert))
        .route("/feeds/programs.atom", get(feeds::programs_atom))
        .route("/feeds/deadlines.ics", get(feeds::deadlines_ics))
        .route("/assets/{file}", get(assets::serve_asset))
        .route("/api/openapi.json", get(api::show_openapi))
        .route("/api/v1/fields", get(api::list_fields))
        .route("/api/v1/industries", get(api::find_industries))
        .route("/api/v1/programs", get(api::search_programs))
        .route(
            "/api/v1/diagnose",
            post(api::diagnose)
                .layer(DefaultBodyLimit::max(api::MAX_BODY_BYTES))
                .layer(limit.clone()),
        )
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::show_metrics))
        .merge(diagnosis_routes(&state))
        .merge(consult_routes(&state))
        .merge(notices::site::routes())
        .merge(console::routes())
        .merge(notices::redirect::routes())
        .merge(notices::line::routes())
        .fallback(error::not_found)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::track,
        ))
        .layer(middleware::from_fn(security::add_security_headers))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            transport::strict_transport,
        ))
        .with_state(state)
}

/// The diagnosis: the business's answers are on every page, so none is cached. Its pages
/// that run the engine share the per-client limit with the API's diagnose.
fn diagnosis_routes(state: &AppState) -> Router<AppState> {
    let limit = middleware::from_fn_with_state(state.clone(), rate_limit::limit_diagnoses);
    Router::new()
        .route("/diagnosis", get(diagnosis::show_step).layer(limit.clone()))
        .route(
            "/diagnosis/answer",
            post(diagnosis::answer).layer(DefaultBodyLimit::max(form::MAX_FORM_BYTES)),
        )
        .route(
            "/diagnosis/results",
            get(diagnosis::show_results).layer(limit.clone()),
        )
        .route(
            "/diagnosis/results.ics",
            get(diagnosis::results_calendar).layer(limit.clone()),
        )
        .route(
            "/diagnosis/sheet",
            get(sheet::show_sheet).layer(limit.clone()),
        )
        .route(
            "/diagnosis/sheet.pdf",
            get(sheet::sheet_pdf).layer(limit.clone()),
        )
        .route(
            "/diagnosis/compare",
            get(sheet::show_comparison).layer(limit.clone()),
        )
        .route(
            "/diagnosis/restart",
            post(diagnosis::restart).layer(DefaultBodyLimit::max(form::MAX_FORM_BYTES)),
        )
        .route(
            "/diagnosis/erase",
            post(diagnosis::erase).layer(DefaultBodyLimit::max(form::MAX_FORM_BYTES)),
        )
        .layer(middleware::map_response(security::never_cached))
        .layer(middleware::from_fn(origin::refuse_cross_site_forms))
}

/// The consultation form: it carries personal data, so none of it is cached, and a form
/// from another site is refused. Opened from a diagnosis it runs the engine, so its page
/// shares the diagnoses' per-client limit; filing has a limit of its own (in the handler,
/// so that the form comes back as typed).
fn consult_routes(state: &AppState) -> Router<AppState> {
    let limit = middleware::from_fn_with_state(state.clone(), rate_limit::limit_diagnoses);
    Router::new()
        .route(
            "/consult",
            get(consult::show_form)
                .layer(limit)
                .post(consult::file)
                .layer(DefaultBodyLimit::max(consult::CONSULT_FORM_BYTES)),
        )
        .route("/consult/received", get(consult::show_received))
        .layer(middleware::map_response(security::never_cached))
        .layer(middleware::from_fn(origin::refuse_cross_site_forms))
}

/// Serves the site on `listener` until the process is asked to stop (Ctrl-C / SIGTERM).
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    // Before the first request, so that no job of this process can be taken for a stopped one.
    if let Err(err) = console::import_recovery::give_up_stopped(&state).await {
        tracing::warn!(%err, "could not look for stopped import jobs");
    }
    let background = [
        tokio::spawn(console::import_recovery::watch(state.clone())),
        tokio::spawn(session::sweep_expired(state.clone())),
        tokio::spawn(console::login_limit::sweep_old_attempts(state.clone())),
        tokio::spawn(catalog_sync::follow_catalog(
            state.clone(),
            catalog_sync::POLL_EVERY,
        )),
        tokio::spawn(catalog_sync::run_schedule(
            state.clone(),
            catalog_sync::SCHEDULE_EVERY,
        )),
        tokio::spawn(desk_jobs::purge_on_schedule(
            state.clone(),
            desk_jobs::PURGE_EVERY,
        )),
        // Every process matches; each event is claimed by one of them.
        tokio::spawn(notices::matcher::run(state.clone())),
        tokio::spawn(analytics::flush_every(state.clone())),
    ];
    let app = router(state.clone()).into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await;
    for task in background {
        task.abort();
    }
    // The last few seconds of counts, which the periodic write has not taken yet.
    if let Err(err) = state.analytics().flush(state.store()).await {
        tracing::warn!(%err, "could not write the last analytics counts");
    }
    served
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
