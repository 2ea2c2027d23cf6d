//! What the conditions under each node of a catalogue's rules read: answers and derived facts.
//!
//! The next question tries many answers to one field against hundreds of rules. A subtree
//! whose conditions read neither that field nor a derived fact those answers move keeps the
//! state the diagnosis already gave it, so the trial takes that state instead of walking the
//! subtree again. What a subtree reads depends on the rule alone, so it is worked out once,
//! when a rule is appended to a catalogue's storage (`RuleCode::append`, which both
//! `RuleSet::build` and `RuleSet::with_steps` go through), not on every diagnosis.

use super::code::{Instr, OpCode, RuleView};
use crate::eligibility::vocabulary::facts::Fact;
use crate::eligibility::vocabulary::field::Field;

// Fields take the low bits, facts the ones above: one `u32` per node, as the next question
// reads it for hundreds of rules scattered over the catalogue and the bytes fetched are what
// it costs. A vocabulary outgrowing it needs a `u64` here.
const _: () = assert!(Field::COUNT + Fact::ALL.len() <= 32);
const FACT_SHIFT: u32 = Field::COUNT as u32;

/// A set of answer fields and derived facts, one bit each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Reads(u32);

impl Reads {
    pub(crate) const NONE: Self = Self(0);
    /// Every field and fact: what is assumed of a node whose reads were not worked out.
    pub(crate) const EVERYTHING: Self = Self(u32::MAX);

    pub(crate) fn field(field: Field) -> Self {
        Self(1 << field.index())
    }

    pub(crate) fn fact(fact: Fact) -> Self {
        Self(1 << (FACT_SHIFT + fact as u32))
    }

    /// What one condition reads: its answer, or the derived fact it tests (the years since
    /// founding are the fact `YearsSinceFounding`); a manual check reads nothing.
    pub(crate) fn of_condition(ins: &Instr) -> Self {
        match ins.op {
            OpCode::Fact => Fact::ALL
                .get(usize::from(ins.a))
                .map_or(Self::EVERYTHING, |&f| Self::fact(f)),
            OpCode::Years => Self::fact(Fact::YearsSinceFounding),
            _ => ins.answer().map_or(Self::NONE, Self::field),
        }
    }

    #[inline]
    pub(crate) fn union(self, other: Self) -> Self {
        Self(self.0 | other.0)
    }

    #[inline]
    pub(crate) fn meets(self, other: Self) -> bool {
        self.0 & other.0 != 0
    }
}

/// Appends to `out`, per node of `rule`, what the conditions of its subtree read.
pub(crate) fn push_subtree_reads(rule: &RuleView<'_>, out: &mut Vec<Reads>) {
    let first = out.len();
    out.resize(first + rule.len(), Reads::NONE);
    let reads = &mut out[first..];
    // Backwards, so that every child is done before its parent.
    for i in (0..rule.len()).rev() {
        reads[i] = match rule.instr(i) {
            Some(ins) => Reads::of_condition(ins),
            None => rule
                .children(i)
                .fold(Reads::NONE, |acc, c| acc.union(reads[c])),
        };
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::eligibility::diagnose::ruleset::RuleSet;
    use crate::eligibility::evaluate::property_tests::valid_rule_tree;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Each node of a catalogue's storage reads what the conditions of its subtree read,
        /// found here by looking at every node of the subtree.
        #[test]
        fn a_node_reads_what_the_conditions_under_it_read(
            rules in prop::collection::vec(valid_rule_tree(), 1..20),
        ) {
            let (set, _) = RuleSet::build(&crate::eligibility::fixtures::catalogue(rules));
            for rule in (0..set.len()).filter_map(|i| set.rule(i)) {
                for node in 0..rule.len() {
                    let read = (node..rule.end(node))
                        .filter_map(|n| rule.instr(n))
                        .fold(Reads::NONE, |acc, ins| acc.union(Reads::of_condition(ins)));
                    prop_assert_eq!(rule.reads(node), read, "node {}", node);
                }
            }
        }
    }

    #[test]
    fn a_rule_compiled_alone_is_taken_to_read_everything() {
        let rule = crate::eligibility::rules::rule::Rule::from_value(
            serde_json::json!({"field": "employees", "op": "le", "value": 20}),
        );
        let compiled = crate::eligibility::CompiledRule::compile(&rule).unwrap();
        assert_eq!(compiled.view().reads(0), Reads::EVERYTHING);
    }
}
