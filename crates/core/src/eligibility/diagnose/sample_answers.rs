//! The answers the next question tries for a field: the options of a choice, both sides of the
//! thresholds the rules awaiting it use most (and the law's, behind the derived facts), the
//! places and industries they name, each as the business's profile with that one answer given.
//!
//! Kept apart from the scoring (`next_question`) so that the answers tried are one thing, the
//! way their effect is counted another.

use std::collections::BTreeSet;

use time::{Date, Duration};

use crate::eligibility::rules::code::{Cmp, Leaf, OpCode, RuleView};
use crate::eligibility::tri::Tri;
use crate::eligibility::vocabulary::answer::{Answer, Founding};
use crate::eligibility::vocabulary::area::Industry;
use crate::eligibility::vocabulary::facts::anniversary;
use crate::eligibility::vocabulary::field::Field;
use crate::eligibility::vocabulary::org_form::{LargeInvestment, OrgForm};
use crate::eligibility::vocabulary::profile::Profile;
use crate::eligibility::vocabulary::size_class::{ClassSet, classes_of};
use crate::program::{Purpose, Yen};
use crate::reference::{JsicCode, LocalGovCode, jsic};

/// The limits of 中小企業基本法 (and its cabinet orders): thresholds that matter through the
/// derived facts even where no rule names them.
const LAW_HEADCOUNTS: [u64; 7] = [5, 20, 50, 100, 200, 300, 900];
const LAW_CAPITALS: [u64; 3] = [50_000_000, 100_000_000, 300_000_000];

/// At most this many thresholds (or places) per field are tried, the most used first.
pub const MAX_THRESHOLDS: usize = 8;

/// The rules concerned, read as often as needed: views made on the way, as most questions
/// need none.
pub(crate) trait Rules<'a>: Iterator<Item = RuleView<'a>> + Clone {}

impl<'a, I: Iterator<Item = RuleView<'a>> + Clone> Rules<'a> for I {}

/// The conditions of the rules concerned that test with `op`: only those are decoded.
fn leaves<'a>(rules: &impl Rules<'a>, op: OpCode) -> impl Iterator<Item = Leaf<'a>> {
    rules.clone().flat_map(move |r| r.leaves_of(op))
}

/// The `MAX_THRESHOLDS` values used most often (ties: the smaller first).
fn most_used<T: Ord + Copy>(values: impl Iterator<Item = T>) -> Vec<T> {
    let mut values: Vec<T> = values.collect();
    values.sort_unstable();
    most_used_of_sorted(&values)
}

/// `most_used` of values already in order: equal values side by side, counted as runs.
fn most_used_of_sorted<T: Ord + Copy>(values: &[T]) -> Vec<T> {
    most_counted(
        values
            .chunk_by(|a, b| a == b)
            .map(|run| (run[0], run.len())),
    )
}

/// The `MAX_THRESHOLDS` values with the highest counts (ties: the smaller first), in order;
/// each value once in `counted`.
fn most_counted<T: Ord + Copy>(counted: impl Iterator<Item = (T, usize)>) -> Vec<T> {
    let mut ranked: Vec<(T, usize)> = counted.collect();
    ranked.sort_unstable_by_key(|&(v, n)| (std::cmp::Reverse(n), v));
    let mut chosen: Vec<T> = ranked
        .into_iter()
        .take(MAX_THRESHOLDS)
        .map(|(v, _)| v)
        .collect();
    chosen.sort_unstable();
    chosen
}

/// Possible answers to `field`, each as the profile with that answer given and its weight.
pub(crate) fn sample_answers<'a>(
    field: Field,
    base: &Profile,
    rules: impl Rules<'a>,
    as_of: Date,
) -> Vec<(Profile, u64)> {
    let with = |set: &dyn Fn(&mut Profile)| {
        let mut p = base.clone();
        set(&mut p);
        (p, 1)
    };
    match field {
        Field::Municipality => place_samples(base, &rules)
            .into_iter()
            .map(|c| with(&|p| p.municipality = Answer::Known(c)))
            .collect(),
        Field::Industry => industry_samples(base, &rules)
            .into_iter()
            .map(|(c, weight)| {
                let (p, _) = with(&|p| p.industry = Answer::Known(c));
                (p, weight)
            })
            .collect(),
        Field::OrgForm => OrgForm::ALL
            .iter()
            .map(|&f| with(&|p| p.org_form = Answer::Known(f)))
            .collect(),
        Field::LargeInvestment => LargeInvestment::ALL
            .iter()
            .map(|&v| with(&|p| p.large_investment = Answer::Known(v)))
            .collect(),
        Field::Purposes => Purpose::ALL
            .iter()
            .map(|&v| with(&|p| p.purposes = Answer::Known(BTreeSet::from([v]))))
            .collect(),
        Field::Employees => number_samples(field, &rules, &LAW_HEADCOUNTS)
            .into_iter()
            .map(|n| {
                let n = u32::try_from(n).unwrap_or(u32::MAX);
                with(&|p| p.employees = Answer::Known(n))
            })
            .collect(),
        Field::Capital => number_samples(field, &rules, &LAW_CAPITALS)
            .into_iter()
            .map(|n| with(&|p| p.capital = Answer::Known(Yen::from_u64(n))))
            .collect(),
        Field::Sales => number_samples(field, &rules, &[])
            .into_iter()
            .map(|n| with(&|p| p.sales = Answer::Known(Yen::from_u64(n))))
            .collect(),
        Field::MinimumWage => number_samples(field, &rules, &[])
            .into_iter()
            .map(|n| with(&|p| p.minimum_wage = Answer::Known(Yen::from_u64(n))))
            .collect(),
        Field::Founded => founding_samples(&rules, as_of)
            .into_iter()
            .map(|f| with(&|p| p.founded = Answer::Known(f)))
            .collect(),
        // Every other field is a yes/no question.
        _ => [true, false]
            .into_iter()
            .map(|b| with(&|p| p.set_flag(field, b)))
            .collect(),
    }
}

/// Both sides of the thresholds used most on a number field — by rules, and by the law's
/// definitions behind the derived facts — and zero.
fn number_samples<'a>(field: Field, rules: &impl Rules<'a>, law: &[u64]) -> Vec<u64> {
    let used = leaves(rules, OpCode::Number).filter_map(|leaf| match leaf {
        Leaf::Number {
            field: f, value, ..
        } if f == field => Some(value),
        _ => None,
    });
    let mut points = BTreeSet::from([0u64]);
    for t in most_used(used.chain(law.iter().copied())) {
        points.insert(t);
        points.insert(t.saturating_add(1));
    }
    points.into_iter().collect()
}

/// The areas rules name most (within the answered prefecture, when refining), and one place
/// outside them all.
fn place_samples<'a>(base: &Profile, rules: &impl Rules<'a>) -> Vec<LocalGovCode> {
    let prefecture = base.municipality.known().map(|c| c.prefecture());
    // Every area named, as often as it is named, in order: the areas used most are the
    // longest runs, the areas named the runs themselves.
    let mut used: Vec<LocalGovCode> = leaves(rules, OpCode::Within)
        .filter_map(|leaf| match leaf {
            Leaf::Within { areas } => Some(areas.iter().map(|a| a.code)),
            _ => None,
        })
        .flatten()
        .collect();
    used.sort_unstable();
    let mut named = used.clone();
    named.dedup();
    if let Some(p) = prefecture {
        used.retain(|a| a.prefecture() == p);
    }
    let mut samples: BTreeSet<LocalGovCode> = most_used_of_sorted(&used)
        .into_iter()
        .map(|a| {
            if a.is_prefecture() {
                some_municipality_in(a.prefecture_number(), &named).unwrap_or(a)
            } else {
                a
            }
        })
        .collect();
    let outside = match prefecture {
        Some(p) => some_municipality_in(p.prefecture_number(), &named),
        None => {
            let named_prefectures = named
                .iter()
                .fold(0u64, |set, a| set | 1 << (a.prefecture_number() % 64));
            (1..=47)
                .find(|&n| named_prefectures >> n & 1 == 0)
                .and_then(|n| some_municipality_in(n, &named))
        }
    };
    samples.extend(outside);
    samples.into_iter().collect()
}

/// A municipality code in prefecture `number` that no rule names (`named`, in order; codes
/// need not exist in the reference table: they only stand for "somewhere else in this
/// prefecture").
fn some_municipality_in(number: u8, named: &[LocalGovCode]) -> Option<LocalGovCode> {
    (201..1000)
        .filter_map(|local| LocalGovCode::parse(&format!("{number:02}{local:03}")).ok())
        .find(|c| named.binary_search(c).is_err())
}

/// One middle category for each distinct way the industry answer can matter — its size
/// classes and which categories named by rules contain it — weighted by how many middle
/// categories behave that way, so each weighs the same.
fn industry_samples<'a>(base: &Profile, rules: &impl Rules<'a>) -> Vec<(JsicCode, u64)> {
    let major = match base.industry.known() {
        Some(JsicCode::Major(letter)) => Some(*letter),
        _ => None,
    };
    let named: BTreeSet<JsicCode> = leaves(rules, OpCode::Industry)
        .filter_map(|leaf| match leaf {
            Leaf::Industry { codes } => Some(codes.iter().map(|c| c.code)),
            _ => None,
        })
        .flatten()
        .collect();
    let named: Vec<Industry> = named.into_iter().map(Industry::of).collect();
    // (first middle category, size classes, which named categories contain it as bits,
    // weight): bits, as a hundred middle categories are compared with up to a hundred groups.
    let mut groups: Vec<(JsicCode, ClassSet, Vec<u64>, u64)> = Vec::new();
    for code in jsic::middles()
        .iter()
        .filter(|m| major.is_none_or(|letter| m.major == letter))
        .map(|m| JsicCode::Middle(m.code))
    {
        let answer = Industry::of(code);
        let mut signature = vec![0u64; named.len().div_ceil(64)];
        for (j, target) in named.iter().enumerate() {
            signature[j / 64] |= u64::from(answer.within(target) == Tri::True) << (j % 64);
        }
        let class = classes_of(code);
        match groups
            .iter_mut()
            .find(|(_, c, sig, _)| *c == class && *sig == signature)
        {
            Some(group) => group.3 += 1,
            None => groups.push((code, class, signature, 1)),
        }
    }
    groups
        .into_iter()
        .map(|(code, _, _, weight)| (code, weight))
        .collect()
}

/// Founding dates on both sides of the age and date thresholds rules use most, and 創業予定.
fn founding_samples<'a>(rules: &impl Rules<'a>, as_of: Date) -> Vec<Founding> {
    let day = Duration::days(1);
    let ages = most_used(leaves(rules, OpCode::Years).filter_map(|leaf| match leaf {
        // `le N` and `gt N` turn at N + 1 full years; `lt N` and `ge N` at N.
        Leaf::Years {
            years,
            cmp: Cmp::Le | Cmp::Gt,
        } => Some(years.saturating_add(1)),
        Leaf::Years { years, .. } => Some(years),
        _ => None,
    }));
    let named_dates = most_used(
        leaves(rules, OpCode::Founded).filter_map(|leaf| match leaf {
            Leaf::Founded { date, .. } => Some(date),
            _ => None,
        }),
    );
    let mut dates = BTreeSet::new();
    for edge in ages {
        // Founded `edge` years ago to the day: exactly `edge` full years; a day later, one
        // fewer.
        if let Some(d) = years_ago(as_of, edge) {
            dates.insert(d);
            dates.extend(d.checked_add(day));
        }
    }
    for date in named_dates {
        dates.insert(date);
        dates.extend(date.checked_sub(day));
        dates.extend(date.checked_add(day));
    }
    if dates.is_empty() {
        dates.extend(years_ago(as_of, 1));
        dates.extend(years_ago(as_of, 10));
    }
    dates
        .into_iter()
        .filter(|&d| d <= as_of)
        .map(Founding::On)
        .chain([Founding::Planned])
        .collect()
}

/// The founding date that makes a business exactly `years` old on `as_of`.
fn years_ago(as_of: Date, years: u32) -> Option<Date> {
    let year = as_of.year().checked_sub(i32::try_from(years).ok()?)?;
    let candidate = Date::from_calendar_date(year, as_of.month(), as_of.day())
        .or_else(|_| Date::from_calendar_date(year, as_of.month(), 28))
        .ok()?;
    // Guard against the leap-day edge: the anniversary must not fall after `as_of`.
    anniversary(candidate, years)
        .filter(|&a| a <= as_of)
        .map(|_| candidate)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::eligibility::diagnose::ruleset::RuleSet;
    use crate::eligibility::evaluate::property_tests::{partial_profile, valid_rule_tree};
    use crate::eligibility::vocabulary::area::industry_within;
    use crate::eligibility::vocabulary::facts::full_years;

    /// The samples as the definition reads, with ordered maps and sets and nothing worked
    /// out ahead: what the bookkeeping above must give.
    mod by_definition {
        use super::*;

        pub(super) fn most_used<T: Ord + Copy>(values: impl Iterator<Item = T>) -> Vec<T> {
            let mut counts: BTreeMap<T, usize> = BTreeMap::new();
            for v in values {
                *counts.entry(v).or_default() += 1;
            }
            most_counted(counts.into_iter())
        }

        fn areas<'a>(rules: &'a [RuleView<'a>]) -> impl Iterator<Item = LocalGovCode> + 'a {
            rules
                .iter()
                .flat_map(|r| r.leaves())
                .flat_map(|leaf| match leaf {
                    Leaf::Within { areas } => areas.iter().map(|a| a.code).collect(),
                    _ => Vec::new(),
                })
        }

        fn elsewhere_in(number: u8, named: &BTreeSet<LocalGovCode>) -> Option<LocalGovCode> {
            (201..1000)
                .filter_map(|n| LocalGovCode::parse(&format!("{number:02}{n:03}")).ok())
                .find(|c| !named.contains(c))
        }

        pub(super) fn places(base: &Profile, rules: &[RuleView<'_>]) -> Vec<LocalGovCode> {
            let prefecture = base.municipality.known().map(|c| c.prefecture());
            let named: BTreeSet<LocalGovCode> = areas(rules).collect();
            let in_reach = areas(rules).filter(|a| prefecture.is_none_or(|p| a.prefecture() == p));
            let mut chosen: BTreeSet<LocalGovCode> = most_used(in_reach)
                .into_iter()
                .map(|a| match a.is_prefecture() {
                    true => elsewhere_in(a.prefecture_number(), &named).unwrap_or(a),
                    false => a,
                })
                .collect();
            chosen.extend(match prefecture {
                Some(p) => elsewhere_in(p.prefecture_number(), &named),
                None => (1..=47)
                    .find(|&n| named.iter().all(|a| a.prefecture_number() != n))
                    .and_then(|n| elsewhere_in(n, &named)),
            });
            chosen.into_iter().collect()
        }

        pub(super) fn industries(base: &Profile, rules: &[RuleView<'_>]) -> Vec<(JsicCode, u64)> {
            let major = match base.industry.known() {
                Some(JsicCode::Major(letter)) => Some(*letter),
                _ => None,
            };
            let named: BTreeSet<JsicCode> = rules
                .iter()
                .flat_map(|r| r.leaves())
                .flat_map(|leaf| match leaf {
                    Leaf::Industry { codes } => codes.iter().map(|c| c.code).collect(),
                    _ => Vec::new(),
                })
                .collect();
            let mut behaviours: Vec<(JsicCode, Vec<bool>, u64)> = Vec::new();
            for m in jsic::middles()
                .iter()
                .filter(|m| major.is_none_or(|l| m.major == l))
            {
                let code = JsicCode::Middle(m.code);
                let within: Vec<bool> = named
                    .iter()
                    .map(|&t| industry_within(code, t) == Tri::True)
                    .collect();
                match behaviours
                    .iter_mut()
                    .find(|(first, w, _)| *w == within && classes_of(*first) == classes_of(code))
                {
                    Some(alike) => alike.2 += 1,
                    None => behaviours.push((code, within, 1)),
                }
            }
            behaviours
                .into_iter()
                .map(|(code, _, n)| (code, n))
                .collect()
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The places and industries tried are those the definition gives, for businesses
        /// that answered nothing, a prefecture, a municipality, a major or a middle category.
        #[test]
        fn places_and_industries_sampled_are_those_of_the_definition(
            rules in prop::collection::vec(valid_rule_tree(), 1..60),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
        ) {
            let (set, _) = RuleSet::build(&crate::eligibility::fixtures::catalogue(rules));
            let views: Vec<RuleView<'_>> = (0..set.len()).filter_map(|i| set.rule(i)).collect();
            let profile = partial_profile(&choices);
            prop_assert_eq!(
                place_samples(&profile, &views.iter().copied()),
                by_definition::places(&profile, &views)
            );
            prop_assert_eq!(
                industry_samples(&profile, &views.iter().copied()),
                by_definition::industries(&profile, &views)
            );
        }

        /// The values used most, counted as runs of sorted values, are those counted one by
        /// one.
        #[test]
        fn the_values_used_most_are_those_counted_one_by_one(
            values in prop::collection::vec(0u8..40, 0..300),
        ) {
            prop_assert_eq!(
                most_used(values.iter().copied()),
                by_definition::most_used(values.iter().copied())
            );
        }
    }

    #[test]
    fn founding_samples_straddle_every_age_threshold() {
        let as_of = date!(2026 - 04 - 01);
        let d = years_ago(as_of, 5).unwrap();
        assert_eq!(full_years(d, as_of), 5);
        assert_eq!(full_years(d + Duration::days(1), as_of), 4);
        let leap = date!(2028 - 02 - 29);
        let d = years_ago(leap, 1).unwrap();
        assert_eq!(full_years(d, leap), 1);
    }

    #[test]
    fn number_samples_sit_on_both_sides_of_each_threshold() {
        assert_eq!(
            number_samples(Field::Employees, &std::iter::empty(), &[5, 20]),
            [0, 5, 6, 20, 21]
        );
        let used = [3, 3, 7, 1, 1, 1];
        assert_eq!(most_used(used.into_iter()), [1, 3, 7]);
        let many = (0..100u64).flat_map(|n| std::iter::repeat_n(n, (n % 5) as usize));
        let top = most_used(many);
        assert_eq!(top.len(), MAX_THRESHOLDS);
        assert!(top.iter().all(|n| n % 5 == 4), "{top:?}");
    }
}
