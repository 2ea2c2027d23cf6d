//! Which question to ask next: the one expected to settle the most 要確認 verdicts per unit
//! of cost.
//!
//! For each field still awaited by a 要確認 program, the desk tries a spread of possible
//! answers — the options of a choice, both sides of every threshold the catalogue's rules use,
//! every place and industry they name — and counts how many of those programs each answer would
//! settle. The average over the answers, divided by the field's cost, is the field's score.
//! Every answer counts equally: the desk knows nothing about the business beyond what it said.
//! Ties go to the field awaited by more programs, then to the vocabulary order, so the same
//! answers always lead to the same question.

use std::collections::BTreeSet;

use time::{Date, Duration};

use super::answer::{Answer, Founding};
use super::compile::{Cmp, CompiledRule, Leaf, NodeKind};
use super::evaluate::Context;
use super::facts::anniversary;
use super::field::{Field, FieldSet, LargeInvestment, OrgForm};
use super::profile::{AnswerState, Profile};
use super::ruleset::Evaluation;
use super::size_class::{classes_of, major_of};
use super::tri::State;
use super::verdict::Verdict;
use crate::program::{Purpose, Yen};
use crate::reference::{JsicCode, LocalGovCode};

/// The limits of 中小企業基本法 (and its cabinet orders): thresholds that matter through the
/// derived facts even where no rule names them.
const LAW_HEADCOUNTS: [u64; 7] = [5, 20, 50, 100, 200, 300, 900];
const LAW_CAPITALS: [u64; 3] = [50_000_000, 100_000_000, 300_000_000];

/// How a candidate question scored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuestionScore {
    pub field: Field,
    /// Verdicts settled, summed over the sample answers.
    pub settled: u64,
    /// How many sample answers were tried.
    pub samples: u64,
    /// How many 要確認 programs await this field.
    pub awaited_by: u64,
}

impl QuestionScore {
    /// Higher is better: settled per sample per unit of cost, then awaited-by per cost, then
    /// earlier in the vocabulary. Compared with integers, so exactly and repeatably.
    fn beats(&self, other: &Self) -> bool {
        let (ca, cb) = (
            u128::from(self.field.cost()),
            u128::from(other.field.cost()),
        );
        let lhs = u128::from(self.settled) * u128::from(other.samples.max(1)) * cb;
        let rhs = u128::from(other.settled) * u128::from(self.samples.max(1)) * ca;
        if lhs != rhs {
            return lhs > rhs;
        }
        let lhs = u128::from(self.awaited_by) * cb;
        let rhs = u128::from(other.awaited_by) * ca;
        if lhs != rhs {
            return lhs > rhs;
        }
        self.field.index() < other.field.index()
    }
}

/// The next field to ask, or `None` when no 要確認 verdict can be settled by a question.
pub fn next_question(evaluation: &Evaluation<'_>, ctx: &Context<'_>) -> Option<Field> {
    score_questions(evaluation, ctx)
        .into_iter()
        .reduce(|best, s| if s.beats(&best) { s } else { best })
        .filter(|s| s.awaited_by > 0)
        .map(|s| s.field)
}

/// Every candidate question with its score, in vocabulary order.
pub fn score_questions(evaluation: &Evaluation<'_>, ctx: &Context<'_>) -> Vec<QuestionScore> {
    let rules = evaluation.rules();
    let open: Vec<(&CompiledRule, FieldSet)> = evaluation
        .verdicts()
        .iter()
        .enumerate()
        .filter(|(_, v)| **v == Verdict::NeedsInfo)
        .filter_map(|(i, _)| {
            let rule = rules.rule(i)?;
            Some((rule, rule.missing(evaluation.states(i), ctx)))
        })
        .collect();
    let awaited = open
        .iter()
        .fold(FieldSet::EMPTY, |set, (_, missing)| set.union(*missing));
    let mut scratch = Vec::new();
    awaited
        .iter()
        .filter(|&f| askable(ctx.profile, f))
        .map(|field| {
            let concerned: Vec<&CompiledRule> = open
                .iter()
                .filter(|(_, m)| m.contains(field))
                .map(|(r, _)| *r)
                .collect();
            let samples = sample_answers(field, ctx.profile, &concerned, ctx.as_of);
            let mut settled = 0;
            for profile in &samples {
                let sample_ctx = Context::new(profile, ctx.as_of);
                for rule in &concerned {
                    scratch.resize(rule.len(), State::MISSING);
                    if rule.evaluate_into(&sample_ctx, &mut scratch).is_settled() {
                        settled += 1;
                    }
                }
            }
            QuestionScore {
                field,
                settled,
                samples: samples.len() as u64,
                awaited_by: concerned.len() as u64,
            }
        })
        .collect()
}

/// True if asking the field could tell the desk something new: it is unanswered (not
/// 「わからない」), or answered only coarsely (a prefecture, a JSIC major category).
fn askable(profile: &Profile, field: Field) -> bool {
    if !profile.applies(field) {
        return false;
    }
    match profile.state(field) {
        AnswerState::Unanswered => true,
        AnswerState::DontKnow => false,
        AnswerState::Known => match field {
            Field::Municipality => profile
                .municipality
                .known()
                .is_some_and(|c| c.is_prefecture()),
            Field::Industry => matches!(profile.industry, Answer::Known(JsicCode::Major(_))),
            _ => false,
        },
    }
}

/// The leaves of the rules concerned.
fn leaves<'a>(rules: &'a [&CompiledRule]) -> impl Iterator<Item = &'a Leaf> {
    rules.iter().flat_map(|r| {
        r.nodes().iter().filter_map(|n| match &n.kind {
            NodeKind::Leaf(leaf) => Some(leaf),
            _ => None,
        })
    })
}

/// Possible answers to `field`, each as the profile with that answer given.
fn sample_answers(
    field: Field,
    base: &Profile,
    rules: &[&CompiledRule],
    as_of: Date,
) -> Vec<Profile> {
    let with = |set: &dyn Fn(&mut Profile)| {
        let mut p = base.clone();
        set(&mut p);
        p
    };
    match field {
        Field::Municipality => place_samples(base, rules)
            .into_iter()
            .map(|c| with(&|p| p.municipality = Answer::Known(c)))
            .collect(),
        Field::Industry => industry_samples(base, rules)
            .into_iter()
            .map(|c| with(&|p| p.industry = Answer::Known(c)))
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
        Field::Employees => number_samples(field, rules, &LAW_HEADCOUNTS)
            .into_iter()
            .map(|n| with(&|p| p.employees = Answer::Known(u32::try_from(n).unwrap_or(u32::MAX))))
            .collect(),
        Field::Capital => number_samples(field, rules, &LAW_CAPITALS)
            .into_iter()
            .map(|n| with(&|p| p.capital = Answer::Known(Yen::from_u64(n))))
            .collect(),
        Field::Sales => number_samples(field, rules, &[])
            .into_iter()
            .map(|n| with(&|p| p.sales = Answer::Known(Yen::from_u64(n))))
            .collect(),
        Field::MinimumWage => number_samples(field, rules, &[])
            .into_iter()
            .map(|n| with(&|p| p.minimum_wage = Answer::Known(Yen::from_u64(n))))
            .collect(),
        Field::Founded => founding_samples(rules, as_of)
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

/// Both sides of every threshold rules use on a number field, and zero.
fn number_samples(field: Field, rules: &[&CompiledRule], law: &[u64]) -> Vec<u64> {
    let mut points = BTreeSet::from([0u64]);
    let thresholds = leaves(rules)
        .filter_map(|leaf| match leaf {
            Leaf::Number {
                field: f, value, ..
            } if *f == field => Some(*value),
            _ => None,
        })
        .chain(law.iter().copied());
    for t in thresholds {
        points.insert(t);
        points.insert(t.saturating_add(1));
    }
    points.into_iter().collect()
}

/// Every area rules name (within the answered prefecture, when refining), and one place
/// outside them all.
fn place_samples(base: &Profile, rules: &[&CompiledRule]) -> Vec<LocalGovCode> {
    let prefecture = base.municipality.known().map(|c| c.prefecture());
    let areas: BTreeSet<LocalGovCode> = leaves(rules)
        .filter_map(|leaf| match leaf {
            Leaf::Within { areas } => Some(areas.iter().copied()),
            _ => None,
        })
        .flatten()
        .filter(|a| prefecture.is_none_or(|p| a.prefecture() == p))
        .collect();
    let mut samples: BTreeSet<LocalGovCode> = areas
        .iter()
        .map(|&a| {
            if a.is_prefecture() {
                some_municipality_in(a.prefecture_number(), &areas).unwrap_or(a)
            } else {
                a
            }
        })
        .collect();
    let outside = match prefecture {
        Some(p) => some_municipality_in(p.prefecture_number(), &areas),
        None => (1..=47)
            .find(|&n| !areas.iter().any(|a| a.prefecture_number() == n))
            .and_then(|n| some_municipality_in(n, &areas)),
    };
    samples.extend(outside);
    samples.into_iter().collect()
}

/// A municipality code in prefecture `number` that no rule names (codes need not exist in
/// the reference table: they only stand for "somewhere else in this prefecture").
fn some_municipality_in(number: u8, named: &BTreeSet<LocalGovCode>) -> Option<LocalGovCode> {
    (201..1000)
        .filter_map(|local| LocalGovCode::parse(&format!("{:02}{local:03}", number)).ok())
        .find(|c| !named.contains(c))
}

/// One middle category for each distinct way the industry answer can matter: its size
/// class and which categories named by rules contain it. Categories that behave alike are
/// counted once per member, so each middle category weighs the same.
fn industry_samples(base: &Profile, rules: &[&CompiledRule]) -> Vec<JsicCode> {
    let major = match base.industry.known() {
        Some(JsicCode::Major(letter)) => Some(*letter),
        _ => None,
    };
    let named: BTreeSet<JsicCode> = leaves(rules)
        .filter_map(|leaf| match leaf {
            Leaf::Industry { codes } => Some(codes.iter().copied()),
            _ => None,
        })
        .flatten()
        .collect();
    (1..=99u8)
        .filter(|&n| major.is_none_or(|m| major_of(n) == Some(m)))
        .map(JsicCode::Middle)
        .fold(
            Vec::<(JsicCode, Vec<bool>, u32)>::new(),
            |mut groups, code| {
                let signature: Vec<bool> = named
                    .iter()
                    .map(|&t| super::area::industry_within(code, t) == super::tri::Tri::True)
                    .collect();
                let class = classes_of(code);
                match groups
                    .iter_mut()
                    .find(|(rep, sig, _)| *sig == signature && classes_of(*rep) == class)
                {
                    Some(group) => group.2 += 1,
                    None => groups.push((code, signature, 1)),
                }
                groups
            },
        )
        .into_iter()
        .flat_map(|(code, _, weight)| std::iter::repeat_n(code, weight as usize))
        .collect()
}

/// Founding dates on both sides of every age and date threshold rules use, and 創業予定.
fn founding_samples(rules: &[&CompiledRule], as_of: Date) -> Vec<Founding> {
    let mut dates = BTreeSet::new();
    let day = Duration::days(1);
    for leaf in leaves(rules) {
        match *leaf {
            Leaf::Years { years, cmp } => {
                let edge = if matches!(cmp, Cmp::Le | Cmp::Gt) {
                    years.saturating_add(1)
                } else {
                    years
                };
                // Founded `edge` years ago to the day: exactly `edge` full years, and one
                // day later: `edge - 1`.
                if let Some(d) = years_ago(as_of, edge) {
                    dates.insert(d);
                    dates.extend(d.checked_add(day));
                }
            }
            Leaf::Founded { date, .. } => {
                dates.insert(date);
                dates.extend(date.checked_sub(day));
                dates.extend(date.checked_add(day));
            }
            _ => {}
        }
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
    use super::*;
    use crate::eligibility::facts::full_years;
    use time::macros::date;

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
            number_samples(Field::Employees, &[], &[5, 20]),
            [0, 5, 6, 20, 21]
        );
    }

    #[test]
    fn questions_already_answered_or_not_known_are_not_asked_again() {
        let mut p = Profile::default();
        assert!(askable(&p, Field::Employees));
        p.mark_dont_know(Field::Employees);
        assert!(!askable(&p, Field::Employees));
        p.industry = Answer::Known(JsicCode::Major('E'));
        assert!(
            askable(&p, Field::Industry),
            "a major category may be refined"
        );
        p.industry = Answer::Known(JsicCode::Middle(24));
        assert!(!askable(&p, Field::Industry));
    }
}
