//! madoguchi: the one binary a municipality runs.
//!
//! Parses the command line, resolves the configuration and hands off to one command
//! module. User errors are printed in Japanese and end the process with status 1.

mod cli;
mod commands;
mod config;
mod dates;
mod input;
mod output;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};
use crate::config::Config;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(&cli.command);
    let config = Config::from_args(&cli.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(err) => {
            eprintln!("エラー: 実行環境を初期化できません（{err}）。");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(&config, &cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("エラー: {err}");
            for cause in err.chain().skip(1) {
                eprintln!("  原因: {cause}");
            }
            ExitCode::FAILURE
        }
    }
}

async fn run(config: &Config, command: &Command) -> anyhow::Result<()> {
    match command {
        Command::Serve(args) => commands::serve::run(config, args).await,
        Command::Migrate => commands::migrate::run(config).await,
        Command::Import(args) => commands::import::run(config, args).await,
        Command::Export(args) => commands::export::run(config, args).await,
        Command::Demo => commands::demo::run(config).await,
        Command::Backup { file } => commands::backup::backup(config, file).await,
        Command::Restore { file } => commands::backup::restore(config, file).await,
        Command::Classify(args) => commands::classify::run(args),
        Command::Diagnose(args) => commands::diagnose::run(config, args).await,
        Command::CheckRules(args) => commands::check_rules::run(config, args).await,
        Command::User(args) => commands::user::run(config, args).await,
        Command::Desk(args) => commands::desk::run(config, args).await,
        Command::Notices(args) => commands::notices::run(config, args).await,
    }
}

/// Logs go to standard error; `serve` logs requests at info, other commands only warnings.
fn init_logging(command: &Command) {
    // sqlx warns of slow statements; a 100,000-program import is slow by nature, not broken.
    let default = if matches!(command, Command::Serve(_)) {
        "info,sqlx=error"
    } else {
        "warn,sqlx=error"
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("MADOGUCHI_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    // Colour codes only for a person at a terminal, not in a log file or the journal.
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .init();
}
