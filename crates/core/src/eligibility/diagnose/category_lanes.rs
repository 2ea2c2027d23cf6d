//! Industry conditions valued for a batch of sample answers one named category at a time.
//!
//! Trying the answers to the industry question values the industry condition of every program
//! tried for every answer: some four hundred lists of categories, a few dozen answers. The
//! lists name the same hundred-odd categories over and over, so each category is valued once
//! per batch (whether each answer falls in it) and a list is the `or` of its categories. That
//! is what valuing the list answer by answer gives: `or` is Kleene's in every lane, and a lane
//! with no industry answered is missing whatever the list.

use crate::eligibility::evaluate::context::Context;
use crate::eligibility::tri::{Kleene, Lanes, State};
use crate::eligibility::vocabulary::area::Industry;
use crate::reference::JsicCode;

/// Room for every JSIC code: middle categories by number (below 100), majors after them.
const CODES: usize = 128;

/// The categories valued so far in one batch of answers.
pub(super) struct CategoryLanes {
    valued: Vec<Option<Lanes>>,
    /// The lanes whose answer gives no industry.
    unanswered: u64,
}

impl CategoryLanes {
    pub(super) fn new(contexts: &[Context<'_>]) -> Self {
        let unanswered = contexts
            .iter()
            .enumerate()
            .filter(|(_, ctx)| ctx.industry().is_none())
            .fold(0u64, |lanes, (k, _)| lanes | 1 << k);
        Self {
            valued: vec![None; CODES],
            unanswered,
        }
    }

    /// Whether each answer falls in any of `targets`, or `None` for a code with no place
    /// here (to be valued answer by answer).
    pub(super) fn any_of(
        &mut self,
        contexts: &[Context<'_>],
        targets: &[Industry],
    ) -> Option<Lanes> {
        let mut any = <Lanes as Kleene>::ANY_IDENTITY;
        for target in targets {
            let slot = self.valued.get_mut(code_slot(target.code))?;
            let lanes = *slot.get_or_insert_with(|| {
                let mut lanes = Lanes::MISSING;
                for (k, ctx) in contexts.iter().enumerate() {
                    if let Some(answer) = ctx.industry() {
                        lanes.set(k, State::from_tri(answer.within(target)));
                    }
                }
                lanes
            });
            any = any.or(lanes);
        }
        Some(any.missing_where(self.unanswered))
    }
}

/// Where a code's lanes are kept (`CODES` or more for a code that has no place).
fn code_slot(code: JsicCode) -> usize {
    match code {
        JsicCode::Middle(n) => usize::from(n),
        JsicCode::Major(letter) => (letter as usize)
            .checked_sub('A' as usize)
            .map_or(CODES, |i| 100 + i),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::json;
    use time::macros::date;

    use super::*;
    use crate::eligibility::CompiledRule;
    use crate::eligibility::evaluate::property_tests::answers;
    use crate::eligibility::rules::rule::Rule;
    use crate::eligibility::vocabulary::field::Field;
    use crate::eligibility::vocabulary::profile::Profile;

    const NAMED: [&str; 7] = ["E", "I", "A", "24", "76", "19", "58"];

    proptest! {
        /// A list valued category by category gives, answer by answer, what valuing the
        /// condition for that answer gives: unanswered, major and middle categories alike.
        #[test]
        fn a_list_valued_by_category_is_each_answer_s_condition(
            named in prop::collection::vec(0..NAMED.len(), 1..4),
            picks in prop::collection::vec(0usize..12, 1..64),
        ) {
            let list: Vec<&str> = named.iter().map(|&i| NAMED[i]).collect();
            let rule = json!({"field": "industry", "op": "industry_in", "value": list});
            let compiled = CompiledRule::compile(&Rule::from_value(rule)).unwrap();
            let view = compiled.view();
            let ins = view.instr(0).unwrap();
            let options = answers(Field::Industry);
            let profiles: Vec<Profile> = picks
                .iter()
                .map(|&pick| {
                    let mut p = Profile::default();
                    if let Some(answer) = options.get(pick) {
                        p.set(Field::Industry, answer).unwrap();
                    }
                    p
                })
                .collect();
            let contexts: Vec<Context<'_>> = profiles
                .iter()
                .map(|p| Context::new(p, date!(2026 - 05 - 01)))
                .collect();
            let mut categories = CategoryLanes::new(&contexts);
            let lanes = categories.any_of(&contexts, view.industries(ins.value)).unwrap();
            for (k, ctx) in contexts.iter().enumerate() {
                prop_assert_eq!(lanes.lane(k), ctx.condition(ins, &view), "answer {}", k);
            }
        }
    }
}
