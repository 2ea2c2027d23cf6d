//! What-if hints: what would change a verdict, and until when a verdict holds.
//!
//! A program a business misses by one condition says so (「常時使用する従業員数が20人以下で
//! あれば対象になります」); a verdict that rests on the age of the business says until when
//! (「創業5年未満の期間（2027年3月31日（令和9年）まで）は対象です」) or from when.

use super::context::Context;
use super::verdict::Verdict;
use super::wording::{describe, if_form};
use crate::calendar::wareki::format_date;
use crate::eligibility::rules::code::{Cmp, Leaf, NodeKind, RuleView};
use crate::eligibility::tri::{State, Tri};
use crate::eligibility::vocabulary::facts::{anniversary, day_before};

/// At most this many hints per program: more would drown the one that matters.
pub const MAX_HINTS: usize = 3;

/// Hints for one program's result.
pub fn hints(rule: RuleView<'_>, states: &[State], ctx: &Context<'_>) -> Vec<String> {
    if states.len() < rule.len() || rule.is_empty() {
        return Vec::new();
    }
    let verdict = Verdict::of(states[0]);
    let mut out = match verdict {
        Verdict::Ineligible => one_condition_away(rule, states, ctx),
        Verdict::Eligible | Verdict::Conditional | Verdict::NeedsInfo => {
            time_limits(rule, states, ctx, verdict)
        }
    };
    out.truncate(MAX_HINTS);
    out
}

/// The verdict if node `i` alone took `state`.
fn verdict_if(rule: RuleView<'_>, ctx: &Context<'_>, i: usize, state: State) -> Verdict {
    let mut scratch = vec![State::MISSING; rule.len()];
    rule.evaluate_with(ctx, &mut scratch, (i, state))
}

fn outcome_phrase(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Eligible => "対象になります",
        Verdict::Conditional => "条件付きで対象になります",
        Verdict::NeedsInfo | Verdict::Ineligible => "対象になる可能性があります",
    }
}

/// For each failed condition that alone stands in the way, what would make it hold.
fn one_condition_away(rule: RuleView<'_>, states: &[State], ctx: &Context<'_>) -> Vec<String> {
    let mut out = Vec::new();
    for i in rule.failed(states) {
        let after = verdict_if(rule, ctx, i, State::TRUE);
        if after == Verdict::Ineligible {
            continue;
        }
        let text = match rule.kind(i) {
            Some(NodeKind::Not) => match rule.leaf(i + 1) {
                Some(leaf) => describe(&leaf, true),
                None => continue,
            },
            Some(NodeKind::Leaf(leaf)) => {
                if let Some(hint) = years_from(&leaf, ctx, after) {
                    out.push(hint);
                    continue;
                }
                describe(&leaf, false)
            }
            Some(NodeKind::All | NodeKind::Any) | None => continue,
        };
        out.push(format!("{}{}", if_form(&text), outcome_phrase(after)));
    }
    out
}

/// 「創業3年以上となる2027年4月1日（令和9年）から対象になります」.
fn years_from(leaf: &Leaf<'_>, ctx: &Context<'_>, after: Verdict) -> Option<String> {
    let Leaf::Years { cmp, years } = *leaf else {
        return None;
    };
    let needed = match cmp {
        Cmp::Ge => years,
        Cmp::Gt => years.checked_add(1)?,
        _ => return None,
    };
    let from = anniversary(ctx.facts.founded_on()?, needed)?;
    let threshold = if cmp == Cmp::Ge { "以上" } else { "超" };
    Some(format!(
        "創業{years}年{threshold}となる{}から{}",
        format_date(from),
        outcome_phrase(after)
    ))
}

/// For conditions on the age of the business that hold now and carry the verdict, the last
/// day they hold.
fn time_limits(
    rule: RuleView<'_>,
    states: &[State],
    ctx: &Context<'_>,
    verdict: Verdict,
) -> Vec<String> {
    let Some(founded) = ctx.facts.founded_on() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (i, state) in states.iter().enumerate().take(rule.len()) {
        let Some(Leaf::Years { cmp, years }) = rule.leaf(i) else {
            continue;
        };
        if state.open() != Tri::True {
            continue;
        }
        let ends_at = match cmp {
            Cmp::Lt => years,
            Cmp::Le => years.saturating_add(1),
            _ => continue,
        };
        if verdict_if(rule, ctx, i, State::FALSE) != Verdict::Ineligible {
            continue;
        }
        let Some(last_day) = anniversary(founded, ends_at).and_then(day_before) else {
            continue;
        };
        let threshold = if cmp == Cmp::Lt { "未満" } else { "以下" };
        let tail = if verdict == Verdict::Eligible {
            "は対象です"
        } else {
            "に限り対象になり得ます"
        };
        out.push(format!(
            "創業{years}年{threshold}の期間（{}まで）{tail}",
            format_date(last_day)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::fixtures;
    use serde_json::json;
    use time::macros::date;

    fn hints_for(rule: serde_json::Value, profile: serde_json::Value) -> Vec<String> {
        fixtures::evaluated(
            rule,
            profile,
            date!(2026 - 04 - 01),
            |rule, outcome, ctx| hints(rule.view(), &outcome.states, ctx),
        )
    }

    #[test]
    fn a_program_missed_by_one_condition_says_what_would_make_it_fit() {
        let h = hints_for(
            json!({"all": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "blue_return", "op": "eq", "value": true}
            ]}),
            json!({"employees": 25, "blue_return": true}),
        );
        assert_eq!(h, ["常時使用する従業員数が20人以下であれば対象になります"]);
    }

    #[test]
    fn a_program_missed_by_two_conditions_gives_no_false_hope() {
        let h = hints_for(
            json!({"all": [
                {"field": "employees", "op": "le", "value": 20},
                {"field": "blue_return", "op": "eq", "value": true}
            ]}),
            json!({"employees": 25, "blue_return": false}),
        );
        assert!(h.is_empty(), "{h:?}");
    }

    #[test]
    fn a_verdict_resting_on_the_age_of_the_business_says_until_when() {
        let h = hints_for(
            json!({"all": [{"fact": "years_since_founding", "op": "lt", "value": 5}]}),
            json!({"founded": "2022-04-01"}),
        );
        assert_eq!(
            h,
            ["創業5年未満の期間（2027年3月31日（令和9年）まで）は対象です"]
        );
    }

    #[test]
    fn a_business_too_young_is_told_from_when_it_fits() {
        let h = hints_for(
            json!({"all": [
                {"fact": "years_since_founding", "op": "ge", "value": 3},
                {"manual": "確認"}
            ]}),
            json!({"founded": "2024-10-01"}),
        );
        assert_eq!(
            h,
            ["創業3年以上となる2027年10月1日（令和9年）から条件付きで対象になります"]
        );
    }

    #[test]
    fn a_failed_not_is_hinted_as_its_negation() {
        let h = hints_for(
            json!({"all": [{"not": {"fact": "deemed_large"}}]}),
            json!({"org_form": "llc", "large_investment": "single_half"}),
        );
        assert_eq!(h, ["みなし大企業に当たらなければ対象になります"]);
    }
}
