//! How long matching one case takes against a large registry: the figure the consultation
//! desk must keep under 5 ms for 10,000 registered experts.
//!
//! Builds EXPERTS synthetic experts (deterministic: categories, tags, areas across every
//! prefecture, capacities, pauses, absences and declared conflicts in realistic shares),
//! then times `propose` for a handful of differently shaped cases, RUNS times each after a
//! warm-up, and prints the median, p99 and maximum per case kind with how many experts
//! passed the filters.
//!
//! `cargo run --release -p madoguchi-core --example desk_matching -- [--experts 10000] [--runs 2000]`

// A bench over fixed inputs: a failed parse of them is a bug to see at once.
#![allow(clippy::unwrap_used)]

use std::hint::black_box;
use std::time::{Duration, Instant};

use madoguchi_core::desk::{
    Availability, Candidate, CaseNeed, Category, Expert, ExpertKind, Requester, ServiceArea,
    Standing, propose,
};
use madoguchi_core::reference::{LocalGovCode, municipalities, prefectures};
use time::macros::date;

const CATEGORIES: [&str; 5] = [
    "dx-strategy",
    "ec-marketing",
    "security",
    "ai-data",
    "hr-dx",
];
const TAGS: [&str; 16] = [
    "EC",
    "SNS",
    "会計",
    "AI",
    "補助金",
    "クラウド",
    "セキュリティ",
    "RPA",
    "IoT",
    "採用",
    "データ分析",
    "Web制作",
    "製造",
    "観光",
    "医療",
    "農業",
];

/// A small, fixed pseudo-random sequence (xorshift), so that every run measures the same
/// registry.
struct Sequence(u64);

impl Sequence {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

fn main() {
    let (experts_wanted, runs) = parse_args();
    let places: Vec<LocalGovCode> = municipalities().map(|m| m.code).collect();
    let prefs: Vec<LocalGovCode> = prefectures().map(|p| p.code).collect();
    let mut seq = Sequence(0x6d61_646f_6775_6368);
    let on = date!(2026 - 12 - 04);
    let mut registry = Vec::with_capacity(experts_wanted);
    let mut standings = Vec::with_capacity(experts_wanted);
    for n in 0..experts_wanted {
        let kind = match n % 10 {
            0..=5 => ExpertKind::Advisor,
            6..=7 => ExpertKind::Partner,
            _ => ExpertKind::Talent,
        };
        let tags: Vec<&str> = (0..1 + seq.below(5))
            .map(|_| TAGS[seq.below(TAGS.len())])
            .collect();
        let mut e = Expert::new(format!("x{n:05}"), kind, format!("例：専門家{n}")).with_tags(tags);
        if n % 50 == 0 {
            e = e.with_conflicts(["例：株式会社ミエ商事"]);
        }
        e.categories = (0..1 + seq.below(2))
            .map(|_| Category::parse(CATEGORIES[seq.below(CATEGORIES.len())]).unwrap())
            .collect();
        e.takes = match n % 7 {
            0 => vec![Requester::Municipality],
            1 => vec![Requester::Business, Requester::Resident],
            _ => vec![Requester::Business],
        };
        let areas = match seq.below(3) {
            0 => vec![prefs[seq.below(prefs.len())]],
            _ => vec![
                places[seq.below(places.len())],
                places[seq.below(places.len())],
            ],
        };
        e.area = ServiceArea {
            areas,
            remote: seq.below(3) == 0,
        };
        e.monthly_capacity = 1 + u32::try_from(seq.below(8)).unwrap_or(0);
        e.availability = Availability {
            paused: seq.below(20) == 0,
            away: if seq.below(10) == 0 {
                vec![(on, on)]
            } else {
                vec![]
            },
        };
        registry.push(e);
        standings.push(Standing {
            this_month: u32::try_from(seq.below(6)).unwrap_or(0),
            this_fiscal_year: u32::try_from(seq.below(40)).unwrap_or(0),
            similar_closed: u32::try_from(seq.below(15)).unwrap_or(0),
        });
    }
    let candidates: Vec<Candidate<'_>> = registry
        .iter()
        .zip(&standings)
        .map(|(expert, &standing)| Candidate { expert, standing })
        .collect();

    let tsu = LocalGovCode::parse("242012").unwrap();
    let naka = LocalGovCode::parse("231061").unwrap();
    let dx = Category::parse("dx-strategy").unwrap();
    let cases = [
        (
            "advisor, Tsu business, 3 tags",
            ExpertKind::Advisor,
            CaseNeed::new(dx.clone(), Requester::Business, on)
                .in_place(tsu)
                .with_tags(["EC", "SNS", "補助金"])
                .with_parties(["例：株式会社ミエ商事"]),
        ),
        (
            "partner, Nagoya ward business",
            ExpertKind::Partner,
            CaseNeed::new(dx.clone(), Requester::Business, on)
                .in_place(naka)
                .with_tags(["クラウド"]),
        ),
        (
            "advisor, municipality, no place",
            ExpertKind::Advisor,
            CaseNeed::new(dx.clone(), Requester::Municipality, on).with_tags(["AI", "データ分析"]),
        ),
        (
            "talent, no tags",
            ExpertKind::Talent,
            CaseNeed::new(dx, Requester::Business, on).in_place(tsu),
        ),
    ];
    println!("experts {experts_wanted}, runs {runs} per case");
    for (label, kind, need) in &cases {
        for _ in 0..runs / 10 {
            black_box(propose(need, *kind, &candidates, 3));
        }
        let mut times = Vec::with_capacity(runs);
        let mut passed = 0;
        for _ in 0..runs {
            let started = Instant::now();
            let matching = black_box(propose(need, *kind, &candidates, 3));
            times.push(started.elapsed());
            passed = candidates.len() - matching.excluded.len();
        }
        times.sort_unstable();
        let at = |q: f64| times[((times.len() - 1) as f64 * q) as usize];
        println!(
            "{label:<34} median {:>7.3} ms  p99 {:>7.3} ms  max {:>7.3} ms  passed filters {passed}",
            ms(at(0.5)),
            ms(at(0.99)),
            ms(*times.last().unwrap_or(&Duration::ZERO)),
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn parse_args() -> (usize, usize) {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    (value("--experts", 10_000), value("--runs", 2_000))
}
