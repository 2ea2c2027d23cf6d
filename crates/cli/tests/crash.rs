//! Crash safety, measured: `madoguchi serve` killed with SIGKILL in the middle of an import's
//! save and in the middle of publishes, on SQLite and on PostgreSQL, round after round with
//! the kill landing at a different moment each time. After every restart the catalogue is
//! wholly as it was before the change or wholly as it is after it, never in between; the
//! audit log says what the catalogue shows (a change that is there has its entry, one that
//! is not has none); the restarted server serves that catalogue; and `madoguchi check-rules`
//! passes.
//!
//! The console is driven over HTTP as staff drive it (sign in, upload, confirm, publish);
//! only what the pages cannot do is arranged in the store (the drafts to publish). Where a
//! kill lands depends on the machine: the first round of each kind runs to its end and is
//! timed, and the kills of the later rounds are spread over that time (an import's also
//! at the moments its row says 取り込み中 and 完了, watched in the store). Nothing about
//! speed is asserted; each round prints where its kill landed.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::thread;
use std::time::{Duration, Instant};

use common::database::{Database, PASSWORD};
use common::http::Browser;
use common::server::Server;
use madoguchi_core::calendar::JST;
use madoguchi_core::import::own;
use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::{retitled, staged_rows, synthetic_program};
use madoguchi_store::{AuditFilter, ImportJobState, ProgramEntry};
use time::{Date, Month};

/// The staff member who imports and publishes.
const LOGIN: &str = "crash-staff";

/// Programs in every import file: enough that saving them takes a while.
const IMPORTED: usize = 1_500;

/// New programs each import adds besides changing every imported one.
const ADDED_PER_IMPORT: usize = 5;

/// Where an import's kill lands, watching the import's row in the store.
#[derive(Debug, Clone, Copy)]
enum ImportKill {
    /// As soon as the job says 取り込み中.
    Started,
    /// This part of the time the whole first import took from 取り込み中 to 完了.
    Saving(f64),
    /// As soon as the row says 完了 (it is marked in the save's transaction): in the job's
    /// aftermath, the import's log, the catalogue's reload and the audit entry.
    Saved,
}

const IMPORT_KILLS: [ImportKill; 6] = [
    ImportKill::Started,
    ImportKill::Saving(0.25),
    ImportKill::Saving(0.5),
    ImportKill::Saving(0.75),
    ImportKill::Saving(0.95),
    ImportKill::Saved,
];

/// Programs published at once in every publish round.
const PUBLISHED_AT_ONCE: usize = 6;

/// Where the publish kills land, as parts of the time the first (whole) round took.
const PUBLISH_KILLS: [f64; 8] = [0.0, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0];

/// The 公開終了日 each publish round sets (a day of its own per round), so that a publish
/// is several writes and each round's is told from the last.
fn unpublish_day(round: usize) -> Date {
    let day = u8::try_from(round).unwrap();
    Date::from_calendar_date(2099, Month::March, day).unwrap()
}

#[test]
fn an_import_killed_while_saving_leaves_the_catalogue_wholly_before_or_after_on_sqlite() {
    imports_survive_kills(Database::sqlite());
}

#[test]
fn an_import_killed_while_saving_leaves_the_catalogue_wholly_before_or_after_on_postgresql() {
    if let Some(db) = Database::postgres() {
        imports_survive_kills(db);
    }
}

#[test]
fn publishes_killed_midway_leave_each_program_wholly_before_or_after_on_sqlite() {
    publishes_survive_kills(Database::sqlite());
}

#[test]
fn publishes_killed_midway_leave_each_program_wholly_before_or_after_on_postgresql() {
    if let Some(db) = Database::postgres() {
        publishes_survive_kills(db);
    }
}

/// The server, its database and the staff member's browser, across restarts.
struct Desk {
    db: Database,
    server: Option<Server>,
    browser: Browser,
}

impl Desk {
    /// A staff account, a running server and the staff member signed in.
    fn open(db: Database) -> Self {
        db.add_account(LOGIN, "staff");
        let server = db.serve(&[]);
        let mut browser = server.browser();
        browser.sign_in(LOGIN, PASSWORD);
        Self {
            db,
            server: Some(server),
            browser,
        }
    }

    /// Kills the server, waits until the database has let go of its transactions, and
    /// starts it again. The browser keeps its session: sessions live in the database.
    fn crash_and_restart(&mut self) {
        self.server.take().unwrap().kill();
        self.wait_until_no_transaction_is_open();
        let server = self.db.serve(&[]);
        self.browser.set_addr(server.addr());
        self.server = Some(server);
    }

    /// On PostgreSQL the killed process's connections end when the server notices they
    /// are gone; until then its last statement may still be running. A killed SQLite
    /// writer leaves nothing running.
    fn wait_until_no_transaction_is_open(&self) {
        if self.db.backend() != "postgresql" {
            return;
        }
        // Bounded, so that a stuck server fails the test instead of hanging it.
        let wait = "DO $$ BEGIN
            FOR i IN 1..6000 LOOP
                IF NOT EXISTS (SELECT 1 FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()
                      AND backend_type = 'client backend' AND state <> 'idle') THEN
                    RETURN;
                END IF;
                PERFORM pg_sleep(0.01);
                -- A transaction sees one snapshot of the activity unless told to read it again.
                PERFORM pg_stat_clear_snapshot();
            END LOOP;
            RAISE EXCEPTION 'a killed process still has a statement running after 60 s';
        END $$";
        self.db.execute_sql(wait);
    }

    /// Waits until import `id` is in `state` or past it (watching its row, as every process
    /// can); returns when it got there. Fails if the import fails instead.
    fn wait_for_import(&self, id: i64, state: ImportJobState) -> Instant {
        let stage = |s: ImportJobState| match s {
            ImportJobState::Pending => 0,
            ImportJobState::Queued => 1,
            ImportJobState::Running => 2,
            ImportJobState::Done => 3,
            ImportJobState::Failed => panic!("import {id} failed"),
        };
        while stage(import_state(self, id)) < stage(state) {
            thread::sleep(Duration::from_millis(1));
        }
        Instant::now()
    }

    fn entries(&self) -> BTreeMap<ProgramId, ProgramEntry> {
        let entries = self.db.block_on(self.db.store().program_entries()).unwrap();
        entries.into_iter().map(|e| (e.id.clone(), e)).collect()
    }

    /// Entries of the audit log with `action` and `target`.
    fn audited(&self, action: &str, target: &str) -> usize {
        let filter = AuditFilter {
            action: Some(action.to_owned()),
            ..AuditFilter::default()
        };
        let entries = self.db.block_on(self.db.store().audit_entries(&filter));
        entries
            .unwrap()
            .iter()
            .filter(|e| e.target.as_deref() == Some(target))
            .count()
    }

    /// `madoguchi check-rules` passes on the database as the crash left it.
    fn rules_check(&self) {
        self.db.run(&["check-rules"]);
    }

    /// The restarted server's public page of `id` shows `title`, or the program is not
    /// served at all.
    fn serves(&mut self, id: &ProgramId, title: Option<&str>) {
        let page = self.browser.get(&format!("/programs/{id}"));
        match title {
            Some(title) => {
                assert_eq!(page.status, 200, "/programs/{id}");
                assert!(
                    page.body.contains(title),
                    "/programs/{id} does not show 「{title}」"
                );
            }
            None => assert_eq!(page.status, 404, "/programs/{id} is served"),
        }
    }
}

/// Which side of a change the catalogue is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Before,
    After,
}

/// The published part of the catalogue as the checks compare it: title and version by id.
type Published = BTreeMap<ProgramId, (String, u32)>;

fn published(entries: &BTreeMap<ProgramId, ProgramEntry>) -> Published {
    entries
        .values()
        .filter(|e| e.version > 0)
        .map(|e| (e.id.clone(), (e.title.clone(), e.version)))
        .collect()
}

/// Before, after, or a panic naming what is in between.
fn side_of(now: &Published, before: &Published, after: &Published, what: &str) -> Side {
    if now == before {
        return Side::Before;
    }
    if now == after {
        return Side::After;
    }
    let as_before = now
        .iter()
        .filter(|(id, v)| before.get(*id) == Some(v))
        .count();
    let as_after = now
        .iter()
        .filter(|(id, v)| after.get(*id) == Some(v))
        .count();
    let odd: Vec<_> = now
        .iter()
        .filter(|(id, v)| before.get(*id) != Some(v) && after.get(*id) != Some(v))
        .take(3)
        .collect();
    panic!(
        "{what}: the catalogue is neither before nor after the change: {} programs, {as_before} as \
         before ({} then), {as_after} as after ({} then); neither: {odd:?}",
        now.len(),
        before.len(),
        after.len()
    );
}

// ---------------------------------------------------------------------------------------
// Imports

fn import_title(i: usize, round: usize) -> String {
    format!("令和8年度 設備投資促進補助金（取込{round}回目・{i}）")
}

/// Round `round`'s file: every imported program retitled for the round, and a few new ones
/// (round 0: what the command line imports first).
fn import_round(round: usize) -> Vec<Program> {
    let added = (0..ADDED_PER_IMPORT).map(|k| IMPORTED + round * ADDED_PER_IMPORT + k);
    (0..IMPORTED)
        .chain(added)
        .map(|i| retitled(&synthetic_program(i), &import_title(i, round)))
        .collect()
}

/// What the catalogue is once `file` is saved over `before`.
fn after_import(before: &Published, file: &[Program]) -> Published {
    let mut after = before.clone();
    for program in file {
        let version = before.get(&program.id).map_or(1, |(_, v)| v + 1);
        after.insert(
            program.id.clone(),
            (program.title.as_str().to_owned(), version),
        );
    }
    after
}

/// Uploads and confirms `file` from the console; the import's id.
fn upload_and_confirm(desk: &mut Desk, round: usize, file: &[Program]) -> i64 {
    let bytes = own::to_json(file).into_bytes();
    let form = desk.browser.get("/console/imports");
    assert_eq!(form.status, 200, "{}", form.body);
    let name = format!("round-{round}.json");
    let uploaded =
        desk.browser
            .post_file("/console/imports", &[("kind", "madoguchi")], &name, &bytes);
    assert_eq!(uploaded.status, 303, "upload: {}", uploaded.body);
    let id: i64 = uploaded
        .location()
        .strip_prefix("/console/imports/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("upload went to {}", uploaded.location()));
    let confirmed = desk
        .browser
        .post(&format!("/console/imports/{id}/confirm"), &[]);
    assert_eq!(confirmed.status, 303, "confirm: {}", confirmed.body);
    id
}

fn import_state(desk: &Desk, id: i64) -> ImportJobState {
    let row = desk.db.block_on(desk.db.store().pending_import(id));
    row.unwrap().unwrap().state
}

/// Imports a first file to its end (timing it), then kills the server during each later
/// import at a different moment, and checks every crash.
fn imports_survive_kills(db: Database) {
    let backend = db.backend();
    db.import_programs(&import_round(0));
    let mut desk = Desk::open(db);

    // Round 1, whole: how long a save takes here, from 取り込み中 to 完了.
    let first = import_round(1);
    let before = published(&desk.entries());
    let id = upload_and_confirm(&mut desk, 1, &first);
    let started = desk.wait_for_import(id, ImportJobState::Running);
    desk.wait_for_import(id, ImportJobState::Done);
    let save_time = started.elapsed();
    // Its aftermath too: the next preview compares with the reloaded catalogue, and the
    // job's page says 完了 only once this process's catalogue shows the programs.
    while desk
        .browser
        .get(&format!("/console/imports/{id}"))
        .body
        .contains("取り込み中")
    {
        thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(desk.audited("import.done", &id.to_string()), 1);
    assert_eq!(published(&desk.entries()), after_import(&before, &first));
    report(backend, "import", 1, "—", "whole", save_time);

    for (round, kill) in (2..).zip(IMPORT_KILLS) {
        let file = import_round(round);
        let before = published(&desk.entries());
        let after = after_import(&before, &file);
        let id = upload_and_confirm(&mut desk, round, &file);
        let started = desk.wait_for_import(id, ImportJobState::Running);
        let when = match kill {
            ImportKill::Started => "as the job started".to_owned(),
            ImportKill::Saving(part) => {
                thread::sleep(save_time.mul_f64(part).saturating_sub(started.elapsed()));
                format!("{} % into the save", part * 100.0)
            }
            ImportKill::Saved => {
                desk.wait_for_import(id, ImportJobState::Done);
                "as the row said 完了".to_owned()
            }
        };
        let when = format!(
            "{when} ({} ms after 取り込み中)",
            started.elapsed().as_millis()
        );
        desk.crash_and_restart();

        let what = format!("{backend}, import round {round}, killed {when}");
        let side = side_of(&published(&desk.entries()), &before, &after, &what);
        // What a killed SQLite job had staged is gone once the server is back.
        let left = desk.db.block_on(staged_rows(desk.db.store())).unwrap();
        assert_eq!(left, 0, "{what}: rows of the killed import left staged");
        let target = id.to_string();
        let state = import_state(&desk, id);
        let done_entries = desk.audited("import.done", &target);
        match side {
            Side::After => {
                assert_eq!(
                    state,
                    ImportJobState::Done,
                    "{what}: saved, but the job says {state:?}"
                );
                assert_eq!(
                    done_entries, 1,
                    "{what}: the import is in the catalogue but the audit log has no import.done for it"
                );
            }
            Side::Before => {
                assert_ne!(
                    state,
                    ImportJobState::Done,
                    "{what}: nothing saved, but the job says 完了"
                );
                assert_eq!(
                    done_entries, 0,
                    "{what}: nothing saved, but import.done is logged"
                );
                if backend == "sqlite" {
                    // One SQLite process: the restart gives up what the killed one ran.
                    assert_eq!(state, ImportJobState::Failed, "{what}");
                    assert_eq!(
                        desk.audited("import.fail", &target),
                        1,
                        "{what}: no import.fail"
                    );
                }
            }
        }
        let sample = &file[0];
        let added = &file[file.len() - 1];
        let shown = |p: &Program| match side {
            Side::After => Some(p.title.as_str().to_owned()),
            Side::Before => before.get(&p.id).map(|(title, _)| title.clone()),
        };
        desk.serves(&sample.id, shown(sample).as_deref());
        desk.serves(&added.id, shown(added).as_deref());
        desk.rules_check();
        report(backend, "import", round, &when, side_label(side), save_time);
    }
}

// ---------------------------------------------------------------------------------------
// Publishing

fn publish_title(i: usize, round: usize) -> String {
    format!("令和8年度 設備投資促進補助金（公開{round}回目・{i}）")
}

/// What the checks see of one program: its published title and version, its draft's
/// revision, and when it leaves the site.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Standing {
    title: String,
    version: u32,
    draft: Option<u32>,
    leaves: Option<Date>,
}

fn standing(desk: &Desk, id: &ProgramId) -> Standing {
    let entries = desk.entries();
    let entry = &entries[id];
    let draft = desk.db.block_on(desk.db.store().draft(id)).unwrap();
    Standing {
        title: entry.title.clone(),
        version: entry.version,
        draft: draft.map(|d| d.revision),
        leaves: entry.unpublish_at.map(|at| at.to_offset(JST).date()),
    }
}

/// Saves a draft of each program retitled for `round`, as the editor would; their revisions.
fn draft_round(desk: &Desk, programs: &[Program], round: usize, author: &str) -> Vec<u32> {
    let titled = programs.iter().enumerate();
    titled
        .map(|(i, p)| {
            desk.db
                .save_retitled_draft(&p.id, &publish_title(i, round), author)
        })
        .collect()
}

/// Posts every program's publish form at once, each on its own connection; the threads
/// end with the answers, or with nothing when the server is killed first.
fn publish_all(
    desk: &Desk,
    programs: &[Program],
    revisions: &[u32],
    round: usize,
) -> Vec<thread::JoinHandle<Option<u16>>> {
    let leaves = unpublish_day(round).to_string();
    programs
        .iter()
        .zip(revisions)
        .map(|(program, &revision)| {
            let mut browser = desk.browser.clone();
            let (id, leaves) = (program.id.to_string(), leaves.clone());
            thread::spawn(move || {
                let answer = browser.try_publish(&id, revision, &leaves);
                answer.ok().map(|r| r.status)
            })
        })
        .collect()
}

/// Publishes a first round to its end (timing it), then kills the server during each later
/// round at a different moment, and checks every program after every crash.
fn publishes_survive_kills(db: Database) {
    let backend = db.backend();
    let programs: Vec<Program> = (0..PUBLISHED_AT_ONCE).map(synthetic_program).collect();
    db.import_programs(&programs);
    let mut desk = Desk::open(db);
    let author = desk.db.account_id(LOGIN);

    // Round 1, whole: how long publishing them all at once takes here.
    let revisions = draft_round(&desk, &programs, 1, &author);
    let started = Instant::now();
    for answer in publish_all(&desk, &programs, &revisions, 1) {
        assert_eq!(answer.join().unwrap(), Some(303), "a publish failed");
    }
    let round_time = started.elapsed();
    report(backend, "publish", 1, "—", "whole", round_time);

    for (round, part) in (2..).zip(PUBLISH_KILLS) {
        let revisions = draft_round(&desk, &programs, round, &author);
        let before: Vec<(Standing, usize)> = programs
            .iter()
            .map(|p| {
                (
                    standing(&desk, &p.id),
                    desk.audited("program.publish", p.id.as_str()),
                )
            })
            .collect();
        let delay = round_time.mul_f64(part);
        let posts = publish_all(&desk, &programs, &revisions, round);
        thread::sleep(delay);
        desk.crash_and_restart();
        for post in posts {
            let _ = post.join().unwrap();
        }

        let what = format!("{backend}, publish round {round}, killed {delay:?} after posting");
        let mut published_now = 0;
        for (i, (program, (was, logged))) in programs.iter().zip(before).enumerate() {
            let now = standing(&desk, &program.id);
            let after = Standing {
                title: publish_title(i, round),
                version: was.version + 1,
                draft: None,
                leaves: Some(unpublish_day(round)),
            };
            let entries = desk.audited("program.publish", program.id.as_str());
            let side = if now == was {
                Side::Before
            } else if now == after {
                Side::After
            } else {
                panic!(
                    "{what}: {} is neither before ({was:?}) nor after ({after:?}): {now:?}",
                    program.id
                )
            };
            let expected_entries = logged + usize::from(side == Side::After);
            assert_eq!(
                entries, expected_entries,
                "{what}: {} is {side:?} the publish, but the audit log has {entries} program.publish \
                 entries for it ({logged} before)",
                program.id
            );
            desk.serves(&program.id, Some(&now.title));
            published_now += usize::from(side == Side::After);
        }
        desk.rules_check();
        let outcome = format!("{published_now} of {PUBLISHED_AT_ONCE} published");
        let when = format!("{} ms after posting", delay.as_millis());
        report(backend, "publish", round, &when, &outcome, round_time);
    }
}

fn side_label(side: Side) -> &'static str {
    match side {
        Side::Before => "before (nothing saved)",
        Side::After => "after (all saved)",
    }
}

/// One line per round on stderr, shown even when the test passes: where the kill landed.
fn report(backend: &str, kind: &str, round: usize, when: &str, outcome: &str, whole: Duration) {
    let whole = whole.as_millis();
    let _ = writeln!(
        std::io::stderr(),
        "crash {backend:10} {kind:7} round {round} (whole: {whole} ms): killed {when}: {outcome}"
    );
}
