//! Counts for every filter value in one pass over the matching programs.
//!
//! A value's count is what the search would find with that value chosen and the other filters
//! kept (so choosing a value never leads to an empty page, and the chosen filter's own values
//! stay visible). Counting also gives, for free, how many a search would find with one filter
//! cleared: the suggestions for an empty result.

use std::collections::BTreeMap;
use std::sync::Arc;

use madoguchi_core::program::{GovLevel, ProgramKind, Purpose};
use madoguchi_core::reference::{JsicCode, LocalGovCode, jsic, local_gov};

use crate::facts::{Brief, Facts, major_bit};
use crate::query::{AmountBand, Facet, FacetValue, FilterKind, SearchQuery, WindowState};

const PREFECTURES: usize = 47;

/// Facet counts of one search, filled program by program.
#[derive(Debug)]
pub(crate) struct Counter<'q> {
    query: &'q SearchQuery,
    /// The prefecture whose municipalities are listed (that of the chosen area).
    prefecture: Option<LocalGovCode>,
    levels: [usize; 3],
    kinds: [usize; 6],
    purposes: [usize; 15],
    states: [usize; 4],
    amounts: [usize; 6],
    majors: [usize; 20],
    every_industry: usize,
    prefectures: [usize; PREFECTURES],
    nationwide: usize,
    municipalities: BTreeMap<LocalGovCode, usize>,
    whole_prefecture: usize,
    /// How many pass every filter but one.
    without: [usize; 7],
}

impl<'q> Counter<'q> {
    pub fn new(query: &'q SearchQuery) -> Self {
        Self {
            query,
            prefecture: query.area.map(LocalGovCode::prefecture),
            levels: [0; 3],
            kinds: [0; 6],
            purposes: [0; 15],
            states: [0; 4],
            amounts: [0; 6],
            majors: [0; 20],
            every_industry: 0,
            prefectures: [0; PREFECTURES],
            nationwide: 0,
            municipalities: BTreeMap::new(),
            whole_prefecture: 0,
            without: [0; 7],
        }
    }

    /// Counts one program that matched the words; `failed` are the filters it fails.
    /// `facts` is read only for the municipalities of the chosen area's prefecture.
    pub fn count(&mut self, brief: &Brief, facts: &Arc<Facts>, state: WindowState, failed: u8) {
        for (i, filter) in FilterKind::ALL.into_iter().enumerate() {
            if failed & !filter.bit() != 0 {
                continue;
            }
            self.without[i] += 1;
            match filter {
                FilterKind::Level => bump(&mut self.levels, GovLevel::ALL, brief.level),
                FilterKind::Kind => bump(&mut self.kinds, ProgramKind::ALL, brief.kind),
                FilterKind::Status => bump(&mut self.states, &WindowState::ALL, state),
                FilterKind::Amount => bump(&mut self.amounts, &AmountBand::ALL, brief.amount),
                FilterKind::Purpose => {
                    for n in bits(u64::from(brief.purposes)) {
                        if let Some(count) = self.purposes.get_mut(n) {
                            *count += 1;
                        }
                    }
                }
                FilterKind::Industry => self.count_industry(brief),
                FilterKind::Area => self.count_area(brief, facts),
            }
        }
    }

    /// Adds the counts of another part of the same search.
    pub fn absorb(&mut self, other: Self) {
        fn add<const N: usize>(into: &mut [usize; N], from: [usize; N]) {
            for (a, b) in into.iter_mut().zip(from) {
                *a += b;
            }
        }
        add(&mut self.levels, other.levels);
        add(&mut self.kinds, other.kinds);
        add(&mut self.purposes, other.purposes);
        add(&mut self.states, other.states);
        add(&mut self.amounts, other.amounts);
        add(&mut self.majors, other.majors);
        add(&mut self.prefectures, other.prefectures);
        add(&mut self.without, other.without);
        self.every_industry += other.every_industry;
        self.nationwide += other.nationwide;
        self.whole_prefecture += other.whole_prefecture;
        for (code, n) in other.municipalities {
            *self.municipalities.entry(code).or_default() += n;
        }
    }

    fn count_industry(&mut self, brief: &Brief) {
        if brief.every_industry {
            self.every_industry += 1;
            return;
        }
        for (n, major) in jsic::majors().iter().enumerate().take(self.majors.len()) {
            if brief.majors & major_bit(major.letter) != 0 {
                self.majors[n] += 1;
            }
        }
    }

    fn count_area(&mut self, brief: &Brief, facts: &Arc<Facts>) {
        if brief.nationwide {
            self.nationwide += 1;
            self.whole_prefecture += 1;
            return;
        }
        for n in bits(brief.prefectures) {
            if let Some(count) = self.prefectures.get_mut(n) {
                *count += 1;
            }
        }
        let Some(prefecture) = self.prefecture else {
            return;
        };
        let Some(codes) = facts.areas() else {
            return;
        };
        if codes.contains(&prefecture) {
            self.whole_prefecture += 1;
            return;
        }
        for code in codes.iter().filter(|c| c.prefecture() == prefecture) {
            *self.municipalities.entry(*code).or_default() += 1;
        }
    }

    /// True when the query sets `filter`.
    pub fn is_set(&self, filter: FilterKind) -> bool {
        let q = self.query;
        match filter {
            FilterKind::Level => q.level.is_some(),
            FilterKind::Area => q.area.is_some(),
            FilterKind::Industry => q.industry.is_some(),
            FilterKind::Purpose => q.purpose.is_some(),
            FilterKind::Kind => q.kind.is_some(),
            FilterKind::Status => q.status.is_some(),
            FilterKind::Amount => q.amount.is_some(),
        }
    }

    /// How many the search finds with `filter` cleared.
    pub fn without(&self, filter: FilterKind) -> usize {
        self.without[filter as usize]
    }

    pub fn facets(&self) -> Vec<Facet> {
        let q = self.query;
        vec![
            facet(
                FilterKind::Level,
                GovLevel::ALL
                    .iter()
                    .zip(self.levels)
                    .map(|(l, n)| value(l.code(), l.label(), n, q.level == Some(*l))),
            ),
            facet(FilterKind::Area, self.area_values()),
            facet(FilterKind::Industry, self.industry_values()),
            facet(
                FilterKind::Purpose,
                Purpose::ALL
                    .iter()
                    .zip(self.purposes)
                    .map(|(p, n)| value(p.code(), p.label(), n, q.purpose == Some(*p))),
            ),
            facet(
                FilterKind::Kind,
                ProgramKind::ALL
                    .iter()
                    .zip(self.kinds)
                    .map(|(k, n)| value(k.code(), k.label(), n, q.kind == Some(*k))),
            ),
            facet(
                FilterKind::Status,
                WindowState::ALL
                    .iter()
                    .zip(self.states)
                    .map(|(s, n)| value(s.code(), s.label(), n, q.status == Some(*s))),
            ),
            facet(
                FilterKind::Amount,
                AmountBand::ALL
                    .iter()
                    .zip(self.amounts)
                    .map(|(b, n)| value(b.code(), b.label(), n, q.amount == Some(*b))),
            ),
        ]
    }

    /// Prefectures with programs of their own, then the chosen prefecture's municipalities.
    fn area_values(&self) -> Vec<FacetValue> {
        let chosen = self.query.area;
        let mut out: Vec<FacetValue> = (1..=PREFECTURES)
            .filter_map(|n| {
                let code = LocalGovCode::of_prefecture(u8::try_from(n).ok()?)?;
                let own = self.prefectures[n - 1];
                (own > 0 || chosen == Some(code)).then(|| {
                    let name = local_gov(code).map_or("", |g| g.name);
                    value(
                        &code.to_string(),
                        name,
                        self.nationwide + own,
                        chosen == Some(code),
                    )
                })
            })
            .collect();
        let mut listed: Vec<(LocalGovCode, usize)> = self
            .municipalities
            .iter()
            .map(|(c, n)| (*c, self.whole_prefecture + n))
            .collect();
        if let Some(code) = chosen.filter(|c| !c.is_prefecture())
            && !self.municipalities.contains_key(&code)
        {
            listed.push((code, self.whole_prefecture));
        }
        out.extend(listed.into_iter().map(|(code, n)| {
            let name = local_gov(code).map_or_else(|| code.to_string(), |g| g.full_name());
            value(&code.to_string(), &name, n, chosen == Some(code))
        }));
        out
    }

    fn industry_values(&self) -> Vec<FacetValue> {
        let chosen = self.query.industry;
        jsic::majors()
            .iter()
            .zip(self.majors)
            .map(|(major, n)| {
                let selected = chosen == Some(JsicCode::Major(major.letter));
                value(
                    &major.letter.to_string(),
                    major.name,
                    self.every_industry + n,
                    selected,
                )
            })
            .collect()
    }
}

/// The positions of the set bits of `set`, lowest first.
fn bits(mut set: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        (set != 0).then(|| {
            let n = set.trailing_zeros() as usize;
            set &= set - 1;
            n
        })
    })
}

fn bump<T: PartialEq + Copy>(counts: &mut [usize], all: &[T], value: T) {
    if let Some(n) = all.iter().position(|v| *v == value) {
        counts[n] += 1;
    }
}

fn facet(filter: FilterKind, values: impl IntoIterator<Item = FacetValue>) -> Facet {
    Facet {
        filter,
        values: values.into_iter().collect(),
    }
}

fn value(code: &str, label: &str, count: usize, selected: bool) -> FacetValue {
    FacetValue {
        code: code.to_owned(),
        label: label.to_owned(),
        count,
        selected,
    }
}
