//! A rule for programs that have none, made only from what their record states for certain.
//!
//! Imported records (jGrants, J-Net21, CSV) state areas, industries and an employee band as
//! data, and everything else in the text of the call for applications. The derived rule checks
//! the stated data and adds a manual check for the rest, so such a program can be 対象外,
//! 要確認 or 条件付きで対象 — never 対象 on a guess.

use std::collections::BTreeSet;

use serde_json::Value;

use super::rule::{Op, Rule};
use crate::eligibility::vocabulary::field::Field;
use crate::program::{Program, SourceKind, TargetAreas, TargetIndustries};
use crate::reference::{LocalGovCode, local_gov};

/// The manual check added to imported records.
pub const IMPORTED_REQUIREMENTS: &str = "公募要領の要件を満たすこと";

/// The manual check added to records entered by staff without a rule.
pub const STATED_REQUIREMENTS: &str = "制度の案内に記載の要件を満たすこと";

/// The rule a program without its own rule is judged by.
pub fn derived_rule(program: &Program) -> Rule {
    let mut rules = Vec::new();
    if let TargetAreas::Local(codes) = &program.areas
        && !codes.is_empty()
    {
        // A code the reference table no longer knows (a merged municipality) stands for its
        // prefecture: wider, never narrower, and the manual check still applies.
        let codes: BTreeSet<LocalGovCode> = codes
            .iter()
            .map(|&c| match local_gov(c) {
                Some(_) => c,
                None => c.prefecture(),
            })
            .collect();
        let codes = codes.iter().map(|c| Value::String(c.to_string())).collect();
        rules.push(Rule::condition(
            Field::Municipality,
            Op::Within,
            Value::Array(codes),
        ));
    }
    if let TargetIndustries::Only(codes) = &program.industries
        && !codes.is_empty()
    {
        let codes = codes.iter().map(|c| Value::String(c.to_string())).collect();
        rules.push(Rule::condition(
            Field::Industry,
            Op::IndustryIn,
            Value::Array(codes),
        ));
    }
    if let Some(band) = program.employees {
        match band.range() {
            (_, Some(max)) => rules.push(Rule::condition(Field::Employees, Op::Le, max.into())),
            (min, None) if min > 0 => {
                rules.push(Rule::condition(Field::Employees, Op::Ge, min.into()))
            }
            _ => {}
        }
    }
    let requirements = match program.source.kind {
        SourceKind::Jgrants | SourceKind::Jnet21 | SourceKind::Csv => IMPORTED_REQUIREMENTS,
        SourceKind::Manual => STATED_REQUIREMENTS,
    };
    rules.push(Rule::manual(requirements));
    Rule::all(rules)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eligibility::evaluate::verdict::Verdict;
    use crate::eligibility::fixtures;
    use serde_json::json;
    use time::macros::date;

    fn imported() -> Program {
        fixtures::program(
            "jgrants-a0W",
            json!({
                "issuer": {"level": "prefectural", "code": "460001", "name": "鹿児島県"},
                "industries": {"scope": "only", "codes": ["E"]},
                "areas": {"scope": "local", "codes": ["460001"]},
                "employees": "up_to_20",
                "source": {"kind": "jgrants", "external_id": "a0W"}
            }),
        )
    }

    fn verdict(program: &Program, profile: serde_json::Value) -> Verdict {
        let rule = derived_rule(program).to_value();
        fixtures::evaluated(rule, profile, date!(2026 - 04 - 01), |_, o, _| o.verdict)
    }

    #[test]
    fn an_imported_record_is_judged_by_its_stated_areas_industries_and_band() {
        let p = imported();
        assert_eq!(
            derived_rule(&p).to_value(),
            json!({"all": [
                {"field": "municipality", "op": "within", "value": ["460001"]},
                {"field": "industry", "op": "industry_in", "value": ["E"]},
                {"field": "employees", "op": "le", "value": 20},
                {"manual": "公募要領の要件を満たすこと"}
            ]})
        );
        let fits = json!({"municipality": "462047", "industry": "24", "employees": 12});
        assert_eq!(verdict(&p, fits), Verdict::Conditional);
        let elsewhere = json!({"municipality": "310000"});
        assert_eq!(verdict(&p, elsewhere), Verdict::Ineligible);
        assert_eq!(verdict(&p, json!({})), Verdict::NeedsInfo);
    }

    /// A real jGrants record (Jグランツ（jGrants）からの出典, snapshot of 2026-08-21), as the
    /// importer maps it: 東京都, every industry, 300名以下.
    fn tokyo_record() -> Program {
        fixtures::program(
            "jgrants-a0WJ200000CDaTDMA1",
            json!({
                "title": "女性の活躍推進に向けた職場環境改善奨励金　支給申請",
                "issuer": {"level": "prefectural", "code": "130001", "name": "東京都"},
                "areas": {"scope": "local", "codes": ["130001"]},
                "employees": "up_to_300",
                "amount": {"max": 1800000},
                "official_url": "https://www.jgrants-portal.go.jp/subsidy/a0WJ200000CDaTDMA1",
                "source": {"kind": "jgrants", "external_id": "a0WJ200000CDaTDMA1"}
            }),
        )
    }

    #[test]
    fn a_real_jgrants_record_is_at_best_conditional_and_refuses_what_its_data_excludes() {
        let p = tokyo_record();
        let chiyoda_12 = json!({"municipality": "131016", "employees": 12});
        assert_eq!(verdict(&p, chiyoda_12), Verdict::Conditional);
        let chiyoda_400 = json!({"municipality": "131016", "employees": 400});
        assert_eq!(verdict(&p, chiyoda_400), Verdict::Ineligible);
        let kagoshima = json!({"municipality": "462012", "employees": 12});
        assert_eq!(verdict(&p, kagoshima), Verdict::Ineligible);
        assert_eq!(verdict(&p, json!({"employees": 12})), Verdict::NeedsInfo);
    }

    #[test]
    fn an_area_code_the_reference_table_lacks_stands_for_its_prefecture() {
        let mut p = imported();
        // 314048 has a valid check digit but names no local government.
        p.areas = TargetAreas::Local([LocalGovCode::parse("314048").unwrap()].into());
        let rule = derived_rule(&p).to_value();
        assert_eq!(rule["all"][0]["value"], json!(["310000"]));
    }

    #[test]
    fn a_program_without_a_rule_is_never_eligible_on_a_guess() {
        let mut p = imported();
        p.areas = TargetAreas::Nationwide;
        p.industries = TargetIndustries::All;
        p.employees = None;
        assert_eq!(verdict(&p, json!({})), Verdict::Conditional);
        p.source.kind = SourceKind::Manual;
        assert_eq!(
            derived_rule(&p).to_value(),
            json!({"all": [{"manual": "制度の案内に記載の要件を満たすこと"}]})
        );
    }
}
