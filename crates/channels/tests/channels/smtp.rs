//! E-mail: a real SMTP server (aiosmtpd, `tests/smtp_sink.py`) for what a relay receives, and
//! tiny scripted relays on a TCP listener for refusals, hangs and lost connections.
//!
//! Without python3 and aiosmtpd the tests that need the real server print why and pass, unless
//! `MADOGUCHI_REQUIRE_SMTP=1` (CI), where they fail. The TLS tests make a throw-away CA and
//! server certificate with the `openssl` command under the same rule.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use madoguchi_channels::{Message, Recipient, SendError, Sent, Smtp, Unsubscribe};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader as TokioBufReader};
use tokio::net::TcpListener;

use crate::{QUICK, closed_port, message, sorted};

const FROM: &str = "desk@city.example.jp";
const FROM_NAME: &str = "中小企業相談窓口";

// ---------------------------------------------------------------------------------------------
// The real server

/// Whether a test that needs `what` may run; prints why not, or fails in CI.
fn available(what: &str, check: &mut Command) -> bool {
    let ok = check
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !ok {
        assert!(
            std::env::var("MADOGUCHI_REQUIRE_SMTP").as_deref() != Ok("1"),
            "{what} is required (MADOGUCHI_REQUIRE_SMTP=1) but not available"
        );
        println!(
            "skipped: {what} is not available (install it, or set MADOGUCHI_REQUIRE_SMTP=1 to fail instead)"
        );
    }
    ok
}

fn aiosmtpd_available() -> bool {
    available(
        "python3 with aiosmtpd",
        Command::new("python3").args(["-c", "import aiosmtpd"]),
    )
}

/// aiosmtpd running `smtp_sink.py`, killed when dropped.
struct Sink {
    child: Child,
    port: u16,
    directory: tempdir::TempDir,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    /// Starts the sink with `extra` arguments, or `None` (after saying why) where aiosmtpd is
    /// missing.
    fn start(extra: &[&str]) -> Option<Self> {
        if !aiosmtpd_available() {
            return None;
        }
        let directory = tempdir::TempDir::new();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/smtp_sink.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(directory.path())
            .args(extra)
            // aiosmtpd warns about its own use of a deprecated attribute on every AUTH.
            .env("PYTHONWARNINGS", "ignore::DeprecationWarning")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("python3: {e}"));
        let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the sink did not print its port: {line:?}"));
        Some(Self {
            child,
            port,
            directory,
        })
    }

    /// A client for this sink in plain text, with `credentials` (`user:password@`) or "".
    fn client(&self, credentials: &str) -> Smtp {
        smtp(&format!(
            "smtp://{credentials}127.0.0.1:{}?tls=none",
            self.port
        ))
    }

    /// The `n`-th message received (from 1), as the sink's summary and the raw bytes.
    fn received(&self, n: usize) -> (Value, String) {
        let stem = self.directory.path().join(format!("{n:04}"));
        let json = stem.with_extension("json");
        let deadline = Instant::now() + Duration::from_secs(10);
        while !json.exists() {
            assert!(Instant::now() < deadline, "the sink got no message {n}");
            std::thread::sleep(Duration::from_millis(20));
        }
        let read = |path: &PathBuf| {
            std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        };
        let summary = serde_json::from_str(&read(&json)).unwrap_or_else(|e| panic!("{e}"));
        (summary, read(&stem.with_extension("eml")))
    }

    fn count(&self) -> usize {
        std::fs::read_dir(self.directory.path())
            .map(|entries| {
                entries
                    .filter_map(Result::ok)
                    .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                    .count()
            })
            .unwrap_or(0)
    }
}

/// A directory of its own per sink, removed afterwards; no crate needed for so little.
mod tempdir {
    use std::path::{Path, PathBuf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    pub struct TempDir(PathBuf);

    impl TempDir {
        pub fn new() -> Self {
            static NEXT: AtomicUsize = AtomicUsize::new(0);
            let path = std::env::temp_dir().join(format!(
                "madoguchi-channels-{}-{}",
                std::process::id(),
                NEXT.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{e}"));
            Self(path)
        }

        pub fn path(&self) -> &Path {
            &self.0
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

fn smtp(url: &str) -> Smtp {
    Smtp::from_url(url, FROM, Some(FROM_NAME))
        .unwrap_or_else(|e| panic!("{url}: {e}"))
        .with_timeouts(QUICK)
}

fn email(key: &str) -> Message {
    message(key, Recipient::Email("yamada@example.jp".to_owned()))
}

fn header<'a>(summary: &'a Value, name: &str) -> &'a str {
    summary["headers"][name]
        .as_str()
        .unwrap_or_else(|| panic!("no {name} header in {summary}"))
}

#[tokio::test]
async fn an_email_arrives_with_encoded_japanese_headers_both_parts_and_one_click_unsubscribe() {
    let Some(sink) = Sink::start(&[]) else {
        return;
    };
    let smtp = sink.client("");
    let mut message = email("outbox-1");
    message.html = Some("<p>山田様</p><p>ご相談を受け付けました。</p>".to_owned());
    message.unsubscribe = Some(Unsubscribe {
        url: "https://city.example.jp/notices/unsubscribe?t=abc".to_owned(),
        mailto: Some("unsubscribe@city.example.jp".to_owned()),
    });

    let sent = smtp.send(&message).await;
    assert_eq!(sent, Ok(Sent { already: false }));

    let (summary, raw) = sink.received(1);
    assert_eq!(summary["mail_from"], FROM);
    assert_eq!(
        summary["rcpt_tos"],
        serde_json::json!(["yamada@example.jp"])
    );
    assert_eq!(header(&summary, "from"), format!("{FROM_NAME} <{FROM}>"));
    assert_eq!(header(&summary, "to"), "yamada@example.jp");
    assert_eq!(
        header(&summary, "subject"),
        "【窓口】ご相談を受け付けました"
    );
    assert_eq!(
        header(&summary, "list-unsubscribe"),
        "<https://city.example.jp/notices/unsubscribe?t=abc>, <mailto:unsubscribe@city.example.jp>"
    );
    assert_eq!(
        header(&summary, "list-unsubscribe-post"),
        "List-Unsubscribe=One-Click"
    );
    let message_id = header(&summary, "message-id");
    assert!(
        message_id.starts_with('<') && message_id.ends_with("@city.example.jp>"),
        "{message_id}"
    );
    assert!(summary["headers"]["date"].is_string());

    assert_eq!(summary["content_type"], "multipart/alternative");
    let parts = summary["parts"]
        .as_array()
        .unwrap_or_else(|| panic!("{summary}"));
    assert_eq!(parts.len(), 2, "{summary}");
    assert_eq!(parts[0]["content_type"], "text/plain");
    assert_eq!(parts[0]["charset"], "utf-8");
    assert_eq!(
        parts[0]["content"]
            .as_str()
            .map(|s| s.replace("\r\n", "\n").trim_end().to_owned()),
        Some(message.text.clone())
    );
    assert_eq!(parts[1]["content_type"], "text/html");
    assert!(
        parts[1]["content"]
            .as_str()
            .is_some_and(|html| html.contains("ご相談を受け付けました。")),
        "{summary}"
    );

    // On the wire everything is 7-bit: the subject as an RFC 2047 encoded word, the bodies
    // transfer-encoded.
    assert!(raw.is_ascii(), "{raw}");
    let subject_line = raw
        .lines()
        .find(|line| line.starts_with("Subject:"))
        .unwrap_or_else(|| panic!("{raw}"));
    assert!(subject_line.contains("=?utf-8?"), "{subject_line}");
}

#[tokio::test]
async fn a_resend_of_the_same_outbox_row_has_the_same_message_id_and_another_row_does_not() {
    let Some(sink) = Sink::start(&[]) else {
        return;
    };
    let smtp = sink.client("");
    for key in ["outbox-7", "outbox-7", "outbox-8"] {
        assert_eq!(smtp.send(&email(key)).await, Ok(Sent { already: false }));
    }
    let id = |n| header(&sink.received(n).0, "message-id").to_owned();
    assert_eq!(id(1), id(2));
    assert_ne!(id(1), id(3));
}

#[tokio::test]
async fn a_text_only_email_is_one_text_plain_part() {
    let Some(sink) = Sink::start(&[]) else {
        return;
    };
    let smtp = sink.client("");
    assert!(smtp.send(&email("outbox-2")).await.is_ok());
    let (summary, raw) = sink.received(1);
    assert_eq!(summary["content_type"], "text/plain", "{summary}");
    assert_eq!(
        summary["parts"][0]["content"]
            .as_str()
            .map(|s| s.replace("\r\n", "\n").trim_end().to_owned())
            .as_deref(),
        Some(email("outbox-2").text.as_str())
    );
    assert!(
        summary["headers"].get("list-unsubscribe").is_none(),
        "{raw}"
    );
}

#[tokio::test]
async fn the_client_authenticates_when_the_url_has_credentials_and_a_wrong_password_is_permanent() {
    let Some(sink) = Sink::start(&["--auth", "desk@city.example.jp:p@ss word"]) else {
        return;
    };
    let as_desk = |password: &str| sink.client(&format!("desk%40city.example.jp:{password}@"));
    assert_eq!(
        as_desk("p%40ss%20word").send(&email("outbox-3")).await,
        Ok(Sent { already: false })
    );
    assert_eq!(sink.received(1).0["authenticated"], true);

    let refused = as_desk("wrong").send(&email("outbox-4")).await;
    assert!(
        matches!(&refused, Err(SendError::Permanent { reason }) if reason.contains("AUTH")),
        "{refused:?}"
    );
    assert_eq!(sink.count(), 1);
}

#[tokio::test]
async fn tls_required_does_not_send_to_a_relay_without_starttls() {
    let Some(sink) = Sink::start(&[]) else {
        return;
    };
    let outcome = smtp(&format!("smtp://127.0.0.1:{}", sink.port))
        .send(&email("outbox-5"))
        .await;
    assert!(
        matches!(&outcome, Err(SendError::Retry { reason, .. }) if reason.contains("STARTTLS")),
        "{outcome:?}"
    );
    assert_eq!(sink.count(), 0);
}

// ---------------------------------------------------------------------------------------------
// TLS, with a throw-away CA

/// A CA and a server certificate for 127.0.0.1, made with the `openssl` command.
struct Certificates {
    directory: tempdir::TempDir,
}

impl Certificates {
    fn make() -> Option<Self> {
        if !available("openssl", Command::new("openssl").arg("version")) {
            return None;
        }
        let directory = tempdir::TempDir::new();
        let dir = directory.path();
        std::fs::write(
            dir.join("leaf.ext"),
            "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let new_key = "-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes";
        let steps = [
            format!("req -x509 {new_key} -keyout ca.key -out ca.pem -days 2 -subj /CN=test-ca"),
            format!("req {new_key} -keyout leaf.key -out leaf.csr -subj /CN=localhost"),
            "x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem \
             -days 2 -extfile leaf.ext"
                .to_owned(),
        ];
        for step in steps {
            let args: Vec<&str> = step.split_whitespace().collect();
            let output = Command::new("openssl")
                .args(&args)
                .current_dir(dir)
                .output()
                .unwrap_or_else(|e| panic!("openssl: {e}"));
            assert!(
                output.status.success(),
                "openssl {args:?}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        Some(Self { directory })
    }

    fn path(&self, name: &str) -> String {
        self.directory.path().join(name).display().to_string()
    }

    fn ca_pem(&self) -> Vec<u8> {
        std::fs::read(self.path("ca.pem")).unwrap_or_else(|e| panic!("{e}"))
    }
}

#[tokio::test]
async fn starttls_and_implicit_tls_reach_a_relay_whose_ca_was_added_and_not_one_whose_was_not() {
    let Some(certificates) = Certificates::make() else {
        return;
    };
    let (cert, key) = (certificates.path("leaf.pem"), certificates.path("leaf.key"));
    let (Some(starttls), Some(implicit)) = (
        Sink::start(&["--starttls", &cert, &key, "--auth", "desk:secret"]),
        Sink::start(&["--implicit-tls", &cert, &key]),
    ) else {
        return;
    };
    let trusting = |url: String| {
        smtp(&url)
            .with_root_certificate_pem(&certificates.ca_pem())
            .unwrap_or_else(|e| panic!("{e}"))
    };

    let upgraded = trusting(format!("smtp://desk:secret@127.0.0.1:{}", starttls.port));
    assert_eq!(
        upgraded.send(&email("outbox-10")).await,
        Ok(Sent { already: false })
    );
    let (summary, _) = starttls.received(1);
    assert_eq!(summary["encrypted"], true);
    assert_eq!(summary["authenticated"], true);

    let wrapped = trusting(format!("smtps://127.0.0.1:{}", implicit.port));
    assert_eq!(
        wrapped.send(&email("outbox-11")).await,
        Ok(Sent { already: false })
    );
    assert_eq!(implicit.received(1).0["encrypted"], true);

    // Without the CA the certificate is not trusted, and nothing is sent.
    let untrusted = smtp(&format!("smtps://127.0.0.1:{}", implicit.port))
        .send(&email("outbox-12"))
        .await;
    assert!(
        matches!(untrusted, Err(SendError::Retry { .. })),
        "{untrusted:?}"
    );
    assert_eq!(implicit.count(), 1);
}

// ---------------------------------------------------------------------------------------------
// Scripted relays

/// What a scripted relay does at one point of the conversation.
#[derive(Clone, Copy)]
enum Reply {
    Say(&'static str),
    /// Never answers.
    Hang,
    /// Closes the connection.
    Close,
}

/// A relay that plays along (EHLO, DATA) and answers the greeting, MAIL, RCPT and the end of
/// the message as scripted. Serves one connection and returns its address.
#[derive(Clone, Copy)]
struct Script {
    greeting: Reply,
    mail: Reply,
    rcpt: Reply,
    end_of_data: Reply,
    /// Offers PIPELINING (RFC 2920) in its EHLO reply.
    pipelining: bool,
}

const ACCEPTING: Script = Script {
    greeting: Reply::Say("220 relay.test ESMTP"),
    mail: Reply::Say("250 2.1.0 OK"),
    rcpt: Reply::Say("250 2.1.5 OK"),
    end_of_data: Reply::Say("250 2.0.0 queued"),
    pipelining: false,
};

async fn scripted(script: Script) -> u16 {
    scripted_watching(script, Arc::new(AtomicBool::new(false))).await
}

/// [`scripted`], setting `grouped` when RCPT and DATA had already arrived when MAIL was read:
/// the client sent them pipelined.
async fn scripted_watching(script: Script, grouped: Arc<AtomicBool>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let port = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("{e}"))
        .port();
    tokio::spawn(async move {
        let Ok((stream, _)) = listener.accept().await else {
            return;
        };
        let (read, mut write) = stream.into_split();
        let mut lines = TokioBufReader::new(read).lines();
        let mut in_data = false;
        let mut reply = script.greeting;
        loop {
            match reply {
                Reply::Say(text) => {
                    if write
                        .write_all(format!("{text}\r\n").as_bytes())
                        .await
                        .is_err()
                    {
                        return;
                    }
                }
                Reply::Hang => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    return;
                }
                Reply::Close => return,
            }
            // Read until the next line that needs an answer.
            reply = loop {
                let Ok(Some(line)) = lines.next_line().await else {
                    return;
                };
                if in_data {
                    if line == "." {
                        in_data = false;
                        break script.end_of_data;
                    }
                    continue;
                }
                let verb = line.split(' ').next().unwrap_or("").to_ascii_uppercase();
                break match verb.as_str() {
                    "EHLO" if script.pipelining => {
                        Reply::Say("250-relay.test\r\n250-PIPELINING\r\n250 8BITMIME")
                    }
                    "EHLO" => Reply::Say("250-relay.test\r\n250 8BITMIME"),
                    "MAIL" => {
                        let waiting = String::from_utf8_lossy(lines.get_ref().buffer());
                        if waiting.contains("RCPT TO:") && waiting.contains("DATA\r\n") {
                            grouped.store(true, Ordering::SeqCst);
                        }
                        script.mail
                    }
                    "RCPT" => script.rcpt,
                    "DATA" => {
                        in_data = true;
                        Reply::Say("354 go ahead")
                    }
                    "QUIT" => Reply::Say("221 bye"),
                    _ => Reply::Say("502 not implemented"),
                };
            };
        }
    });
    port
}

#[tokio::test]
async fn every_behaviour_of_a_relay_is_sorted_into_sent_retry_park_or_unknown_within_the_deadlines()
{
    use Reply::{Close, Hang, Say};
    let cases = [
        ("accepts", ACCEPTING, "sent"),
        (
            "refuses at the greeting",
            Script {
                greeting: Say("554 5.7.1 go away"),
                ..ACCEPTING
            },
            "park",
        ),
        (
            "refuses MAIL for now",
            Script {
                mail: Say("451 4.3.0 try again later"),
                ..ACCEPTING
            },
            "retry",
        ),
        (
            "refuses the recipient",
            Script {
                rcpt: Say("550 5.1.1 no such user"),
                ..ACCEPTING
            },
            "park",
        ),
        (
            "refuses the recipient for now",
            Script {
                rcpt: Say("452 4.2.2 mailbox full"),
                ..ACCEPTING
            },
            "retry",
        ),
        (
            "rejects the message",
            Script {
                end_of_data: Say("554 5.6.0 rejected as spam"),
                ..ACCEPTING
            },
            "park",
        ),
        (
            "greylists the message",
            Script {
                end_of_data: Say("451 4.7.1 greylisted"),
                ..ACCEPTING
            },
            "retry",
        ),
        (
            "hangs at the greeting",
            Script {
                greeting: Hang,
                ..ACCEPTING
            },
            "retry",
        ),
        (
            "hangs at RCPT",
            Script {
                rcpt: Hang,
                ..ACCEPTING
            },
            "retry",
        ),
        (
            "closes at MAIL",
            Script {
                mail: Close,
                ..ACCEPTING
            },
            "retry",
        ),
        (
            "goes quiet after the message",
            Script {
                end_of_data: Hang,
                ..ACCEPTING
            },
            "unknown",
        ),
        (
            "closes after the message",
            Script {
                end_of_data: Close,
                ..ACCEPTING
            },
            "unknown",
        ),
    ];
    // All at once: the hanging ones each wait out a deadline. Every case twice: with the
    // commands one by one, and pipelined to a relay that offers it.
    let mut running = Vec::new();
    for (what, script, expected) in cases.into_iter().flat_map(|(what, script, expected)| {
        [false, true].map(|pipelining| {
            let what = if pipelining {
                format!("{what} (pipelining)")
            } else {
                what.to_owned()
            };
            (
                what,
                Script {
                    pipelining,
                    ..script
                },
                expected,
            )
        })
    }) {
        running.push(tokio::spawn(async move {
            let port = scripted(script).await;
            let started = Instant::now();
            let outcome = smtp(&format!("smtp://127.0.0.1:{port}?tls=none"))
                .send(&email("outbox-20"))
                .await;
            (what, expected, outcome, started.elapsed())
        }));
    }
    for handle in running {
        let (what, expected, outcome, took) = handle.await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            sorted(&outcome),
            expected,
            "a relay that {what}: {outcome:?}"
        );
        assert!(
            took < Duration::from_secs(6),
            "a relay that {what} took {took:?}"
        );
    }
}

#[tokio::test]
async fn commands_are_pipelined_only_to_a_relay_that_offers_it() {
    for pipelining in [false, true] {
        let grouped = Arc::new(AtomicBool::new(false));
        let script = Script {
            pipelining,
            ..ACCEPTING
        };
        let port = scripted_watching(script, Arc::clone(&grouped)).await;
        let outcome = smtp(&format!("smtp://127.0.0.1:{port}?tls=none"))
            .send(&email("outbox-21"))
            .await;
        assert_eq!(sorted(&outcome), "sent", "{outcome:?}");
        assert_eq!(grouped.load(Ordering::SeqCst), pipelining);
    }
}

#[tokio::test]
async fn a_relay_that_refuses_the_connection_is_retried() {
    let outcome = smtp(&format!("smtp://127.0.0.1:{}?tls=none", closed_port()))
        .send(&email("outbox-21"))
        .await;
    assert_eq!(sorted(&outcome), "retry", "{outcome:?}");
}

#[tokio::test]
async fn an_invalid_address_or_unsubscribe_link_is_permanent_without_connecting() {
    // Port 9 on loopback: nothing listens, and nothing must try.
    let smtp = smtp("smtp://127.0.0.1:9?tls=none");
    let mut bad_address = email("outbox-30");
    bad_address.to = Recipient::Email("not an address".to_owned());
    let mut bad_link = email("outbox-31");
    bad_link.unsubscribe = Some(Unsubscribe {
        url: "javascript:alert(1)".to_owned(),
        mailto: None,
    });
    for message in [bad_address, bad_link] {
        let outcome = smtp.send(&message).await;
        assert!(
            matches!(outcome, Err(SendError::Permanent { .. })),
            "{outcome:?}"
        );
    }
}
