//! Which experts a case should go to, best first, each with its reasons, and which were
//! left out and why.
//!
//! First the hard filters, any one of which leaves an expert out: the case's category, the
//! kind of requester, the area (or online), availability on the day, this month's capacity,
//! and a declared conflict of interest. Then a score in whole points, so that the order is
//! exact and can be shown: shared skill tags, nearness, experience with similar cases and
//! the capacity left this month. Partner companies are proposed in turn instead: the one
//! introduced least often this fiscal year first, the score deciding only between equals,
//! so that the work is shared fairly and every company can see that it is.

use std::cmp::Reverse;

use time::Date;

use super::expert::{Category, Expert, ExpertKind, Requester, add_tags};
use crate::reference::{LocalGovCode, local_gov};
use crate::text::fold::name_key;

/// Points for each skill tag the case and the expert share, up to `MAX_SHARED_TAGS`.
const POINTS_PER_SHARED_TAG: u32 = 30;
const MAX_SHARED_TAGS: usize = 3;
/// Points for working in the case's municipality, or in its prefecture.
const POINTS_SAME_MUNICIPALITY: u32 = 20;
const POINTS_SAME_PREFECTURE: u32 = 10;
/// Points for the share of this month's capacity still free (all of it: the full points).
const POINTS_FOR_FREE_CAPACITY: u32 = 20;

/// What a case needs, as the desk heard it.
#[derive(Debug, Clone)]
pub struct CaseNeed {
    pub category: Category,
    pub requester: Requester,
    /// The municipality (or prefecture) the requester is in, if known.
    pub place: Option<LocalGovCode>,
    tags: Vec<String>,
    parties: Vec<String>,
    /// The day the proposal is made, for availability.
    pub on: Date,
}

impl CaseNeed {
    pub fn new(category: Category, requester: Requester, on: Date) -> Self {
        Self {
            category,
            requester,
            place: None,
            tags: Vec::new(),
            parties: Vec::new(),
            on,
        }
    }

    pub fn in_place(mut self, place: LocalGovCode) -> Self {
        self.place = Some(place);
        self
    }

    /// The skills the case calls for (as typed; compared folded).
    pub fn with_tags<'t>(mut self, tags: impl IntoIterator<Item = &'t str>) -> Self {
        add_tags(&mut self.tags, tags);
        self
    }

    /// Who the case is from or about (the business, the parties it names): an expert who
    /// declared any of them is left out.
    pub fn with_parties<'t>(mut self, parties: impl IntoIterator<Item = &'t str>) -> Self {
        self.parties.extend(parties.into_iter().map(name_key));
        self
    }
}

/// How much an expert has on, as the shell counted it from the cases it keeps.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Standing {
    /// Cases introduced to them this calendar month.
    pub this_month: u32,
    /// Cases introduced to them this fiscal year (April to March).
    pub this_fiscal_year: u32,
    /// Closed cases in the same category.
    pub similar_closed: u32,
}

/// One expert of the registry with their standing.
#[derive(Debug, Clone, Copy)]
pub struct Candidate<'a> {
    pub expert: &'a Expert,
    pub standing: Standing,
}

/// How an expert's area meets the case's place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AreaFit {
    Online,
    SamePrefecture,
    SameMunicipality,
}

/// Why an expert was left out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclusion {
    OtherKind,
    Category,
    Requester(Requester),
    Area,
    Paused,
    Away,
    Full { capacity: u32 },
    Conflict(String),
}

impl Exclusion {
    /// What staff read beside the expert's name.
    pub fn message(&self) -> String {
        match self {
            Self::OtherKind => {
                "求める種類（専門家・パートナー企業・副業人材）が違います".to_owned()
            }
            Self::Category => "この分野を受け付けていません".to_owned(),
            Self::Requester(who) => format!("{}からの相談を受け付けていません", who.label()),
            Self::Area => "相談者の地域で活動しておらず、オンラインにも対応していません".to_owned(),
            Self::Paused => "受付を休止しています".to_owned(),
            Self::Away => "この日は不在です".to_owned(),
            Self::Full { capacity } => format!("今月の受け入れ上限（{capacity}件）に達しています"),
            Self::Conflict(party) => format!("利害関係の申告があります（{party}）"),
        }
    }
}

/// A proposed expert, with the points and the reasons behind its place.
#[derive(Debug, Clone)]
pub struct Proposal<'a> {
    pub expert: &'a Expert,
    pub score: u32,
    pub area: AreaFit,
    pub standing: Standing,
    /// Plain Japanese, one line each: what staff see and what the assignment keeps.
    pub reasons: Vec<String>,
}

/// The result of matching a case: the proposals, best first, and everyone left out.
#[derive(Debug, Clone, Default)]
pub struct Matching<'a> {
    pub proposals: Vec<Proposal<'a>>,
    pub excluded: Vec<(&'a Expert, Exclusion)>,
}

/// Proposes up to `limit` experts of `kind` for `need` out of `candidates`.
pub fn propose<'a>(
    need: &CaseNeed,
    kind: ExpertKind,
    candidates: &[Candidate<'a>],
    limit: usize,
) -> Matching<'a> {
    // A ward's city counts as the same municipality: worked out once per case.
    let place_city = need
        .place
        .and_then(local_gov)
        .and_then(|gov| gov.parent_city())
        .map(|city| city.code);
    let mut matching = Matching::default();
    for candidate in candidates {
        match check(need, kind, place_city, candidate) {
            Ok(area) => matching.proposals.push(scored(need, candidate, area)),
            Err(why) => matching.excluded.push((candidate.expert, why)),
        }
    }
    let proposals = &mut matching.proposals;
    if kind == ExpertKind::Partner {
        proposals.sort_by_key(|p| {
            let fy = p.standing.this_fiscal_year;
            (fy, Reverse(p.score), p.expert.id.clone())
        });
        for p in proposals.iter_mut() {
            p.reasons.push(format!(
                "順番：今年度の紹介 {}件（少ない順に紹介）",
                p.standing.this_fiscal_year
            ));
        }
    } else {
        proposals.sort_by_key(|p| (Reverse(p.score), p.expert.id.clone()));
    }
    proposals.truncate(limit);
    matching
}

/// The hard filters, in the order staff would ask them.
fn check(
    need: &CaseNeed,
    kind: ExpertKind,
    place_city: Option<LocalGovCode>,
    candidate: &Candidate<'_>,
) -> Result<AreaFit, Exclusion> {
    let expert = candidate.expert;
    if expert.kind != kind {
        return Err(Exclusion::OtherKind);
    }
    if !expert.categories.contains(&need.category) {
        return Err(Exclusion::Category);
    }
    if !expert.takes.contains(&need.requester) {
        return Err(Exclusion::Requester(need.requester));
    }
    let area = area_fit(expert, need.place, place_city).ok_or(Exclusion::Area)?;
    if expert.availability.paused {
        return Err(Exclusion::Paused);
    }
    if !expert.availability.open_on(need.on) {
        return Err(Exclusion::Away);
    }
    if candidate.standing.this_month >= expert.monthly_capacity {
        return Err(Exclusion::Full {
            capacity: expert.monthly_capacity,
        });
    }
    if let Some(party) = expert.conflict_with(&need.parties) {
        return Err(Exclusion::Conflict(party.to_owned()));
    }
    Ok(area)
}

/// The nearest way the expert's area meets the place; a case with no place known can go
/// to anyone who works online.
fn area_fit(
    expert: &Expert,
    place: Option<LocalGovCode>,
    place_city: Option<LocalGovCode>,
) -> Option<AreaFit> {
    let near = place.and_then(|place| {
        expert
            .area
            .areas
            .iter()
            .filter_map(|&area| {
                if area == place || Some(area) == place_city {
                    Some(AreaFit::SameMunicipality)
                } else if area.is_prefecture()
                    && area.prefecture_number() == place.prefecture_number()
                {
                    Some(AreaFit::SamePrefecture)
                } else {
                    None
                }
            })
            .max()
    });
    near.or(expert.area.remote.then_some(AreaFit::Online))
}

fn scored<'a>(need: &CaseNeed, candidate: &Candidate<'a>, area: AreaFit) -> Proposal<'a> {
    let expert = candidate.expert;
    let standing = candidate.standing;
    let mut reasons = Vec::with_capacity(5);
    let mut score = 0;

    let shared = shared_tags(&need.tags, expert.tags());
    if !shared.is_empty() {
        let counted = shared.len().min(MAX_SHARED_TAGS);
        score += POINTS_PER_SHARED_TAG * u32::try_from(counted).unwrap_or(0);
        reasons.push(format!("得意分野が一致：{}", shared.join("、")));
    }
    let (points, said) = match area {
        AreaFit::SameMunicipality => (POINTS_SAME_MUNICIPALITY, "地域：相談者と同じ市区町村で活動"),
        AreaFit::SamePrefecture => (POINTS_SAME_PREFECTURE, "地域：相談者と同じ都道府県で活動"),
        AreaFit::Online => (0, "地域：オンラインで対応"),
    };
    score += points;
    reasons.push(said.to_owned());
    let experience = match standing.similar_closed {
        0 => 0,
        1..=2 => 5,
        3..=9 => 10,
        _ => 15,
    };
    score += experience;
    if standing.similar_closed > 0 {
        reasons.push(format!("同じ分野の相談を{}件完了", standing.similar_closed));
    }
    // `check` made sure this_month < capacity, so capacity is at least 1.
    let capacity = expert.monthly_capacity.max(1);
    let free = capacity.saturating_sub(standing.this_month);
    // In u64: a capacity near u32::MAX (no limit, in effect) must not overflow.
    let free_points = u64::from(POINTS_FOR_FREE_CAPACITY) * u64::from(free) / u64::from(capacity);
    score += u32::try_from(free_points).unwrap_or(POINTS_FOR_FREE_CAPACITY);
    reasons.push(format!(
        "今月の受け入れ：{}件／上限{}件",
        standing.this_month, expert.monthly_capacity
    ));
    Proposal {
        expert,
        score,
        area,
        standing,
        reasons,
    }
}

/// The tags in both sorted lists, in order.
fn shared_tags<'t>(wanted: &[String], has: &'t [String]) -> Vec<&'t str> {
    has.iter()
        .filter(|tag| wanted.binary_search(tag).is_ok())
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use super::*;
    use crate::desk::{Availability, ServiceArea};

    fn code(raw: &str) -> LocalGovCode {
        LocalGovCode::parse(raw).unwrap()
    }

    fn dx() -> Category {
        Category::parse("dx-strategy").unwrap()
    }

    const TSU: &str = "242012"; // 三重県津市
    const MIE: &str = "240001";
    const NAGOYA: &str = "231002";
    const NAGOYA_NAKA: &str = "231061"; // 名古屋市中区

    fn advisor(id: &str) -> Expert {
        let mut e =
            Expert::new(id, ExpertKind::Advisor, format!("例：{id}")).with_tags(["EC", "SNS"]);
        e.categories = vec![dx()];
        e.takes = vec![Requester::Business];
        e.area = ServiceArea {
            areas: vec![code(MIE)],
            remote: false,
        };
        e.monthly_capacity = 4;
        e
    }

    fn need() -> CaseNeed {
        CaseNeed::new(dx(), Requester::Business, date!(2026 - 12 - 04))
            .in_place(code(TSU))
            .with_tags(["ｅｃ", "会計"])
    }

    fn candidates(experts: &[Expert]) -> Vec<Candidate<'_>> {
        experts
            .iter()
            .map(|expert| Candidate {
                expert,
                standing: Standing::default(),
            })
            .collect()
    }

    #[test]
    fn a_proposal_says_why_and_the_nearer_better_fitting_expert_comes_first() {
        let near = {
            let mut e = advisor("near");
            e.area.areas = vec![code(TSU)];
            e
        };
        let far = {
            let mut e = advisor("far").with_tags(["会計"]);
            e.area = ServiceArea {
                areas: vec![],
                remote: true,
            };
            e
        };
        let experts = [far, near];
        let matching = propose(&need(), ExpertKind::Advisor, &candidates(&experts), 3);
        let ids: Vec<_> = matching
            .proposals
            .iter()
            .map(|p| p.expert.id.as_str())
            .collect();
        // far shares two tags (60) online (0) with free capacity (20) = 80;
        // near shares one (30) in the same city (20) with free capacity (20) = 70.
        assert_eq!(ids, ["far", "near"]);
        assert_eq!(matching.proposals[0].score, 80);
        assert_eq!(matching.proposals[1].score, 70);
        let reasons = &matching.proposals[1].reasons;
        assert!(
            reasons.contains(&"得意分野が一致：ec".to_owned()),
            "{reasons:?}"
        );
        assert!(reasons.contains(&"地域：相談者と同じ市区町村で活動".to_owned()));
        assert!(reasons.contains(&"今月の受け入れ：0件／上限4件".to_owned()));
    }

    #[test]
    fn every_hard_filter_leaves_the_expert_out_with_its_reason() {
        let on = need().on;
        let mut paused = advisor("paused");
        paused.availability.paused = true;
        let mut away = advisor("away");
        away.availability = Availability {
            paused: false,
            away: vec![(on, on)],
        };
        let mut residents_only = advisor("residents");
        residents_only.takes = vec![Requester::Resident];
        let mut elsewhere = advisor("elsewhere");
        elsewhere.area.areas = vec![code(NAGOYA)];
        let conflicted = advisor("conflicted").with_conflicts(["(株)ミエ 商事"]);
        let mut other_category = advisor("other");
        other_category.categories = vec![Category::parse("security").unwrap()];
        let full = advisor("full");
        let mut partner = advisor("partner");
        partner.kind = ExpertKind::Partner;
        let experts = [
            paused,
            away,
            residents_only,
            elsewhere,
            conflicted,
            other_category,
            full,
            partner,
        ];
        let mut all = candidates(&experts);
        all[6].standing.this_month = 4;
        let need = need().with_parties(["（株）ミエ商事"]);
        let matching = propose(&need, ExpertKind::Advisor, &all, 3);
        assert!(matching.proposals.is_empty());
        let why: Vec<_> = matching
            .excluded
            .iter()
            .map(|(e, why)| (e.id.as_str(), why.message()))
            .collect();
        assert_eq!(
            why,
            [
                ("paused", "受付を休止しています".to_owned()),
                ("away", "この日は不在です".to_owned()),
                (
                    "residents",
                    "事業者からの相談を受け付けていません".to_owned()
                ),
                (
                    "elsewhere",
                    "相談者の地域で活動しておらず、オンラインにも対応していません".to_owned()
                ),
                (
                    "conflicted",
                    "利害関係の申告があります（(株)ミエ商事）".to_owned()
                ),
                ("other", "この分野を受け付けていません".to_owned()),
                ("full", "今月の受け入れ上限（4件）に達しています".to_owned()),
                (
                    "partner",
                    "求める種類（専門家・パートナー企業・副業人材）が違います".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn a_ward_is_served_by_whoever_works_in_its_city() {
        let mut nagoya = advisor("nagoya");
        nagoya.area.areas = vec![code(NAGOYA)];
        let need = CaseNeed::new(dx(), Requester::Business, date!(2026 - 12 - 04))
            .in_place(code(NAGOYA_NAKA));
        let experts = [nagoya];
        let matching = propose(&need, ExpertKind::Advisor, &candidates(&experts), 3);
        assert_eq!(matching.proposals[0].area, AreaFit::SameMunicipality);
    }

    #[test]
    fn partners_are_proposed_in_turn_by_this_years_introductions() {
        let partners: Vec<Expert> = ["a", "b", "c"]
            .iter()
            .map(|id| {
                let mut e = advisor(id);
                e.kind = ExpertKind::Partner;
                e
            })
            .collect();
        let mut all = candidates(&partners);
        all[0].standing.this_fiscal_year = 5;
        all[1].standing.this_fiscal_year = 2;
        all[2].standing.this_fiscal_year = 2;
        // c is better placed, so it goes before b at the same count; a comes last.
        let mut c = partners[2].clone();
        c.area.areas = vec![code(TSU)];
        all[2].expert = &c;
        let matching = propose(&need(), ExpertKind::Partner, &all, 3);
        let ids: Vec<_> = matching
            .proposals
            .iter()
            .map(|p| p.expert.id.as_str())
            .collect();
        assert_eq!(ids, ["c", "b", "a"]);
        assert!(
            matching.proposals[2]
                .reasons
                .contains(&"順番：今年度の紹介 5件（少ない順に紹介）".to_owned())
        );
    }

    fn arbitrary_expert() -> impl Strategy<Value = (Expert, Standing)> {
        let kinds = prop_oneof![
            Just(ExpertKind::Advisor),
            Just(ExpertKind::Partner),
            Just(ExpertKind::Talent)
        ];
        let categories = prop::sample::subsequence(vec!["dx-strategy", "security", "ec"], 0..=3);
        let takes = prop::sample::subsequence(Requester::ALL.to_vec(), 0..=3);
        let areas = prop::sample::subsequence(vec![TSU, MIE, NAGOYA, "130001"], 0..=2);
        let tags = prop::sample::subsequence(vec!["EC", "SNS", "会計", "AI", "補助金"], 0..=4);
        (
            (kinds, categories, takes, areas, any::<bool>(), tags),
            (0u32..4, any::<bool>(), any::<bool>(), any::<bool>()),
            (0u32..6, 0u32..20, 0u32..12),
        )
            .prop_map(
                |(
                    (kind, categories, takes, areas, remote, tags),
                    (capacity, paused, away_today, conflicted),
                    (month, year, similar),
                )| {
                    let on = date!(2026 - 12 - 04);
                    let mut e = Expert::new(format!("e{year}{month}{capacity}"), kind, "例")
                        .with_tags(tags);
                    if conflicted {
                        e = e.with_conflicts(["ミエ商事"]);
                    }
                    e.categories = categories
                        .iter()
                        .map(|c| Category::parse(c).unwrap())
                        .collect();
                    e.takes = takes;
                    e.area = ServiceArea {
                        areas: areas.iter().map(|a| code(a)).collect(),
                        remote,
                    };
                    e.monthly_capacity = capacity;
                    e.availability = Availability {
                        paused,
                        away: if away_today { vec![(on, on)] } else { vec![] },
                    };
                    let standing = Standing {
                        this_month: month,
                        this_fiscal_year: year,
                        similar_closed: similar,
                    };
                    (e, standing)
                },
            )
    }

    proptest! {
        /// Checked against the registry's raw facts, not against the filter itself.
        #[test]
        fn a_proposal_never_breaks_a_hard_filter(
            experts in prop::collection::vec(arbitrary_expert(), 0..40),
            place in prop::sample::select(vec![Some(TSU), Some(NAGOYA_NAKA), Some("130001"), None]),
            kind in prop::sample::select(vec![ExpertKind::Advisor, ExpertKind::Partner]),
        ) {
            let mut need = CaseNeed::new(dx(), Requester::Business, date!(2026 - 12 - 04))
                .with_tags(["ec"])
                .with_parties(["ミエ商事"]);
            need.place = place.map(code);
            let all: Vec<Candidate<'_>> = experts
                .iter()
                .map(|(expert, standing)| Candidate { expert, standing: *standing })
                .collect();
            let matching = propose(&need, kind, &all, 3);
            prop_assert!(matching.proposals.len() <= 3);
            prop_assert_eq!(
                matching.proposals.len().min(3) + matching.excluded.len() >= all.len().min(3),
                true
            );
            for p in &matching.proposals {
                let e = p.expert;
                prop_assert_eq!(e.kind, kind);
                prop_assert!(e.categories.iter().any(|c| c.as_str() == "dx-strategy"));
                prop_assert!(e.takes.contains(&Requester::Business));
                prop_assert!(!e.availability.paused && e.availability.away.is_empty());
                prop_assert!(p.standing.this_month < e.monthly_capacity);
                prop_assert!(e.conflicts().is_empty());
                let near = place.is_some_and(|place| {
                    let place = code(place);
                    e.area.areas.iter().any(|a| {
                        *a == place
                            || (a.is_prefecture() && a.prefecture_number() == place.prefecture_number())
                            || (place.as_u32() == code(NAGOYA_NAKA).as_u32() && a.as_u32() == code(NAGOYA).as_u32())
                    })
                });
                prop_assert!(near || e.area.remote);
            }
            for (excluded, _) in &matching.excluded {
                prop_assert!(!matching.proposals.iter().any(|p| std::ptr::eq(p.expert, *excluded)));
            }
        }

        /// Equal partners introduced in turn: after any number of cases, no partner has
        /// more than one introduction more than another.
        #[test]
        fn rotation_shares_the_work_evenly(partners in 2usize..12, cases in 0usize..200) {
            let experts: Vec<Expert> = (0..partners)
                .map(|n| {
                    let mut e = advisor(&format!("p{n:02}"));
                    e.kind = ExpertKind::Partner;
                    e.monthly_capacity = u32::MAX;
                    e
                })
                .collect();
            let mut counts = vec![0u32; partners];
            for _ in 0..cases {
                let all: Vec<Candidate<'_>> = experts
                    .iter()
                    .zip(&counts)
                    .map(|(expert, &n)| Candidate {
                        expert,
                        standing: Standing { this_fiscal_year: n, ..Standing::default() },
                    })
                    .collect();
                let first = propose(&need(), ExpertKind::Partner, &all, 1).proposals[0].expert.id.clone();
                let at = experts.iter().position(|e| e.id == first).unwrap();
                counts[at] += 1;
            }
            let (min, max) = (counts.iter().min().unwrap(), counts.iter().max().unwrap());
            prop_assert!(max - min <= 1, "{counts:?}");
        }
    }
}
