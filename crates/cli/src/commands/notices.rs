//! Delivering notices: the channels built from the command line, the outbox workers that
//! `serve` runs beside the site, and `madoguchi notices deliver`, which runs only them.
//!
//! Every flag is checked before anything starts, so that a mistyped relay URL stops the
//! process with a Japanese message instead of parking every e-mail as undeliverable.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, bail};
use madoguchi_channels::{Channels, ConfigError, Line, Smtp, Webhook, WebhookSecret};
use madoguchi_store::Store;
use madoguchi_web::notices::worker::{self, DeliveryConfig, RetryPolicy};
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::cli::{DeliveryArgs, NoticesArgs, NoticesCommand};
use crate::config::Config;

pub async fn run(config: &Config, args: &NoticesArgs) -> anyhow::Result<()> {
    match &args.command {
        NoticesCommand::Deliver(delivery) => deliver(config, delivery).await,
    }
}

/// `madoguchi notices deliver`: the workers alone, until Ctrl-C or SIGTERM.
async fn deliver(config: &Config, args: &DeliveryArgs) -> anyhow::Result<()> {
    if args.notice_workers == 0 {
        bail!("--notice-workers には 1 以上を指定してください（配信だけを行うコマンドです）。");
    }
    let workers = Workers::configure(args)?;
    let store = config.open_migrated_store().await?;
    let running = workers.start(&store);
    println!(
        "お知らせの配信を始めました（{}）。Ctrl-C で終了します。",
        running.describe()
    );
    worker::until_stopped().await;
    running.stop().await;
    println!("お知らせの配信を終了しました。");
    Ok(())
}

/// The delivery workers as configured, not yet started.
pub struct Workers {
    channels: Arc<Channels>,
    config: DeliveryConfig,
    count: usize,
}

impl Workers {
    /// Checks every channel flag and builds the channels; an error names the flag in Japanese.
    pub fn configure(args: &DeliveryArgs) -> anyhow::Result<Self> {
        if args.notice_batch == 0 || args.notice_in_flight == 0 {
            bail!("--notice-batch と --notice-in-flight には 1 以上を指定してください。");
        }
        if args.notice_lease == 0 {
            bail!("--notice-lease には 1 以上の秒数を指定してください。");
        }
        if args.notice_max_attempts == 0 {
            bail!("--notice-max-attempts には 1 以上を指定してください。");
        }
        let defaults = DeliveryConfig::default();
        let config = DeliveryConfig {
            batch: args.notice_batch,
            in_flight: args.notice_in_flight,
            lease: Duration::from_secs(args.notice_lease),
            retry: RetryPolicy {
                base: Duration::from_secs(args.notice_retry_base),
                max_attempts: args.notice_max_attempts,
                ..defaults.retry
            },
            ..defaults
        };
        Ok(Self {
            channels: Arc::new(channels(args)?),
            config,
            count: args.notice_workers,
        })
    }

    /// True when this process delivers nothing (`--notice-workers 0`).
    pub fn none(&self) -> bool {
        self.count == 0
    }

    /// True when e-mail is configured and some worker here sends it.
    pub fn sends_email(&self) -> bool {
        self.count > 0 && self.channels.smtp.is_some()
    }

    /// Starts the workers on `store`.
    pub fn start(self, store: &Store) -> Running {
        let (stop, stopped) = watch::channel(false);
        let tasks = (0..self.count)
            .map(|_| {
                tokio::spawn(worker::deliver(
                    store.clone(),
                    Arc::clone(&self.channels),
                    self.config,
                    stopped.clone(),
                ))
            })
            .collect();
        Running {
            stop,
            tasks,
            channels: self.channels,
        }
    }
}

/// Workers at work.
pub struct Running {
    stop: watch::Sender<bool>,
    tasks: Vec<JoinHandle<()>>,
    channels: Arc<Channels>,
}

impl Running {
    /// Which channels are on and how many workers, for the start-up line (no secrets).
    pub fn describe(&self) -> String {
        let channels = &self.channels;
        let on: Vec<&str> = [
            (channels.smtp.is_some(), "メール"),
            (channels.line.is_some(), "LINE"),
            (channels.webhook.is_some(), "Webhook"),
        ]
        .into_iter()
        .filter_map(|(on, name)| on.then_some(name))
        .collect();
        let on = if on.is_empty() {
            "なし（設定されるまで送信を待ちます）".to_owned()
        } else {
            on.join("・")
        };
        format!("送信経路: {on}、ワーカー: {}", self.tasks.len())
    }

    /// Asks every worker to stop and waits while each finishes the batch it has claimed, so
    /// that no claim is left to lapse.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        for task in self.tasks {
            if let Err(err) = task.await {
                tracing::warn!(%err, "a delivery worker ended abnormally");
            }
        }
    }
}

/// The channels the flags configure; a channel without its flag is left out.
fn channels(args: &DeliveryArgs) -> anyhow::Result<Channels> {
    let smtp = match args.smtp_url.as_ref().and_then(|url| url.reveal()) {
        Some(url) => {
            let (name, address) = sender(&args.mail_from);
            // One idle connection per send a worker may have in flight: a busy outbox then
            // never connects anew for each e-mail.
            let reuse = args
                .notice_in_flight
                .saturating_mul(args.notice_workers.max(1));
            let smtp = Smtp::from_url(url, address, name).map_err(in_japanese)?;
            Some(smtp.with_connection_reuse(reuse))
        }
        None => None,
    };
    let line = match args.line_channel_token.as_ref().and_then(|t| t.reveal()) {
        Some(token) => Some(Line::new(&args.line_api_url, token).map_err(in_japanese)?),
        None => None,
    };
    let webhook = match args.webhook_secret.as_ref().and_then(|s| s.reveal()) {
        Some(secret) => {
            let secret = WebhookSecret::parse(secret).map_err(in_japanese)?;
            Some(Webhook::new(secret).map_err(in_japanese)?)
        }
        None => None,
    };
    Ok(Channels {
        smtp,
        line,
        webhook,
    })
}

/// `名前 <address>` as its name and address; a bare address has no name.
fn sender(mail_from: &str) -> (Option<&str>, &str) {
    let mail_from = mail_from.trim();
    match mail_from
        .strip_suffix('>')
        .and_then(|rest| rest.rsplit_once('<'))
    {
        Some((name, address)) => {
            let name = name.trim().trim_matches('"').trim();
            ((!name.is_empty()).then_some(name), address.trim())
        }
        None => (None, mail_from),
    }
}

/// A channel's configuration error, told in terms of the flag to fix. The details come from
/// the channel's own checks, which never repeat a password or a token.
fn in_japanese(err: ConfigError) -> anyhow::Error {
    let message = match &err {
        ConfigError::SmtpUrl(_) => {
            "--smtp-url を読み取れません。smtp://ユーザー:パスワード@ホスト:ポート?tls=required の形で指定してください。"
        }
        ConfigError::Sender(_) => {
            "--mail-from を送信者として使えません。「名前 <address@example.jp>」または「address@example.jp」の形で指定してください。"
        }
        ConfigError::LineBaseUrl(_) => {
            "--line-api-url を読み取れません。https://api.line.me のような URL を指定してください。"
        }
        ConfigError::WebhookSecret(_) => {
            "--webhook-secret を読み取れません。whsec_ に続けて base64（16バイト以上）で指定してください。"
        }
        ConfigError::HttpClient(_) => {
            "LINE・Webhook の送信に使う HTTP クライアントを準備できません。"
        }
    };
    anyhow::Error::new(err).context(message)
}

/// Checks `--public-url`: an absolute http(s) URL with a host, for links in notices.
pub fn public_url(url: &str) -> anyhow::Result<&str> {
    let url = url.trim();
    let host = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .map(|rest| rest.split(['/', '?', '#']).next().unwrap_or_default());
    match host {
        Some(host) if !host.is_empty() && !url.contains(char::is_whitespace) => Ok(url),
        _ => Err(anyhow::anyhow!(
            "--public-url は https://city.example.jp のような URL で指定してください。"
        ))
        .with_context(|| format!("指定された値: {url}")),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser as _;

    use super::*;
    use crate::cli::{Cli, Command};

    fn delivery(args: &[&str]) -> DeliveryArgs {
        let mut argv = vec!["madoguchi", "notices", "deliver"];
        argv.extend_from_slice(args);
        let cli = Cli::try_parse_from(argv).unwrap_or_else(|e| panic!("{e}"));
        match cli.command {
            Command::Notices(NoticesArgs {
                command: NoticesCommand::Deliver(args),
            }) => args,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_sender_is_read_with_or_without_a_name() {
        assert_eq!(
            sender("madoguchi <noreply@localhost>"),
            (Some("madoguchi"), "noreply@localhost")
        );
        assert_eq!(
            sender("\"中小企業相談窓口\" <desk@city.example.jp>"),
            (Some("中小企業相談窓口"), "desk@city.example.jp")
        );
        assert_eq!(
            sender("desk@city.example.jp"),
            (None, "desk@city.example.jp")
        );
    }

    #[test]
    fn configured_channels_are_built_and_the_rest_left_out() {
        let args = delivery(&[
            "--smtp-url",
            "smtp://desk:secret@127.0.0.1:2525?tls=none",
            "--line-channel-token",
            "token",
            "--line-api-url",
            "http://127.0.0.1:9",
        ]);
        let built = channels(&args).unwrap_or_else(|e| panic!("{e}"));
        assert!(built.smtp.is_some() && built.line.is_some() && built.webhook.is_none());
    }

    #[test]
    fn bad_flags_are_refused_in_japanese_without_repeating_the_secret() {
        for (flag, value, says) in [
            ("--smtp-url", "http://user:hunter2@relay", "--smtp-url"),
            (
                "--smtp-url",
                "smtp://user:hunter2@relay?tls=none",
                "--smtp-url",
            ),
            ("--webhook-secret", "hunter2", "--webhook-secret"),
        ] {
            let err = channels(&delivery(&[flag, value])).err().unwrap();
            let shown = format!("{err:#}");
            assert!(shown.starts_with(says), "{shown}");
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        let err = channels(&delivery(&[
            "--smtp-url",
            "smtp://127.0.0.1?tls=none",
            "--mail-from",
            "窓口",
        ]))
        .err()
        .unwrap();
        assert!(format!("{err}").starts_with("--mail-from"), "{err}");
        let err = Workers::configure(&delivery(&["--notice-lease", "0"]))
            .err()
            .unwrap();
        assert!(format!("{err}").contains("--notice-lease"), "{err}");
    }

    #[test]
    fn secrets_are_not_in_the_arguments_debug() {
        let args = delivery(&[
            "--smtp-url",
            "smtp://desk:hunter2@127.0.0.1?tls=none",
            "--line-channel-token",
            "line-token-hunter2",
            "--webhook-secret",
            "whsec_hunter2hunter2hunter2hunter2",
        ]);
        let shown = format!("{args:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
    }

    #[test]
    fn the_public_url_must_be_an_http_url_with_a_host() {
        assert_eq!(
            public_url("https://city.example.jp/").ok(),
            Some("https://city.example.jp/")
        );
        for bad in [
            "city.example.jp",
            "https://",
            "ftp://city.example.jp",
            "https://a b",
        ] {
            assert!(public_url(bad).is_err(), "{bad}");
        }
    }
}
