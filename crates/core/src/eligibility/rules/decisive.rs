//! The one condition of a rule whose failure alone fails the whole rule.
//!
//! Most of a catalogue is 対象外 for any one business, mostly because the program is for
//! another area, and a diagnosis shows only twenty of ten thousand programs. A condition
//! directly under a rule's top `all` that fails makes the top fail whatever the rest says:
//! the verdict is 対象外 without walking the rule. So the diagnosis keeps, per program, one
//! such condition, a place when there is one (places fail most often), and walks the rules
//! whose condition does not fail. Worked out from the rule alone, once per rule set.

use super::code::{ALL, LEAF, OpCode, PAYLOAD, RuleView, tag};

impl RuleView<'_> {
    /// The number (in the storage) of a condition directly under the rule's top `all`, a
    /// place condition when there is one; `None` when the top is no `all` or has no
    /// condition directly under it.
    pub(crate) fn decisive_condition(&self) -> Option<usize> {
        if tag(*self.nodes.first()?) != ALL {
            return None;
        }
        let mut found = None;
        for child in self.children(0) {
            let n = self.nodes[child];
            if tag(n) != LEAF {
                continue;
            }
            let id = (n & PAYLOAD) as usize;
            if self.leaves.get(id)?.op == OpCode::Within {
                return Some(id);
            }
            found = found.or(Some(id));
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::eligibility::rules::compile::CompiledRule;
    use crate::eligibility::rules::rule::Rule;

    fn decisive(rule: serde_json::Value) -> Option<usize> {
        let compiled = CompiledRule::compile(&Rule::from_value(rule)).unwrap();
        let view = compiled.view();
        let id = view.decisive_condition()?;
        (0..view.len()).find(|&i| view.instr(i) == view.leaves.get(id))
    }

    #[test]
    fn a_place_directly_under_the_top_all_is_preferred() {
        let rule = json!({"all": [
            {"fact": "sme"},
            {"any": [{"field": "municipality", "op": "within", "value": ["460001"]}]},
            {"field": "municipality", "op": "within", "value": ["462012"]}
        ]});
        assert_eq!(decisive(rule), Some(4));
        let rule = json!({"all": [{"any": [{"fact": "sme"}]}, {"fact": "small_business"}]});
        assert_eq!(decisive(rule), Some(3));
    }

    #[test]
    fn a_rule_whose_top_is_no_all_or_has_only_groups_under_it_has_none() {
        let any = json!({"any": [{"fact": "sme"}, {"fact": "small_business"}]});
        assert_eq!(decisive(any.clone()), None);
        assert_eq!(decisive(json!({"all": [any]})), None);
        assert_eq!(decisive(json!({"fact": "sme"})), None);
    }
}
