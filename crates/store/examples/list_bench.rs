//! Times what `GET /console/programs` asks of the store on a catalogue of N synthetic
//! programs (with drafts in every state, new programs only drafted, and programs taken off
//! the site), on SQLite and (when a server is given) PostgreSQL:
//!
//! - **before**: every entry read (`Store::program_entries`), then searched, filtered and
//!   paged in the app, as the list did until the search moved into the database;
//! - **after**: `Store::program_entry_page` (one page and the count, the count left out
//!   when the page is not full), as the list does now.
//!
//! Both give the same page (checked on every run) up to 100,000 programs; past that only
//! the database's list is timed. It also times migration 0019 (the search index) on the
//! loaded catalogue. Run on demand, in release mode, through `benches/console_list/run.sh`.

use std::time::{Duration, Instant};

use madoguchi_core::program::{Program, ProgramId, Title};
use madoguchi_store::testing::{
    TEST_DATABASE_URL_VAR, TestDatabase, entries_matching, synthetic_program,
};
use madoguchi_store::{DraftStep, EntryQuery, EntryShow, Store, StoreError};

const PAGE_SIZE: u32 = 50;

/// The largest catalogue on which every page is checked against (and timed beside) the list
/// worked out in the app from every entry.
const COMPARED_UP_TO: usize = 100_000;

/// Migrations 0019 and 0020 per backend, and what undoes them, to time them on a loaded
/// catalogue.
const SQLITE_SEARCH: [&str; 2] = [
    include_str!("../migrations/sqlite/0019_program_search.sql"),
    include_str!("../migrations/sqlite/0020_program_search_staged.sql"),
];
const UNDO_SQLITE_SEARCH: &str = "DROP TRIGGER program_search_added;
    DROP TRIGGER program_search_retitled;
    DROP TRIGGER program_search_renamed;
    DROP TRIGGER program_search_removed;
    DROP TRIGGER staged_program_search_added;
    DROP TRIGGER staged_program_search_swept;
    DROP TRIGGER program_search_row_added;
    DROP TRIGGER program_search_row_removed;
    DROP TABLE program_search_terms;
    DROP TABLE program_search;
    DROP TABLE program_search_rows;";
const POSTGRES_SEARCH: [&str; 2] = [
    include_str!("../migrations/postgres/0019_program_search.sql"),
    include_str!("../migrations/postgres/0020_program_search_staged.sql"),
];
const UNDO_POSTGRES_SEARCH: &str =
    "DROP INDEX programs_by_trigram; DROP FUNCTION program_search_trigrams;";

/// Programs generated and saved at a time, so that a million never sit in memory at once.
const LOAD_CHUNK: usize = 50_000;

#[tokio::main]
async fn main() -> Result<(), StoreError> {
    let mut args = std::env::args().skip(1);
    let count: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let runs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20);
    // Reading every entry in the app takes seconds a run past this size.
    let compared = count <= COMPARED_UP_TO;
    println!("{count} synthetic programs; median and slowest of {runs} runs each");
    if !compared {
        println!(
            "(past {COMPARED_UP_TO} programs the pages are not compared with the app's reading \
             of every entry, nor is that timed)"
        );
    }
    for db in TestDatabase::every_backend().await? {
        let store = db.migrated_store().await?;
        let started = Instant::now();
        load(&store, count).await?;
        if db.backend_name() == "postgresql" {
            // What autovacuum does soon after an import this size: the statistics (without
            // them the planner guesses the tables' sizes) and the visibility map (without it
            // an index-only scan visits the table too).
            db.execute_sql("VACUUM ANALYZE").await?;
        }
        println!(
            "\n{}: loaded in {:.1} s",
            store.backend_name(),
            started.elapsed().as_secs_f64(),
        );
        // Migrations 0019 and 0020 as a database of this size takes them: the index
        // dropped, then the migrations' own texts run again.
        let (undo, migration) = match db.backend_name() {
            "postgresql" => (UNDO_POSTGRES_SEARCH, POSTGRES_SEARCH),
            _ => (UNDO_SQLITE_SEARCH, SQLITE_SEARCH),
        };
        db.execute_sql(undo).await?;
        let started = Instant::now();
        for migration in migration {
            db.execute_sql(migration).await?;
        }
        println!(
            "migrations 0019 and 0020 (the search index) in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if db.backend_name() == "postgresql" {
            db.execute_sql("VACUUM ANALYZE").await?;
        }
        println!(
            "{:>22} {:>22} {:>8}  list page",
            "before: median / max", "after: median / max", "matches"
        );
        let entries = store.count_program_entries(&EntryQuery::default()).await?;
        let last = entries.saturating_sub(1) / u64::from(PAGE_SIZE);
        let middle = last / 2;
        let cases = [
            ("first page", "", EntryShow::All, 0),
            ("page 1000", "", EntryShow::All, 999),
            ("middle page", "", EntryShow::All, middle),
            ("last page", "", EntryShow::All, last),
            (
                "search 「補助金」 (every title)",
                "補助金",
                EntryShow::All,
                0,
            ),
            (
                "search 「補助」 (2 characters, every title)",
                "補助",
                EntryShow::All,
                0,
            ),
            (
                "search 「創業」 (2 characters, no title)",
                "創業",
                EntryShow::All,
                0,
            ),
            (
                "search 「新規」 (2 characters, new drafts)",
                "新規",
                EntryShow::All,
                0,
            ),
            (
                "search 「合成データ 4242」",
                "合成データ 4242",
                EntryShow::All,
                0,
            ),
            (
                "search an id 「synthetic-00042」",
                "synthetic-00042",
                EntryShow::All,
                0,
            ),
            ("search with no match", "該当なし", EntryShow::All, 0),
            ("filter 下書きがある", "", EntryShow::WithDraft, 0),
            ("filter 確認依頼中", "", EntryShow::InReview, 0),
            ("filter 公開予約済み", "", EntryShow::Scheduled, 0),
            ("filter 公開終了", "", EntryShow::Unpublished, 0),
            (
                "filter 未公開（新規の下書き）",
                "",
                EntryShow::NeverPublished,
                0,
            ),
            (
                "search 「新規」 + 下書きがある",
                "新規",
                EntryShow::WithDraft,
                0,
            ),
            (
                "search 「補助金」 + 公開終了",
                "補助金",
                EntryShow::Unpublished,
                0,
            ),
        ];
        for (label, text, show, page) in cases {
            let query = EntryQuery {
                text: text.to_owned(),
                show,
            };
            let mut before = Vec::new();
            let mut after = Vec::new();
            let mut matches = String::new();
            for _ in 0..runs {
                let started = Instant::now();
                let (total, more, new_page) = listed_in_database(&store, &query, page).await?;
                after.push(started.elapsed());
                if compared {
                    let started = Instant::now();
                    let (old_total, old_page) = listed_in_app(&store, &query, page).await?;
                    before.push(started.elapsed());
                    assert_eq!(old_page, new_page, "{label}");
                    // A search counted up to its cap says only that it finds more.
                    if more {
                        assert!(old_total > total, "{label}");
                    } else {
                        assert_eq!(old_total, total, "{label}");
                    }
                }
                matches = format!("{total}{}", if more { "+" } else { "" });
            }
            println!(
                "{:>22} {:>22} {matches:>8}  {label}",
                figures(&mut before),
                figures(&mut after)
            );
        }
        store.close().await;
    }
    if std::env::var(TEST_DATABASE_URL_VAR).is_err() {
        println!("(set {TEST_DATABASE_URL_VAR} to time PostgreSQL too)");
    }
    Ok(())
}

/// The catalogue of `count` synthetic programs, then drafts: one program in 200 with a
/// draft (a third under review, a third scheduled), one in 1,000 taken off the site, and one
/// new program only drafted for every 500 programs.
async fn load(store: &Store, count: usize) -> Result<(), StoreError> {
    for start in (0..count).step_by(LOAD_CHUNK) {
        let chunk: Vec<Program> = (start..count.min(start + LOAD_CHUNK))
            .map(synthetic_program)
            .collect();
        store.save_programs(&chunk, "bench", &mut |_| {}).await?;
    }
    let later = time::OffsetDateTime::now_utc() + time::Duration::days(30);
    for i in (0..count).step_by(200) {
        let program = synthetic_program(i);
        let draft = store.save_draft(&program, 1, 0, "bench").await?;
        if i % 600 == 200 || i % 600 == 400 {
            let review = store
                .change_draft(&program.id, draft.revision, DraftStep::RequestReview)
                .await?;
            if i % 600 == 400 {
                let step = DraftStep::Schedule {
                    reviewer: "reviewer",
                    publish_at: later,
                    unpublish_at: None,
                };
                store
                    .change_draft(&program.id, review.revision, step)
                    .await?;
            }
        }
    }
    for i in (7..count).step_by(1000) {
        store.unpublish_program(&synthetic_program(i).id).await?;
    }
    for n in 0..count / 500 {
        let new = Program {
            id: ProgramId::parse(&format!("new-{n:05}")).unwrap_or_else(|_| unreachable!()),
            title: Title::parse(&format!("新規の制度（下書き {n}）"))
                .unwrap_or_else(|_| unreachable!()),
            ..synthetic_program(n)
        };
        store.save_draft(&new, 0, 0, "bench").await?;
    }
    Ok(())
}

/// The list as it was: every entry read, then searched, filtered and paged here (`page`
/// from 0).
async fn listed_in_app(
    store: &Store,
    query: &EntryQuery,
    page: u64,
) -> Result<(u64, Vec<ProgramId>), StoreError> {
    let every = store.program_entries().await?;
    let found = entries_matching(&every, query);
    // A page past the end showed the last.
    let size = PAGE_SIZE as usize;
    let last = found.len().saturating_sub(1) / size;
    let page = usize::try_from(page).unwrap_or(usize::MAX).min(last);
    let shown = found
        .iter()
        .skip(page * size)
        .take(size)
        .map(|e| e.id.clone())
        .collect();
    Ok((found.len() as u64, shown))
}

/// The list as it is: one page and the total (and whether more were left uncounted), from
/// the database.
async fn listed_in_database(
    store: &Store,
    query: &EntryQuery,
    page: u64,
) -> Result<(u64, bool, Vec<ProgramId>), StoreError> {
    let found = store.program_entry_page(query, PAGE_SIZE, page + 1).await?;
    let shown = found.entries.into_iter().map(|e| e.id).collect();
    Ok((found.total, found.more, shown))
}

/// 「12.3 / 15.0 ms」: the median and the slowest; 「-」 for what was not timed.
fn figures(times: &mut [Duration]) -> String {
    if times.is_empty() {
        return "-".to_owned();
    }
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "{:.1} / {:.1} ms",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1])
    )
}
