//! The search over the demo catalogue: Japanese queries, facets and their counts, orders,
//! suggestions for empty results, and every kind of bad input the issue names.
#![allow(clippy::unwrap_used)]

mod common;

use std::sync::OnceLock;

use madoguchi_core::program::{GovLevel, ProgramKind, Purpose};
use madoguchi_core::reference::{JsicCode, LocalGovCode};
use madoguchi_search::{
    AmountBand, FilterKind, MAX_QUERY_CHARS, SearchIndex, SearchQuery, SearchResults, Segment,
    Sort, Suggestion, WindowState,
};

fn index() -> &'static SearchIndex {
    static INDEX: OnceLock<SearchIndex> = OnceLock::new();
    INDEX.get_or_init(|| SearchIndex::build(&common::demo_programs()).unwrap())
}

fn search(query: SearchQuery) -> SearchResults {
    index().search(&query, common::as_of()).unwrap()
}

fn everything(text: &str) -> SearchQuery {
    SearchQuery {
        status: None,
        limit: 100,
        ..SearchQuery::words(text)
    }
}

fn ids(results: &SearchResults) -> Vec<String> {
    results.hits.iter().map(|h| h.id.to_string()).collect()
}

/// Every hit of `query`, page by page.
fn all_ids(query: SearchQuery) -> Vec<String> {
    let mut out = Vec::new();
    loop {
        let page = search(SearchQuery {
            offset: out.len(),
            ..query.clone()
        });
        if page.hits.is_empty() {
            return out;
        }
        out.extend(ids(&page));
    }
}

fn count(results: &SearchResults, filter: FilterKind, code: &str) -> usize {
    results
        .facets
        .iter()
        .find(|f| f.filter == filter)
        .and_then(|f| f.values.iter().find(|v| v.code == code))
        .map_or(0, |v| v.count)
}

#[test]
fn full_width_and_plain_queries_find_the_named_program_first() {
    for text in ["ＩＴ導入", "IT導入", "ｉｔ導入"] {
        assert_eq!(ids(&search(everything(text)))[0], "demo-it-donyu", "{text}");
    }
    let top = search(everything("ＩＴ導入"));
    assert!(
        Segment::bracketed(&top.hits[0].title).contains("[IT導入]"),
        "{:?}",
        top.hits[0].title
    );
}

#[test]
fn hiragana_queries_find_kanji_names_through_their_readings() {
    if !index().has_readings() {
        assert!(std::env::var_os("MADOGUCHI_REQUIRE_IPADIC").is_none());
        println!("skipped: the IPADIC source is not installed (apt-get install mecab-ipadic)");
        return;
    }
    assert!(ids(&search(everything("じぞくか")))[..3].contains(&"demo-jizokuka".to_owned()));
    let monozukuri = ids(&search(everything("もの作り")));
    assert!(
        monozukuri[..10].contains(&"demo-monozukuri".to_owned()),
        "{monozukuri:?}"
    );
}

#[test]
fn open_programs_are_the_default_and_the_switch_shows_all() {
    let open = search(SearchQuery {
        limit: 100,
        ..SearchQuery::words("補助金")
    });
    let all = search(everything("補助金"));
    assert!(open.total < all.total);
    assert_eq!(count(&all, FilterKind::Status, "open"), open.total);
    let closed = count(&all, FilterKind::Status, "closed");
    assert!(closed > 0);
    let states: usize = WindowState::ALL
        .iter()
        .map(|s| count(&all, FilterKind::Status, s.code()))
        .sum();
    assert_eq!(states, all.total);
}

#[test]
fn facet_counts_are_what_choosing_the_value_finds() {
    let base = everything("支援");
    let results = search(base.clone());
    for level in GovLevel::ALL {
        let chosen = search(SearchQuery {
            level: Some(*level),
            ..base.clone()
        });
        assert_eq!(
            count(&results, FilterKind::Level, level.code()),
            chosen.total
        );
        assert!(
            chosen.facets[0]
                .values
                .iter()
                .any(|v| v.selected && v.code == level.code())
        );
    }
    for kind in ProgramKind::ALL {
        let chosen = search(SearchQuery {
            kind: Some(*kind),
            ..base.clone()
        });
        assert_eq!(count(&results, FilterKind::Kind, kind.code()), chosen.total);
    }
    for band in AmountBand::ALL {
        let chosen = search(SearchQuery {
            amount: Some(band),
            ..base.clone()
        });
        assert_eq!(
            count(&results, FilterKind::Amount, band.code()),
            chosen.total
        );
    }
    let purpose = Purpose::EquipmentIt;
    let chosen = search(SearchQuery {
        purpose: Some(purpose),
        ..base.clone()
    });
    assert_eq!(
        count(&results, FilterKind::Purpose, purpose.code()),
        chosen.total
    );
    let manufacturing = search(SearchQuery {
        industry: Some(JsicCode::Major('E')),
        ..base.clone()
    });
    assert_eq!(
        count(&results, FilterKind::Industry, "E"),
        manufacturing.total
    );
}

#[test]
fn a_municipality_includes_its_prefectures_and_national_programs() {
    let sumida = LocalGovCode::parse("131075").unwrap();
    let results = search(SearchQuery {
        area: Some(sumida),
        limit: 100,
        ..everything("")
    });
    let found = all_ids(SearchQuery {
        area: Some(sumida),
        ..everything("")
    });
    assert_eq!(found.len(), results.total);
    assert!(found.contains(&"demo-sumida-seisansei".to_owned()));
    assert!(
        found.contains(&"demo-tokyo-sogyo".to_owned()),
        "東京都's own"
    );
    assert!(found.contains(&"demo-it-donyu".to_owned()), "national");
    assert!(
        !found.contains(&"demo-ota-shinseihin".to_owned()),
        "大田区 is another ward"
    );
    assert!(!found.contains(&"demo-hida-kigyo".to_owned()));
    // The area facet lists 東京都 and, with 墨田区 chosen, 東京都's municipalities.
    let area = results
        .facets
        .iter()
        .find(|f| f.filter == FilterKind::Area)
        .unwrap();
    assert!(
        area.values
            .iter()
            .any(|v| v.code == "130001" && v.label == "東京都")
    );
    let chosen = area.values.iter().find(|v| v.selected).unwrap();
    assert_eq!(chosen.code, "131075");
    assert_eq!(chosen.count, results.total);
    assert!(
        area.values.iter().any(|v| v.code == "131113"),
        "大田区 listed too"
    );
}

#[test]
fn every_order_sorts_by_its_key() {
    let as_of = common::as_of();
    let programs = common::demo_programs();
    let by_id = |id: &str| programs.iter().find(|p| p.id.as_str() == id).unwrap();
    let amounts: Vec<u64> = ids(&search(SearchQuery {
        sort: Sort::Amount,
        ..everything("補助金")
    }))
    .iter()
    .filter_map(|id| by_id(id).amount.max.map(|y| y.get()))
    .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    let closing: Vec<time::Date> = ids(&search(SearchQuery {
        sort: Sort::Closing,
        status: Some(WindowState::Open),
        ..everything("補助金")
    }))
    .iter()
    .filter_map(|id| {
        madoguchi_core::eligibility::application_window(by_id(id), as_of).closing_date()
    })
    .collect();
    assert!(closing.len() > 1);
    assert!(closing.windows(2).all(|w| w[0] <= w[1]), "{closing:?}");
    let scores: Vec<f32> = search(everything("補助金"))
        .hits
        .iter()
        .map(|h| h.score)
        .collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]));
}

#[test]
fn pages_do_not_overlap_and_cover_the_total() {
    let mut seen = Vec::new();
    let first = search(SearchQuery {
        limit: 7,
        ..everything("支援")
    });
    let mut offset = 0;
    while offset < first.total {
        let page = search(SearchQuery {
            limit: 7,
            offset,
            ..everything("支援")
        });
        seen.extend(ids(&page));
        offset += 7;
    }
    let before = seen.len();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), before);
    assert_eq!(seen.len(), first.total);
}

#[test]
fn an_empty_result_says_which_word_or_filter_to_drop() {
    let results = search(SearchQuery {
        kind: Some(ProgramKind::Tax),
        ..everything("持続化")
    });
    assert_eq!(results.total, 0);
    assert!(
        matches!(results.suggestions[0], Suggestion::Filter { filter: FilterKind::Kind, total } if total > 0),
        "{:?}",
        results.suggestions
    );
    let results = search(everything("ものづくり 宇宙旅行"));
    assert_eq!(results.total, 0);
    assert!(
        results.suggestions.iter().any(
            |s| matches!(s, Suggestion::Word { word, total } if word == "宇宙旅行" && *total > 0)
        ),
        "{:?}",
        results.suggestions
    );
}

#[test]
fn bad_input_gives_sensible_results_never_a_panic() {
    // Empty and blank: every program, by closing date.
    let all = search(everything(""));
    assert_eq!(all.total, index().len());
    assert_eq!(search(everything(" \u{3000}\t")).total, index().len());
    // Query syntax is text.
    for text in [
        "\"IT導入",
        "title:IT",
        "IT*",
        "(IT",
        "IT) OR (",
        "-IT +AND",
        "\\",
        "[]{}^~",
    ] {
        let results = search(everything(text));
        assert!(results.total <= index().len(), "{text}");
    }
    assert_eq!(ids(&search(everything("\"IT導入\"")))[0], "demo-it-donyu");
    // Symbols and emoji only: nothing searchable, so nothing found (and no panic).
    let emoji = search(everything("🙂🙂🙂 ★☆※ 💴"));
    assert!(emoji.words.is_empty());
    assert_eq!(emoji.total, 0);
    // 10,000 characters are cut, and still answered.
    let long = search(everything(&"持続化補助金".repeat(2_000)));
    assert!(long.truncated);
    assert!(long.words.iter().map(|w| w.chars().count()).sum::<usize>() <= MAX_QUERY_CHARS);
    let words = search(everything(&"IT 導入 ".repeat(2_000)));
    assert!(words.truncated);
    // A page far past the end is empty, with the total kept.
    let past = search(SearchQuery {
        offset: 1_000_000,
        ..everything("補助金")
    });
    assert!(past.hits.is_empty() && past.total > 0);
    // Control characters and lone combining marks.
    assert!(search(everything("\u{0}\u{7}\u{3099}\u{FF9E}")).total <= index().len());
}

#[test]
fn highlighted_segments_rebuild_the_title_exactly() {
    let programs = common::demo_programs();
    for hit in search(everything("持続化 補助金")).hits {
        let title: String = hit.title.iter().map(|s| s.text.as_str()).collect();
        let program = programs.iter().find(|p| p.id == hit.id).unwrap();
        assert_eq!(title, program.title.as_str());
    }
}
