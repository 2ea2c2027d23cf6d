//! A profile as the plain facts json-rules-engine reads, for the side-by-side run in
//! `benches/diagnosis/json-rules-engine.mjs`.
//!
//! json-rules-engine knows nothing of 中小企業基本法, of ward/city/prefecture containment or of
//! JSIC majors and middles, so madoguchi works these out here, once per profile, and hands them
//! over as plain values: `sme`, `small_business`, `deemed_large`, `years_since_founding`, the
//! codes a place lies within and the codes an industry falls under. Unknown answers are left
//! out (json-rules-engine then reads them as `undefined`). Manual checks are taken as confirmed.

use madoguchi_core::eligibility::{Context, Profile, Tri, Verdict};
use madoguchi_core::reference::{JsicCode, local_gov};
use serde_json::{Map, Value, json};

/// The facts json-rules-engine is given for one business.
pub fn facts(profile: &Profile, ctx: &Context<'_>) -> Value {
    let mut facts = match profile.to_value() {
        Value::Object(map) => map,
        _ => Map::new(),
    };
    facts.retain(|_, v| v != "unknown" && !v.is_null());
    // Containment is decided by madoguchi; the founding date only matters through its age.
    facts.remove("founded");
    if let Some(code) = profile.municipality.known() {
        let mut within = vec![code.to_string()];
        if let Some(city) = local_gov(*code).and_then(|g| g.parent_city()) {
            within.push(city.code.to_string());
        }
        if !code.is_prefecture() {
            within.push(code.prefecture().to_string());
        }
        facts.insert("municipality".to_owned(), json!(within));
    }
    if let Some(industry) = profile.industry.known() {
        let mut under = vec![industry.to_string()];
        if let JsicCode::Middle(_) = industry {
            under.push(industry.major_letter().to_string());
        }
        facts.insert("industry".to_owned(), json!(under));
    }
    let derived = &ctx.facts;
    let tri = [
        (
            "sme",
            derived
                .size
                .sme(madoguchi_core::eligibility::SizeDefinition::CabinetOrder),
        ),
        ("small_business", derived.size.small_business),
        ("deemed_large", derived.deemed_large),
    ];
    for (name, value) in tri {
        if value != Tri::Unknown {
            facts.insert(name.to_owned(), Value::Bool(value == Tri::True));
        }
    }
    if let Some(years) = derived.years_since_founding {
        facts.insert("years_since_founding".to_owned(), json!(years));
    }
    facts.insert("manual_checks_confirmed".to_owned(), Value::Bool(true));
    Value::Object(facts)
}

/// One letter per program (E 対象, C 条件付きで対象, N 要確認, I 対象外), for the cross-check
/// the Node side makes: what madoguchi settles, json-rules-engine must agree with.
pub fn verdict_letters(verdicts: &[Verdict]) -> String {
    verdicts
        .iter()
        .map(|v| match v {
            Verdict::Eligible => 'E',
            Verdict::Conditional => 'C',
            Verdict::NeedsInfo => 'N',
            Verdict::Ineligible => 'I',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn facts_of(profile: Value) -> Value {
        let profile = Profile::from_value(&profile).expect("a valid profile");
        facts(&profile, &Context::new(&profile, date!(2026 - 11 - 23)))
    }

    #[test]
    fn a_ward_lies_within_its_city_and_prefecture_and_a_middle_category_within_its_major() {
        let facts = facts_of(json!({"municipality": "141046", "industry": "39"}));
        assert_eq!(facts["municipality"], json!(["141046", "141003", "140007"]));
        assert_eq!(facts["industry"], json!(["39", "G"]));
    }

    #[test]
    fn unknown_answers_are_left_out_and_derived_facts_given_only_when_decided() {
        let facts = facts_of(json!({
            "org_form": "stock_company", "capital": "1,000万円", "employees": "わからない",
            "founded": "2020-04-01", "tax_arrears": "unknown"
        }));
        assert_eq!(facts.get("employees"), None);
        assert_eq!(facts.get("tax_arrears"), None);
        assert_eq!(facts.get("founded"), None);
        assert_eq!(facts["capital"], json!(10_000_000));
        // A company with 1,000万円 is a 中小企業者 whatever its industry and headcount.
        assert_eq!(facts["sme"], json!(true));
        assert_eq!(facts.get("small_business"), None);
        assert_eq!(facts["years_since_founding"], json!(6));
    }
}
