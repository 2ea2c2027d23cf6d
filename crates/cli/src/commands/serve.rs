//! `madoguchi serve`: the site and API on one address.

use anyhow::Context;
use madoguchi_web::{AppState, MetricsAccess, RateLimit, RateLimiter, Transport, TrustedProxies};

use crate::cli::ServeArgs;
use crate::config::Config;

pub async fn run(config: &Config, args: &ServeArgs) -> anyhow::Result<()> {
    let store = config.open_migrated_store().await?;
    if args.demo {
        super::demo::load(&store).await?;
    }
    let state = AppState::load(store)
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
    madoguchi_web::serve(listener, state)
        .await
        .context("サーバーが異常終了しました。")
}
