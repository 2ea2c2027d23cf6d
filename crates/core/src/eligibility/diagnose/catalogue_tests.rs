//! The engine run end to end over a small realistic catalogue and a set of sample businesses
//! (`testdata/`): tests as data, the diagnosis JSON, and the next-question strategy against a
//! fixed questionnaire order.

use serde_json::{Value, json};
use time::Date;
use time::macros::date;

use crate::eligibility::*;
use crate::program::Program;

const AS_OF: Date = date!(2026 - 05 - 01);

fn catalogue() -> Vec<Program> {
    serde_json::from_str(include_str!("testdata/sample_catalogue.json")).unwrap()
}

/// (name, the full profile the business would give if asked everything).
fn businesses() -> Vec<(String, Profile)> {
    let raw: Vec<Value> =
        serde_json::from_str(include_str!("testdata/sample_businesses.json")).unwrap();
    raw.into_iter()
        .map(|b| {
            let name = b["name"].as_str().unwrap().to_owned();
            let profile = Profile::from_value(&b["profile"]).unwrap();
            (name, profile)
        })
        .collect()
}

#[test]
fn the_sample_catalogue_is_valid_and_passes_its_own_test_cases() {
    let programs = catalogue();
    assert_eq!(programs.len(), 15);
    let (_, errors) = RuleSet::build(&programs);
    assert!(errors.is_empty(), "{errors:?}");
    let failures: Vec<String> = programs
        .iter()
        .flat_map(|p| run_test_cases(p, AS_OF))
        .map(|f| f.to_string())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn a_full_profile_gets_a_definite_verdict_for_every_program_it_can() {
    let programs = catalogue();
    let (rules, _) = RuleSet::build(&programs);
    let (_, metalwork) = &businesses()[0];
    let ctx = Context::new(metalwork, AS_OF);
    let evaluation = rules.evaluate(&ctx);
    let verdict = |id: &str| {
        let i = programs.iter().position(|p| p.id.as_str() == id).unwrap();
        evaluation.verdicts()[i]
    };
    assert_eq!(verdict("sample-monozukuri"), Verdict::Conditional);
    // 製造業 counts as 小規模企業者 up to 20 employees: 12 qualifies.
    assert_eq!(verdict("sample-jizokuka"), Verdict::Conditional);
    assert_eq!(verdict("sample-kakushin-loan"), Verdict::Eligible);
    assert_eq!(
        verdict("sample-kagoshima-city-setsubi"),
        Verdict::Conditional
    );
    assert_eq!(verdict("sample-mie-dx"), Verdict::Ineligible);
    assert_eq!(verdict("sample-jgrants-import"), Verdict::Conditional);
    assert_eq!(verdict("sample-kyosai"), Verdict::Eligible);
    assert_eq!(verdict("sample-tokyo-inshoku"), Verdict::Ineligible);
}

#[test]
fn the_diagnosis_serialises_to_the_json_the_cli_prints() {
    let programs = catalogue();
    let (rules, _) = RuleSet::build(&programs);
    let profile = Profile::from_value(&json!({
        "municipality": "462012", "industry": "24", "org_form": "stock_company",
        "employees": 25, "founded": "2024-02-01", "tax_arrears": false
    }))
    .unwrap();
    let diagnosis = diagnose(&programs, &rules, &profile, AS_OF, Some(5));
    let json = serde_json::to_value(&diagnosis).unwrap();
    assert_eq!(json["as_of"], "2026-05-01");
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 5);
    let first = &results[0];
    for key in [
        "program_id",
        "title",
        "verdict",
        "window",
        "missing",
        "conditions",
        "hints",
    ] {
        assert!(first.get(key).is_some(), "{key} missing in {first}");
    }
    assert!(json["next_question"]["field"].is_string());
    assert!(json["next_question"]["question"].is_string());
    let verdicts: Vec<&str> = results
        .iter()
        .map(|r| r["verdict"].as_str().unwrap())
        .collect();
    let ranks: Vec<u8> = verdicts
        .iter()
        .map(|v| Verdict::parse(v).unwrap().rank())
        .collect();
    assert!(ranks.is_sorted(), "{verdicts:?}");
    let everything = diagnose(&programs, &rules, &profile, AS_OF, None);
    assert_eq!(everything.results.len(), programs.len());
    let sogyo = everything
        .results
        .iter()
        .find(|r| r.program_id.as_str() == "sample-kagoshima-sogyo")
        .unwrap();
    assert_eq!(sogyo.verdict, Verdict::Conditional);
    assert_eq!(
        sogyo.hints,
        ["創業5年未満の期間（2029年1月31日（令和11年）まで）に限り対象になり得ます"]
    );
}

/// How many questions it takes, asking by `choose`, until every verdict the full profile can
/// settle is settled. Fields the business cannot answer are recorded as 「わからない」.
fn questions_needed(
    rules: &RuleSet,
    truth: &Profile,
    choose: impl Fn(&Evaluation<'_>, &Context<'_>) -> Option<Field>,
) -> usize {
    let full = rules
        .evaluate(&Context::new(truth, AS_OF))
        .verdicts()
        .to_vec();
    let mut profile = Profile::default();
    let mut asked = 0;
    loop {
        let ctx = Context::new(&profile, AS_OF);
        let evaluation = rules.evaluate(&ctx);
        let open = evaluation
            .verdicts()
            .iter()
            .zip(&full)
            .any(|(now, settled)| *now == Verdict::NeedsInfo && settled.is_settled());
        if !open {
            return asked;
        }
        let Some(field) = choose(&evaluation, &ctx) else {
            panic!("no question left, yet verdicts remain open after {asked}");
        };
        let mut next = profile.clone();
        next.copy_field(field, truth);
        if next.state(field) == AnswerState::Unanswered {
            next.mark_dont_know(field);
        }
        profile = next;
        asked += 1;
    }
}

/// The paper-form order: every field in vocabulary order, skipping those that do not apply.
fn fixed_order(_: &Evaluation<'_>, ctx: &Context<'_>) -> Option<Field> {
    Field::ALL
        .iter()
        .copied()
        .find(|&f| ctx.profile.state(f) == AnswerState::Unanswered && ctx.profile.applies(f))
}

#[test]
fn asking_the_next_best_question_settles_verdicts_in_fewer_questions_than_a_fixed_order() {
    let programs = catalogue();
    let (rules, _) = RuleSet::build(&programs);
    let businesses = businesses();
    let mut adaptive_total = 0;
    let mut fixed_total = 0;
    for (name, truth) in &businesses {
        let adaptive = questions_needed(&rules, truth, next_question);
        let fixed = questions_needed(&rules, truth, fixed_order);
        println!("{name}: next best question {adaptive}, fixed order {fixed}");
        adaptive_total += adaptive;
        fixed_total += fixed;
    }
    let n = businesses.len() as f64;
    let (adaptive, fixed) = (adaptive_total as f64 / n, fixed_total as f64 / n);
    println!("average questions: next best question {adaptive:.2}, fixed order {fixed:.2}");
    assert!(
        adaptive < fixed,
        "adaptive {adaptive:.2} vs fixed {fixed:.2}"
    );
}

#[test]
fn the_first_question_for_an_empty_profile_is_a_cheap_one_that_matters() {
    let programs = catalogue();
    let (rules, _) = RuleSet::build(&programs);
    let profile = Profile::default();
    let ctx = Context::new(&profile, AS_OF);
    let evaluation = rules.evaluate(&ctx);
    let scores = score_questions(&evaluation, &ctx);
    let best = next_question(&evaluation, &ctx).unwrap();
    println!("first question: {best:?}; scores: {scores:?}");
    assert_eq!(best.cost(), 1);
}
