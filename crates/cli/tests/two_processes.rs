//! Two `madoguchi serve` processes on one PostgreSQL database behind a round-robin proxy on
//! loopback, as a city runs them behind its load balancer: each new connection goes to the
//! other process, and every request here is a connection of its own. A program published
//! through one process is served by the other (it hears of the change through the
//! database's NOTIFY; see docs/robustness.md for how soon), and neither a visitor's answers
//! in the diagnosis nor a staff member's session depend on which process answers.
//!
//! PostgreSQL only (several app processes share a database only there): skipped with the
//! reason without `MADOGUCHI_TEST_DATABASE_URL`, a failure with `MADOGUCHI_REQUIRE_POSTGRES`.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{self, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::thread;
use std::time::{Duration, Instant};

use common::database::{Database, PASSWORD};
use common::http::{self, Browser, Response};
use common::server::Server;

const LOGIN: &str = "proxy-staff";

/// How long the test waits for the other process before calling it lost: a guard against
/// hanging, far above the documented time, not a speed requirement.
const GIVE_UP_AFTER: Duration = Duration::from_secs(90);

/// A TCP proxy on loopback: each new connection goes to the next backend in turn.
struct Proxy {
    addr: String,
    /// The backend (index) each connection went to, in order.
    routed: Arc<Mutex<Vec<usize>>>,
}

impl Proxy {
    fn start(backends: Vec<String>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let routed = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&routed);
        // Lives as long as the test binary: it only ever waits for the next connection.
        thread::spawn(move || {
            for (n, client) in listener.incoming().enumerate() {
                let Ok(client) = client else { continue };
                let backend = n % backends.len();
                log.lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .push(backend);
                let target = backends[backend].clone();
                thread::spawn(move || relay(client, &target));
            }
        });
        Self { addr, routed }
    }

    fn routed(&self) -> Vec<usize> {
        self.routed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// Copies bytes both ways between the client and the backend until both are done.
fn relay(client: TcpStream, backend: &str) {
    let Ok(server) = TcpStream::connect(backend) else {
        return;
    };
    let (Ok(mut client_in), Ok(mut server_out)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let upstream = thread::spawn(move || {
        let _ = io::copy(&mut client_in, &mut server_out);
        let _ = server_out.shutdown(Shutdown::Write);
    });
    let (mut server_in, mut client_out) = (server, client);
    let _ = io::copy(&mut server_in, &mut client_out);
    let _ = client_out.shutdown(Shutdown::Write);
    let _ = upstream.join();
}

/// Two processes on one fresh database with the demo catalogue and a staff account, and the
/// proxy in front of them; `None` when PostgreSQL is skipped.
fn two_processes() -> Option<(Database, [Server; 2], Proxy)> {
    let db = Database::postgres()?;
    db.run(&["demo"]);
    db.add_account(LOGIN, "staff");
    let servers = [db.serve(&[]), db.serve(&[])];
    let proxy = Proxy::start(servers.iter().map(|s| s.addr().to_owned()).collect());
    Some((db, servers, proxy))
}

/// Every request went to the other process than the one before.
fn assert_alternated(proxy: &Proxy) {
    let routed = proxy.routed();
    assert!(routed.len() >= 4, "{routed:?}");
    assert!(
        routed.windows(2).all(|w| w[0] != w[1]),
        "consecutive requests went to the same process: {routed:?}"
    );
}

#[test]
fn a_program_published_through_one_process_is_served_by_the_other() {
    let Some((db, servers, proxy)) = two_processes() else {
        return;
    };
    let program = db.block_on(db.store().programs()).unwrap().remove(0);
    let title = "窓口で公開した新しい題名（二つのプロセス）";
    let author = db.account_id(LOGIN);
    let revision = db.save_retitled_draft(&program.id, title, &author);

    let mut staff = Browser::new(&proxy.addr);
    staff.sign_in(LOGIN, PASSWORD);
    staff.get(&format!("/console/programs/{}/edit", program.id));
    let published = staff
        .try_publish(program.id.as_str(), revision, "")
        .unwrap();
    assert_eq!(published.status, 303, "publish: {}", published.body);
    let publisher = *proxy.routed().last().unwrap();
    let other = &servers[1 - publisher];

    let started = Instant::now();
    let path = format!("/programs/{}", program.id);
    loop {
        let page = http::exchange(other.addr(), "GET", &path, &[], b"").unwrap();
        if page.body.contains(title) {
            break;
        }
        assert!(
            started.elapsed() < GIVE_UP_AFTER,
            "the other process still serves the old {path} after {GIVE_UP_AFTER:?}"
        );
        thread::sleep(Duration::from_millis(20));
    }
    let _ = writeln!(
        io::stderr(),
        "two processes: published through process {publisher}, served by the other after {} ms",
        started.elapsed().as_millis()
    );
    assert_alternated(&proxy);
}

#[test]
fn a_visitors_answers_and_a_staff_session_survive_every_request_going_to_the_other_process() {
    let Some((_db, _servers, proxy)) = two_processes() else {
        return;
    };
    let mut visitor = Browser::new(&proxy.addr);
    let mut page = visitor.get("/diagnosis");
    let mut answered = 0;
    while answered < 4 {
        answered += 1;
        assert_eq!(page.status, 200, "{}", page.body);
        let (field, fields) = answer(&page);
        let fields: Vec<(&str, &str)> = fields.iter().map(|(n, v)| (*n, v.as_str())).collect();
        let sent = visitor.post("/diagnosis/answer", &fields);
        assert_eq!(sent.status, 303, "answering {field}: {}", sent.body);
        page = visitor.get(sent.location());
        if sent.location().starts_with("/diagnosis/results") {
            break;
        }
        let progress = format!("これまでに{answered}項目に回答");
        assert!(
            page.body.contains(&progress),
            "after answering {field} on the other process, the next step does not say 「{progress}」"
        );
        assert_ne!(
            page.hidden("field").as_deref(),
            Some(field.as_str()),
            "{field} is asked again on the other process"
        );
    }
    let results = visitor.get("/diagnosis/results");
    assert_eq!(results.status, 200, "{}", results.body);
    let start = results.body.find("id=\"answers-heading\"").unwrap();
    let end = results.body[start..].find("</section>").unwrap() + start;
    let listed = results.body[start..end].matches("<dt>").count();
    assert_eq!(
        listed,
        answered,
        "「あなたの回答」 on the other process: {}",
        &results.body[start..end]
    );

    let mut staff = Browser::new(&proxy.addr);
    staff.sign_in(LOGIN, PASSWORD);
    for path in ["/console", "/console/programs", "/console/imports"] {
        let page = staff.get(path);
        assert_eq!(
            page.status, 200,
            "{path} on the other process: {}",
            page.body
        );
    }
    // A form posted to the other process than the page came from: the token is the session's.
    let log_out = staff.post("/console/logout", &[]);
    assert_eq!(log_out.status, 303, "{}", log_out.body);
    let after = staff.get("/console");
    assert_eq!(after.status, 303, "still signed in after signing out");
    assert_alternated(&proxy);
}

/// The answer a visitor gives on this step: the first choice offered, or a typed value the
/// question's example suggests; with the form's other fields (the browser adds the token).
fn answer(step: &Response) -> (String, Vec<(&'static str, String)>) {
    let field = step.hidden("field").unwrap();
    let typed = match field.as_str() {
        "municipality" => Some("日置市"),
        "employees" => Some("12"),
        "founded" => Some("2015-04-01"),
        _ if step.body.contains("type=\"text\" id=\"answer\"") => Some("1000万円"),
        _ => None,
    };
    let value = typed
        .map(str::to_owned)
        .or_else(|| first_choice(&step.body));
    let mut fields = vec![
        ("field", field.clone()),
        ("step", step.hidden("step").unwrap()),
        ("action", "next".to_owned()),
    ];
    fields.push((
        "value",
        value.unwrap_or_else(|| panic!("no answer to {field}")),
    ));
    (field, fields)
}

/// The first non-empty `value` of an option, a radio button or a check box.
fn first_choice(body: &str) -> Option<String> {
    ["<option value=\"", "name=\"value\" value=\""]
        .iter()
        .flat_map(|marker| {
            body.match_indices(marker)
                .map(move |(i, _)| i + marker.len())
        })
        .filter_map(|start| {
            let end = body[start..].find('"')? + start;
            Some(body[start..end].to_owned())
        })
        .find(|value| !value.is_empty())
}
