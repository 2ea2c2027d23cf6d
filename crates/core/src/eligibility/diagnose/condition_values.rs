//! The values of a catalogue's distinct conditions for one business, without valuing again
//! the conditions whose value never changes.
//!
//! Every manual check is a condition of its own (each has its own text): seven in ten of the
//! conditions of a catalogue like the benchmark's. Each is open until a person confirms it,
//! whatever the business answered. So their values are laid in a template once, the
//! template is copied at each evaluation, and only the other conditions are valued for the
//! business.

use crate::eligibility::evaluate::context::Context;
use crate::eligibility::rules::code::{Instr, OpCode, RuleView};
use crate::eligibility::tri::State;

/// Which conditions of a storage are valued per business, and the value of the others.
#[derive(Debug, Clone, Default)]
pub(super) struct ConditionValues {
    /// Per condition, its fixed value, or a placeholder for one valued per business.
    template: Vec<State>,
    /// The numbers of the conditions valued per business, ascending.
    varying: Vec<usize>,
}

impl ConditionValues {
    /// Takes in the conditions of `leaves` not taken in yet (those appended since).
    pub(super) fn extend(&mut self, leaves: &[Instr]) {
        for (id, ins) in leaves.iter().enumerate().skip(self.template.len()) {
            if ins.op == OpCode::Manual {
                self.template.push(State::MANUAL);
            } else {
                self.template.push(State::MISSING);
                self.varying.push(id);
            }
        }
    }

    /// The numbers of the conditions valued per business, ascending: the others keep their
    /// value whatever the business answered.
    pub(super) fn varying(&self) -> &[usize] {
        &self.varying
    }

    /// The value of every condition of `rule`'s storage (all of which were taken in) for the
    /// business of `ctx`, into `values`: what `Context::condition` gives for each.
    pub(super) fn value_into(
        &self,
        rule: &RuleView<'_>,
        ctx: &Context<'_>,
        values: &mut Vec<State>,
    ) {
        values.clone_from(&self.template);
        for &id in &self.varying {
            if let (Some(ins), Some(value)) = (rule.leaves.get(id), values.get_mut(id)) {
                *value = ctx.condition(ins, rule);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use time::macros::date;

    use crate::eligibility::diagnose::ruleset::RuleSet;
    use crate::eligibility::evaluate::context::Context;
    use crate::eligibility::evaluate::property_tests::{partial_profile, valid_rule_tree};
    use crate::eligibility::vocabulary::field::Field;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Every condition of a catalogue, manual checks among them, gets the value valuing
        /// it for the business gives.
        #[test]
        fn conditions_are_valued_as_each_alone_is(
            rules in prop::collection::vec(valid_rule_tree(), 1..40),
            choices in prop::collection::vec(0usize..64, Field::COUNT),
        ) {
            let (set, _) = RuleSet::build(&crate::eligibility::fixtures::catalogue(rules));
            let profile = partial_profile(&choices);
            let ctx = Context::new(&profile, date!(2026 - 05 - 01));
            let mut values = Vec::new();
            set.value_conditions(&ctx, &mut values);
            let rule = set.rule(0).unwrap();
            let alone: Vec<_> = rule.leaves.iter().map(|ins| ctx.condition(ins, &rule)).collect();
            prop_assert_eq!(values, alone);
        }
    }
}
