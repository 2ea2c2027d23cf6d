//! How long one program takes against every saved profile: the fan-out of notices when a
//! program is published or changed, which must judge 1,000,000 subscriptions in under 1 s.
//!
//! Builds PROFILES synthetic profiles (deterministic: most in 三重県 as a prefectural desk's
//! subscribers would be, the rest anywhere in Japan; every legal form, JSIC middle and major
//! categories, sizes on both sides of the law's limits, founding dates, purposes, yes/no
//! answers, and a share of each left unanswered or 「わからない」), a third of them wanting
//! 要確認 too. Then times `reach` with a real rule of the demo catalogue (PROGRAM, by default
//! ものづくり補助金: org forms, the 中小企業 facts, みなし大企業, manual checks) RUNS times after
//! a warm-up, and prints the median, fastest and slowest run, profiles per second, how many
//! were reached by verdict, and what writing their reason lines costs.
//!
//! `cargo run --release -p madoguchi-core --example notice_fanout -- [--profiles 1000000]
//! [--runs 5] [--program demo-monozukuri]`

// A bench over fixed inputs: a failed parse of them is a bug to see at once.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use madoguchi_core::demo;
use madoguchi_core::eligibility::{
    Answer, Field, Founding, InputKind, LargeInvestment, OrgForm, Profile, Reached, RuleSet,
    Verdict, reach, reason_line,
};
use madoguchi_core::import::own;
use madoguchi_core::program::{Program, Purpose, Yen};
use madoguchi_core::reference::jsic::{majors, middles};
use madoguchi_core::reference::{JsicCode, LocalGovCode, municipalities};
use serde_json::Value;
use time::Date;
use time::macros::date;

const AS_OF: Date = date!(2026 - 06 - 01);

/// 三重県: where most subscribers of the desk the bench imagines are.
const HOME_PREFECTURE: u8 = 24;

/// How many reached subscribers get their reason line timed.
const REASONS_TIMED: usize = 10_000;

/// SplitMix64: a fixed pseudo-random sequence, so that every run judges the same profiles.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True `percent` times in a hundred.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, from: &'a [T]) -> &'a T {
        &from[usize::try_from(self.below(from.len() as u64)).unwrap()]
    }

    /// `Known(value)`, unanswered `blank` percent of the time and 「わからない」 half as often.
    fn answer<T>(&mut self, blank: u64, value: impl FnOnce(&mut Self) -> T) -> Answer<T> {
        match self.below(200) {
            n if n < blank => Answer::DontKnow,
            n if n < 3 * blank => Answer::Unanswered,
            _ => Answer::Known(value(self)),
        }
    }
}

/// The places and industries profiles are drawn from.
struct Vocabulary {
    home: Vec<LocalGovCode>,
    anywhere: Vec<LocalGovCode>,
    industries: Vec<JsicCode>,
    flags: Vec<Field>,
}

impl Vocabulary {
    fn new() -> Self {
        let anywhere: Vec<LocalGovCode> = municipalities().map(|m| m.code).collect();
        let industries = middles()
            .iter()
            .map(|m| JsicCode::Middle(m.code))
            .chain(majors().iter().map(|m| JsicCode::Major(m.letter)))
            .collect();
        Self {
            home: anywhere
                .iter()
                .copied()
                .filter(|c| c.prefecture_number() == HOME_PREFECTURE)
                .collect(),
            anywhere,
            industries,
            flags: Field::ALL
                .iter()
                .copied()
                .filter(|f| f.input_kind() == InputKind::YesNo)
                .collect(),
        }
    }

    fn profile(&self, draw: &mut Draw) -> Profile {
        let yen = |draw: &mut Draw, low: u64, high: u64| {
            // Spread evenly over the orders of magnitude, as sizes of businesses are.
            let digits = low.ilog10()
                + u32::try_from(draw.below(u64::from(high.ilog10() - low.ilog10()) + 1)).unwrap();
            Yen::from_u64(10u64.pow(digits) * (1 + draw.below(9)))
        };
        let mut profile = Profile {
            municipality: draw.answer(4, |d| match d.below(10) {
                0..=5 => *d.pick(&self.home),
                6 => d.pick(&self.home).prefecture(),
                _ => *d.pick(&self.anywhere),
            }),
            industry: draw.answer(8, |d| *d.pick(&self.industries)),
            org_form: draw.answer(4, |d| *d.pick(OrgForm::ALL)),
            employees: draw.answer(6, |d| match d.below(20) {
                0..=9 => u32::try_from(d.below(21)).unwrap(),
                10..=16 => 20 + u32::try_from(d.below(290)).unwrap(),
                _ => 300 + u32::try_from(d.below(5000)).unwrap(),
            }),
            capital: draw.answer(10, |d| yen(d, 1_000_000, 10_000_000_000)),
            founded: draw.answer(10, |d| {
                if d.chance(4) {
                    Founding::Planned
                } else {
                    let day = i32::try_from(d.below(365 * 60)).unwrap();
                    Founding::On(Date::from_julian_day(AS_OF.to_julian_day() - day).unwrap())
                }
            }),
            sales: draw.answer(30, |d| yen(d, 1_000_000, 100_000_000_000)),
            purposes: draw.answer(20, |d| {
                (0..d.below(4))
                    .map(|_| *d.pick(Purpose::ALL))
                    .collect::<BTreeSet<_>>()
            }),
            large_investment: draw.answer(15, |d| *d.pick(LargeInvestment::ALL)),
            minimum_wage: draw.answer(40, |d| Yen::from_u64(900 + d.below(600))),
            ..Profile::default()
        };
        for &field in &self.flags {
            if !draw.chance(35) {
                profile.set(field, &Value::Bool(draw.chance(50))).unwrap();
            }
        }
        profile
    }
}

fn main() {
    let (wanted, runs, program_id) = parse_args();
    let programs: Vec<Program> = demo::CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .collect();
    let (rules, _) = RuleSet::build(&programs);
    let Some(at) = programs.iter().position(|p| p.id.as_str() == program_id) else {
        eprintln!("デモの制度に {program_id} はありません。");
        std::process::exit(2);
    };
    let rule = rules.rule(at).unwrap();

    let built = Instant::now();
    let vocabulary = Vocabulary::new();
    let mut draw = Draw(0x6e6f_7469_6365_7321);
    let profiles: Vec<Profile> = (0..wanted).map(|_| vocabulary.profile(&mut draw)).collect();
    let wants_needs_info: Vec<bool> = (0..wanted).map(|n| n % 3 == 0).collect();
    println!(
        "{wanted} profiles built in {:.2} s; program {program_id} ({} rule nodes); as of {AS_OF}; \
         {runs} runs after one warm-up, one thread",
        built.elapsed().as_secs_f64(),
        rule.len(),
    );

    let run = || {
        reach(
            rule,
            profiles.iter().zip(wants_needs_info.iter().copied()),
            AS_OF,
        )
    };
    let reached = black_box(run());
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            black_box(run());
            started.elapsed()
        })
        .collect();
    times.sort_unstable();
    let median = times[times.len() / 2];
    println!(
        "reach: median {:.1} ms (fastest {:.1}, slowest {:.1}); {:.2} M profiles/s; {:.0} ns per profile",
        ms(median),
        ms(times[0]),
        ms(times[times.len() - 1]),
        wanted as f64 / median.as_secs_f64() / 1e6,
        median.as_secs_f64() * 1e9 / wanted as f64,
    );

    let count = |verdict: Verdict| reached.iter().filter(|r| r.verdict == verdict).count();
    println!(
        "reached {} of {wanted}: 対象 {}, 条件付きで対象 {}, 要確認 {} (of the third who asked for it)",
        reached.len(),
        count(Verdict::Eligible),
        count(Verdict::Conditional),
        count(Verdict::NeedsInfo),
    );

    let sample: Vec<&Reached> = reached.iter().take(REASONS_TIMED).collect();
    let started = Instant::now();
    let lines: Vec<String> = sample
        .iter()
        .map(|r| reason_line(rule, &profiles[r.index], AS_OF))
        .collect();
    let took = started.elapsed();
    if !lines.is_empty() {
        println!(
            "reason lines: {} in {:.1} ms ({:.1} µs each); longest {} characters",
            lines.len(),
            ms(took),
            took.as_secs_f64() * 1e6 / lines.len() as f64,
            lines.iter().map(|l| l.chars().count()).max().unwrap_or(0),
        );
    }
    for verdict in [Verdict::Eligible, Verdict::Conditional, Verdict::NeedsInfo] {
        if let Some(line) = sample
            .iter()
            .zip(&lines)
            .find(|(r, _)| r.verdict == verdict)
        {
            println!("  e.g. {}", line.1);
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn parse_args() -> (usize, usize, String) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
    };
    let number =
        |name: &str, default: usize| value(name).and_then(|v| v.parse().ok()).unwrap_or(default);
    (
        number("--profiles", 1_000_000).max(1),
        number("--runs", 5).max(1),
        value("--program")
            .map_or("demo-monozukuri", String::as_str)
            .to_owned(),
    )
}
