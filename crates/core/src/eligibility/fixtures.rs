//! Shared builders for the engine's unit tests: a minimal program, a catalogue of them, and a
//! rule evaluated for a profile, all from JSON as staff and businesses write them.

use serde_json::{Value, json};
use time::Date;

use crate::eligibility::evaluate::context::Context;
use crate::eligibility::evaluate::judge::Outcome;
use crate::eligibility::rules::compile::CompiledRule;
use crate::eligibility::rules::rule::Rule;
use crate::eligibility::vocabulary::profile::Profile;
use crate::program::Program;

/// A nationwide, open, staff-entered program with `extra` fields merged in.
pub(crate) fn program(id: &str, extra: Value) -> Program {
    let mut base = json!({
        "id": id, "title": id, "kind": "subsidy",
        "issuer": {"level": "national", "name": "国"},
        "industries": {"scope": "all"}, "areas": {"scope": "nationwide"},
        "status": "open", "source": {"kind": "manual"}
    });
    if let (Value::Object(base), Value::Object(extra)) = (&mut base, extra) {
        base.extend(extra);
    }
    serde_json::from_value(base).unwrap()
}

/// A catalogue of such programs, one per rule, named `p0`, `p1`, …
pub(crate) fn catalogue(rules: Vec<Value>) -> Vec<Program> {
    rules
        .into_iter()
        .enumerate()
        .map(|(i, rule)| {
            let mut p = program(&format!("p{i}"), json!({}));
            p.rule = Some(Box::new(Rule::from_value(rule)));
            p
        })
        .collect()
}

/// Compiles `rule`, reads `profile` and hands both, with the outcome, to `inspect`.
pub(crate) fn evaluated<R>(
    rule: Value,
    profile: Value,
    as_of: Date,
    inspect: impl FnOnce(&CompiledRule, &Outcome, &Context<'_>) -> R,
) -> R {
    let rule = CompiledRule::compile(&Rule::from_value(rule)).unwrap();
    let profile = Profile::from_value(&profile).unwrap();
    let ctx = Context::new(&profile, as_of);
    let outcome = rule.evaluate(&ctx);
    inspect(&rule, &outcome, &ctx)
}
