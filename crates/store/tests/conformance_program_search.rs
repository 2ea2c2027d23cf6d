//! The conformance suite for the console list's search through the trigram index (migration
//! 0019), run against every backend like `conformance.rs`: whatever is written, and however
//! (one save, an import, a staged import, a published draft), the indexed search lists
//! exactly what the plain substring search over every entry lists, counts it the same way,
//! and pages every entry the same way from either end.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::{
    TestDatabase, entries_matching, retitled, staged_rows, synthetic_program,
};
use madoguchi_store::{DraftStep, ENTRIES_COUNTED_UP_TO, EntryQuery, EntryShow, Store};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

/// Titles that try the index's edges: Japanese, ASCII in both cases, full-width letters
/// (which only the ASCII fold leaves alone), one- and two-character titles, the `LIKE`
/// wildcards and escape, the quotes of both index query languages, spaces and symbols.
const TITLES: [&str; 16] = [
    "IT導入補助金",
    "創業支援補助金（第Ⅱ期）",
    "Wi-Fi 整備の新しい制度",
    "ＡＢＣ全角の制度",
    "補",
    "補助",
    "100%補助_特別枠 \\ 円",
    "引用符 \"double\" と 'single' の制度",
    "OR AND NOT * : & | ! ( ) <-> の制度",
    "創業",
    "MiXeD cAsE Program",
    "令和8年度 中小企業設備投資促進補助金（合成データ 4242）",
    "ものづくり・商業・サービス補助金",
    "à la carte 制度",
    "𠮷野家の制度",
    "業",
];

fn program(i: usize, title: &str) -> Program {
    Program {
        id: ProgramId::parse(&format!("p{i:02}-Search")).unwrap(),
        ..retitled(&synthetic_program(i), title)
    }
}

fn new_program(id: &str, title: &str) -> Program {
    Program {
        id: ProgramId::parse(id).unwrap(),
        ..retitled(&synthetic_program(0), title)
    }
}

/// Every text to search: each run of one to three characters of every title and id, in
/// the case typed and in upper case, and texts that match nothing or match oddly.
fn texts(store_titles: &[String]) -> Vec<String> {
    let mut texts = BTreeSet::new();
    for title in store_titles {
        let chars: Vec<char> = title.chars().collect();
        for n in 1..=3 {
            for run in chars.windows(n) {
                let text: String = run.iter().collect();
                texts.insert(text.to_uppercase());
                texts.insert(text);
            }
        }
    }
    for text in [
        "補助金",
        "補助",
        "創業",
        "合成データ 4242",
        "p03-search",
        "P03-SEARCH",
        "search",
        "ａｂｃ",
        "abc",
        "ＡＢＣ",
        "\"",
        "'",
        "\\",
        "%",
        "_",
        "該当なし",
        "\u{1}",
        "金\u{1}",
        "x\u{1}\u{1}",
    ] {
        texts.insert(text.to_owned());
    }
    // Blank texts list every entry; the index is asked only for what is left when trimmed.
    texts.retain(|t| !t.trim().is_empty());
    texts.into_iter().collect()
}

/// Checks every text against the plain substring search over every entry: the same entries
/// in the same order, the same total, on one page big enough to hold them all.
async fn search_matches_the_plain_search(store: &Store, name: &str, step: &str) {
    let every = store.program_entries().await.unwrap();
    let mut titles: Vec<String> = every.iter().map(|e| e.title.clone()).collect();
    titles.extend(every.iter().map(|e| e.id.to_string()));
    for text in texts(&titles) {
        let query = EntryQuery {
            text: text.clone(),
            show: EntryShow::All,
        };
        let expected: Vec<String> = entries_matching(&every, &query)
            .iter()
            .map(|e| e.id.to_string())
            .collect();
        let found = store.program_entry_page(&query, 1_000, 1).await.unwrap();
        let listed: Vec<String> = found.entries.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(listed, expected, "{name}, {step}: {text:?}");
        assert_eq!(
            (found.total, found.more),
            (expected.len() as u64, false),
            "{name}, {step}: total of {text:?}"
        );
    }
}

#[tokio::test]
async fn the_indexed_search_lists_what_the_plain_search_lists_after_every_kind_of_write() {
    for db in every_backend().await {
        let name = db.backend_name();
        let store = db.migrated_store().await.unwrap();
        let programs: Vec<Program> = TITLES
            .iter()
            .enumerate()
            .map(|(i, title)| program(i, title))
            .collect();

        // Saved one by one, then drafts: of a new program, and of a published one.
        for program in &programs[..8] {
            store.save_program(program, "cli").await.unwrap();
        }
        let drafted = store
            .save_draft(&new_program("aa-new", "まだ公開していない補助"), 0, 0, "a")
            .await
            .unwrap();
        store
            .save_draft(&retitled(&programs[0], "下書きだけの題名"), 1, 0, "a")
            .await
            .unwrap();
        search_matches_the_plain_search(&store, name, "saved").await;

        // An import of the rest (one transaction, or staged on SQLite), retitling one.
        let mut import: Vec<Program> = programs[8..].to_vec();
        import.push(retitled(&programs[1], "Retitled 補助金 by import"));
        store
            .save_programs(&import, "import:test", &mut |_| {})
            .await
            .unwrap();
        search_matches_the_plain_search(&store, name, "imported").await;
        // While an import is staged (on SQLite its titles are indexed already), and after it:
        // landed, or abandoned. The retitles keep the old title's words, so that a program
        // indexed under both titles would be listed twice.
        let retitles = [
            retitled(&programs[0], "IT導入補助金（段階的な取り込みで変えた題名）"),
            retitled(&programs[2], "段階的な取り込みで変えた題名"),
            program(40, "段階的な取り込みで増えた制度"),
        ];
        let mut staged = store.begin_catalogue_save("import:test").await.unwrap();
        staged.save(&retitles).await.unwrap();
        search_matches_the_plain_search(&store, name, "import being staged").await;
        staged.abandon().await.unwrap();
        search_matches_the_plain_search(&store, name, "staged import abandoned").await;
        let mut staged = store.begin_catalogue_save("import:test").await.unwrap();
        staged.save(&retitles).await.unwrap();
        staged.commit().await.unwrap();
        search_matches_the_plain_search(&store, name, "staged import").await;
        assert_eq!(staged_rows(&store).await.unwrap(), 0, "{name}");

        // A retitled save, a changed draft, a published draft, a discarded one.
        store
            .save_program(&retitled(&programs[3], "ＡＢＣ改め abc の制度"), "cli")
            .await
            .unwrap();
        let renamed = store
            .save_draft(
                &new_program("aa-new", "名前を変えた新しい制度"),
                0,
                drafted.revision,
                "a",
            )
            .await
            .unwrap();
        search_matches_the_plain_search(&store, name, "retitled").await;
        let review = store
            .change_draft(
                &renamed.program.id,
                renamed.revision,
                DraftStep::RequestReview,
            )
            .await
            .unwrap();
        store
            .publish_draft(&review.program.id, review.revision, "console:1")
            .await
            .unwrap();
        let other = store
            .save_draft(&new_program("zz-new", "破棄する補助の下書き"), 0, 0, "a")
            .await
            .unwrap();
        search_matches_the_plain_search(&store, name, "published").await;
        store
            .discard_draft(&other.program.id, other.revision)
            .await
            .unwrap();
        store.unpublish_program(&programs[5].id).await.unwrap();
        search_matches_the_plain_search(&store, name, "discarded").await;
        // With statistics, PostgreSQL looks up only a text's rarer trigrams.
        db.execute_sql("ANALYZE").await.unwrap();
        search_matches_the_plain_search(&store, name, "analyzed").await;
    }
}

#[tokio::test]
async fn a_long_list_is_counted_up_to_its_cap_and_paged_as_the_plain_list_pages() {
    for db in every_backend().await {
        let name = db.backend_name();
        let store = db.migrated_store().await.unwrap();
        let count = usize::try_from(ENTRIES_COUNTED_UP_TO).unwrap() + 40;
        let programs: Vec<Program> = (0..count).map(synthetic_program).collect();
        // Programs first by id that match none of the texts below but 「制度」, so that those
        // texts are not found among the first programs the search reads before the index.
        let others: Vec<Program> = (0..5_000)
            .map(|n| new_program(&format!("a-other-{n:04}"), &format!("ほかの制度 {n}")))
            .collect();
        store
            .save_programs(&[others, programs].concat(), "import:test", &mut |_| {})
            .await
            .unwrap();
        // New programs' drafts between the programs, and before and after all of them.
        for id in [
            "a-first",
            "synthetic-0000500x",
            "synthetic-0000999x",
            "zz-last",
        ] {
            store
                .save_draft(&new_program(id, "合成データの新しい制度"), 0, 0, "a")
                .await
                .unwrap();
        }
        let every = store.program_entries().await.unwrap();
        let ids = |query: &EntryQuery| -> Vec<String> {
            entries_matching(&every, query)
                .iter()
                .map(|e| e.id.to_string())
                .collect()
        };

        // Every entry: each page (7 to a page, so that pages cut between the drafts) as the
        // whole list cut, counted up to the cap; past the end, counted in full.
        let all = ids(&EntryQuery::default());
        let pages = all.len().div_ceil(7);
        for page in (1..=pages)
            .step_by(13)
            .chain([pages / 2, pages / 2 + 1, pages])
        {
            let found = store
                .program_entry_page(&EntryQuery::default(), 7, page as u64)
                .await
                .unwrap();
            let listed: Vec<String> = found.entries.iter().map(|e| e.id.to_string()).collect();
            let start = (page - 1) * 7;
            let expected = &all[start..(start + 7).min(all.len())];
            assert_eq!(listed, expected, "{name}: page {page}");
            assert_eq!((found.total, found.more), (ENTRIES_COUNTED_UP_TO, true));
        }
        let past = store
            .program_entry_page(&EntryQuery::default(), 7, 10_000)
            .await
            .unwrap();
        assert_eq!(
            (past.total, past.more, past.page),
            (all.len() as u64, false, pages as u64)
        );
        assert_eq!(
            past.entries.last().unwrap().id.as_str(),
            "zz-last",
            "{name}"
        );

        // A search that finds more than the cap: counted up to it, and paged as the plain
        // search pages; past its end, counted in full to show the last page.
        for text in ["合成データ", "補助金", "synthetic", "補", "S", "制度"] {
            let query = EntryQuery {
                text: text.to_owned(),
                show: EntryShow::All,
            };
            let expected = ids(&query);
            assert!(expected.len() as u64 > ENTRIES_COUNTED_UP_TO, "{text}");
            for page in [1, 3, 20] {
                let found = store.program_entry_page(&query, 50, page).await.unwrap();
                let listed: Vec<String> = found.entries.iter().map(|e| e.id.to_string()).collect();
                let start = usize::try_from(page - 1).unwrap() * 50;
                assert_eq!(listed, expected[start..start + 50], "{name}: {text} {page}");
                assert_eq!((found.total, found.more), (ENTRIES_COUNTED_UP_TO, true));
            }
            let past = store.program_entry_page(&query, 50, 1_000).await.unwrap();
            let last = expected.len().div_ceil(50);
            assert_eq!((past.total, past.more), (expected.len() as u64, false));
            assert_eq!(past.page, last as u64, "{name}: {text}");
        }

        // A search just under the cap is counted exactly.
        let query = EntryQuery {
            text: "合成データ 1".to_owned(),
            show: EntryShow::All,
        };
        let expected = ids(&query);
        let found = store.program_entry_page(&query, 50, 2).await.unwrap();
        assert_eq!((found.total, found.more), (expected.len() as u64, false));
        let listed: Vec<String> = found.entries.iter().map(|e| e.id.to_string()).collect();
        assert_eq!(listed, expected[50..100.min(expected.len())], "{name}");
    }
}

#[tokio::test]
async fn a_search_with_a_control_character_finds_nothing_and_does_not_fail() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        store
            .save_programs(&[synthetic_program(1)], "cli", &mut |_| {})
            .await
            .unwrap();
        let name = db.backend_name();
        // No title holds a NUL (PostgreSQL's text cannot) or the U+0001 that ends each indexed
        // text, so nothing is found; a one- or two-character text and a longer one take
        // different ways through the index.
        for text in ["\0", "a\0", "合成\0データ", "\u{1}", "制度\u{1}"] {
            for show in [EntryShow::All, EntryShow::WithDraft] {
                let query = EntryQuery {
                    text: text.to_owned(),
                    show,
                };
                let found = store.program_entry_page(&query, 50, 1).await;
                let found = found.unwrap_or_else(|e| panic!("{name}: {text:?}: {e}"));
                assert_eq!(found.total, 0, "{name}: {text:?}");
            }
        }
    }
}
