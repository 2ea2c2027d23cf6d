//! The public site in a real headless Chromium, under `cargo test`: starts the real binary
//! (`madoguchi serve --demo` on a free port, SQLite in a temporary directory), waits for
//! `/readyz`, and runs `node e2e/run.mjs` against it (axe-core on every public page type,
//! screenshots, a keyboard-only diagnosis). Before serving, it adds an administrator with
//! `madoguchi user add`, whose login and password reach node as `MADOGUCHI_E2E_LOGIN` and
//! `MADOGUCHI_E2E_PASSWORD`, so that the staff console is audited too and a rule is edited,
//! previewed, published and found on the public site; and the demo advisor's 専門家 account
//! (`MADOGUCHI_E2E_EXPERT_*`), so that a consultation is filed from a diagnosis and taken
//! through the desk to its close. With aiosmtpd at hand it starts a real SMTP server on
//! loopback for the server's outbox, so that a notice subscription is confirmed from the
//! e-mail it sent (`MADOGUCHI_E2E_MAILDIR`). The checks themselves live in `e2e/`.
//!
//! Skips with the reason when Node.js, Chromium or `e2e/node_modules` is missing, unless
//! `MADOGUCHI_REQUIRE_BROWSER` is set, as CI does: there a missing browser is a failure.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::database::{Database, PASSWORD};
use common::smtp_sink::SmtpSink;

const REQUIRE_BROWSER_VAR: &str = "MADOGUCHI_REQUIRE_BROWSER";
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// The console account the browser signs in with; it exists only in the test's database.
const E2E_LOGIN: &str = "e2e-admin";
/// The demo's advisor account: made here with a known password, the demo links it to its
/// registry entry (`demo_desk::EXPERT_LOGIN`, `EXPERT_ID`).
const E2E_EXPERT_LOGIN: &str = "demo-expert";
const E2E_EXPERT_ID: &str = "adv-01";

fn e2e_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../e2e")
}

/// Why the browser tests cannot run on this machine, if they cannot.
fn missing_tools() -> Option<String> {
    let node = Command::new("node")
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !node.is_ok_and(|s| s.success()) {
        return Some("node is not on PATH".into());
    }
    let chromium =
        std::env::var("MADOGUCHI_CHROMIUM").unwrap_or_else(|_| DEFAULT_CHROMIUM.to_owned());
    if !Path::new(&chromium).exists() {
        return Some(format!(
            "{chromium} is missing (apt-get install chromium chromium-driver)"
        ));
    }
    for package in ["puppeteer-core", "axe-core"] {
        if !e2e_dir().join("node_modules").join(package).exists() {
            return Some(format!(
                "e2e/node_modules/{package} is missing (PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix e2e)"
            ));
        }
    }
    None
}

#[test]
fn public_site_in_headless_chromium() {
    if let Some(reason) = missing_tools() {
        if std::env::var_os(REQUIRE_BROWSER_VAR).is_some() {
            panic!("{REQUIRE_BROWSER_VAR} is set but the browser tests cannot run: {reason}");
        }
        eprintln!("skipping the browser tests: {reason}");
        return;
    }
    let db = Database::sqlite();
    db.add_account(E2E_LOGIN, "admin");
    db.add_account(E2E_EXPERT_LOGIN, "expert");
    // The server's own outbox worker delivers the notices' e-mails to a real SMTP server.
    let sink = SmtpSink::start()
        .inspect_err(|reason| eprintln!("the notices journey is skipped: {reason}"))
        .ok();
    let smtp_url = sink.as_ref().map(SmtpSink::url);
    let mut options = vec!["--demo"];
    if let Some(url) = &smtp_url {
        options.extend(["--smtp-url", url.as_str()]);
    }
    let server = db.serve(&options);
    let mut node = Command::new("node");
    if let Some(sink) = &sink {
        node.env("MADOGUCHI_E2E_MAILDIR", sink.dir());
    }
    let status = node
        .arg(e2e_dir().join("run.mjs"))
        .arg(server.base())
        .env("MADOGUCHI_E2E_LOGIN", E2E_LOGIN)
        .env("MADOGUCHI_E2E_PASSWORD", PASSWORD)
        .env("MADOGUCHI_E2E_EXPERT_LOGIN", E2E_EXPERT_LOGIN)
        .env("MADOGUCHI_E2E_EXPERT_PASSWORD", PASSWORD)
        .env("MADOGUCHI_E2E_EXPERT_ID", E2E_EXPERT_ID)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the browser tests failed ({status}); each failing check is printed above"
    );
}
