use super::*;
use crate::http::form::FormData;
use madoguchi_core::demo::CATALOGUE;
use madoguchi_core::eligibility::CompiledRule;
use madoguchi_core::import::own;
use serde_json::json;

fn demo_rules() -> Vec<(String, Rule)> {
    CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| own::parse(bytes).unwrap().programs)
        .filter_map(|p| p.rule.map(|r| (p.id.to_string(), *r)))
        .collect()
}

fn round_trip(rule: &Rule) -> Rule {
    RuleRows::from_rule(Some(rule)).to_rule().rule.unwrap()
}

#[test]
fn every_demo_rule_comes_back_from_its_rows_unchanged_in_meaning() {
    let rules = demo_rules();
    assert!(rules.len() > 40);
    for (id, rule) in rules {
        let back = round_trip(&rule);
        assert_eq!(
            CompiledRule::compile(&back).unwrap(),
            CompiledRule::compile(&rule).unwrap(),
            "{id}: {}",
            back.to_value()
        );
    }
}

#[test]
fn groups_negation_facts_and_manual_checks_become_rows_in_page_order() {
    let rule = Rule::from_value(json!({"all": [
        {"field": "municipality", "op": "within", "value": ["460001", "462012"]},
        {"not": {"fact": "deemed_large"}},
        {"any": [
            {"field": "org_form", "op": "in", "value": ["個人事業主", "llc"]},
            {"fact": "years_since_founding", "op": "lt", "value": 5}
        ], "source": "要領 2"},
        {"field": "tax_arrears", "op": "eq", "value": "いいえ"},
        {"manual": "市税を完納していること"}
    ]}));
    let rows = RuleRows::from_rule(Some(&rule));
    let placed = rows.placed();
    type Line<'a> = (
        usize,
        Option<usize>,
        &'a str,
        bool,
        &'a str,
        &'a str,
        &'a str,
    );
    let summary: Vec<Line<'_>> = placed
        .iter()
        .map(|p| {
            let r = &p.node.row;
            (
                p.number,
                p.parent,
                r.kind.code(),
                r.negate,
                r.subject.as_str(),
                r.op.as_str(),
                r.value.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            (0, None, "all", false, "", "", ""),
            (
                1,
                Some(0),
                "condition",
                false,
                "municipality",
                "within",
                "460001, 462012"
            ),
            (2, Some(0), "fact", true, "deemed_large", "", ""),
            (3, Some(0), "any", false, "", "", ""),
            (
                4,
                Some(3),
                "condition",
                false,
                "org_form",
                "in",
                "sole_proprietor, llc"
            ),
            (5, Some(3), "fact", false, "years_since_founding", "lt", "5"),
            (6, Some(0), "condition", false, "tax_arrears", "eq", "false"),
            (
                7,
                Some(0),
                "manual",
                false,
                "",
                "",
                "市税を完納していること"
            ),
        ]
    );
    assert_eq!(placed[3].node.row.source, "要領 2");
    let built = rows.to_rule();
    assert_eq!(built.row_of("all[1]"), Some(2));
    assert_eq!(built.row_of("all[1].not"), Some(2));
    assert_eq!(built.row_of("all[2].any[1]"), Some(5));
    assert_eq!(
        CompiledRule::compile(built.rule.as_ref().unwrap()).unwrap(),
        CompiledRule::compile(&rule).unwrap()
    );
}

#[test]
fn a_double_negation_or_two_sources_keep_their_meaning_inside_a_group() {
    for json in [
        json!({"not": {"not": {"fact": "sme"}}}),
        json!({"all": [{"not": {"fact": "sme", "source": "a"}, "source": "b"}]}),
        json!({"fact": "sme"}),
    ] {
        let rule = Rule::from_value(json.clone());
        let back = round_trip(&rule);
        let as_of = time::macros::date!(2026 - 04 - 01);
        for profile in [
            json!({"industry": "24", "org_form": "stock_company", "capital": "1000万円"}),
            json!({"industry": "24", "org_form": "stock_company", "capital": "100億円", "employees": 5000}),
            json!({}),
        ] {
            let profile = madoguchi_core::eligibility::Profile::from_value(&profile).unwrap();
            let ctx = madoguchi_core::eligibility::Context::new(&profile, as_of);
            assert_eq!(
                CompiledRule::compile(&back).unwrap().evaluate(&ctx).verdict,
                CompiledRule::compile(&rule).unwrap().evaluate(&ctx).verdict,
                "{json} → {}",
                back.to_value()
            );
        }
    }
}

#[test]
fn values_typed_the_japanese_way_keep_their_form_and_names_become_codes() {
    let rows = RuleRows {
        root: Some(RowNode {
            row: RuleRow::new(RowKind::All),
            children: vec![
                RowNode::leaf(RuleRow {
                    subject: "capital".into(),
                    op: "le".into(),
                    value: "5,000万円".into(),
                    ..RuleRow::new(RowKind::Condition)
                }),
                RowNode::leaf(RuleRow {
                    subject: "employees".into(),
                    op: "le".into(),
                    value: "20".into(),
                    ..RuleRow::new(RowKind::Condition)
                }),
                RowNode::leaf(RuleRow {
                    subject: "municipality".into(),
                    op: "within".into(),
                    value: "鹿児島県、462012".into(),
                    ..RuleRow::new(RowKind::Condition)
                }),
            ],
        }),
    };
    let rule = rows.to_rule().rule.unwrap();
    assert_eq!(
        rule.to_value(),
        json!({"all": [
            {"field": "capital", "op": "le", "value": "5,000万円"},
            {"field": "employees", "op": "le", "value": 20},
            {"field": "municipality", "op": "within", "value": ["460001", "462012"]}
        ]})
    );
}

#[test]
fn an_empty_row_says_what_to_fill_in_instead_of_a_json_message() {
    let mut rows = RuleRows::default();
    rows.apply(RuleAction::Start).unwrap();
    let built = rows.to_rule();
    assert_eq!(built.incomplete, [(1, "項目を選んでください。".to_owned())]);
}

#[test]
fn buttons_add_remove_and_move_rows() {
    let mut rows = RuleRows::default();
    rows.apply(RuleAction::Start).unwrap();
    rows.apply(RuleAction::Add {
        parent: 0,
        kind: RowKind::Manual,
    })
    .unwrap();
    rows.apply(RuleAction::Add {
        parent: 0,
        kind: RowKind::Any,
    })
    .unwrap();
    let kinds = |rows: &RuleRows| -> Vec<&'static str> {
        rows.placed()
            .iter()
            .map(|p| p.node.row.kind.code())
            .collect()
    };
    assert_eq!(
        kinds(&rows),
        ["all", "condition", "manual", "any", "condition"]
    );
    rows.apply(RuleAction::Up(2)).unwrap();
    assert_eq!(
        kinds(&rows),
        ["all", "manual", "condition", "any", "condition"]
    );
    rows.apply(RuleAction::Down(3)).unwrap();
    assert_eq!(
        kinds(&rows),
        ["all", "manual", "condition", "any", "condition"],
        "the last row cannot move down"
    );
    // Adding under a condition row is ignored: only groups hold rows.
    rows.apply(RuleAction::Add {
        parent: 1,
        kind: RowKind::Condition,
    })
    .unwrap();
    assert_eq!(rows.len(), 5);
    rows.apply(RuleAction::Remove(3)).unwrap();
    assert_eq!(kinds(&rows), ["all", "manual", "condition"]);
    rows.apply(RuleAction::Remove(0)).unwrap();
    assert!(rows.is_empty());
    assert_eq!(rows.to_rule().rule, None);
}

#[test]
fn button_values_are_read_strictly() {
    assert_eq!(
        RuleAction::parse("rule-add:3:any"),
        Some(RuleAction::Add {
            parent: 3,
            kind: RowKind::Any
        })
    );
    assert_eq!(
        RuleAction::parse("rule-remove:7"),
        Some(RuleAction::Remove(7))
    );
    for bad in [
        "rule-add:3:raw",
        "rule-add:x:all",
        "rule-up:",
        "save",
        "rule-remove:-1",
    ] {
        assert_eq!(RuleAction::parse(bad), None, "{bad}");
    }
}

#[test]
fn a_posted_form_reads_back_into_rows_and_checkboxes_join_into_one_value() {
    let posted = FormData::of_strs(&[
        ("row-0-kind", "all"),
        ("row-0-parent", ""),
        ("row-1-kind", "condition"),
        ("row-1-parent", "0"),
        ("row-1-field", "org_form"),
        ("row-1-op", "in"),
        ("row-1-value", "llc"),
        ("row-1-value", "npo"),
        ("row-2-kind", "fact"),
        ("row-2-parent", "0"),
        ("row-2-field", "sme"),
        ("row-2-negate", "1"),
        ("row-2-source", " 要領 "),
    ]);
    let rows = RuleRows::read(&posted).unwrap();
    let placed = rows.placed();
    assert_eq!(placed.len(), 3);
    assert_eq!(placed[1].node.row.value, "llc, npo");
    assert!(placed[2].node.row.negate);
    assert_eq!(placed[2].node.row.source, "要領");
    assert_eq!(
        rows.to_rule().rule.unwrap().to_value(),
        json!({"all": [
            {"field": "org_form", "op": "in", "value": ["llc", "npo"]},
            {"not": {"fact": "sme"}, "source": "要領"}
        ]})
    );
}

#[test]
fn a_tampered_form_is_refused_in_japanese_not_with_a_panic() {
    for pairs in [
        vec![
            ("row-0-kind", "condition"),
            ("row-1-kind", "condition"),
            ("row-1-parent", "0"),
        ],
        vec![("row-0-kind", "all"), ("row-1-kind", "all")],
        vec![
            ("row-0-kind", "all"),
            ("row-1-kind", "fact"),
            ("row-1-parent", "9"),
        ],
        vec![("row-0-kind", "sometimes")],
        vec![("row-x-kind", "all")],
        vec![("row-0-kind", "all"), ("row-0-kind", "all")],
    ] {
        let err = RuleRows::read(&FormData::of_strs(&pairs)).unwrap_err();
        assert!(
            err.to_string().contains("読み取れませんでした"),
            "{pairs:?}"
        );
    }
    let many: Vec<(String, String)> = (0..=MAX_ROWS)
        .flat_map(|n| {
            [
                (
                    format!("row-{n}-kind"),
                    if n == 0 { "all" } else { "manual" }.to_owned(),
                ),
                (
                    format!("row-{n}-parent"),
                    if n == 0 {
                        String::new()
                    } else {
                        "0".to_owned()
                    },
                ),
            ]
        })
        .collect();
    let err = RuleRows::read(&FormData::from_pairs(many)).unwrap_err();
    assert_eq!(err, RuleFormError::TooManyRows);
}
