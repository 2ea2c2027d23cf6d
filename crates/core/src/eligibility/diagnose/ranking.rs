//! The order results are shown in: verdict, fit with the chosen purposes, amount, closing date.
//!
//! Within each verdict, programs serving more of the purposes the business chose come first,
//! then larger maximum amounts (unknown last), then the nearest closing date a business can
//! still meet (none last). Ties keep catalogue order, so the ranking is stable and repeatable.

use time::Date;

use crate::eligibility::evaluate::verdict::Verdict;
use crate::eligibility::vocabulary::profile::Profile;
use crate::program::Schedule;
use crate::program::{Program, Purpose};

/// How many of the business's chosen purposes a program serves.
pub fn purpose_fit(program: &Program, profile: &Profile) -> usize {
    (purpose_mask(program.purposes.iter()) & chosen_purposes(profile)).count_ones() as usize
}

fn purpose_mask<'a>(purposes: impl Iterator<Item = &'a Purpose>) -> u16 {
    purposes
        .filter_map(|p| Purpose::ALL.iter().position(|q| q == p))
        .fold(0, |mask, i| mask | 1 << i)
}

fn chosen_purposes(profile: &Profile) -> u16 {
    profile
        .purposes
        .known()
        .map_or(0, |chosen| purpose_mask(chosen.iter()))
}

/// What ranking needs of a program, worked out once per catalogue snapshot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RankFacts {
    purposes: u16,
    amount: Option<u64>,
    schedule: Schedule,
}

impl RankFacts {
    pub(crate) fn of(program: &Program) -> Self {
        Self {
            purposes: purpose_mask(program.purposes.iter()),
            amount: program.amount.max.map(|y| y.get()),
            schedule: Schedule::of(program),
        }
    }
}

/// Indices in ranked order, from each program's verdict and rank facts (`verdicts[i]` and
/// `facts[i]` are program `i`'s; only indices in both are ranked); only the `limit` best when
/// a limit is given (a page shows twenty of ten thousand, so the rest need no sort).
///
/// The closing date costs most to work out (the window on the day), and only breaks ties of
/// verdict, fit and amount: with a limit it is worked out only for the programs that can still
/// be among the best once those three are compared. Those three are packed into one integer
/// per program, above its index, so that finding the programs that can still be among the
/// best is one selection over a flat array of integers.
pub(crate) fn order(
    verdicts: &[Verdict],
    facts: &[RankFacts],
    profile: &Profile,
    as_of: Date,
    limit: Option<usize>,
) -> Vec<usize> {
    let chosen = chosen_purposes(profile);
    let ranked = verdicts.get(..facts.len()).unwrap_or(verdicts);
    let worst = limit.map_or(WORST_RANK, |k| worst_rank_needed(ranked, k));
    let mut coarse: Vec<u128> = verdicts
        .iter()
        .zip(facts)
        .enumerate()
        .filter(|(_, (verdict, _))| verdict.rank() <= worst)
        .map(|(i, (verdict, facts))| coarse_key(*verdict, facts, chosen) << INDEX_BITS | i as u128)
        .collect();
    let limit = limit.filter(|&k| k < coarse.len());
    if let Some(k) = limit.filter(|&k| k > 0) {
        // The k-th best of the three keys: fewer than k programs are better on them, so the
        // best k are among those at most as good, closing dates deciding the ties at it.
        let (_, &mut edge, _) = coarse.select_nth_unstable(k - 1);
        coarse.retain(|&key| key >> INDEX_BITS <= edge >> INDEX_BITS);
    }
    let mut keyed: Vec<_> = coarse
        .into_iter()
        .map(|key| {
            let i = (key & INDEX_MASK) as usize;
            let closing = facts
                .get(i)
                .and_then(|f| f.schedule.window(as_of).closing_date());
            // The index makes every key distinct, so the order is stable.
            (key >> INDEX_BITS, (closing.is_none(), closing), i)
        })
        .collect();
    if let Some(limit) = limit.filter(|&k| k < keyed.len()) {
        // Keys are all distinct (the index is part of them), so the top `limit` are exact.
        keyed.select_nth_unstable(limit);
        keyed.truncate(limit);
    }
    keyed.sort_unstable();
    keyed.into_iter().map(|key| key.2).collect()
}

/// The rank of the last verdict (`Verdict::rank`).
const WORST_RANK: u8 = 3;

/// The worst verdict rank among the `k` best programs: the programs of worse verdicts rank
/// below at least `k` others and are left out before any key is made (most of a catalogue
/// is 対象外 for most businesses).
fn worst_rank_needed(verdicts: &[Verdict], k: usize) -> u8 {
    let mut by_rank = [0usize; WORST_RANK as usize + 1];
    for verdict in verdicts {
        if let Some(count) = by_rank.get_mut(usize::from(verdict.rank())) {
            *count += 1;
        }
    }
    let mut better = 0;
    for (rank, count) in (0..=WORST_RANK).zip(by_rank) {
        better += count;
        if better >= k {
            return rank;
        }
    }
    WORST_RANK
}

/// The low bits of a packed key, which hold the program's index (a catalogue holds fewer
/// than four billion programs).
const INDEX_BITS: u32 = 32;
const INDEX_MASK: u128 = (1 << INDEX_BITS) - 1;

/// Verdict, fit with the chosen purposes (more first) and amount (larger first, unknown last)
/// as one integer that orders as the three in turn: 2 bits of verdict, 5 of fit, 65 of
/// amount.
fn coarse_key(verdict: Verdict, facts: &RankFacts, chosen: u16) -> u128 {
    let unfit = 16 - (facts.purposes & chosen).count_ones();
    let amount = match facts.amount {
        Some(yen) => u128::from(u64::MAX - yen),
        None => 1 << 64,
    };
    u128::from(verdict.rank()) << 70 | u128::from(unfit) << 65 | amount
}

/// Indices of `programs` in ranked order; `verdicts[i]` is the verdict of `programs[i]`.
///
/// Only indices present in both slices are ranked. `RuleSet::rank` does the same with the
/// facts it keeps, without looking at the programs again.
pub fn rank(
    programs: &[Program],
    verdicts: &[Verdict],
    profile: &Profile,
    as_of: Date,
) -> Vec<usize> {
    let facts: Vec<RankFacts> = programs.iter().map(RankFacts::of).collect();
    order(verdicts, &facts, profile, as_of, None)
}

#[cfg(test)]
mod tests {
    use std::cmp::Reverse;

    use super::*;
    use crate::calendar::{DayEdge, JstDateTime};
    use crate::program::{ApplicationRound, Purpose, Yen};
    use serde_json::json;
    use time::macros::date;

    fn program(id: &str, purposes: &[Purpose], max: Option<u64>, closes: Option<&str>) -> Program {
        let mut p = crate::eligibility::fixtures::program(id, json!({}));
        p.purposes = purposes.iter().copied().collect();
        p.amount.max = max.map(Yen::from_u64);
        p.rounds = closes
            .map(|c| {
                let closes = JstDateTime::parse(c, DayEdge::End).unwrap();
                vec![ApplicationRound::new(None, None, Some(closes)).unwrap()]
            })
            .unwrap_or_default();
        p
    }

    #[test]
    fn results_rank_by_verdict_then_fit_then_amount_then_closing_date() {
        use Purpose::{Employment, EquipmentIt};
        use Verdict::{Conditional, Eligible, Ineligible};
        let programs = [
            program("ineligible-big", &[EquipmentIt], Some(1_000_000_000), None),
            program("fit-small", &[EquipmentIt], Some(1_000_000), None),
            program("nofit-big", &[Employment], Some(50_000_000), None),
            program(
                "fit-big-late",
                &[EquipmentIt],
                Some(5_000_000),
                Some("2026-12-28"),
            ),
            program(
                "fit-big-soon",
                &[EquipmentIt],
                Some(5_000_000),
                Some("2026-05-31"),
            ),
            program("conditional", &[EquipmentIt], Some(9_000_000_000), None),
            program("fit-unknown-amount", &[EquipmentIt], None, None),
        ];
        let verdicts = [
            Ineligible,
            Eligible,
            Eligible,
            Eligible,
            Eligible,
            Conditional,
            Eligible,
        ];
        let profile = Profile::from_value(&json!({"purposes": ["equipment_it"]})).unwrap();
        let order: Vec<&str> = rank(&programs, &verdicts, &profile, date!(2026 - 04 - 01))
            .into_iter()
            .map(|i| programs[i].id.as_str())
            .collect();
        assert_eq!(
            order,
            [
                "fit-big-soon",
                "fit-big-late",
                "fit-small",
                "fit-unknown-amount",
                "nofit-big",
                "conditional",
                "ineligible-big"
            ]
        );
    }

    #[test]
    fn equal_programs_keep_catalogue_order() {
        let programs = [program("b", &[], None, None), program("a", &[], None, None)];
        let order = rank(
            &programs,
            &[Verdict::NeedsInfo, Verdict::NeedsInfo],
            &Profile::default(),
            date!(2026 - 04 - 01),
        );
        assert_eq!(order, [0, 1]);
    }

    /// The ranking as it reads: every program sorted by verdict, fit, amount, closing date
    /// and index, compared as the values themselves.
    fn ranked_plainly(
        verdicts: &[Verdict],
        facts: &[RankFacts],
        profile: &Profile,
        as_of: Date,
    ) -> Vec<usize> {
        let chosen = chosen_purposes(profile);
        let mut keyed: Vec<_> = verdicts
            .iter()
            .zip(facts)
            .enumerate()
            .map(|(i, (verdict, f))| {
                let closing = f.schedule.window(as_of).closing_date();
                (
                    verdict.rank(),
                    Reverse((f.purposes & chosen).count_ones()),
                    Reverse(f.amount),
                    (closing.is_none(), closing),
                    i,
                )
            })
            .collect();
        keyed.sort();
        keyed.into_iter().map(|k| k.4).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]

        /// The packed keys rank as the values compared in turn, the best few as the head of
        /// the whole ranking (only the verdicts that can be among them given keys), amounts at
        /// the ends of their range among them.
        #[test]
        fn the_packed_keys_rank_as_the_values_do(
            drawn in proptest::collection::vec(
                (0usize..4, 0u8..4, 0usize..6, 0usize..5),
                0..60,
            ),
            limit in proptest::option::of(0usize..70),
        ) {
            let amounts = [None, Some(0), Some(1), Some(5_000_000), Some(u64::MAX - 1), Some(u64::MAX)];
            let purposes = [Purpose::EquipmentIt, Purpose::Employment];
            let programs: Vec<Program> = drawn
                .iter()
                .enumerate()
                .map(|(i, &(_, fit, amount, closes))| {
                    let chosen: Vec<Purpose> = purposes
                        .iter()
                        .enumerate()
                        .filter(|(b, _)| fit >> b & 1 == 1)
                        .map(|(_, &p)| p)
                        .collect();
                    let closes = format!("2027-0{}-15", 1 + closes);
                    let closes = (i % 4 != 0).then_some(closes.as_str());
                    let mut p = program(&format!("p{i}"), &chosen, None, closes);
                    p.amount.max = amounts[amount].map(Yen::from_u64);
                    p
                })
                .collect();
            let all = [Verdict::Eligible, Verdict::Conditional, Verdict::NeedsInfo, Verdict::Ineligible];
            let verdicts: Vec<Verdict> = drawn.iter().map(|d| all[d.0]).collect();
            let facts: Vec<RankFacts> = programs.iter().map(RankFacts::of).collect();
            let profile = Profile::from_json(r#"{"purposes": ["equipment_it", "employment"]}"#).unwrap();
            let as_of = date!(2026 - 11 - 23);
            let plain = ranked_plainly(&verdicts, &facts, &profile, as_of);
            let top = order(&verdicts, &facts, &profile, as_of, limit);
            let head = &plain[..limit.unwrap_or(plain.len()).min(plain.len())];
            proptest::prop_assert_eq!(&top[..], head);
            // Verdicts of programs without rank facts are no part of the ranking.
            let mut more = verdicts.clone();
            more.extend([Verdict::Eligible; 5]);
            proptest::prop_assert_eq!(&order(&more, &facts, &profile, as_of, limit)[..], head);
        }
    }

    #[test]
    fn the_best_few_are_exactly_the_head_of_the_full_ranking() {
        let verdicts = [
            Verdict::Eligible,
            Verdict::NeedsInfo,
            Verdict::Conditional,
            Verdict::Ineligible,
        ];
        let programs: Vec<Program> = (0..40)
            .map(|i| {
                let purposes: &[Purpose] = if i % 3 == 0 {
                    &[Purpose::EquipmentIt]
                } else {
                    &[]
                };
                let closes = format!("2027-0{}-1{}", 1 + i % 3, i % 7);
                program(
                    &format!("p{i}"),
                    purposes,
                    Some(1_000 * (i % 5) as u64),
                    Some(&closes),
                )
            })
            .collect();
        let verdicts: Vec<Verdict> = (0..40).map(|i| verdicts[i * 7 % 4]).collect();
        let facts: Vec<RankFacts> = programs.iter().map(RankFacts::of).collect();
        let profile = Profile::from_json(r#"{"purposes": ["equipment_it"]}"#).unwrap();
        let as_of = date!(2026 - 11 - 23);
        let full = order(&verdicts, &facts, &profile, as_of, None);
        assert_eq!(full, ranked_plainly(&verdicts, &facts, &profile, as_of));
        for k in (0..=41).chain([100]) {
            let top = order(&verdicts, &facts, &profile, as_of, Some(k));
            assert_eq!(top, full[..k.min(40)], "top {k}");
        }
    }
}
