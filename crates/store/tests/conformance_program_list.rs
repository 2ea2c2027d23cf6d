//! The conformance suite for the console's program list (programs with their drafts, and
//! programs only drafted, searched, filtered, counted and paged in the database), run
//! against every backend like `conformance.rs`.

// Helpers outside `#[test]` functions unwrap too: a panic there is a failing test.
#![allow(clippy::unwrap_used)]

use madoguchi_core::program::{Program, ProgramId};
use madoguchi_store::testing::{
    TestDatabase, entries_matching, published, retitled, scheduled_draft, synthetic_program,
};
use madoguchi_store::{DraftState, DraftStep, EntryQuery, EntryShow, Store};
use time::{Duration, OffsetDateTime};

async fn every_backend() -> Vec<TestDatabase> {
    TestDatabase::every_backend().await.unwrap()
}

#[tokio::test]
async fn the_console_list_shows_programs_with_their_drafts_and_programs_only_drafted() {
    for db in every_backend().await {
        let (store, program) = published(&db).await.unwrap();
        store.save_draft(&program, 1, 0, "a").await.unwrap();
        let new = retitled(&synthetic_program(0), "まだ公開していない制度");
        store.save_draft(&new, 0, 0, "a").await.unwrap();
        let entries = store.program_entries().await.unwrap();
        let summary: Vec<(String, u32, Option<DraftState>)> = entries
            .iter()
            .map(|e| (e.title.clone(), e.version, e.draft_state))
            .collect();
        let mut expected = vec![
            (program.title.to_string(), 1, Some(DraftState::Draft)),
            (
                "まだ公開していない制度".to_owned(),
                0,
                Some(DraftState::Draft),
            ),
        ];
        if new.id < program.id {
            expected.reverse();
        }
        assert_eq!(summary, expected, "{}", db.backend_name());
        let one = store.program_entry(&new.id).await.unwrap().unwrap();
        assert_eq!(
            (one.title.as_str(), one.version),
            ("まだ公開していない制度", 0)
        );
        let published = store.program_entry(&program.id).await.unwrap().unwrap();
        assert_eq!(published.version, 1);
        assert!(
            store
                .program_entry(&ProgramId::parse("no-such").unwrap())
                .await
                .unwrap()
                .is_none()
        );
    }
}

async fn listed(store: &Store, text: &str, show: EntryShow) -> Vec<String> {
    let query = EntryQuery {
        text: text.to_owned(),
        show,
    };
    let page = store.program_entries_page(&query, 1000, 0).await.unwrap();
    assert_eq!(
        store.count_program_entries(&query).await.unwrap(),
        page.len() as u64,
        "count of {text:?} {show:?}"
    );
    page.into_iter().map(|e| e.id.to_string()).collect()
}

#[tokio::test]
async fn the_console_list_is_searched_filtered_counted_and_paged_in_the_database() {
    for db in every_backend().await {
        let store = db.migrated_store().await.unwrap();
        let titles = [
            "IT導入補助金",
            "100%補助_特別枠",
            "1000補助 特別枠",
            "第Ⅱ期 創業支援",
            "確認を待つ制度",
            "公開を予約した制度",
            "公開を終えた制度",
            "ふつうの制度",
        ];
        let programs: Vec<Program> = titles
            .iter()
            .enumerate()
            .map(|(i, title)| retitled(&synthetic_program(i + 1), title))
            .collect();
        for program in &programs {
            store.save_program(program, "cli").await.unwrap();
        }
        let review = store.save_draft(&programs[4], 1, 0, "a").await.unwrap();
        store
            .change_draft(&programs[4].id, review.revision, DraftStep::RequestReview)
            .await
            .unwrap();
        scheduled_draft(
            &store,
            &programs[5],
            OffsetDateTime::now_utc() + Duration::days(3),
        )
        .await
        .unwrap();
        store.unpublish_program(&programs[6].id).await.unwrap();
        let new = |id: &str, title: &str| Program {
            id: ProgramId::parse(id).unwrap(),
            ..retitled(&synthetic_program(0), title)
        };
        store
            .save_draft(&new("aa-new", "まだ公開していない制度"), 0, 0, "a")
            .await
            .unwrap();
        let waiting = store
            .save_draft(&new("zz-new", "Wi-Fi 整備の新しい制度"), 0, 0, "a")
            .await
            .unwrap();
        store
            .change_draft(
                &waiting.program.id,
                waiting.revision,
                DraftStep::RequestReview,
            )
            .await
            .unwrap();
        let ids = |n: &[usize]| -> Vec<String> {
            n.iter().map(|&i| programs[i].id.to_string()).collect()
        };
        let name = db.backend_name();

        // Every entry, by id in byte order; pages of 4 cut it without gaps or overlaps.
        let all = listed(&store, "", EntryShow::All).await;
        let mut expected: Vec<String> = ids(&[0, 1, 2, 3, 4, 5, 6, 7]);
        expected.insert(0, "aa-new".to_owned());
        expected.push("zz-new".to_owned());
        assert_eq!(all, expected, "{name}");
        let mut paged = Vec::new();
        for offset in [0, 4, 8] {
            let page = store
                .program_entries_page(&EntryQuery::default(), 4, offset)
                .await
                .unwrap();
            assert_eq!(page.len(), if offset == 8 { 2 } else { 4 }, "{name}");
            paged.extend(page.into_iter().map(|e| e.id.to_string()));
        }
        assert_eq!(paged, all, "{name}");
        for (limit, offset) in [(4, 10), (4, 1_000_000), (0, 0), (u32::MAX, u64::MAX)] {
            assert!(
                store
                    .program_entries_page(&EntryQuery::default(), limit, offset)
                    .await
                    .unwrap()
                    .is_empty(),
                "{name}: limit {limit} offset {offset}"
            );
        }
        let last = store
            .program_entries_page(&EntryQuery::default(), 4, 9)
            .await
            .unwrap();
        assert_eq!(last.len(), 1);
        assert_eq!(last[0].id.as_str(), "zz-new");
        assert_eq!(last[0].title, "Wi-Fi 整備の新しい制度");
        assert_eq!(last[0].version, 0);

        // The workflow's filters.
        let mut drafted = vec!["aa-new".to_owned()];
        drafted.extend(ids(&[4, 5]));
        drafted.push("zz-new".to_owned());
        assert_eq!(
            listed(&store, "", EntryShow::WithDraft).await,
            drafted,
            "{name}"
        );
        let mut in_review = ids(&[4]);
        in_review.push("zz-new".to_owned());
        assert_eq!(
            listed(&store, "", EntryShow::InReview).await,
            in_review,
            "{name}"
        );
        assert_eq!(listed(&store, "", EntryShow::Scheduled).await, ids(&[5]));
        assert_eq!(listed(&store, "", EntryShow::Unpublished).await, ids(&[6]));
        assert_eq!(
            listed(&store, "", EntryShow::NeverPublished).await,
            ["aa-new", "zz-new"]
        );

        // The search: titles and ids, ASCII letters in either case, `%` and `_` as typed.
        assert_eq!(
            listed(&store, "it", EntryShow::All).await,
            ids(&[0]),
            "{name}"
        );
        assert_eq!(listed(&store, " wi-fi ", EntryShow::All).await, ["zz-new"]);
        assert_eq!(
            listed(&store, "100%", EntryShow::All).await,
            ids(&[1]),
            "{name}"
        );
        assert_eq!(listed(&store, "補助_特別", EntryShow::All).await, ids(&[1]));
        assert_eq!(listed(&store, "%", EntryShow::All).await, ids(&[1]));
        assert_eq!(listed(&store, "_", EntryShow::All).await, ids(&[1]));
        assert!(listed(&store, "\\", EntryShow::All).await.is_empty());
        assert_eq!(
            listed(&store, "補助", EntryShow::All).await,
            ids(&[0, 1, 2])
        );
        assert_eq!(
            listed(&store, "第Ⅱ期", EntryShow::All).await,
            ids(&[3]),
            "{name}"
        );
        assert_eq!(
            listed(
                &store,
                &programs[7].id.as_str().to_uppercase(),
                EntryShow::All
            )
            .await,
            ids(&[7])
        );
        assert_eq!(listed(&store, "まだ公開", EntryShow::All).await, ["aa-new"]);
        assert_eq!(
            listed(&store, "制度", EntryShow::NeverPublished).await,
            ["aa-new", "zz-new"]
        );
        assert_eq!(listed(&store, "制度", EntryShow::InReview).await, in_review);
        assert!(listed(&store, "まだ", EntryShow::InReview).await.is_empty());
        let searched = EntryQuery {
            text: "制度".to_owned(),
            show: EntryShow::All,
        };
        let second = store.program_entries_page(&searched, 2, 2).await.unwrap();
        assert_eq!(
            second.iter().map(|e| e.id.to_string()).collect::<Vec<_>>(),
            ids(&[5, 6]),
            "{name}"
        );

        // Pages by number: the total counted or, on a page not full, told by the page;
        // a page past the end shows the last.
        let page = |query: EntryQuery, per_page: u32, page: u64| {
            let store = &store;
            async move {
                let found = store
                    .program_entry_page(&query, per_page, page)
                    .await
                    .unwrap();
                let ids: Vec<String> = found.entries.iter().map(|e| e.id.to_string()).collect();
                (ids, found.total, found.page)
            }
        };
        let every = EntryQuery::default;
        assert_eq!(
            page(every(), 4, 1).await,
            (all[..4].to_vec(), 10, 1),
            "{name}"
        );
        assert_eq!(page(every(), 4, 0).await, (all[..4].to_vec(), 10, 1));
        assert_eq!(page(every(), 4, 3).await, (all[8..].to_vec(), 10, 3));
        assert_eq!(page(every(), 4, 4).await, (all[8..].to_vec(), 10, 3));
        assert_eq!(page(every(), 4, u64::MAX).await, (all[8..].to_vec(), 10, 3));
        assert_eq!(page(every(), 5, 2).await, (all[5..].to_vec(), 10, 2));
        assert_eq!(page(every(), 5, 3).await, (all[5..].to_vec(), 10, 2));
        assert_eq!(page(every(), 0, 2).await, (all[1..2].to_vec(), 10, 2));
        let nothing = || EntryQuery {
            text: "どこにもない".to_owned(),
            show: EntryShow::All,
        };
        assert_eq!(page(nothing(), 4, 1).await, (Vec::new(), 0, 1));
        assert_eq!(page(nothing(), 4, 7).await, (Vec::new(), 0, 1));
        let review = || EntryQuery {
            text: String::new(),
            show: EntryShow::InReview,
        };
        assert_eq!(
            page(review(), 1, 2).await,
            (vec!["zz-new".to_owned()], 2, 2)
        );
        assert_eq!(page(review(), 50, 1).await, (in_review.clone(), 2, 1));

        // A new program's draft is found by its title as last saved.
        store
            .save_draft(&new("aa-new", "名前を変えた制度"), 0, 1, "a")
            .await
            .unwrap();
        assert_eq!(
            listed(&store, "名前を変えた", EntryShow::All).await,
            ["aa-new"]
        );
        assert!(listed(&store, "まだ公開", EntryShow::All).await.is_empty());

        // Whatever the query, the database lists what filtering every entry in the app did.
        let every = store.program_entries().await.unwrap();
        for text in [
            "",
            "it",
            "IT",
            "制度",
            "synthetic-000000",
            "%",
            "_",
            "補助 ",
            "new",
        ] {
            for show in EntryShow::ALL {
                let query = EntryQuery {
                    text: text.to_owned(),
                    show,
                };
                let expected: Vec<String> = entries_matching(&every, &query)
                    .iter()
                    .map(|e| e.id.to_string())
                    .collect();
                assert_eq!(
                    listed(&store, text, show).await,
                    expected,
                    "{name}: {text:?} {show:?}"
                );
            }
        }
    }
}
