//! `madoguchi serve`: the site and API on one address.

use anyhow::Context;
use madoguchi_web::{AppState, MetricsAccess, RateLimit, RateLimiter, Transport, TrustedProxies};

use super::notices::{self, Workers};
use crate::cli::ServeArgs;
use crate::config::Config;

/// The directory under `--data-dir` where the search index is kept between starts.
const SEARCH_INDEX_DIR: &str = "search-index";

pub async fn run(config: &Config, args: &ServeArgs) -> anyhow::Result<()> {
    // Flags first: a mistyped relay or URL stops the start, before anything is opened.
    let workers = Workers::configure(&args.delivery)?;
    let public_url = args
        .public_url
        .as_deref()
        .filter(|url| !url.trim().is_empty())
        .map(notices::public_url)
        .transpose()?;
    let store = config.open_migrated_store().await?;
    if args.demo {
        super::demo::load(&store).await?;
    }
    // Kept beside the database, so that the next start opens it instead of building it.
    let index_base = config.data_dir.join(SEARCH_INDEX_DIR);
    let state = AppState::load_keeping_index(store, Some(index_base))
        .await?
        .with_diagnose_limit(RateLimiter::from(args.diagnose_limit))
        .with_metrics_access(match args.metrics_token.clone().filter(|t| !t.is_empty()) {
            Some(token) => MetricsAccess::Token(token),
            None => MetricsAccess::Loopback,
        })
        .with_transport(if args.https_only {
            Transport::HttpsOnly
        } else {
            Transport::Either
        })
        .with_trusted_proxies(TrustedProxies::new(
            args.trusted_proxies
                .iter()
                .flat_map(|list| list.proxies().iter().copied()),
        ));
    let state = match public_url {
        Some(url) => state.with_public_url(url),
        None => state,
    };
    let state = match args.line_channel_secret.as_ref().and_then(|s| s.reveal()) {
        Some(secret) => state.with_line_channel_secret(secret),
        None => state,
    };
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .with_context(|| {
            format!(
                "{} で待ち受けできません。--addr で別のアドレスを指定してください。",
                args.addr
            )
        })?;
    let addr = listener
        .local_addr()
        .context("待ち受けアドレスを取得できません。")?;
    println!(
        "madoguchi を http://{addr}/ で公開しています（{}件の制度）。Ctrl-C で終了します。",
        state.catalog().len()
    );
    tracing::info!(
        %addr,
        diagnose_limit = %args.diagnose_limit,
        trusted_proxies = %state.trusted_proxies(),
        https_only = args.https_only,
        "listening"
    );
    if args.diagnose_limit == RateLimit::Off {
        tracing::warn!("diagnoses are not rate-limited (--diagnose-limit off)");
    }
    if workers.sends_email() && !public_url.is_some_and(|url| url.starts_with("https://")) {
        tracing::warn!(
            "e-mails go without one-click unsubscribe headers (RFC 8058 needs https): \
             give --public-url https://…"
        );
    }
    if workers.none() {
        tracing::info!("no delivery workers here (--notice-workers 0)");
    }
    let delivering = workers.start(state.store());
    tracing::info!(delivery = %delivering.describe(), "delivering notices");
    let served = madoguchi_web::serve(listener, state).await;
    // The site has stopped taking requests; the workers finish the batches they hold.
    delivering.stop().await;
    served.context("サーバーが異常終了しました。")
}
