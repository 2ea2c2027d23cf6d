//! Seed inputs for each target, taken from the real data the project ships (the demo
//! jGrants and J-Net21 snapshots, the demo catalogue and its rules and test profiles) plus a
//! few hand-written amounts and dates. Records are cut into small files so that one
//! execution is quick; the generator recombines them.

use madoguchi_core::demo;
use madoguchi_core::import::own;
use serde_json::{Value, json};

use crate::targets::Target;

/// A raw answer of the jGrants public API (a sample of its fields as the API names them).
const JGRANTS_API_RESPONSE: &[u8] = include_bytes!("../seeds/jgrants-api-response.json");

const AMOUNTS: &[&str] = &[
    "3億円",
    "5,000万円",
    "１，２００万円",
    "1.5億円",
    "三千万円",
    "¥300,000",
    "300000",
    "1200万",
    "0円",
    "2兆3億4567万8900円",
    "千二百万円",
    "十万",
    "0.5万円",
    "1,000円",
    "100億円",
    "わからない",
];

const DATES: &[&str] = &[
    "令和8年3月24日",
    "申請期限：令和8年3月24日（火曜日）",
    "令和元年5月1日",
    "平成31年4月30日",
    "昭和64年1月7日",
    "令和８年１２月２８日",
    "2026-03-31T17:00:00+09:00",
    "2026-03-31 17:00",
    "2026-03-31T17:00:00",
    "2026-03-31",
    "2026-03-31T08:00:00Z",
    "2024-02-29",
    "2026",
];

/// The seeds of a target.
pub fn seeds(target: Target) -> Vec<Vec<u8>> {
    match target {
        Target::Jgrants => jgrants(),
        Target::Jnet21 => small_files(&array(demo::JNET21_ITEMS), 2),
        Target::OwnJson => small_files(&catalogue(), 1),
        Target::OwnCsv => own_csv(),
        Target::Rule => rules(),
        Target::Profile => profiles(),
        Target::Amount => texts(AMOUNTS, &["万円", "億円"]),
        Target::Date => texts(DATES, &["令和", "平成"]),
        Target::RuleForm => madoguchi_web::fuzzing::rule_builder_seeds(),
    }
}

fn array(bytes: &[u8]) -> Vec<Value> {
    match serde_json::from_slice(bytes) {
        Ok(Value::Array(items)) => items,
        _ => Vec::new(),
    }
}

fn catalogue() -> Vec<Value> {
    demo::CATALOGUE
        .iter()
        .flat_map(|(_, bytes)| array(bytes))
        .collect()
}

/// Each record alone, and runs of `group` records (so that duplicates are seen).
fn small_files(records: &[Value], group: usize) -> Vec<Vec<u8>> {
    let singles = records.iter().map(|r| vec![r.clone()]);
    let groups = records
        .chunks(group.max(1))
        .filter(|c| c.len() > 1)
        .map(<[Value]>::to_vec);
    singles
        .chain(groups)
        .filter_map(|files| serde_json::to_vec(&files).ok())
        .collect()
}

fn jgrants() -> Vec<Vec<u8>> {
    let records = array(demo::JGRANTS_RECORDS);
    let mut seeds = small_files(&records, 3);
    let api: Value = serde_json::from_slice(JGRANTS_API_RESPONSE).unwrap_or(Value::Null);
    if let Some(Value::Array(results)) = api.get("result") {
        for result in results {
            let answer = json!({"metadata": {"type": "application/json", "resultset": {"count": 1}}, "result": [result]});
            seeds.extend(serde_json::to_vec(&answer).ok());
            seeds.extend(serde_json::to_vec(&[result]).ok());
        }
    }
    seeds
}

fn own_csv() -> Vec<Vec<u8>> {
    let programs: Vec<_> = demo::CATALOGUE
        .iter()
        .filter_map(|(_, bytes)| own::parse_json(bytes).ok())
        .flat_map(|batch| batch.programs)
        .collect();
    let mut seeds: Vec<Vec<u8>> = programs
        .iter()
        .map(|p| own::to_csv(std::slice::from_ref(p)))
        .collect();
    seeds.extend(programs.chunks(3).map(own::to_csv));
    seeds
}

fn rules() -> Vec<Vec<u8>> {
    let mut rules: Vec<Value> = catalogue()
        .iter()
        .filter_map(|p| p.get("rule").cloned())
        .collect();
    // Each branch of a rule is a rule too: small seeds run fast.
    let branches: Vec<Value> = rules
        .iter()
        .filter_map(|r| r.get("all").and_then(Value::as_array).cloned())
        .flatten()
        .collect();
    rules.extend(branches);
    rules
        .iter()
        .filter_map(|r| serde_json::to_vec(r).ok())
        .collect()
}

fn profiles() -> Vec<Vec<u8>> {
    let mut profiles: Vec<Value> = catalogue()
        .iter()
        .filter_map(|p| p.get("test_cases").and_then(Value::as_array).cloned())
        .flatten()
        .filter_map(|case| case.get("profile").cloned())
        .collect();
    profiles.push(json!({"sales": "わからない", "capital": null, "employees": "12"}));
    profiles.push(json!({"org_form": "npo", "founded": "令和2年4月1日", "purposes": []}));
    profiles
        .iter()
        .filter_map(|p| serde_json::to_vec(p).ok())
        .collect()
}

/// Hand-written texts plus snippets of real records around `markers`.
fn texts(fixed: &[&str], markers: &[&str]) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = fixed.iter().map(|s| s.as_bytes().to_vec()).collect();
    let mut strings = Vec::new();
    for value in array(demo::JNET21_ITEMS).iter().chain(&catalogue()) {
        collect_strings(value, &mut strings);
    }
    for text in strings {
        for marker in markers {
            if let Some(at) = text.find(marker) {
                let snippet: String = text[..at]
                    .chars()
                    .rev()
                    .take(12)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .chain(text[at..].chars().take(16))
                    .collect();
                seeds.push(snippet.into_bytes());
            }
        }
    }
    let mut seen = std::collections::HashSet::new();
    seeds.retain(|s| seen.insert(s.clone()));
    seeds.truncate(400);
    seeds
}

fn collect_strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(s) => out.push(s.clone()),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(map) => map.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}
