//! Snapshots changed program by program: any history of publications and withdrawals gives the
//! results a rebuild over the final catalogue gives, and older snapshots keep their own.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::OnceLock;

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::program::{ApplicationRound, Program, ProgramId, Title, Yen};
use madoguchi_search::{
    AmountBand, IndexOrigin, MAX_PAGE_SIZE, ReadingMode, SearchError, SearchIndex, SearchQuery,
    SearchResults, Segment, Sort, WindowState,
};
use proptest::prelude::*;
use time::{Duration, OffsetDateTime};

/// The demo catalogue split in two: a quarter to start from, the rest to add from.
fn catalogue() -> &'static (Vec<Program>, Vec<Program>) {
    static SPLIT: OnceLock<(Vec<Program>, Vec<Program>)> = OnceLock::new();
    SPLIT.get_or_init(|| {
        let (start, pool): (Vec<_>, Vec<_>) = common::demo_programs()
            .into_iter()
            .enumerate()
            .partition(|(i, _)| i % 4 == 0);
        let drop_position = |v: Vec<(usize, Program)>| v.into_iter().map(|(_, p)| p).collect();
        (drop_position(start), drop_position(pool))
    })
}

fn day(n: i64) -> OffsetDateTime {
    OffsetDateTime::UNIX_EPOCH + Duration::days(20_000 + n)
}

/// Words from the titles (and the edits' own), none, a reading, and a word that makes the
/// others find nothing (for the suggestions).
const TEXTS: [&str; 6] = [
    "",
    "補助金",
    "IT導入",
    "じぞくか",
    "省エネ",
    "創業 ｘｙｚ存在しない",
];

/// Every query the comparison runs: each text in each order over every status, and in the
/// default order with the default 受付中 and with an amount filter.
fn queries() -> Vec<SearchQuery> {
    let mut out = Vec::new();
    for text in TEXTS {
        let settings = Sort::ALL.map(|sort| (sort, None, None)).into_iter().chain([
            (Sort::Relevance, Some(WindowState::Open), None),
            (Sort::Relevance, None, Some(AmountBand::UpTo5m)),
        ]);
        for (sort, status, amount) in settings {
            out.push(SearchQuery {
                status,
                amount,
                sort,
                limit: MAX_PAGE_SIZE,
                ..SearchQuery::words(text)
            });
        }
    }
    out
}

/// A hit without its score (BM25 statistics still count deleted documents) or slot.
type Shown = (ProgramId, String, String);

/// Every hit of `query`, page by page.
fn every_hit(index: &SearchIndex, query: &SearchQuery) -> (SearchResults, Vec<Shown>) {
    let first = index.search(query, common::as_of()).unwrap();
    let mut hits = Vec::new();
    let mut page = first.clone();
    loop {
        hits.extend(page.hits.iter().map(|h| {
            (
                h.id.clone(),
                Segment::bracketed(&h.title),
                Segment::bracketed(&h.summary),
            )
        }));
        if page.hits.is_empty() || hits.len() >= first.total {
            return (first, hits);
        }
        page = index
            .search(
                &SearchQuery {
                    offset: hits.len(),
                    ..query.clone()
                },
                common::as_of(),
            )
            .unwrap();
    }
}

/// Asserts that `changed` answers every query as `rebuilt` does: the same totals, facets,
/// suggestions and hits; in the same order unless relevance scores decide it.
fn assert_same_answers(changed: &SearchIndex, rebuilt: &SearchIndex) {
    assert_eq!(changed.len(), rebuilt.len());
    for query in queries() {
        let (got, got_hits) = every_hit(changed, &query);
        let (want, want_hits) = every_hit(rebuilt, &query);
        let context = format!("{:?} {:?} {:?}", query.text, query.sort, query.status);
        assert_eq!(got.total, want.total, "{context}");
        assert_eq!(got.facets, want.facets, "{context}");
        assert_eq!(got.suggestions, want.suggestions, "{context}");
        assert_eq!(got.words, want.words, "{context}");
        assert_eq!(got_hits.len(), got.total, "{context}");
        // With words, scores break ties in every order, and they may differ slightly after
        // deletes; without, the facts and ids fix every order.
        let exact = got.words.is_empty();
        assert_same_items(got_hits, want_hits, exact, &context);
        // The ids for feeds do not depend on the order asked for.
        if query.sort == Sort::Relevance {
            assert_same_items(
                changed.matching_ids(&query, common::as_of()).unwrap(),
                rebuilt.matching_ids(&query, common::as_of()).unwrap(),
                exact,
                &context,
            );
        }
    }
}

/// Asserts `got` is `want`, in the same order when `exact`.
fn assert_same_items<T: Ord + std::fmt::Debug>(
    got: Vec<T>,
    want: Vec<T>,
    exact: bool,
    context: &str,
) {
    if exact {
        assert_eq!(got, want, "{context}");
    } else {
        let as_set = |v: Vec<T>| v.into_iter().collect::<BTreeSet<_>>();
        assert_eq!(as_set(got), as_set(want), "{context}");
    }
}

/// One edit of the catalogue; numbers pick a program among those present (or the pool).
#[derive(Debug, Clone)]
enum Edit {
    Add(usize),
    Retitle(usize, usize),
    Resummarize(usize, usize),
    SetAmount(usize, Option<u32>),
    SetWindow(usize, i64, i64),
    Withdraw(usize),
}

const TITLE_WORDS: [&str; 3] = ["（省エネ設備）", "IT導入支援", "創業応援"];

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        any::<usize>().prop_map(Edit::Add),
        (any::<usize>(), 0..TITLE_WORDS.len()).prop_map(|(p, w)| Edit::Retitle(p, w)),
        (any::<usize>(), 0..TITLE_WORDS.len()).prop_map(|(p, w)| Edit::Resummarize(p, w)),
        (any::<usize>(), proptest::option::of(0..20_000_000u32))
            .prop_map(|(p, y)| Edit::SetAmount(p, y)),
        (any::<usize>(), -60..60i64, 0..90i64).prop_map(|(p, o, l)| Edit::SetWindow(p, o, l)),
        any::<usize>().prop_map(Edit::Withdraw),
    ]
}

/// The catalogue as the store would hold it: programs by id and the first-published dates.
#[derive(Debug, Clone)]
struct Model {
    programs: BTreeMap<ProgramId, Program>,
    dates: BTreeMap<ProgramId, OffsetDateTime>,
}

impl Model {
    fn nth(&self, n: usize) -> Option<Program> {
        let len = self.programs.len();
        (len > 0).then(|| self.programs.values().nth(n % len).unwrap().clone())
    }

    /// Applies `edit`, giving the program published or the id withdrawn.
    fn apply(&mut self, edit: &Edit) -> Option<Result<Program, ProgramId>> {
        let changed = match *edit {
            Edit::Add(n) => {
                let pool = &catalogue().1;
                pool[n % pool.len()].clone()
            }
            Edit::Withdraw(n) => {
                let id = self.nth(n)?.id;
                self.programs.remove(&id);
                return Some(Err(id));
            }
            Edit::Retitle(n, w) => {
                let mut p = self.nth(n)?;
                p.title = Title::parse(&format!("{}{}", p.title.as_str(), TITLE_WORDS[w])).unwrap();
                p
            }
            Edit::Resummarize(n, w) => {
                let mut p = self.nth(n)?;
                p.summary = format!("{}（{}）", TITLE_WORDS[w], p.summary);
                p
            }
            Edit::SetAmount(n, yen) => {
                let mut p = self.nth(n)?;
                p.amount.max = yen.map(|y| Yen::new(i64::from(y)).unwrap());
                p
            }
            Edit::SetWindow(n, offset, length) => {
                let mut p = self.nth(n)?;
                let opens = common::as_of() + Duration::days(offset);
                p.rounds = vec![
                    ApplicationRound::new(
                        None,
                        Some(JstDateTime::from_date(opens, DayEdge::Start)),
                        Some(JstDateTime::from_date(
                            opens + Duration::days(length),
                            DayEdge::End,
                        )),
                    )
                    .unwrap(),
                ];
                p
            }
        };
        self.programs.insert(changed.id.clone(), changed.clone());
        Some(Ok(changed))
    }

    fn dates(&self) -> impl Iterator<Item = (&ProgramId, OffsetDateTime)> {
        self.dates.iter().map(|(id, at)| (id, *at))
    }
}

/// The first catalogue, every other program with a first-published date (the rest keep the
/// date guessed from their record).
fn start() -> (Model, SearchIndex) {
    let model = first_model();
    let mut index = SearchIndex::build(&catalogue().0).unwrap();
    index.set_published(model.dates());
    (model, index)
}

/// [`start`] with the index kept under `base`, where nothing was kept before.
fn start_kept(base: &Path) -> (Model, SearchIndex) {
    let model = first_model();
    let (mut index, origin) =
        SearchIndex::build_kept(&catalogue().0, ReadingMode::Auto, base).unwrap();
    assert_eq!(origin, IndexOrigin::Built);
    index.set_published(model.dates());
    (model, index)
}

fn first_model() -> Model {
    let programs = &catalogue().0;
    Model {
        programs: programs.iter().map(|p| (p.id.clone(), p.clone())).collect(),
        dates: programs
            .iter()
            .enumerate()
            .filter(|(i, _)| i % 2 == 0)
            .map(|(i, p)| (p.id.clone(), day(i as i64)))
            .collect(),
    }
}

/// Applies `steps` to the model and, one `with_changes` per step, to the index; new programs
/// get a date, changed ones keep theirs.
fn replay(
    steps: &[Vec<Edit>],
    (mut model, mut index): (Model, SearchIndex),
) -> (Model, SearchIndex) {
    for (n, step) in steps.iter().enumerate() {
        // A search before each change, as visitors search between publications: the windows
        // the snapshot worked out for the day are then carried into the next one.
        index
            .search(&SearchQuery::default(), common::as_of())
            .unwrap();
        let before: BTreeSet<ProgramId> = model.programs.keys().cloned().collect();
        let mut touched = BTreeSet::new();
        for edit in step {
            match model.apply(edit) {
                Some(Ok(p)) => touched.insert(p.id),
                Some(Err(id)) => touched.insert(id),
                None => false,
            };
        }
        let published: Vec<Program> = touched
            .iter()
            .filter_map(|id| model.programs.get(id).cloned())
            .collect();
        let withdrawn: Vec<ProgramId> = touched
            .iter()
            .filter(|id| !model.programs.contains_key(*id))
            .cloned()
            .collect();
        for id in &withdrawn {
            model.dates.remove(id);
        }
        let new_dates: Vec<(ProgramId, OffsetDateTime)> = published
            .iter()
            .filter(|p| !before.contains(&p.id))
            .map(|p| (p.id.clone(), day(1_000 + n as i64)))
            .collect();
        model.dates.extend(new_dates.iter().cloned());
        index = index
            .with_changes(
                &published,
                &withdrawn,
                new_dates.iter().map(|(id, at)| (id, *at)),
            )
            .unwrap();
    }
    (model, index)
}

/// A full build over the model's programs, in an order of its own (reversed ids).
fn rebuild(model: &Model) -> SearchIndex {
    let programs: Vec<&Program> = model.programs.values().rev().collect();
    let mut index = SearchIndex::build(&programs).unwrap();
    index.set_published(model.dates());
    index
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn changes_applied_step_by_step_answer_as_a_rebuild_over_the_final_catalogue(
        steps in proptest::collection::vec(proptest::collection::vec(edit(), 1..4), 1..8)
    ) {
        let (model, changed) = replay(&steps, start());
        assert_eq!(changed.len(), model.programs.len());
        assert_same_answers(&changed, &rebuild(&model));
    }

    #[test]
    fn a_kept_index_opened_at_the_next_start_mends_what_changed_meanwhile_and_answers_as_a_rebuild(
        steps in proptest::collection::vec(proptest::collection::vec(edit(), 1..4), 0..5),
        while_down in proptest::collection::vec(edit(), 0..6),
    ) {
        let base = tempfile::tempdir().unwrap();
        let (mut model, running) = replay(&steps, start_kept(base.path()));
        drop(running);
        // Edits made while no process had the index open: no change reached it.
        for edit in &while_down {
            if let Some(Err(id)) = model.apply(edit) {
                model.dates.remove(&id);
            }
        }
        let programs: Vec<&Program> = model.programs.values().collect();
        let (mut opened, origin) =
            SearchIndex::build_kept(&programs, ReadingMode::Auto, base.path()).unwrap();
        let IndexOrigin::Opened { mended } = origin else {
            panic!("the kept index was not opened: {origin:?}");
        };
        // Only what changed while down is indexed again (an amount or a window changes no
        // document), so nothing at all after a history taken in step by step.
        prop_assert!(mended <= while_down.len(), "{mended} mended for {} edits", while_down.len());
        opened.set_published(model.dates());
        assert_same_answers(&opened, &rebuild(&model));
    }
}

#[test]
fn a_kept_copy_that_is_in_use_or_unreadable_is_never_opened() {
    let base = tempfile::tempdir().unwrap();
    let programs = &catalogue().0;
    let kept = |expected: IndexOrigin| {
        let (index, origin) =
            SearchIndex::build_kept(programs, ReadingMode::Auto, base.path()).unwrap();
        assert_eq!(origin, expected);
        index
    };
    let in_memory = SearchIndex::build(programs).unwrap();
    let first = kept(IndexOrigin::Built);
    // A second process on the same base builds its own copy beside the first.
    let second = kept(IndexOrigin::Built);
    assert_same_answers(&second, &in_memory);
    drop((first, second));
    let third = kept(IndexOrigin::Opened { mended: 0 });
    assert_same_answers(&third, &in_memory);
    drop(third);
    for copy in ["0", "1"] {
        std::fs::write(base.path().join(copy).join("meta.json"), "{ not json").unwrap();
    }
    let rebuilt = kept(IndexOrigin::Built);
    assert_same_answers(&rebuilt, &in_memory);
    drop(rebuilt);
    // A base that cannot be a directory: in memory, as without one.
    let file = base.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let (index, origin) =
        SearchIndex::build_kept(programs, ReadingMode::Auto, &file.join("index")).unwrap();
    assert_eq!(origin, IndexOrigin::Memory);
    assert_same_answers(&index, &in_memory);
    // A copy that cannot be written (a file where its directory goes): in memory too.
    let blocked = tempfile::tempdir().unwrap();
    std::fs::write(blocked.path().join("0"), "").unwrap();
    let (index, origin) =
        SearchIndex::build_kept(programs, ReadingMode::Auto, blocked.path()).unwrap();
    assert_eq!(origin, IndexOrigin::Memory);
    assert_same_answers(&index, &in_memory);
}

#[test]
fn an_older_snapshot_keeps_its_results_after_a_change() {
    let (model, before) = start();
    let query = SearchQuery {
        status: None,
        limit: MAX_PAGE_SIZE,
        ..SearchQuery::words("省エネ")
    };
    let (old_results, old_hits) = every_hit(&before, &query);
    let mut renamed = model.nth(0).unwrap();
    renamed.title = Title::parse("省エネ設備の導入支援").unwrap();
    let withdrawn = model.nth(1).unwrap().id;
    let after = before
        .with_changes(&[&renamed], std::slice::from_ref(&withdrawn), [])
        .unwrap();

    let (new_results, new_hits) = every_hit(&after, &query);
    assert!(new_hits.iter().any(|h| h.0 == renamed.id), "{new_hits:?}");
    assert_eq!(after.len(), before.len() - 1);
    assert_eq!(after.removed(), 1);
    let (again, again_hits) = every_hit(&before, &query);
    assert_eq!(again.total, old_results.total);
    assert_eq!(again.facets, old_results.facets);
    assert_eq!(again_hits, old_hits);
    assert!(!again_hits.iter().any(|h| h.0 == renamed.id));
    assert_ne!(new_results.total, old_results.total);
    let everything = SearchQuery {
        status: None,
        limit: MAX_PAGE_SIZE,
        ..SearchQuery::default()
    };
    let listed = |index: &SearchIndex| index.matching_ids(&everything, common::as_of()).unwrap();
    assert!(listed(&before).contains(&withdrawn));
    assert!(!listed(&after).contains(&withdrawn));
    assert_eq!(before.removed(), 0);
}

#[test]
fn a_change_to_a_snapshot_that_is_no_longer_the_newest_is_refused() {
    let (model, first) = start();
    let program = model.nth(0).unwrap();
    let second = first.with_changes(&[&program], &[], []).unwrap();
    assert!(matches!(
        first.with_changes(&[&program], &[], []),
        Err(SearchError::Superseded)
    ));
    second.with_changes(&[&program], &[], []).unwrap();
}

#[test]
fn a_changed_program_keeps_its_first_published_date_unless_given_a_new_one() {
    let (model, index) = start();
    let newest = SearchQuery {
        status: None,
        sort: Sort::Newest,
        limit: 1,
        ..SearchQuery::default()
    };
    let mut program = model.nth(3).unwrap();
    let index = index
        .with_changes(&[&program], &[], [(&program.id, day(50_000))])
        .unwrap();
    let first = |index: &SearchIndex| {
        index.search(&newest, common::as_of()).unwrap().hits[0]
            .id
            .clone()
    };
    assert_eq!(first(&index), program.id);
    program.summary.push_str("（改正）");
    let index = index.with_changes(&[&program], &[], []).unwrap();
    assert_eq!(first(&index), program.id);
}

#[test]
fn a_snapshot_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync>() {}
    shareable::<SearchIndex>();
}
