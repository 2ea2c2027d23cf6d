//! Entry points for the generated-input campaign (`madoguchi-fuzz`): outside bytes driven
//! through what the site does with them, short of the store and the network. Not an API:
//! hidden from the documentation, and nothing in the site calls it.

use madoguchi_core::demo::CATALOGUE;
use madoguchi_core::eligibility::{CompiledRule, Rule};
use madoguchi_core::import::own;

use crate::console::editor::rule_form::{RuleAction, RuleRows};
use crate::http::form::FormData;

/// One post of the program editor's rule builder, its fields given as lines `name,value`
/// (the campaign mutates them as CSV: lines and cells swapped, repeated, cut): the rows read
/// back strictly as the editor reads them, the button the post names carried out, the rule
/// built; and a rule that compiles must mean the same when made into rows and back, which
/// is what the editor does on every page it shows. Panics on a bug.
pub fn rule_builder_post(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let pairs = text
        .lines()
        .map(|line| match line.split_once(',') {
            Some((name, value)) => (name.to_owned(), value.to_owned()),
            None => (line.to_owned(), String::new()),
        })
        .collect();
    let form = FormData::from_pairs(pairs);
    let Ok(mut rows) = RuleRows::read(&form) else {
        return;
    };
    if let Some(action) = form.get("action").and_then(RuleAction::parse) {
        let _ = rows.apply(action).map_err(|err| err.to_string());
    }
    let _ = rows.placed().len();
    let built = rows.to_rule();
    let Some(rule) = built.rule else {
        return;
    };
    let Ok(compiled) = CompiledRule::compile(&rule) else {
        return;
    };
    let again = RuleRows::from_rule(Some(&rule))
        .to_rule()
        .rule
        .unwrap_or_else(|| panic!("rows made from a rule build no rule: {}", rule.to_value()));
    // The builder keeps every rule inside a group, so a lone condition comes back as
    // 「すべて満たす」 with that one condition in it: the same meaning, a different tree.
    let same = CompiledRule::compile(&again)
        .ok()
        .filter(|c| *c == compiled)
        .or_else(|| {
            let lone = again
                .to_value()
                .get("all")?
                .as_array()
                .filter(|a| a.len() == 1)?[0]
                .clone();
            CompiledRule::compile(&Rule::from_value(lone)).ok()
        });
    assert!(
        same.as_ref() == Some(&compiled),
        "a rule changed its meaning through the builder's rows: {} became {}",
        rule.to_value(),
        again.to_value()
    );
}

/// Posts of the rule builder as the editor sends them, one for every rule of the demo
/// catalogue, each with one of the builder's buttons: the campaign's seeds.
pub fn rule_builder_seeds() -> Vec<Vec<u8>> {
    let buttons = [
        "rule-start",
        "rule-add:0:condition",
        "rule-add:0:any",
        "rule-add:1:fact",
        "rule-remove:1",
        "rule-up:2",
        "rule-down:1",
        "check",
    ];
    let rules = CATALOGUE
        .iter()
        .filter_map(|(_, bytes)| own::parse(bytes).ok())
        .flat_map(|batch| batch.programs)
        .filter_map(|program| program.rule);
    rules
        .zip(buttons.iter().cycle())
        .map(|(rule, button)| {
            let rows = RuleRows::from_rule(Some(&rule));
            let mut lines = Vec::new();
            for placed in rows.placed() {
                let n = placed.number;
                let row = &placed.node.row;
                let parent = placed.parent.map(|p| p.to_string()).unwrap_or_default();
                lines.push(format!("row-{n}-kind,{}", row.kind.code()));
                lines.push(format!("row-{n}-parent,{parent}"));
                lines.push(format!("row-{n}-field,{}", row.subject));
                lines.push(format!("row-{n}-op,{}", row.op));
                lines.push(format!("row-{n}-value,{}", row.value));
                if row.negate {
                    lines.push(format!("row-{n}-negate,1"));
                }
                lines.push(format!("row-{n}-source,{}", row.source));
            }
            lines.push(format!("action,{button}"));
            lines.join("\n").into_bytes()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_reads_back_into_the_rule_it_was_made_from() {
        let seeds = rule_builder_seeds();
        assert!(seeds.len() > 40, "{}", seeds.len());
        for seed in &seeds {
            rule_builder_post(seed);
            let text = String::from_utf8_lossy(seed);
            let pairs = text
                .lines()
                .filter(|l| !l.starts_with("action,"))
                .map(|l| l.split_once(',').unwrap())
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            let rows = RuleRows::read(&FormData::from_pairs(pairs)).unwrap();
            assert!(rows.to_rule().rule.is_some(), "{text}");
        }
    }
}
