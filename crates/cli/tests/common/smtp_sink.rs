//! A real SMTP server on loopback for whole-process tests: the channels crate's aiosmtpd
//! sink (`crates/channels/tests/smtp_sink.py`), which writes every message it accepts to a
//! directory as JSON decoded by Python's own e-mail parser.
//!
//! Absent aiosmtpd, [`SmtpSink::start`] says why, so that a test can skip with the reason,
//! unless `MADOGUCHI_REQUIRE_SMTP` is set, as in CI, where a missing server is a failure.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const REQUIRE_SMTP_VAR: &str = "MADOGUCHI_REQUIRE_SMTP";

/// A running sink; killed when dropped.
pub struct SmtpSink {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../channels/tests/smtp_sink.py")
}

impl SmtpSink {
    /// Starts the sink, or says why it cannot run here (and panics if it must).
    pub fn start() -> Result<Self, String> {
        let found = Command::new("python3")
            .args(["-c", "import aiosmtpd"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !found {
            let reason = "python3 with aiosmtpd is missing (pip install aiosmtpd)".to_owned();
            if std::env::var_os(REQUIRE_SMTP_VAR).is_some() {
                panic!("{REQUIRE_SMTP_VAR} is set but the SMTP server cannot run: {reason}");
            }
            return Err(reason);
        }
        let dir = tempfile::tempdir().unwrap();
        let mut child = Command::new("python3")
            .arg(script())
            .arg(dir.path())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the SMTP sink printed {line:?}, not its port"));
        Ok(Self { child, port, dir })
    }

    /// The URL `--smtp-url` takes for it (plain SMTP on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}?tls=none", self.port)
    }

    /// Where each received message appears as `NNNN.json`.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}
