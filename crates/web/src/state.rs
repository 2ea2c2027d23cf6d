//! What every handler shares: the store, the catalogue snapshot, metrics and limits.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arc_swap::ArcSwap;
use madoguchi_core::catalog::Catalog;
use madoguchi_search::{SearchError, SearchIndex};
use madoguchi_store::{AttemptLimit, ProgramDates, Store, StoreError};

use crate::snapshot::Snapshot;

use crate::analytics::Counter;
use crate::console::ImportProgress;
use crate::console::login_limit::LOGIN_LIMIT;
use crate::http::metrics::{Metrics, MetricsAccess};
use crate::http::rate_limit::RateLimiter;
use crate::http::transport::Transport;
use crate::http::trusted_proxy::TrustedProxies;
use crate::notices::{NoticeKeys, NoticeLinks};

/// Consultations one client may file at once, and how many more each minute after.
const CONSULT_BURST: u32 = 5;
const CONSULT_PER_MINUTE: u32 = 1;
/// Notice subscriptions one client may make at once, and how many more each minute after:
/// each one sends a confirmation e-mail, so a script must not turn the site into a mailer.
const SUBSCRIBE_BURST: u32 = 5;
const SUBSCRIBE_PER_MINUTE: u32 = 1;

/// Cheap to clone; one per process.
///
/// The catalogue is a snapshot in memory, read by every request without a lock and swapped
/// when staff change a program ([`AppState::catalog_changed`]; see `snapshot` for how the
/// next one is made): a request keeps the snapshot it started with, and the next one sees
/// the new catalogue.
#[derive(Clone, Debug)]
pub struct AppState {
    store: Store,
    /// The catalogue, its publication dates and its search index, swapped together. A
    /// request that asks for two of them separately may see one update ahead in the
    /// second: hits name programs by id, and a program that is gone is left out.
    snapshot: Arc<ArcSwap<Snapshot>>,
    /// Held while updating, so that a slow update that began before a newer change can
    /// never swap in its older snapshot after the newer one.
    reloading: Arc<tokio::sync::Mutex<()>>,
    /// Where the search index is kept for the next start (none: in memory only).
    index_base: Option<Arc<Path>>,
    metrics: Arc<Metrics>,
    /// The dashboard's counts not yet written to the store.
    analytics: Arc<Counter>,
    diagnose_limit: Arc<RateLimiter>,
    /// Consultations filed per client: a person files one or two, a script many.
    consult_limit: Arc<RateLimiter>,
    /// Notice subscriptions made per client.
    subscribe_limit: Arc<RateLimiter>,
    metrics_access: Arc<MetricsAccess>,
    /// Kept in the database, shared by every process; this is only how much it allows.
    login_limit: AttemptLimit,
    trusted_proxies: Arc<TrustedProxies>,
    import_progress: Arc<ImportProgress>,
    transport: Transport,
    /// Signs the links in notices; the same in every process of one database.
    notice_keys: NoticeKeys,
    /// The site's address as the public reaches it (`--public-url`), for links in messages
    /// made outside a request; a request's own `Host` otherwise.
    public_url: Option<Arc<str>>,
    /// The LINE official account's channel secret, which signs the webhook calls it makes
    /// (`--line-channel-secret`); without it the webhook refuses every call.
    line_channel_secret: Option<Arc<str>>,
}

impl AppState {
    /// Loads the catalogue from the store into memory.
    pub async fn load(store: Store) -> Result<Self, LoadError> {
        Self::load_keeping_index(store, None).await
    }

    /// Loads the catalogue, with its search index kept in a directory under `index_base`
    /// between starts: opened there instead of built when the catalogue has not changed much
    /// since, and kept up to date as it changes.
    pub async fn load_keeping_index(
        store: Store,
        index_base: Option<PathBuf>,
    ) -> Result<Self, LoadError> {
        let index_base: Option<Arc<Path>> = index_base.map(Arc::from);
        let snapshot = Snapshot::read(&store, index_base.as_deref()).await?;
        let notice_keys = NoticeKeys::load(&store).await?;
        Ok(Self {
            store,
            snapshot: Arc::new(ArcSwap::from_pointee(snapshot)),
            reloading: Arc::new(tokio::sync::Mutex::new(())),
            index_base,
            metrics: Metrics::shared(),
            analytics: Counter::shared(),
            diagnose_limit: Arc::new(RateLimiter::default()),
            consult_limit: Arc::new(RateLimiter::new(CONSULT_BURST, CONSULT_PER_MINUTE)),
            subscribe_limit: Arc::new(RateLimiter::new(SUBSCRIBE_BURST, SUBSCRIBE_PER_MINUTE)),
            metrics_access: Arc::default(),
            login_limit: LOGIN_LIMIT,
            trusted_proxies: Arc::new(TrustedProxies::default()),
            import_progress: Arc::default(),
            transport: Transport::default(),
            notice_keys,
            public_url: None,
            line_channel_secret: None,
        })
    }

    /// Replaces the default limit on consultations filed per client.
    pub fn with_consult_limit(mut self, limiter: RateLimiter) -> Self {
        self.consult_limit = Arc::new(limiter);
        self
    }

    /// Replaces the default limit on diagnoses per client.
    pub fn with_diagnose_limit(mut self, limiter: RateLimiter) -> Self {
        self.diagnose_limit = Arc::new(limiter);
        self
    }

    /// Replaces the default limit on failed console sign-ins per client address
    /// (`LOGIN_LIMIT`). Every process on one database should use the same.
    pub fn with_login_limit(mut self, limit: AttemptLimit) -> Self {
        self.login_limit = limit;
        self
    }

    /// How the site is reached (HTTP or HTTPS alike, by default).
    pub fn with_transport(mut self, transport: Transport) -> Self {
        self.transport = transport;
        self
    }

    /// The site's public address, for links in notices (`https://city.example.jp`).
    pub fn with_public_url(mut self, url: &str) -> Self {
        self.public_url = Some(Arc::from(url.trim_end_matches('/')));
        self
    }

    /// The links of notices made while answering a request: the configured public URL, or
    /// the address the request came to.
    pub fn notice_links(&self, headers: &axum::http::HeaderMap) -> NoticeLinks {
        let base = match &self.public_url {
            Some(url) => url.to_string(),
            None => crate::http::origin::site_base(headers),
        };
        NoticeLinks::new(self.notice_keys.clone(), &base)
    }

    /// The links of notices made by a job: the configured public URL, or `localhost`.
    pub fn job_notice_links(&self) -> NoticeLinks {
        let base = self.public_url.as_deref().unwrap_or("http://localhost");
        NoticeLinks::new(self.notice_keys.clone(), base)
    }

    /// The LINE channel secret that webhook calls are signed with.
    pub fn with_line_channel_secret(mut self, secret: &str) -> Self {
        self.line_channel_secret = Some(Arc::from(secret));
        self
    }

    pub fn line_channel_secret(&self) -> Option<&str> {
        self.line_channel_secret.as_deref()
    }

    pub fn notice_keys(&self) -> &NoticeKeys {
        &self.notice_keys
    }

    pub fn transport(&self) -> Transport {
        self.transport
    }

    /// Who may read `/metrics` (this machine only, by default).
    pub fn with_metrics_access(mut self, access: MetricsAccess) -> Self {
        self.metrics_access = Arc::new(access);
        self
    }

    pub fn metrics_access(&self) -> &MetricsAccess {
        &self.metrics_access
    }

    /// The reverse proxies whose `X-Forwarded-For` names the client (none by default).
    pub fn with_trusted_proxies(mut self, proxies: TrustedProxies) -> Self {
        self.trusted_proxies = Arc::new(proxies);
        self
    }

    /// The catalogue as it is now; hold the `Arc` for the whole request so that every
    /// part of one page reads the same snapshot.
    pub fn catalog(&self) -> Arc<Catalog> {
        Arc::clone(&self.snapshot.load().catalog)
    }

    /// The search index of the catalogue as it is now.
    pub fn search_index(&self) -> Arc<SearchIndex> {
        Arc::clone(&self.snapshot.load().search)
    }

    /// Every program's publication dates, the newest first published first.
    pub fn program_dates(&self) -> Arc<Vec<Arc<ProgramDates>>> {
        Arc::clone(&self.snapshot.load().dates)
    }

    /// Takes in what changed in the store's catalogue and swaps the result in for every
    /// later request of this process. Call it after anything that changes programs.
    pub async fn catalog_changed(&self) -> Result<(), LoadError> {
        let _one_at_a_time = self.reloading.lock().await;
        let next = self
            .snapshot
            .load_full()
            .updated(&self.store, self.index_base.as_deref())
            .await?;
        self.snapshot.store(Arc::new(next));
        Ok(())
    }

    pub fn diagnose_limit(&self) -> &RateLimiter {
        &self.diagnose_limit
    }

    pub fn consult_limit(&self) -> &RateLimiter {
        &self.consult_limit
    }

    pub fn subscribe_limit(&self) -> &RateLimiter {
        &self.subscribe_limit
    }

    /// Replaces the default limit on notice subscriptions per client.
    pub fn with_subscribe_limit(mut self, limiter: RateLimiter) -> Self {
        self.subscribe_limit = Arc::new(limiter);
        self
    }

    pub fn login_limit(&self) -> AttemptLimit {
        self.login_limit
    }

    pub fn trusted_proxies(&self) -> &TrustedProxies {
        &self.trusted_proxies
    }

    /// How far this process's import jobs have got.
    pub fn import_progress(&self) -> &Arc<ImportProgress> {
        &self.import_progress
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// This process's analytics counts not yet written.
    pub fn analytics(&self) -> &Counter {
        &self.analytics
    }
}

/// Why the catalogue could not be loaded: the store, or (a bug) its search index.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Search(#[from] SearchError),
}
