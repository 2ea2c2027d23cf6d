//! The public site in a real headless Chromium, under `cargo test`: starts the real binary
//! (`madoguchi serve --demo` on a free port, SQLite in a temporary directory), waits for
//! `/readyz`, and runs `node e2e/run.mjs` against it (axe-core on every public page type,
//! screenshots, a keyboard-only diagnosis). Before serving, it adds an administrator with
//! `madoguchi user add`, whose login and password reach node as `MADOGUCHI_E2E_LOGIN` and
//! `MADOGUCHI_E2E_PASSWORD`, so that the staff console is audited too and a rule is edited,
//! previewed, published and found on the public site. The checks themselves live in `e2e/`.
//!
//! Skips with the reason when Node.js, Chromium or `e2e/node_modules` is missing, unless
//! `MADOGUCHI_REQUIRE_BROWSER` is set, as CI does: there a missing browser is a failure.

// A panic in a test is a failing test with its message: unwrapping is the point here.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const REQUIRE_BROWSER_VAR: &str = "MADOGUCHI_REQUIRE_BROWSER";
const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";
/// The console account the browser signs in with; it exists only in the test's data directory.
const E2E_LOGIN: &str = "e2e-admin";
const E2E_PASSWORD: &str = "e2e-とても長い合言葉-2026";

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

/// The running server; killed when the test ends, also when it panics.
struct Server {
    child: Child,
    base: String,
    _data: tempfile::TempDir,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    /// Starts `madoguchi serve --demo` on a port the system picks, and reads the address the
    /// server announces on standard output.
    fn start() -> Self {
        let data = tempfile::tempdir().unwrap();
        add_console_account(data.path());
        let child = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
            .arg("--data-dir")
            .arg(data.path())
            .args(["serve", "--demo", "--addr", "127.0.0.1:0"])
            .env_remove("MADOGUCHI_DATABASE_URL")
            .env("MADOGUCHI_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        // The guard exists before anything can panic, so the server never outlives the test.
        let mut server = Self {
            child,
            base: String::new(),
            _data: data,
        };
        let mut lines = BufReader::new(server.child.stdout.take().unwrap()).lines();
        server.base = lines
            .by_ref()
            .map_while(Result::ok)
            .find_map(|line| announced_base(&line))
            .unwrap_or_else(|| panic!("serve exited without announcing its address"));
        // Keep reading so that the server never blocks on a full pipe.
        std::thread::spawn(move || lines.for_each(drop));
        server
    }

    /// Waits until `/readyz` answers 200; fails if the server exits first.
    fn wait_ready(&mut self) {
        let addr = self.base.trim_start_matches("http://").to_owned();
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!("serve exited with {status} before /readyz answered");
            }
            if get_status(&addr, "/readyz").is_some_and(|line| line.contains(" 200 ")) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

/// An administrator in the data directory, made with the real CLI as an operator would.
fn add_console_account(data_dir: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_madoguchi"))
        .arg("--data-dir")
        .arg(data_dir)
        .args([
            "user",
            "add",
            "--login",
            E2E_LOGIN,
            "--name",
            "試験管理者",
            "--admin",
        ])
        .env_remove("MADOGUCHI_DATABASE_URL")
        .env("MADOGUCHI_PASSWORD", E2E_PASSWORD)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "madoguchi user add failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `http://127.0.0.1:PORT` from the line `madoguchi を http://127.0.0.1:PORT/ で公開しています…`.
fn announced_base(line: &str) -> Option<String> {
    let start = line.find("http://")?;
    let url = line[start..].split_whitespace().next()?;
    Some(url.trim_end_matches('/').to_owned())
}

/// The status line of a plain HTTP/1.1 GET, or None while nothing answers.
fn get_status(addr: &str, path: &str) -> Option<String> {
    let mut stream = TcpStream::connect(addr).ok()?;
    // A guard against a server that accepts and never answers, not a speed requirement.
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    response.lines().next().map(str::to_owned)
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
    let mut server = Server::start();
    server.wait_ready();
    let status = Command::new("node")
        .arg(e2e_dir().join("run.mjs"))
        .arg(&server.base)
        .env("MADOGUCHI_E2E_LOGIN", E2E_LOGIN)
        .env("MADOGUCHI_E2E_PASSWORD", E2E_PASSWORD)
        .status()
        .unwrap();
    assert!(
        status.success(),
        "the browser tests failed ({status}); each failing check is printed above"
    );
}

#[test]
fn the_announced_address_is_read_from_the_serve_line() {
    assert_eq!(
        announced_base(
            "madoguchi を http://127.0.0.1:39327/ で公開しています（274件の制度）。Ctrl-C で終了します。"
        )
        .as_deref(),
        Some("http://127.0.0.1:39327")
    );
    assert_eq!(announced_base("取り込み結果：デモ制度カタログ"), None);
}
