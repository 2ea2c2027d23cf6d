//! What filters and facets need of each program, worked out once when the index is built, so
//! that a query over 100,000 programs filters and counts with plain comparisons.

use std::sync::Arc;

use madoguchi_core::eligibility::{Schedule, Window};
use madoguchi_core::program::{
    CodeSet, GovLevel, Program, ProgramId, ProgramKind, Purpose, TargetAreas, TargetIndustries,
};
use madoguchi_core::reference::{JsicCode, LocalGov, LocalGovCode, local_gov};
use time::Date;

use crate::query::{AmountBand, FilterKind, SearchQuery, WindowState};

/// One program as the filters see it.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    /// The program as published, shared with the catalogue: its id, texts and targets are read
    /// from it, never copied (at a million programs the copies were 300 MB).
    pub program: Arc<Program>,
    pub amount_max: Option<u64>,
    /// What filters and facets read, which the index also keeps by slot.
    pub brief: Brief,
    pub schedule: Schedule,
    /// Seconds since the epoch when the program was first published, where known.
    pub published: i64,
    /// True once `published` is the store's date rather than a guess from the record; a
    /// changed program keeps such a date.
    pub published_known: bool,
}

impl Facts {
    pub fn of(program: Arc<Program>) -> Self {
        let prefectures = match &program.areas {
            TargetAreas::Nationwide => u64::MAX,
            TargetAreas::Local(codes) => codes.iter().fold(0, |bits, c| {
                bits | 1 << (c.prefecture_number().saturating_sub(1) % 64)
            }),
        };
        let majors = match &program.industries {
            TargetIndustries::All => u32::MAX,
            TargetIndustries::Only(codes) => codes
                .iter()
                .fold(0, |bits, c| bits | major_bit(c.major_letter())),
        };
        let amount_max = program.amount.max.map(|y| y.get());
        let brief = Brief {
            prefectures,
            majors,
            purposes: program
                .purposes
                .iter()
                .fold(0, |bits, p| bits | purpose_bit(*p)),
            level: program.issuer.level(),
            kind: program.kind,
            amount: AmountBand::of(amount_max),
            nationwide: matches!(program.areas, TargetAreas::Nationwide),
            every_industry: matches!(program.industries, TargetIndustries::All),
        };
        // Until the store's publication dates are given, the last verification or the
        // first round's opening stands in for it.
        let published = program
            .last_verified
            .or_else(|| {
                program
                    .rounds
                    .iter()
                    .filter_map(|r| r.opens())
                    .map(|o| o.date())
                    .min()
            })
            .map_or(0, |d| d.midnight().assume_utc().unix_timestamp());
        Self {
            amount_max,
            brief,
            schedule: Schedule::of(&program),
            published,
            published_known: false,
            program,
        }
    }

    pub fn id(&self) -> &ProgramId {
        &self.program.id
    }

    /// The places the program is for; `None` for nationwide programs.
    pub fn areas(&self) -> Option<&CodeSet<LocalGovCode>> {
        match &self.program.areas {
            TargetAreas::Nationwide => None,
            TargetAreas::Local(codes) => Some(codes),
        }
    }

    /// The industries the program is open to; `None` for every industry.
    pub fn industries(&self) -> Option<&CodeSet<JsicCode>> {
        match &self.program.industries {
            TargetIndustries::All => None,
            TargetIndustries::Only(codes) => Some(codes),
        }
    }

    /// Gives the store's first-published date (seconds since the epoch).
    pub fn publish_at(&mut self, at: i64) {
        self.published = at;
        self.published_known = true;
    }

    pub fn window(&self, as_of: Date) -> Window {
        self.schedule.window(as_of)
    }
}

/// What filters and facets read of every hit, small and in one dense vector by slot: a broad
/// word's hundreds of thousands of hits are read in slot order from it instead of from each
/// program's facts wherever they lie in memory (a cache miss per hit). The facts themselves
/// are read only where the brief cannot decide (a municipality asked about, a JSIC middle).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Brief {
    /// Bit n-1 for prefecture n where the program reaches some business; all for nationwide.
    pub prefectures: u64,
    /// Bit (letter - 'A') for each JSIC major the program is open to some part of.
    pub majors: u32,
    pub purposes: u16,
    pub level: GovLevel,
    pub kind: ProgramKind,
    pub amount: AmountBand,
    pub nationwide: bool,
    pub every_industry: bool,
}

impl Brief {
    /// What a withdrawn slot holds: its facts are gone, so it is never read.
    pub const HOLE: Self = Self {
        prefectures: 0,
        majors: 0,
        purposes: 0,
        level: GovLevel::National,
        kind: ProgramKind::Other,
        amount: AmountBand::Unstated,
        nationwide: false,
        every_industry: false,
    };
}

pub(crate) fn major_bit(letter: char) -> u32 {
    let n = u32::from(letter).wrapping_sub(u32::from('A'));
    if n < 32 { 1 << n } else { 0 }
}

pub(crate) fn purpose_bit(purpose: Purpose) -> u16 {
    Purpose::ALL
        .iter()
        .position(|p| *p == purpose)
        .map_or(0, |i| 1 << i)
}

pub(crate) fn window_state(window: Window) -> WindowState {
    match window {
        Window::Open { .. } => WindowState::Open,
        Window::Upcoming { .. } => WindowState::Upcoming,
        Window::Closed(_) => WindowState::Closed,
        Window::Unknown => WindowState::Unknown,
    }
}

/// A query's filters, with the place looked up once.
#[derive(Debug)]
pub(crate) struct Filters<'q> {
    query: &'q SearchQuery,
    place: Option<Place>,
}

/// The area asked about.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub code: LocalGovCode,
    pub gov: Option<&'static LocalGov>,
}

impl Place {
    pub fn of(code: LocalGovCode) -> Self {
        Self {
            code,
            gov: local_gov(code),
        }
    }

    /// True when a program for `areas` reaches a business in this place: nationwide, its own
    /// code, its prefecture, its designated city; for a prefecture, any place within it.
    pub fn reached_by(&self, areas: Option<&CodeSet<LocalGovCode>>) -> bool {
        let Some(codes) = areas else {
            return true;
        };
        if self.code.is_prefecture() {
            let n = self.code.prefecture_number();
            return codes.iter().any(|c| c.prefecture_number() == n);
        }
        codes.iter().any(|&c| {
            c == self.code
                || c == self.code.prefecture()
                || match (local_gov(c), self.gov) {
                    (Some(program_gov), Some(place)) => program_gov.covers(place),
                    _ => false,
                }
        })
    }
}

impl Place {
    /// [`Place::reached_by`] from the brief where it decides: every code a program could
    /// reach this place by lies in the place's prefecture, so a program with none there
    /// does not reach it, and for a prefecture that is the whole answer.
    fn reached(&self, brief: &Brief, facts: &Arc<Facts>) -> bool {
        if brief.nationwide {
            return true;
        }
        let bit = 1 << (self.code.prefecture_number().saturating_sub(1) % 64);
        if brief.prefectures & bit == 0 {
            return false;
        }
        self.code.is_prefecture() || self.reached_by(facts.areas())
    }
}

impl<'q> Filters<'q> {
    pub fn new(query: &'q SearchQuery) -> Self {
        Self {
            query,
            place: query.area.map(Place::of),
        }
    }

    /// The filters a program fails, as bits of [`FilterKind`]; `state` is its window today.
    /// `facts` is read only where `brief` cannot decide.
    pub fn failed(&self, brief: &Brief, facts: &Arc<Facts>, state: WindowState) -> u8 {
        let q = self.query;
        let mut failed = 0;
        let mut check = |kind: FilterKind, pass: bool| {
            if !pass {
                failed |= kind.bit();
            }
        };
        check(FilterKind::Level, q.level.is_none_or(|l| l == brief.level));
        check(
            FilterKind::Area,
            self.place.is_none_or(|p| p.reached(brief, facts)),
        );
        check(
            FilterKind::Industry,
            q.industry.is_none_or(|i| industry_open(brief, facts, i)),
        );
        check(
            FilterKind::Purpose,
            q.purpose
                .is_none_or(|p| brief.purposes & purpose_bit(p) != 0),
        );
        check(FilterKind::Kind, q.kind.is_none_or(|k| k == brief.kind));
        check(FilterKind::Status, q.status.is_none_or(|s| s == state));
        check(
            FilterKind::Amount,
            q.amount.is_none_or(|b| b == brief.amount),
        );
        failed
    }
}

/// A program open to `industry`: every industry, the same code, its major, or (for a major
/// asked about) any part of that major.
fn industry_open(brief: &Brief, facts: &Arc<Facts>, industry: JsicCode) -> bool {
    if brief.every_industry {
        return true;
    }
    if brief.majors & major_bit(industry.major_letter()) == 0 {
        return false;
    }
    let Some(codes) = facts.industries() else {
        return true;
    };
    match industry {
        JsicCode::Major(_) => true,
        JsicCode::Middle(_) => codes
            .iter()
            .any(|&c| c == industry || c == JsicCode::Major(industry.major_letter())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(raw: &str) -> LocalGovCode {
        LocalGovCode::parse(raw).unwrap()
    }

    #[test]
    fn a_municipality_is_reached_by_its_own_its_prefectures_and_national_programs() {
        let sumida = Place::of(code("131075"));
        assert!(sumida.reached_by(None));
        assert!(sumida.reached_by(Some(&CodeSet::from([code("131075")]))));
        assert!(sumida.reached_by(Some(&CodeSet::from([code("130001")]))));
        assert!(!sumida.reached_by(Some(&CodeSet::from([code("131113")]))));
        assert!(!sumida.reached_by(Some(&CodeSet::from([code("240001")]))));
    }

    #[test]
    fn a_prefecture_is_reached_by_programs_anywhere_in_it() {
        let tokyo = Place::of(code("130001"));
        assert!(tokyo.reached_by(Some(&CodeSet::from([code("131113")]))));
        assert!(!tokyo.reached_by(Some(&CodeSet::from([code("240001")]))));
    }

    /// What [`industry_open`] decides, from the facts alone.
    fn industry_open_plainly(facts: &Facts, industry: JsicCode) -> bool {
        let Some(codes) = facts.industries() else {
            return true;
        };
        match industry {
            JsicCode::Major(letter) => codes.iter().any(|c| c.major_letter() == letter),
            JsicCode::Middle(_) => codes
                .iter()
                .any(|&c| c == industry || c == JsicCode::Major(industry.major_letter())),
        }
    }

    #[test]
    fn the_brief_decides_areas_and_industries_as_the_facts_do() {
        use madoguchi_core::program::{TargetAreas, TargetIndustries};
        let places = [
            "130001", "131075", "131113", "141003", "141046", "141500", "240001", "242021",
            "472018", "011002",
        ];
        let industries = ["E", "I", "N", "T", "09", "24", "60", "76", "78", "99"];
        let jsic = |raw: &str| JsicCode::parse(raw).unwrap();
        let demo = madoguchi_core::demo::CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| madoguchi_core::import::own::parse(bytes).unwrap().programs);
        let mut programs: Vec<Program> = demo.collect();
        // Every pair of places and of industries as a program's own, besides the catalogue's.
        let template = programs[0].clone();
        for (i, a) in places.iter().enumerate() {
            for b in &places[i..] {
                let mut p = template.clone();
                p.areas = TargetAreas::Local(CodeSet::from([code(a), code(b)]));
                p.industries = TargetIndustries::Only(CodeSet::from([
                    jsic(industries[i]),
                    jsic(industries[(i + 3) % industries.len()]),
                ]));
                programs.push(p);
            }
        }
        for program in &programs {
            let facts = Arc::new(Facts::of(Arc::new(program.clone())));
            let brief = facts.brief;
            for raw in places {
                let place = Place::of(code(raw));
                assert_eq!(
                    place.reached(&brief, &facts),
                    place.reached_by(facts.areas()),
                    "{} in {raw}",
                    program.id
                );
            }
            for raw in industries {
                assert_eq!(
                    industry_open(&brief, &facts, jsic(raw)),
                    industry_open_plainly(&facts, jsic(raw)),
                    "{} for {raw}",
                    program.id
                );
            }
        }
    }

    #[test]
    fn a_ward_is_reached_by_its_designated_citys_programs() {
        // 横浜市中区 and 横浜市.
        let ward = Place::of(code("141046"));
        assert!(ward.reached_by(Some(&CodeSet::from([code("141003")]))));
    }
}
