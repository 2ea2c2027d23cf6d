//! The bundled demo catalogue (data/demo/catalogue/*.json) is checked here as data.
//!
//! Every program must read as a valid `Program`, carry the demo note, its official page and its
//! fiscal year, name a real local government, ship a valid eligibility rule whose test profiles
//! all get the verdict they expect, and the catalogue must cover what the demo is meant to show:
//! the named national programs, five named prefectures and six named municipalities, every kind
//! of support and every status.

use std::collections::BTreeSet;

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::eligibility::{RuleSet, Verdict, run_test_cases, validate_program_rule};
use madoguchi_core::program::{GovLevel, Program, ProgramKind, ProgramStatus, TargetAreas};
use madoguchi_core::reference::{LocalGovCode, local_gov};

const FILES: [(&str, GovLevel, &str); 3] = [
    (
        "national.json",
        GovLevel::National,
        include_str!("../../../data/demo/catalogue/national.json"),
    ),
    (
        "prefectural.json",
        GovLevel::Prefectural,
        include_str!("../../../data/demo/catalogue/prefectural.json"),
    ),
    (
        "municipal.json",
        GovLevel::Municipal,
        include_str!("../../../data/demo/catalogue/municipal.json"),
    ),
];

/// The day the demo's statuses were set for, and the test profiles are judged on.
const AS_OF: &str = "2026-11-23";

/// One catalogue record and the file it came from.
struct Entry {
    file: &'static str,
    level: GovLevel,
    program: Program,
}

fn catalogue() -> Vec<Entry> {
    FILES
        .iter()
        .flat_map(|&(file, level, text)| {
            let programs: Vec<Program> = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("{file} does not read as programs: {e}"));
            programs.into_iter().map(move |program| Entry {
                file,
                level,
                program,
            })
        })
        .collect()
}

fn code(raw: &str) -> LocalGovCode {
    LocalGovCode::parse(raw).unwrap_or_else(|e| panic!("{raw}: {e}"))
}

fn as_of() -> JstDateTime {
    JstDateTime::parse(AS_OF, DayEdge::End).expect("the reference date parses")
}

#[test]
fn every_demo_program_reads_and_validates_and_has_a_unique_id() {
    let entries = catalogue();
    let mut ids = BTreeSet::new();
    for e in &entries {
        e.program
            .validate()
            .unwrap_or_else(|err| panic!("{}: {err}", e.program.id));
        assert!(ids.insert(e.program.id.clone()), "{} twice", e.program.id);
        assert!(
            e.program.id.as_str().starts_with("demo-"),
            "{} must start with demo-",
            e.program.id
        );
    }
    assert!(entries.len() >= 60, "only {} programs", entries.len());
}

#[test]
fn every_program_carries_the_demo_note_its_official_page_and_its_fiscal_year() {
    for e in catalogue() {
        let p = &e.program;
        let note = p.note.as_deref().unwrap_or_default();
        assert!(note.contains("デモ用データ"), "{}: note {note:?}", p.id);
        assert!(note.contains("公式ページ"), "{}: note {note:?}", p.id);
        assert!(p.official_url.is_some(), "{}: no official URL", p.id);
        assert!(p.fiscal_year.is_some(), "{}: no fiscal year", p.id);
        assert!(!p.summary.trim().is_empty(), "{}: no summary", p.id);
        assert!(!p.purposes.is_empty(), "{}: no purpose", p.id);
        assert!(!p.rounds.is_empty(), "{}: no round", p.id);
    }
}

#[test]
fn each_file_holds_programs_of_its_own_level_only() {
    for e in catalogue() {
        assert_eq!(
            e.program.issuer.level(),
            e.level,
            "{} is in {}",
            e.program.id,
            e.file
        );
    }
}

#[test]
fn every_local_issuer_and_area_is_a_real_local_government_under_its_own_name() {
    for e in catalogue() {
        let p = &e.program;
        if let Some(c) = p.issuer.code() {
            let gov = local_gov(c).unwrap_or_else(|| panic!("{}: no local government {c}", p.id));
            assert_eq!(p.issuer.name(), gov.full_name(), "{}", p.id);
            assert_eq!(
                c.is_prefecture(),
                p.issuer.level() == GovLevel::Prefectural,
                "{}: code {c} does not fit its level",
                p.id
            );
        }
        if let TargetAreas::Local(codes) = &p.areas {
            for c in codes {
                assert!(local_gov(*c).is_some(), "{}: area {c} is unknown", p.id);
            }
        }
    }
}

#[test]
fn the_catalogue_holds_the_national_programs_the_issue_names() {
    let entries = catalogue();
    let national: Vec<&Program> = entries
        .iter()
        .filter(|e| e.level == GovLevel::National)
        .map(|e| &e.program)
        .collect();
    assert!(national.len() >= 25, "only {} national", national.len());
    let named = [
        "ものづくり・商業・サービス生産性向上促進補助金",
        "デジタル化・AI導入補助金",
        "小規模事業者持続化補助金",
        "事業承継・M&A補助金",
        "中小企業省力化投資補助金",
        "キャリアアップ助成金",
        "業務改善助成金",
        "人材開発支援助成金",
        "両立支援等助成金",
        "新規開業・スタートアップ支援資金",
        "中小企業経営強化税制",
    ];
    for name in named {
        assert!(
            national.iter().any(|p| p.title.as_str().contains(name)),
            "no national program named {name}"
        );
    }
}

/// Checks that at least `at_least` programs of `level` exist and that each named local
/// government issues one of them.
fn assert_local_coverage(level: GovLevel, at_least: usize, named: &[&str]) {
    let issuers: Vec<LocalGovCode> = catalogue()
        .iter()
        .filter(|e| e.level == level)
        .filter_map(|e| e.program.issuer.code())
        .collect();
    assert!(
        issuers.len() >= at_least,
        "only {} programs of level {level}",
        issuers.len()
    );
    for raw in named {
        assert!(issuers.contains(&code(raw)), "no program of {raw}");
    }
}

#[test]
fn the_catalogue_holds_the_five_named_prefectures_among_fifteen_prefectural_programs() {
    // 三重県, 秋田県, 鹿児島県, 東京都, 石川県.
    let named = ["240001", "050008", "460001", "130001", "170003"];
    assert_local_coverage(GovLevel::Prefectural, 15, &named);
}

#[test]
fn the_catalogue_holds_the_six_named_municipalities_among_twenty_municipal_programs() {
    // 日置市, 大田区, 墨田区, 飛騨市, 金沢市, 横須賀市.
    let named = ["462161", "131113", "131075", "212172", "172014", "142018"];
    assert_local_coverage(GovLevel::Municipal, 20, &named);
}

#[test]
fn the_catalogue_shows_every_kind_of_support_and_every_live_status() {
    let entries = catalogue();
    let kinds: BTreeSet<ProgramKind> = entries.iter().map(|e| e.program.kind).collect();
    for kind in [
        ProgramKind::Subsidy,
        ProgramKind::Grant,
        ProgramKind::Loan,
        ProgramKind::Tax,
        ProgramKind::Advice,
    ] {
        assert!(kinds.contains(&kind), "no program of kind {kind}");
    }
    let statuses: BTreeSet<ProgramStatus> = entries.iter().map(|e| e.program.status).collect();
    for status in [
        ProgramStatus::Open,
        ProgramStatus::Upcoming,
        ProgramStatus::Closed,
        ProgramStatus::ClosedBudget,
    ] {
        assert!(statuses.contains(&status), "no program {status}");
    }
}

#[test]
fn a_status_agrees_with_the_rounds_on_the_reference_date() {
    let today = as_of();
    for e in catalogue() {
        let p = &e.program;
        let all_closed = p
            .rounds
            .iter()
            .all(|r| r.closes().is_some_and(|c| c < today));
        let any_opened = p
            .rounds
            .iter()
            .any(|r| r.opens().is_some_and(|o| o <= today));
        match p.status {
            ProgramStatus::Open => {
                assert!(!all_closed, "{} is open but every round has closed", p.id);
            }
            ProgramStatus::Upcoming => {
                assert!(!any_opened, "{} is upcoming but a round has opened", p.id);
            }
            ProgramStatus::Closed | ProgramStatus::ClosedBudget | ProgramStatus::Cancelled => {
                let still_open = p.rounds.iter().any(|r| {
                    r.opens().is_some_and(|o| o <= today) && r.closes().is_some_and(|c| c >= today)
                });
                assert!(!still_open, "{} is closed but a round is open", p.id);
            }
        }
    }
}

#[test]
fn details_use_only_paragraphs_lists_and_strong_text() {
    let allowed = ["p", "ul", "ol", "li", "strong"];
    for e in catalogue() {
        let detail = &e.program.detail;
        for tag in detail.split('<').skip(1) {
            let name = tag
                .trim_start_matches('/')
                .split(['>', ' '])
                .next()
                .unwrap_or_default();
            assert!(
                allowed.contains(&name),
                "{}: tag <{name}> in detail",
                e.program.id
            );
        }
    }
}

#[test]
fn every_program_ships_a_valid_rule_and_two_to_eight_test_profiles_with_both_outcomes() {
    for e in catalogue() {
        let p = &e.program;
        assert!(p.rule.is_some(), "{}: no rule", p.id);
        validate_program_rule(p).unwrap_or_else(|err| panic!("{err}"));
        let n = p.test_cases.len();
        assert!((2..=8).contains(&n), "{}: {n} test cases", p.id);
        let expected: BTreeSet<Verdict> = p.test_cases.iter().map(|c| c.expect).collect();
        assert!(
            expected.contains(&Verdict::Ineligible),
            "{}: no test profile that is refused",
            p.id
        );
        assert!(
            expected.contains(&Verdict::Eligible) || expected.contains(&Verdict::Conditional),
            "{}: no test profile that is admitted",
            p.id
        );
    }
}

#[test]
fn every_test_profile_gets_the_verdict_its_program_expects() {
    let today = as_of().date();
    let failures: Vec<String> = catalogue()
        .iter()
        .flat_map(|e| run_test_cases(&e.program, today))
        .map(|f| f.to_string())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn the_whole_catalogue_builds_one_rule_set_without_errors() {
    let programs: Vec<Program> = catalogue().into_iter().map(|e| e.program).collect();
    let (_, errors) = RuleSet::build(&programs);
    assert!(errors.is_empty(), "{errors:?}");
}

/// What the note of a program says when no public source could be read on the last check.
const UNCHECKED: &str = "公開資料を確認できませんでした";

#[test]
fn every_program_records_the_documents_it_was_checked_against_or_says_it_could_not_be() {
    let mut checked = 0;
    for e in catalogue() {
        let p = &e.program;
        let note = p.note.as_deref().unwrap_or_default();
        if note.contains(UNCHECKED) {
            assert!(
                p.verified_against.is_empty(),
                "{}: says unchecked but lists sources",
                p.id
            );
            continue;
        }
        assert!(p.last_verified.is_some(), "{}: no last_verified", p.id);
        assert!(
            !p.verified_against.is_empty(),
            "{}: no verified_against",
            p.id
        );
        for source in &p.verified_against {
            assert!(
                !source.title.trim().is_empty(),
                "{}: a source without a title",
                p.id
            );
        }
        checked += 1;
    }
    assert!(
        checked >= 70,
        "only {checked} programs checked against public sources"
    );
}

#[test]
fn no_demo_rule_uses_the_old_name_of_the_size_definition() {
    for e in catalogue() {
        let rule = serde_json::to_string(&e.program.rule).unwrap_or_default();
        assert!(
            !rule.contains(r#""fact":"sme""#),
            "{}: names `sme`; name the definition its source cites",
            e.program.id
        );
    }
}
