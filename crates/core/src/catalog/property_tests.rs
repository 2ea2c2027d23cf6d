//! A snapshot made by applying changes one set at a time must be the snapshot read whole:
//! same programs in the same places, and the same verdicts, explanations and next question
//! for every business, whatever the sequence of publishes and withdrawals that led to it.

use std::collections::BTreeMap;
use std::sync::Arc;

use proptest::prelude::*;
use serde_json::Value;
use time::Date;
use time::macros::date;

use super::{Catalog, CatalogBuilder};
use crate::eligibility::{Context, Profile, diagnose};
use crate::program::{Program, ProgramId};

const AS_OF: Date = date!(2026 - 05 - 01);

fn sample_catalogue() -> Vec<Program> {
    serde_json::from_str(include_str!(
        "../eligibility/diagnose/testdata/sample_catalogue.json"
    ))
    .unwrap()
}

/// Each sample business's full profile and, to reach the barely-answered paths, the same
/// business with only its first few answers.
fn profiles() -> Vec<Profile> {
    let raw: Vec<Value> = serde_json::from_str(include_str!(
        "../eligibility/diagnose/testdata/sample_businesses.json"
    ))
    .unwrap();
    let mut out = vec![Profile::default()];
    for business in raw {
        let full = business["profile"].as_object().unwrap().clone();
        for answered in [2, full.len()] {
            let partial: serde_json::Map<String, Value> = full
                .iter()
                .take(answered)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            out.push(Profile::from_value(&Value::Object(partial)).unwrap());
        }
    }
    out
}

/// One staff action on the catalogue.
#[derive(Debug, Clone)]
enum Edit {
    /// Program `k` takes the rule of program `from` (or loses its written rule).
    Rule { k: usize, from: Option<usize> },
    /// Program `k` gets a new maximum amount, in 万円.
    Amount { k: usize, man_yen: u64 },
    /// A new program copied from program `k`, under a new id.
    Copy { k: usize },
    /// Program `k` is taken down.
    Withdraw { k: usize },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), proptest::option::of(any::<usize>()))
            .prop_map(|(k, from)| Edit::Rule { k, from }),
        (any::<usize>(), 1u64..5_000).prop_map(|(k, man_yen)| Edit::Amount { k, man_yen }),
        any::<usize>().prop_map(|k| Edit::Copy { k }),
        any::<usize>().prop_map(|k| Edit::Withdraw { k }),
    ]
}

/// Applies one set of edits to the catalogue as staff would see it (`live`, by id); returns
/// what a process must take in: the changed programs and the withdrawn ids.
fn apply(
    live: &mut BTreeMap<ProgramId, Program>,
    edits: &[Edit],
    copies: &mut usize,
) -> (Vec<Program>, Vec<ProgramId>) {
    let mut published: BTreeMap<ProgramId, Program> = BTreeMap::new();
    let mut withdrawn = Vec::new();
    for edit in edits {
        if live.is_empty() {
            break;
        }
        let pick = |k: usize| live.values().nth(k % live.len()).cloned().unwrap();
        let changed = match *edit {
            Edit::Rule { k, from } => {
                let mut program = pick(k);
                program.rule = from.and_then(|f| pick(f).rule);
                program
            }
            Edit::Amount { k, man_yen } => {
                let mut program = pick(k);
                program.amount.max = serde_json::from_value(Value::from(man_yen * 10_000)).ok();
                program
            }
            Edit::Copy { k } => {
                let mut program = pick(k);
                *copies += 1;
                program.id = ProgramId::parse(&format!("{}-copy-{copies}", program.id)).unwrap();
                program
            }
            Edit::Withdraw { k } => {
                let id = pick(k).id;
                live.remove(&id);
                published.remove(&id);
                withdrawn.push(id);
                continue;
            }
        };
        withdrawn.retain(|id| *id != changed.id);
        live.insert(changed.id.clone(), changed.clone());
        published.insert(changed.id.clone(), changed);
    }
    (published.into_values().collect(), withdrawn)
}

/// Asserts that two snapshots hold the same programs and judge every business alike.
fn assert_same(changed: &Catalog, whole: &Catalog, profiles: &[Profile]) {
    let ids = |c: &Catalog| {
        c.programs()
            .iter()
            .map(|p| p.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(changed), ids(whole));
    for (a, b) in changed.programs().iter().zip(whole.programs()) {
        assert_eq!(a.as_ref(), b.as_ref());
    }
    for profile in profiles {
        let ctx = Context::new(profile, AS_OF);
        let (x, y) = (changed.rules().evaluate(&ctx), whole.rules().evaluate(&ctx));
        assert_eq!(x.verdicts(), y.verdicts());
        for i in 0..whole.len() {
            assert_eq!(x.states(i), y.states(i), "program {i}");
        }
        let diagnosis = |c: &Catalog| {
            serde_json::to_value(diagnose(c.programs(), c.rules(), profile, AS_OF, Some(20)))
                .unwrap()
        };
        assert_eq!(diagnosis(changed), diagnosis(whole));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn changes_applied_one_set_at_a_time_give_the_catalogue_read_whole(
        batches in proptest::collection::vec(proptest::collection::vec(edit(), 1..6), 1..8)
    ) {
        let programs = sample_catalogue();
        let profiles = profiles();
        let mut live: BTreeMap<ProgramId, Program> =
            programs.iter().map(|p| (p.id.clone(), p.clone())).collect();
        let mut snapshot = Catalog::new(programs);
        let mut copies = 0;
        for edits in &batches {
            let (published, withdrawn) = apply(&mut live, edits, &mut copies);
            snapshot = snapshot.with_changes(published, &withdrawn);
            let whole = Catalog::new(live.values().cloned().collect());
            assert_same(&snapshot, &whole, &profiles);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// A catalogue taken batch by batch as a read hands it over is the one made at once,
    /// with its programs in id order (the way a read hands them over), and when two are
    /// swapped or one comes twice.
    #[test]
    fn a_catalogue_taken_batch_by_batch_is_the_catalogue_made_at_once(
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
        swap in proptest::option::of((any::<usize>(), any::<usize>())),
        twice in proptest::option::of(any::<usize>()),
    ) {
        let mut programs: Vec<Arc<Program>> =
            sample_catalogue().into_iter().map(Arc::new).collect();
        programs.sort_by(|a, b| a.id.cmp(&b.id));
        let n = programs.len();
        if let Some((i, j)) = swap {
            programs.swap(i % n, j % n);
        }
        if let Some(k) = twice {
            programs.insert(k % n, programs[k % n].clone());
        }
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % programs.len()).collect();
        cuts.sort_unstable();
        let mut builder = CatalogBuilder::new();
        let mut from = 0;
        for cut in cuts.into_iter().chain([programs.len()]) {
            builder.extend(programs[from..cut.max(from)].iter().cloned());
            from = cut.max(from);
        }
        let whole = Catalog::of_shared(programs);
        assert_same(&builder.finish(), &whole, &profiles());
    }
}

#[test]
fn an_earlier_snapshot_is_untouched_by_the_next() {
    let programs = sample_catalogue();
    let first = Catalog::new(programs.clone());
    let gone = programs[0].id.clone();
    let mut changed = programs[1].clone();
    changed.rule = None;
    let next = first.with_changes(vec![changed.clone()], std::slice::from_ref(&gone));
    assert_eq!(first.len(), programs.len());
    assert!(first.get(&gone).is_some());
    assert_eq!(first.get(&changed.id).unwrap().rule, programs[1].rule);
    assert_eq!(next.len(), programs.len() - 1);
    assert!(next.get(&gone).is_none());
    assert_eq!(next.get(&changed.id).unwrap().rule, None);
    // The kept programs are shared, not copied.
    let kept = &programs[2].id;
    let at = |c: &Catalog| c.programs()[c.position(kept).unwrap()].clone();
    assert!(std::sync::Arc::ptr_eq(&at(&first), &at(&next)));
}
