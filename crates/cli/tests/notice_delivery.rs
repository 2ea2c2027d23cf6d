//! The outbox worker as an operator runs it, `madoguchi notices deliver`, against real
//! counterparts on loopback:
//!
//! - LINE (a stand-in for the Messaging API that remembers retry keys as LINE does): a worker
//!   killed with SIGKILL in the middle of a batch, on PostgreSQL, and a second worker that takes
//!   the lapsed claims again. Every message reaches LINE exactly once: none lost, and the
//!   ones the dead worker had sent but not marked are refused as repeats (409), not sent twice.
//!   And 10,000 messages queued while LINE answers 429 with `Retry-After`: the worker waits as
//!   told, the waits use up no tries, and every message goes out once, none dead.
//! - E-mail: aiosmtpd receives what the worker sends (one-click unsubscribe headers, a text
//!   and an HTML part); a relay that cannot be reached and one that refuses (550) park the
//!   messages with a Japanese reason, and requeued they are delivered after all.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse as _, Response};
use axum::routing::post;
use common::database::Database;
use common::smtp_sink::SmtpSink;
use madoguchi_channels::line::retry_key;
use madoguchi_store::{MessageBody, OutboxCounts, OutboxMessage};
use serde_json::{Value, json};
use tokio::sync::watch;

const TOKEN: &str = "test-channel-access-token";

/// Messages queued for the kill test: several batches' worth.
const LINE_MESSAGES: usize = 2_000;

/// The worker is killed once LINE has accepted this many: some, not all, in mid-batch.
const KILL_AFTER: usize = 750;

/// A guard against a worker that never drains the outbox, not a speed requirement.
const DRAIN_GUARD: Duration = Duration::from_secs(300);

/// Environment settings of the channels that a test passes explicitly when it means them.
const CHANNEL_VARS: [&str; 5] = [
    "MADOGUCHI_SMTP_URL",
    "MADOGUCHI_MAIL_FROM",
    "MADOGUCHI_LINE_API_URL",
    "MADOGUCHI_LINE_CHANNEL_TOKEN",
    "MADOGUCHI_WEBHOOK_SECRET",
];

// ---------------------------------------------------------------------------------------------
// The worker process

/// `madoguchi notices deliver` as a child process; killed when dropped.
struct Worker(Child);

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Worker {
    fn start(db: &Database, options: &[&str]) -> Self {
        let mut deliver = db.command(&["notices", "deliver"]);
        for name in CHANNEL_VARS {
            deliver.env_remove(name);
        }
        let child = deliver
            .args(options)
            .env("MADOGUCHI_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        Self(child)
    }

    /// SIGKILL: no handler runs, no claim is given back.
    fn kill(mut self) {
        self.0.kill().unwrap();
        self.0.wait().unwrap();
    }

    fn assert_running(&mut self) {
        if let Some(status) = self.0.try_wait().unwrap() {
            panic!("the worker exited with {status}");
        }
    }
}

fn counts(db: &Database) -> OutboxCounts {
    db.block_on(db.store().outbox_counts()).unwrap()
}

/// Waits until `done` holds for the outbox's counts; fails if the worker dies or the guard
/// passes.
fn wait_for(db: &Database, worker: &mut Worker, done: impl Fn(&OutboxCounts) -> bool) {
    let start = Instant::now();
    loop {
        let now = counts(db);
        if done(&now) {
            return;
        }
        worker.assert_running();
        assert!(
            start.elapsed() < DRAIN_GUARD,
            "the outbox did not get there: {now:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn queued(key: &str, channel: &'static str, recipient: &str, body: MessageBody) -> OutboxMessage {
    OutboxMessage {
        key: key.to_owned(),
        channel,
        recipient: recipient.to_owned(),
        subscription_id: None,
        notice_id: None,
        body,
    }
}

// ---------------------------------------------------------------------------------------------
// LINE

/// What the stand-in saw.
#[derive(Default)]
struct Ledger {
    /// Retry keys LINE has accepted, each with the text it carried.
    keys: HashMap<String, String>,
    /// How many times each text went out as a new message (a repeat key is not one).
    delivered: HashMap<String, usize>,
    /// Requests refused as repeats of an accepted key (409).
    repeats: usize,
    /// Once this many are accepted, answers wait until `release` (so that the kill lands
    /// while accepted messages are still unanswered, hence unmarked in the outbox).
    hold_from: usize,
}

#[derive(Clone)]
struct StandIn {
    ledger: Arc<Mutex<Ledger>>,
    release: watch::Receiver<bool>,
}

impl StandIn {
    fn with<T>(&self, f: impl FnOnce(&mut Ledger) -> T) -> T {
        f(&mut self.ledger.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

/// `POST /v2/bot/message/push` as LINE answers it: the bearer token checked, a repeated
/// `X-Line-Retry-Key` refused with 409, otherwise accepted after a short while, so that a
/// batch is in flight.
async fn push(State(stand_in): State<StandIn>, headers: HeaderMap, body: Bytes) -> Response {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if header("authorization") != Some(&format!("Bearer {TOKEN}")) {
        return (StatusCode::UNAUTHORIZED, "bad token").into_response();
    }
    let Some(key) = header("x-line-retry-key").map(str::to_owned) else {
        return (StatusCode::BAD_REQUEST, "no retry key").into_response();
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let to = request["to"].as_str().unwrap_or_default();
    let text = request["messages"][0]["text"].as_str().unwrap_or_default();
    let held = stand_in.with(|ledger| {
        if ledger.keys.contains_key(&key) {
            ledger.repeats += 1;
            return None;
        }
        ledger.keys.insert(key.clone(), format!("{to}\n{text}"));
        *ledger.delivered.entry(format!("{to}\n{text}")).or_default() += 1;
        Some(ledger.keys.len() >= ledger.hold_from)
    });
    match held {
        None => (
            StatusCode::CONFLICT,
            axum::Json(json!({ "message": "The retry key is already accepted" })),
        )
            .into_response(),
        Some(held) => {
            if held {
                let mut release = stand_in.release.clone();
                let _ = release.wait_for(|released| *released).await;
            } else {
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            axum::Json(json!({ "sentMessages": [{ "id": "1", "quoteToken": "q" }] }))
                .into_response()
        }
    }
}

/// `count` LINE messages of one notice, each to its own user, with `subject` and a numbered text.
fn line_messages(notice: &str, subject: &str, count: usize) -> Vec<OutboxMessage> {
    (0..count)
        .map(|i| {
            let body = MessageBody {
                subject: subject.to_owned(),
                text: format!("お知らせ {i}"),
                html: None,
                unsubscribe: None,
            };
            queued(
                &format!("{notice}/line-{i}"),
                "line",
                &format!("U{i:032x}"),
                body,
            )
        })
        .collect()
}

#[test]
fn a_worker_killed_mid_batch_loses_and_duplicates_no_line_message_on_postgresql() {
    let Some(db) = Database::postgres() else {
        return;
    };
    let messages = line_messages("notice-1", "新しい制度のお知らせ", LINE_MESSAGES);
    assert_eq!(
        db.block_on(db.store().enqueue(&messages)).unwrap(),
        LINE_MESSAGES as u64
    );

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let (release, released) = watch::channel(false);
    let stand_in = StandIn {
        ledger: Arc::new(Mutex::new(Ledger {
            hold_from: KILL_AFTER,
            ..Ledger::default()
        })),
        release: released,
    };
    let app = Router::new()
        .route("/v2/bot/message/push", post(push))
        .with_state(stand_in.clone());
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move { axum::serve(listener, app).await });

    // A short lease, so that the dead worker's claims lapse soon.
    let options = [
        "--line-api-url",
        base.as_str(),
        "--line-channel-token",
        TOKEN,
        "--notice-lease",
        "2",
        "--notice-batch",
        "100",
        "--notice-in-flight",
        "8",
    ];
    let mut first = Worker::start(&db, &options);
    let start = Instant::now();
    while stand_in.with(|ledger| ledger.keys.len()) < KILL_AFTER {
        first.assert_running();
        assert!(start.elapsed() < DRAIN_GUARD, "LINE got too little");
        std::thread::sleep(Duration::from_millis(2));
    }
    first.kill();
    let at_kill = counts(&db);
    let accepted_at_kill = stand_in.with(|ledger| ledger.keys.len());
    eprintln!("killed with LINE at {accepted_at_kill} accepted, outbox {at_kill:?}");
    assert!(
        at_kill.sending > 0,
        "the kill landed between batches: {at_kill:?}"
    );
    assert!(accepted_at_kill < LINE_MESSAGES);
    release.send(true).unwrap();

    let mut second = Worker::start(&db, &options);
    wait_for(&db, &mut second, |c| c.queued == 0 && c.sending == 0);
    drop(second);

    let done = counts(&db);
    assert_eq!(
        (done.sent, done.dead),
        (LINE_MESSAGES as u64, 0),
        "{done:?}"
    );
    stand_in.with(|ledger| {
        for message in &messages {
            let expected = format!(
                "{}\n{}\n\n{}",
                message.recipient, message.body.subject, message.body.text
            );
            assert_eq!(
                ledger.delivered.get(&expected).copied().unwrap_or_default(),
                1,
                "{} went out other than once",
                message.key
            );
            assert_eq!(
                ledger.keys.get(&retry_key(&message.key)),
                Some(&expected),
                "{} was not sent with its own retry key",
                message.key
            );
        }
        assert_eq!(
            ledger.keys.len(),
            LINE_MESSAGES,
            "LINE got messages not queued"
        );
        // The messages LINE had accepted while the dead worker waited for the answer were
        // sent again with the same key, and refused as repeats.
        assert!(
            ledger.repeats > 0,
            "no repeat: the kill left nothing unmarked"
        );
        eprintln!("{} repeats refused with 409", ledger.repeats);
    });
}

/// Messages queued while LINE answers 429: the figure.
const THROTTLED_MESSAGES: usize = 10_000;

/// Sends at once in the throttling test, and the 429s the stand-in answers before it accepts:
/// three rounds' worth, so that the first messages are refused three times.
const THROTTLED_IN_FLIGHT: usize = 8;
const REFUSALS: usize = 3 * THROTTLED_IN_FLIGHT;

/// What the throttling stand-in saw.
#[derive(Default)]
struct Throttle {
    /// 429s answered, per retry key.
    refused: HashMap<String, usize>,
    /// When each key was last refused.
    refused_at: HashMap<String, Instant>,
    /// Requests that came back sooner than `Retry-After` said.
    too_soon: usize,
    /// Accepted retry keys, each with the text it carried.
    keys: HashMap<String, String>,
    /// How many times each text went out as a new message.
    delivered: HashMap<String, usize>,
}

/// `POST /v2/bot/message/push` while LINE's rate limit is exceeded: 429 with
/// `Retry-After: 1` to the first [`REFUSALS`] requests, then as [`push`] answers.
async fn throttled_push(
    State(throttle): State<Arc<Mutex<Throttle>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(key) = headers
        .get("x-line-retry-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
    else {
        return (StatusCode::BAD_REQUEST, "no retry key").into_response();
    };
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let sent = format!(
        "{}\n{}",
        request["to"].as_str().unwrap_or_default(),
        request["messages"][0]["text"].as_str().unwrap_or_default()
    );
    let mut throttle = throttle.lock().unwrap_or_else(PoisonError::into_inner);
    if throttle
        .refused_at
        .get(&key)
        .is_some_and(|at| at.elapsed() < Duration::from_secs(1))
    {
        throttle.too_soon += 1;
    }
    if throttle.refused.values().sum::<usize>() < REFUSALS {
        *throttle.refused.entry(key.clone()).or_default() += 1;
        throttle.refused_at.insert(key, Instant::now());
        return (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", "1")],
            axum::Json(
                json!({ "message": "The API rate limit has been exceeded. Try again later." }),
            ),
        )
            .into_response();
    }
    if throttle.keys.contains_key(&key) {
        return (
            StatusCode::CONFLICT,
            axum::Json(json!({ "message": "The retry key is already accepted" })),
        )
            .into_response();
    }
    throttle.keys.insert(key, sent.clone());
    *throttle.delivered.entry(sent).or_default() += 1;
    axum::Json(json!({ "sentMessages": [{ "id": "1", "quoteToken": "q" }] })).into_response()
}

#[test]
fn ten_thousand_line_messages_wait_out_429_as_told_and_none_is_lost_or_dead() {
    let db = Database::postgres().unwrap_or_else(Database::sqlite);
    let messages = line_messages("notice-3", "締切が近づいています", THROTTLED_MESSAGES);
    for chunk in messages.chunks(1_000) {
        db.block_on(db.store().enqueue(chunk)).unwrap();
    }

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let throttle = Arc::new(Mutex::new(Throttle::default()));
    let app = Router::new()
        .route("/v2/bot/message/push", post(throttled_push))
        .with_state(Arc::clone(&throttle));
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move { axum::serve(listener, app).await });

    // Two tries only, with a short backoff: were a 429 counted as a try, the rows refused
    // twice would be dead.
    let mut worker = Worker::start(
        &db,
        &[
            "--line-api-url",
            base.as_str(),
            "--line-channel-token",
            TOKEN,
            "--notice-max-attempts",
            "2",
            "--notice-retry-base",
            "1",
            "--notice-batch",
            "500",
            "--notice-in-flight",
            &THROTTLED_IN_FLIGHT.to_string(),
        ],
    );
    wait_for(&db, &mut worker, |c| {
        c.sent + c.dead == THROTTLED_MESSAGES as u64
    });
    drop(worker);

    let done = counts(&db);
    assert_eq!(
        (done.sent, done.dead, done.queued, done.sending),
        (THROTTLED_MESSAGES as u64, 0, 0, 0),
        "{done:?}"
    );
    let throttle = throttle.lock().unwrap_or_else(PoisonError::into_inner);
    for message in &messages {
        let expected = format!(
            "{}\n{}\n\n{}",
            message.recipient, message.body.subject, message.body.text
        );
        assert_eq!(
            throttle
                .delivered
                .get(&expected)
                .copied()
                .unwrap_or_default(),
            1,
            "{} went out other than once",
            message.key
        );
    }
    let refused: usize = throttle.refused.values().sum();
    let most = throttle.refused.values().copied().max().unwrap_or_default();
    eprintln!(
        "429 answered {refused} times to {} messages, at most {most} times to one",
        throttle.refused.len()
    );
    assert!(
        most >= 2,
        "no message was refused twice, so the test proves nothing"
    );
    assert_eq!(
        throttle.too_soon, 0,
        "a message came back sooner than asked"
    );
}

// ---------------------------------------------------------------------------------------------
// E-mail

fn mail_body(i: usize) -> MessageBody {
    MessageBody {
        subject: "【窓口】新しい制度のお知らせ".to_owned(),
        text: format!("お知らせ {i}\n配信の停止: https://city.example.jp/notices/unsubscribe/t{i}"),
        html: Some(format!("<p>お知らせ {i}</p>")),
        unsubscribe: Some(format!("https://city.example.jp/notices/unsubscribe/t{i}")),
    }
}

fn enqueue_mails(db: &Database, count: usize) -> Vec<OutboxMessage> {
    let messages: Vec<OutboxMessage> = (0..count)
        .map(|i| {
            let to = format!("jigyosha{i}@example.jp");
            queued(&format!("notice-2/mail-{i}"), "email", &to, mail_body(i))
        })
        .collect();
    db.block_on(db.store().enqueue(&messages)).unwrap();
    messages
}

/// Every message the sink received, as Python's e-mail parser read it.
fn received(sink: &SmtpSink) -> Vec<Value> {
    let mut files: Vec<_> = std::fs::read_dir(sink.dir())
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|path| serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
        .collect()
}

fn smtp_sink() -> Option<SmtpSink> {
    SmtpSink::start()
        .inspect_err(|reason| eprintln!("skipped: {reason}"))
        .ok()
}

#[test]
fn queued_emails_reach_the_smtp_server_with_one_click_unsubscribe_and_both_parts() {
    let Some(sink) = smtp_sink() else {
        return;
    };
    let db = Database::sqlite();
    let messages = enqueue_mails(&db, 12);
    let url = sink.url();
    let mut worker = Worker::start(
        &db,
        &[
            "--smtp-url",
            &url,
            "--mail-from",
            "中小企業相談窓口 <desk@city.example.jp>",
        ],
    );
    wait_for(&db, &mut worker, |c| c.sent == 12);

    let mails = received(&sink);
    assert_eq!(mails.len(), messages.len());
    let mut ids = BTreeSet::new();
    for mail in &mails {
        let to = mail["rcpt_tos"][0].as_str().unwrap();
        let i: usize = to
            .strip_prefix("jigyosha")
            .and_then(|rest| rest.strip_suffix("@example.jp"))
            .unwrap()
            .parse()
            .unwrap();
        let headers = &mail["headers"];
        assert_eq!(
            headers["list-unsubscribe"],
            format!("<https://city.example.jp/notices/unsubscribe/t{i}>")
        );
        assert_eq!(
            headers["list-unsubscribe-post"],
            "List-Unsubscribe=One-Click"
        );
        assert_eq!(headers["subject"], "【窓口】新しい制度のお知らせ");
        assert!(
            headers["from"]
                .as_str()
                .unwrap()
                .contains("中小企業相談窓口 <desk@city.example.jp>"),
            "{}",
            headers["from"]
        );
        ids.insert(headers["message-id"].as_str().unwrap().to_owned());
        let part = |kind: &str| {
            mail["parts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|p| p["content_type"] == kind)
                .and_then(|p| p["content"].as_str())
                .unwrap_or_else(|| panic!("no {kind} part in {mail}"))
                .to_owned()
        };
        let text = part("text/plain");
        assert_eq!(
            text.lines().next(),
            Some(format!("お知らせ {i}").as_str()),
            "{text:?}"
        );
        assert!(part("text/html").contains(&format!("<p>お知らせ {i}</p>")));
    }
    assert_eq!(ids.len(), messages.len(), "Message-IDs repeat");
}

/// A relay on loopback that greets, then refuses every recipient with 550.
fn refusing_relay() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            std::thread::spawn(move || {
                let mut writer = stream.try_clone().unwrap();
                let _ = writer.write_all(b"220 relay.test ESMTP\r\n");
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 relay.test\r\n",
                        "RCPT" => b"550 5.1.1 No such user here\r\n",
                        "QUIT" => b"221 2.0.0 Bye\r\n",
                        _ => b"250 2.0.0 OK\r\n",
                    };
                    if writer.write_all(reply).is_err() || verb == "QUIT" {
                        break;
                    }
                }
            });
        }
    });
    port
}

/// A loopback port nobody listens on.
fn closed_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Runs a worker against `smtp_url` until all `count` rows are dead; returns their reasons
/// and puts them back in the queue.
fn park_and_requeue(db: &Database, smtp_url: &str, count: u64) -> Vec<String> {
    let mut worker = Worker::start(
        db,
        &[
            "--smtp-url",
            smtp_url,
            "--notice-retry-base",
            "1",
            "--notice-max-attempts",
            "2",
        ],
    );
    wait_for(db, &mut worker, |c| c.dead == count);
    drop(worker);
    let dead = db.block_on(db.store().dead_letters(100)).unwrap();
    for letter in &dead {
        assert!(db.block_on(db.store().requeue_dead(letter.id)).unwrap());
    }
    dead.into_iter().map(|letter| letter.last_error).collect()
}

#[test]
fn a_relay_that_cannot_be_reached_or_refuses_parks_the_mail_in_japanese_and_loses_none() {
    let db = Database::sqlite();
    enqueue_mails(&db, 3);

    let unreachable = format!("smtp://127.0.0.1:{}?tls=none", closed_port());
    for reason in park_and_requeue(&db, &unreachable, 3) {
        assert!(
            reason.starts_with("2回送信を試みましたが、届きませんでした"),
            "{reason}"
        );
    }
    let refusing = format!("smtp://127.0.0.1:{}?tls=none", refusing_relay());
    for reason in park_and_requeue(&db, &refusing, 3) {
        assert!(
            reason.starts_with("送信できませんでした（再送しても届かない内容です）")
                && reason.contains("550"),
            "{reason}"
        );
    }
    assert_eq!(counts(&db).queued, 3, "requeued, none lost");

    let Some(sink) = smtp_sink() else {
        return;
    };
    let mut worker = Worker::start(&db, &["--smtp-url", &sink.url()]);
    wait_for(&db, &mut worker, |c| c.sent == 3);
    assert_eq!(received(&sink).len(), 3);
}

// ---------------------------------------------------------------------------------------------
// The benchmark's enqueue step

/// Not a check: the enqueue step of `benches/notices/smtp.sh`, through the store's own
/// `enqueue` as the matcher uses it, so that the benchmark times the real path. Puts
/// `MADOGUCHI_BENCH_EMAILS` e-mails in the outbox of `MADOGUCHI_BENCH_DATABASE_URL`.
#[test]
#[ignore = "run by benches/notices/smtp.sh"]
fn smtp_benchmark_enqueue() {
    let url = std::env::var("MADOGUCHI_BENCH_DATABASE_URL").unwrap();
    let count: usize = std::env::var("MADOGUCHI_BENCH_EMAILS")
        .unwrap()
        .parse()
        .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let store = madoguchi_store::Store::connect(&url).await.unwrap();
        store.migrate().await.unwrap();
        let messages: Vec<OutboxMessage> = (0..count)
            .map(|i| {
                let to = format!("jigyosha{i}@example.jp");
                queued(&format!("bench/mail-{i}"), "email", &to, mail_body(i))
            })
            .collect();
        let start = Instant::now();
        for chunk in messages.chunks(1_000) {
            store.enqueue(chunk).await.unwrap();
        }
        let seconds = start.elapsed().as_secs_f64();
        println!(
            "enqueued {count} e-mails in {seconds:.2} s: {:.0} e-mails/s",
            count as f64 / seconds
        );
        store.close().await;
    });
}
