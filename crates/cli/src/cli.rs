//! The command line: every command and option `madoguchi --help` lists.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use madoguchi_web::{RateLimit, TrustedProxies};

use crate::config::Secret;

/// madoguchi（窓口）: 事業者向け支援制度のワンストップ窓口
#[derive(Debug, Parser)]
#[command(name = "madoguchi", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct GlobalArgs {
    /// Directory for the embedded SQLite database and backups.
    #[arg(
        long,
        global = true,
        env = "MADOGUCHI_DATA_DIR",
        default_value = "./madoguchi-data"
    )]
    pub data_dir: PathBuf,
    /// Database URL (sqlite:PATH or postgres://…); overrides the SQLite file in --data-dir.
    #[arg(
        long,
        global = true,
        env = "MADOGUCHI_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site and the API.
    Serve(ServeArgs),
    /// Create or upgrade the database schema.
    Migrate,
    /// Import programs from a file (jGrants, J-Net21 or madoguchi's own JSON/CSV).
    Import(ImportArgs),
    /// Export every program in madoguchi's own format.
    Export(ExportArgs),
    /// Load the bundled demo data (real jGrants and J-Net21 records, an invented consultation desk).
    Demo,
    /// Copy the SQLite database to FILE; safe while the server runs.
    Backup {
        /// Where to write the backup (must not exist yet).
        file: PathBuf,
    },
    /// Replace the SQLite database with the backup in FILE (stop the server first).
    Restore {
        /// A file written by `madoguchi backup`.
        file: PathBuf,
    },
    /// Tell whether a company is a 中小企業者 / 小規模企業者 under 中小企業基本法.
    Classify(ClassifyArgs),
    /// Diagnose a business profile against the whole catalogue.
    Diagnose(DiagnoseArgs),
    /// Validate every program's rule and run every program's test cases.
    CheckRules(CheckRulesArgs),
    /// Manage staff console accounts (the first administrator: `user add --admin`).
    User(UserArgs),
    /// The consultation desk's personal data: purge past retention, export or erase one person's.
    Desk(DeskArgs),
    /// Notices: deliver the outbox in a process of its own.
    Notices(NoticesArgs),
}

#[derive(Debug, Args)]
pub struct NoticesArgs {
    #[command(subcommand)]
    pub command: NoticesCommand,
}

#[derive(Debug, Subcommand)]
pub enum NoticesCommand {
    /// Deliver the outbox's messages until Ctrl-C or SIGTERM, without serving the site (for a
    /// worker apart from `serve --notice-workers 0`).
    Deliver(DeliveryArgs),
}

/// The delivery channels and the outbox workers, for `serve` and `notices deliver`.
#[derive(Debug, Args)]
pub struct DeliveryArgs {
    /// The SMTP relay for e-mail: `smtp://[USER[:PASSWORD]@]HOST[:PORT][?tls=required|starttls|none]`
    /// or smtps://…; user and password percent-encoded. Without it, e-mails wait in the outbox.
    #[arg(
        long,
        env = "MADOGUCHI_SMTP_URL",
        value_name = "URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<Secret>,
    /// The sender of every e-mail: an address, or a name and an address as `名前 <address>`.
    #[arg(
        long,
        env = "MADOGUCHI_MAIL_FROM",
        default_value = "madoguchi <noreply@localhost>"
    )]
    pub mail_from: String,
    /// The base URL of LINE's Messaging API (another one only for a test stand-in).
    #[arg(
        long,
        env = "MADOGUCHI_LINE_API_URL",
        value_name = "URL",
        default_value = madoguchi_channels::line::DEFAULT_BASE_URL
    )]
    pub line_api_url: String,
    /// The LINE official account's channel access token. Without it, LINE messages wait.
    #[arg(
        long,
        env = "MADOGUCHI_LINE_CHANNEL_TOKEN",
        value_name = "TOKEN",
        hide_env_values = true
    )]
    pub line_channel_token: Option<Secret>,
    /// The secret that signs outgoing webhooks (`whsec_` and base64, Standard Webhooks).
    /// Without it, webhook messages wait.
    #[arg(
        long,
        env = "MADOGUCHI_WEBHOOK_SECRET",
        value_name = "whsec_…",
        hide_env_values = true
    )]
    pub webhook_secret: Option<Secret>,
    /// Delivery workers in this process; 0 for none (another process runs `notices deliver`).
    #[arg(
        long,
        env = "MADOGUCHI_NOTICE_WORKERS",
        value_name = "N",
        default_value_t = 1
    )]
    pub notice_workers: usize,
    /// Outbox messages each worker claims at once.
    #[arg(long, value_name = "N", default_value_t = 100)]
    pub notice_batch: u32,
    /// Messages each worker sends at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    pub notice_in_flight: usize,
    /// Seconds a worker's claim holds: a message still unsent after that (its worker died) is
    /// taken again by another. Longer than a batch can take.
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    pub notice_lease: u64,
    /// The longest wait, in seconds, before the second try of a message that failed; it
    /// doubles with every further failure, up to six hours (each wait is random below it).
    #[arg(long, value_name = "SECONDS", default_value_t = 30)]
    pub notice_retry_base: u64,
    /// Tries after which a message that still fails goes to the dead letters.
    #[arg(long, value_name = "N", default_value_t = 8)]
    pub notice_max_attempts: u32,
}

#[derive(Debug, Args)]
pub struct DeskArgs {
    #[command(subcommand)]
    pub command: DeskCommand,
}

#[derive(Debug, Subcommand)]
pub enum DeskCommand {
    /// Purge the personal data of cases past their retention (settings desk.retention_*_days).
    Purge,
    /// Print one person's cases, with their history, as JSON (for a request to see them).
    Export(DeskContactArg),
    /// Erase the personal data of one person's cases (asks for --yes first).
    Erase(DeskEraseArgs),
}

#[derive(Debug, Args)]
pub struct DeskContactArg {
    /// The e-mail address or phone number the person filed their cases with.
    #[arg(long)]
    pub contact: String,
}

#[derive(Debug, Args)]
pub struct DeskEraseArgs {
    #[command(flatten)]
    pub contact: DeskContactArg,
    /// Erase now; without it, only say what would be erased.
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct UserArgs {
    #[command(subcommand)]
    pub command: UserCommand,
}

/// Passwords are never taken from the command line (it is visible to other users and kept
/// in shell history): they come from the environment variable MADOGUCHI_PASSWORD, from a
/// prompt at the terminal, or as one line on standard input.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account. The password: MADOGUCHI_PASSWORD, a prompt, or one line on stdin.
    Add(UserAddArgs),
    /// List every account with its role and state.
    List,
    /// Set an account's password (read like `add`) and end its sessions.
    SetPassword(UserLoginArg),
    /// Disable an account: it can no longer sign in, and its sessions end.
    Disable(UserLoginArg),
}

#[derive(Debug, Args)]
pub struct UserAddArgs {
    /// The login name (half-width letters, digits and . _ - @).
    #[arg(long)]
    pub login: String,
    /// The name shown in the console and the audit log (表示名).
    #[arg(long)]
    pub name: String,
    /// Make the account an administrator (管理者); the same as --role admin.
    #[arg(long, conflicts_with = "role")]
    pub admin: bool,
    /// The role: admin (管理者), staff (職員: edit, publish, import), viewer (閲覧) or expert
    /// (専門家: only the desk's cases introduced to them, once linked to a registered expert).
    #[arg(long, value_enum, default_value = "staff")]
    pub role: RoleArg,
}

#[derive(Debug, Args)]
pub struct UserLoginArg {
    /// The account's login name.
    #[arg(long)]
    pub login: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    Admin,
    Staff,
    Viewer,
    Expert,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// JSIC major letter (A–T) or middle two-digit code (e.g. E, 09, 39).
    #[arg(long)]
    pub industry: Option<String>,
    /// 資本金又は出資の総額 in yen; Japanese forms such as 3億円 or 5,000万円 are understood.
    #[arg(long)]
    pub capital: Option<String>,
    /// 常時使用する従業員数.
    #[arg(long)]
    pub employees: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// The business profile as JSON (see docs/profile.md).
    #[arg(long)]
    pub profile: PathBuf,
    /// The date to judge application windows and founding years on (default: today in JST).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

#[derive(Debug, Args)]
pub struct CheckRulesArgs {
    /// The date test cases without their own date are judged on (default: today in JST).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub as_of: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Json,
    Text,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "MADOGUCHI_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Load the demo data before serving.
    #[arg(long)]
    pub demo: bool,
    /// Diagnoses per client address: BURST at once, then PER_MINUTE more each minute; `off` for none.
    #[arg(
        long,
        env = "MADOGUCHI_DIAGNOSE_LIMIT",
        value_name = "BURST/PER_MINUTE|off",
        default_value_t = RateLimit::default()
    )]
    pub diagnose_limit: RateLimit,
    /// A token that lets a monitoring server read /metrics from anywhere (as
    /// `Authorization: Bearer TOKEN`); without it, only this machine may read them.
    #[arg(long, env = "MADOGUCHI_METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// The site is reached over HTTPS only (at the proxy in front): every cookie is then
    /// `Secure` and `__Host-`, and browsers are told to keep to HTTPS (HSTS). Say it for a
    /// site on the internet.
    #[arg(long, env = "MADOGUCHI_HTTPS_ONLY")]
    pub https_only: bool,
    /// A reverse proxy (address or CIDR network) whose X-Forwarded-For names the client;
    /// repeat it, or separate with commas, for several.
    // Each value is a list, so that the variable's comma-separated list (or an empty one,
    // for none) reads the same as the option.
    #[arg(
        long = "trusted-proxy",
        env = "MADOGUCHI_TRUSTED_PROXIES",
        value_name = "IP|CIDR"
    )]
    pub trusted_proxies: Vec<TrustedProxies>,
    /// The site's address as the public reaches it (`https://city.example.jp`), for the links
    /// in notices; without it, a request's own address (and http://localhost in jobs).
    #[arg(long, env = "MADOGUCHI_PUBLIC_URL", value_name = "URL")]
    pub public_url: Option<String>,
    /// The LINE official account's channel secret, which checks the signature of LINE's
    /// webhook calls; without it, every call is refused.
    #[arg(
        long,
        env = "MADOGUCHI_LINE_CHANNEL_SECRET",
        value_name = "SECRET",
        hide_env_values = true
    )]
    pub line_channel_secret: Option<Secret>,
    #[command(flatten)]
    pub delivery: DeliveryArgs,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Which kind of file FILE is.
    #[arg(value_enum)]
    pub format: ImportFormat,
    /// The file to import.
    pub file: PathBuf,
    /// Import the valid records even if some are invalid (otherwise nothing is imported).
    #[arg(long)]
    pub skip_invalid: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ImportFormat {
    /// jGrants: the API response or the normalised record array.
    Jgrants,
    /// J-Net21 支援情報ヘッドライン items.
    Jnet21,
    /// madoguchi's own JSON or CSV (as written by `export`).
    Programs,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    #[arg(long, value_enum, default_value = "json")]
    pub format: ExportFormat,
    /// Write to FILE instead of standard output.
    #[arg(long, short)]
    pub output: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ExportFormat {
    Json,
    /// UTF-8 with BOM, opens correctly in Excel.
    Csv,
}
