//! The search index kept under `--data-dir` between starts: `serve` killed with SIGKILL, a
//! program renamed while no process runs, and the next start opens the kept index (its
//! segments are still the first start's), mends the renamed program's document and finds it
//! by its new name only. On SQLite, and on PostgreSQL where a server is named.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeSet;
use std::path::Path;

use common::database::Database;
use madoguchi_store::testing::{retitled, synthetic_program};

#[test]
fn a_restart_opens_the_kept_index_and_mends_a_change_made_while_down_on_sqlite() {
    restart_keeps_the_index(Database::sqlite());
}

#[test]
fn a_restart_opens_the_kept_index_and_mends_a_change_made_while_down_on_postgresql() {
    if let Some(db) = Database::postgres() {
        restart_keeps_the_index(db);
    }
}

/// The segment files of every kept copy (tantivy names them by segment id).
fn segments(base: &Path) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for copy in std::fs::read_dir(base).unwrap().flatten() {
        if !copy.path().is_dir() {
            continue;
        }
        for file in std::fs::read_dir(copy.path()).unwrap().flatten() {
            let name = file.file_name().to_string_lossy().into_owned();
            if name.ends_with(".idx") {
                found.insert(name);
            }
        }
    }
    found
}

/// How many programs the search page finds for `words`, whatever their window.
fn found(server: &common::server::Server, words: &str) -> String {
    let query: String = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", words)
        .append_pair("status", "all")
        .finish();
    let page = server.browser().get(&format!("/programs?{query}"));
    assert_eq!(page.status, 200, "/programs?{query}");
    page.body
}

fn restart_keeps_the_index(db: Database) {
    let mut programs: Vec<_> = (0..40).map(synthetic_program).collect();
    programs[7] = retitled(&programs[7], "かんじき雪国事業者応援補助金");
    db.import_programs(&programs);
    let base = db.data_dir().join("search-index");

    // Hits link to their program (their titles are highlighted word by word).
    let renamed = format!("/programs/{}", programs[7].id);
    let first = db.serve(&[]);
    assert!(found(&first, "雪国").contains(&renamed));
    let kept = segments(&base);
    assert!(!kept.is_empty(), "nothing kept under {}", base.display());
    first.kill();

    // Renamed while no process runs: no change reached the kept index.
    db.import_programs(&[retitled(&programs[7], "すだち香る商店街応援補助金")]);

    let second = db.serve(&[]);
    let now = segments(&base);
    assert!(
        kept.is_subset(&now),
        "the kept index was built again instead of opened: {kept:?} then {now:?}"
    );
    assert!(found(&second, "すだち").contains(&renamed));
    assert!(
        !found(&second, "雪国").contains(&renamed),
        "the old name still finds the renamed program"
    );
}
