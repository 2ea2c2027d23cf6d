//! The engine's central promise, tested over random rules and profiles: answering a question
//! (or answering it more precisely) never flips a definite verdict. 対象 and 対象外 stay as
//! they are, and 条件付きで対象 can only become 対象.

use proptest::prelude::*;
use serde_json::{Value, json};
use time::macros::date;

use crate::eligibility::*;

/// Conditions of every kind, with thresholds on both sides of the law's limits.
fn leaves() -> Vec<Value> {
    vec![
        json!({"field": "employees", "op": "le", "value": 20}),
        json!({"field": "employees", "op": "gt", "value": 50}),
        json!({"field": "capital", "op": "le", "value": "5000万円"}),
        json!({"field": "capital", "op": "ge", "value": "3億円"}),
        json!({"field": "sales", "op": "lt", "value": "1億円"}),
        json!({"field": "minimum_wage", "op": "le", "value": 1100}),
        json!({"field": "org_form", "op": "in", "value": ["stock_company", "llc"]}),
        json!({"field": "org_form", "op": "ne", "value": "sole_proprietor"}),
        json!({"field": "large_investment", "op": "eq", "value": "none"}),
        json!({"field": "purposes", "op": "contains", "value": "equipment_it"}),
        json!({"field": "municipality", "op": "within", "value": ["460001"]}),
        json!({"field": "municipality", "op": "within", "value": ["462012", "242012"]}),
        json!({"field": "municipality", "op": "within", "value": ["011002"]}),
        json!({"field": "municipality", "op": "within", "value": ["011011"]}),
        json!({"field": "industry", "op": "industry_in", "value": ["E"]}),
        json!({"field": "industry", "op": "industry_in", "value": ["24", "76"]}),
        json!({"field": "founded", "op": "ge", "value": "2020-04-01"}),
        json!({"field": "tax_arrears", "op": "eq", "value": false}),
        json!({"field": "blue_return", "op": "eq", "value": true}),
        json!({"fact": "sme"}),
        json!({"fact": "small_business"}),
        json!({"fact": "deemed_large"}),
        json!({"fact": "years_since_founding", "op": "lt", "value": 5}),
        json!({"fact": "years_since_founding", "op": "ge", "value": 3}),
        json!({"manual": "公募要領の要件を満たすこと"}),
    ]
}

/// Possible answers per field, coarse ones (a prefecture, a designated city, a major
/// category) included.
pub(crate) fn answers(field: Field) -> Vec<Value> {
    match field {
        Field::Municipality => {
            json!([
                "460001", "462012", "462047", "242012", "011002", "011011", "131016"
            ])
        }
        Field::Industry => json!(["E", "I", "24", "19", "39", "76", "52", "75", "80", "41"]),
        Field::OrgForm => json!(OrgForm::ALL.iter().map(|f| f.code()).collect::<Vec<_>>()),
        Field::Employees => json!([0, 3, 5, 6, 20, 21, 50, 100, 300, 301, 900, 1000]),
        Field::Capital => json!([
            0,
            "1000万円",
            "5000万円",
            50_000_001,
            "1億円",
            "3億円",
            300_000_001
        ]),
        Field::Founded => json!([
            "2015-04-01",
            "2021-05-01",
            "2023-06-01",
            "planned",
            "2026-06-01"
        ]),
        Field::Sales => json!(["500万円", "1億円", "10億円"]),
        Field::Purposes => json!([[], ["equipment_it"], ["new_business", "employment"]]),
        Field::LargeInvestment => {
            json!(
                LargeInvestment::ALL
                    .iter()
                    .map(|f| f.code())
                    .collect::<Vec<_>>()
            )
        }
        Field::MinimumWage => json!([950, 1100, 1101, 1500]),
        _ => json!([true, false]),
    }
    .as_array()
    .cloned()
    .unwrap_or_default()
}

/// The answers that refine a coarse one (a municipality of the prefecture, a ward of the
/// city, a middle category of the major).
fn refinements(field: Field, coarse: &Value) -> Vec<Value> {
    let list = match (field, coarse.as_str()) {
        (Field::Municipality, Some("460001")) => json!(["462012", "462047"]),
        (Field::Municipality, Some("011002")) => json!(["011011"]),
        (Field::Industry, Some("E")) => json!(["24", "19"]),
        (Field::Industry, Some("I")) => json!(["52", "58"]),
        _ => json!([]),
    };
    list.as_array().cloned().unwrap_or_default()
}

fn rule_tree() -> impl Strategy<Value = Value> {
    let all = leaves();
    let leaf = (0..all.len()).prop_map(move |i| all[i].clone());
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({ "all": v })),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|v| json!({ "any": v })),
            inner.prop_map(|r| json!({ "not": r })),
        ]
    })
}

/// Random rules as staff could write them.
pub(crate) fn valid_rule_tree() -> impl Strategy<Value = Value> {
    rule_tree().prop_map(|r| without_manual_under_not(r, false))
}

/// Rules never put a manual check under `not`; random trees are mended to match.
fn without_manual_under_not(rule: Value, under_not: bool) -> Value {
    match rule {
        Value::Object(mut map) => {
            if under_not && map.contains_key("manual") {
                return json!({"fact": "sme"});
            }
            for (key, child) in map.iter_mut() {
                let negated = under_not || key == "not";
                *child = match child.take() {
                    Value::Array(items) => Value::Array(
                        items
                            .into_iter()
                            .map(|c| without_manual_under_not(c, negated))
                            .collect(),
                    ),
                    obj @ Value::Object(_) => without_manual_under_not(obj, negated),
                    other => other,
                };
            }
            Value::Object(map)
        }
        other => other,
    }
}

/// A partial profile: per field a choice of unanswered, わからない, or one answer.
pub(crate) fn partial_profile(choices: &[usize]) -> Profile {
    let mut profile = Profile::default();
    for (&field, &choice) in Field::ALL.iter().zip(choices) {
        let options = answers(field);
        match choice % (options.len() + 2) {
            0 => {}
            1 => profile.mark_dont_know(field),
            k => profile.set(field, &options[k - 2]).unwrap(),
        }
    }
    profile
}

/// A profile that answered nothing but 「わからない」, to the fields chosen: its conditions
/// come out as with nothing answered, what they await does not.
pub(crate) fn unsure_profile(dont_know: &[bool]) -> Profile {
    let mut profile = Profile::default();
    for (&field, _) in Field::ALL.iter().zip(dont_know).filter(|(_, d)| **d) {
        profile.mark_dont_know(field);
    }
    profile
}

/// `profile` with one more answer: each way of answering an open field, or of refining a
/// coarse answer.
fn answered_further(profile: &Profile) -> Vec<(Field, Profile)> {
    let mut out = Vec::new();
    for &field in Field::ALL {
        let options = match profile.state(field) {
            AnswerState::Known => refinements(field, &profile.to_value()[field.code()]),
            AnswerState::Unanswered | AnswerState::DontKnow => answers(field),
        };
        for value in options {
            let mut next = profile.clone();
            next.set(field, &value).unwrap();
            out.push((field, next));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn answering_an_unknown_never_flips_a_definite_verdict(
        rules in prop::collection::vec(rule_tree(), 1..5),
        choices in prop::collection::vec(0usize..64, Field::COUNT),
    ) {
        let as_of = date!(2026 - 05 - 01);
        let before = partial_profile(&choices);
        let ctx_before = Context::new(&before, as_of);
        let compiled: Vec<CompiledRule> = rules
            .into_iter()
            .map(|r| CompiledRule::compile(&Rule::from_value(without_manual_under_not(r, false))).unwrap())
            .collect();
        let was: Vec<Verdict> = compiled.iter().map(|r| r.evaluate(&ctx_before).verdict).collect();
        for (field, after) in answered_further(&before) {
            let ctx_after = Context::new(&after, as_of);
            for (rule, &was) in compiled.iter().zip(&was) {
                let now = rule.evaluate(&ctx_after).verdict;
                let allowed: &[Verdict] = match was {
                    Verdict::Eligible => &[Verdict::Eligible],
                    Verdict::Ineligible => &[Verdict::Ineligible],
                    Verdict::Conditional => &[Verdict::Conditional, Verdict::Eligible],
                    Verdict::NeedsInfo => Verdict::ALL,
                };
                prop_assert!(
                    allowed.contains(&now),
                    "{:?} flipped {:?} → {:?} after answering {:?}\nbefore: {}\nafter: {}",
                    rule, was, now, field, before.to_value(), after.to_value()
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// The satisfiability check only ever warns truly: no profile makes a part it reports hold.
    #[test]
    fn a_part_said_to_hold_for_nobody_holds_for_no_profile(
        rule in rule_tree(),
        profiles in prop::collection::vec(prop::collection::vec(0usize..64, Field::COUNT), 48),
    ) {
        let as_of = date!(2026 - 05 - 01);
        let compiled =
            CompiledRule::compile(&Rule::from_value(without_manual_under_not(rule, false))).unwrap();
        let report = check_satisfiable(&compiled);
        let paths = crate::eligibility::rules::satisfiable::paths_of(compiled.view());
        let mut reported: Vec<usize> = report
            .contradictions
            .iter()
            .filter_map(|c| paths.iter().position(|p| *p == c.path))
            .collect();
        if report.never_holds {
            reported.push(0);
        }
        for choices in profiles {
            let profile = partial_profile(&choices);
            let outcome = compiled.evaluate(&Context::new(&profile, as_of));
            for &i in &reported {
                prop_assert!(
                    outcome.states[i].confirmed() != Tri::True,
                    "node {} ({}) of {:?} holds for {}",
                    i, paths[i], compiled, profile.to_value()
                );
            }
        }
    }
}

/// The answers a 要確認 rule awaits, by the definition: every condition reached from the top
/// through nodes still open once manual checks are confirmed, asked what blocks it.
fn missing_by_definition(rule: RuleView<'_>, states: &[State], ctx: &Context<'_>) -> FieldSet {
    fn walk(rule: RuleView<'_>, i: usize, states: &[State], ctx: &Context<'_>) -> FieldSet {
        if states.get(i).is_none_or(|s| s.confirmed() != Tri::Unknown) {
            return FieldSet::EMPTY;
        }
        rule.children(i).fold(ctx.blocking(&rule, i), |set, c| {
            set.union(walk(rule, c, states, ctx))
        })
    }
    walk(rule, 0, states, ctx)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// `missing` reads the evaluated states instead of valuing conditions again, and gives
    /// what the definition gives.
    #[test]
    fn the_answers_missing_are_those_awaited_by_the_open_conditions(
        rule in valid_rule_tree(),
        choices in prop::collection::vec(0usize..64, Field::COUNT),
    ) {
        let profile = partial_profile(&choices);
        let ctx = Context::new(&profile, date!(2026 - 05 - 01));
        let compiled = CompiledRule::compile(&Rule::from_value(rule)).unwrap();
        let outcome = compiled.evaluate(&ctx);
        let view = compiled.view();
        prop_assert_eq!(
            view.missing(&outcome.states, &ctx),
            missing_by_definition(view, &outcome.states, &ctx)
        );
    }
}
