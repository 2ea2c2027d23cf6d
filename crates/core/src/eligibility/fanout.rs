//! One program against every subscriber: who hears of it, and why, in one line.
//!
//! A diagnosis runs the whole catalogue for one business; a notice runs the other way round.
//! When a program is published or changed, each subscription's saved profile is judged by that
//! one program's compiled rule (`RuleSet::rule`), with the same evaluator a diagnosis uses, so
//! a subscriber is told 対象 exactly when the diagnosis would say so. Only the verdicts are
//! kept while the subscribers are walked, into one state buffer allocated once per program;
//! the words (`reason_line`) are made afterwards, for the subscribers who get a notice.

use time::Date;

use super::evaluate::context::Context;
use super::evaluate::explain::{ConditionStatus, ConditionView, explain_conditions};
use super::evaluate::verdict::Verdict;
use super::rules::code::RuleView;
use super::tri::State;
use super::vocabulary::profile::Profile;

/// Which verdicts one subscriber wants to hear of: 対象 and 条件付きで対象 always, 要確認 by
/// the subscriber's choice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Audience {
    /// Also notify when the saved answers do not settle the verdict (要確認).
    pub include_needs_info: bool,
}

impl Audience {
    /// Whether a program with this verdict is news to the subscriber.
    pub fn wants(self, verdict: Verdict) -> bool {
        match verdict {
            Verdict::Eligible | Verdict::Conditional => true,
            Verdict::NeedsInfo => self.include_needs_info,
            Verdict::Ineligible => false,
        }
    }
}

/// A subscription's 「要確認も受け取る」 choice as it is stored.
impl From<bool> for Audience {
    fn from(include_needs_info: bool) -> Self {
        Self { include_needs_info }
    }
}

/// A subscriber the program reaches: its position in the profiles given, and its verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    pub index: usize,
    pub verdict: Verdict,
}

/// Judges every profile by one program's rule and keeps those who want to hear of it, in the
/// order given.
///
/// The profiles are read once, each with its subscriber's choice (an `Audience`, or the stored
/// `bool` of 「要確認も受け取る」). One state buffer serves every profile: besides the answer,
/// nothing grows with the number of profiles but the list of those reached.
pub fn reach<'p, A: Into<Audience>>(
    rule: RuleView<'_>,
    profiles: impl IntoIterator<Item = (&'p Profile, A)>,
    as_of: Date,
) -> Vec<Reached> {
    let mut states = vec![State::MISSING; rule.len()];
    let mut reached = Vec::new();
    for (index, (profile, audience)) in profiles.into_iter().enumerate() {
        let verdict = rule.evaluate_into(&Context::new(profile, as_of), &mut states);
        if audience.into().wants(verdict) {
            reached.push(Reached { index, verdict });
        }
    }
    reached
}

/// The most characters a reason line may have: one line of a notice or a LINE message.
pub const MAX_REASON_CHARS: usize = 120;

/// Why a subscriber gets a notice, in one plain line of at most `MAX_REASON_CHARS`
/// characters, led by the verdict's label:
///
/// - 対象: the conditions that hold
///   (「対象：「所在地が三重県の区域内」「中小企業基本法の中小企業者である」を満たしています」);
/// - 条件付きで対象: the checks a person must still confirm;
/// - 要確認: the answers that would settle it;
/// - 対象外: the conditions not met.
///
/// The conditions are worded as the diagnosis shows them (`explain_conditions`); those that do
/// not fit are counted (「ほか2件」).
pub fn reason_line(rule: RuleView<'_>, profile: &Profile, as_of: Date) -> String {
    let ctx = Context::new(profile, as_of);
    let outcome = rule.evaluate(&ctx);
    let items: Vec<String> = match outcome.verdict {
        Verdict::NeedsInfo => rule
            .missing(&outcome.states, &ctx)
            .iter()
            .map(|field| field.label().to_owned())
            .collect(),
        verdict => {
            let mut texts = Vec::new();
            deciding(
                &explain_conditions(rule, &outcome.states, &ctx, None),
                status_of(verdict),
                &mut texts,
            );
            texts
        }
    };
    let (tail, nothing_to_name) = match outcome.verdict {
        Verdict::Eligible => ("を満たしています", "この制度の条件を満たしています"),
        Verdict::Conditional => ("の確認が必要です", "確認が必要な条件があります"),
        Verdict::NeedsInfo => (
            "をご回答いただくと判定できます",
            "今のご回答ではまだ判定できません",
        ),
        Verdict::Ineligible => ("を満たしていません", "この制度の条件を満たしていません"),
    };
    let lead = format!("{}：", outcome.verdict.label());
    if items.is_empty() {
        format!("{lead}{nothing_to_name}")
    } else {
        fit(&lead, &items, tail)
    }
}

/// The status of the conditions that make a verdict what it is.
fn status_of(verdict: Verdict) -> ConditionStatus {
    match verdict {
        Verdict::Eligible => ConditionStatus::Met,
        Verdict::Conditional => ConditionStatus::ToConfirm,
        Verdict::NeedsInfo => ConditionStatus::Unknown,
        Verdict::Ineligible => ConditionStatus::NotMet,
    }
}

/// The conditions that decide a verdict: those with its status, reached from the top through
/// groups with the same status. A `not` around a group is left out: the words of its
/// conditions say the opposite of what counts.
fn deciding(views: &[ConditionView], status: ConditionStatus, out: &mut Vec<String>) {
    for view in views.iter().filter(|v| v.status == status) {
        match view.children.first() {
            None => out.push(view.text.clone()),
            Some(first) if first.path.ends_with("not") => {}
            Some(_) => deciding(&view.children, status, out),
        }
    }
}

/// `lead`, as many quoted items as fit, how many did not, and `tail`, within
/// `MAX_REASON_CHARS`; a first item too long alone is cut short with 「…」.
fn fit(lead: &str, items: &[String], tail: &str) -> String {
    let line = |shown: &[String], first_cut: Option<String>| {
        let others = match items.len() - shown.len() {
            0 => String::new(),
            n => format!("ほか{n}件"),
        };
        let quoted: String = first_cut
            .iter()
            .chain(shown.iter().skip(usize::from(first_cut.is_some())))
            .map(|item| format!("「{item}」"))
            .collect();
        format!("{lead}{quoted}{others}{tail}")
    };
    let fits = |text: &String| text.chars().count() <= MAX_REASON_CHARS;
    if let Some(text) = (1..=items.len())
        .rev()
        .map(|n| line(&items[..n], None))
        .find(fits)
    {
        return text;
    }
    let Some(first) = items.first() else {
        return format!("{lead}{tail}");
    };
    let overflow = line(&items[..1], Some(String::new())).chars().count() + 1;
    let keep = MAX_REASON_CHARS.saturating_sub(overflow);
    let cut: String = first.chars().take(keep).chain(['…']).collect();
    line(&items[..1], Some(cut))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Value, json};
    use time::macros::date;

    use super::*;
    use crate::eligibility::{RuleSet, diagnose};
    use crate::program::Program;

    const AS_OF: Date = date!(2026 - 06 - 01);

    /// The hand-written demo catalogue: real programs with real rules.
    fn catalogue() -> Vec<Program> {
        crate::demo::CATALOGUE
            .iter()
            .flat_map(|(_, bytes)| crate::import::own::parse(bytes).unwrap().programs)
            .collect()
    }

    fn profile(answers: Value) -> Profile {
        Profile::from_value(&answers).unwrap()
    }

    /// A 12-person manufacturer in 津市, with everything the demo rules ask answered.
    fn tsu_manufacturer() -> Profile {
        profile(json!({
            "municipality": "242012", "industry": "24", "org_form": "stock_company",
            "employees": 12, "capital": "1000万円", "founded": "2015-04-01",
            "large_investment": "none", "large_officers": false, "tax_arrears": false,
            "wage_increase_plan": true, "average_income_over_limit": false
        }))
    }

    struct Desk {
        programs: Vec<Program>,
        rules: RuleSet,
    }

    impl Desk {
        fn new() -> Self {
            let programs = catalogue();
            let (rules, errors) = RuleSet::build(&programs);
            assert!(errors.is_empty(), "{errors:?}");
            Self { programs, rules }
        }

        fn rule(&self, id: &str) -> RuleView<'_> {
            let i = self.programs.iter().position(|p| p.id.as_str() == id);
            self.rules.rule(i.unwrap()).unwrap()
        }

        /// The verdict a full diagnosis gives `profile` for each program, in catalogue order.
        fn diagnosed(&self, profile: &Profile) -> Vec<Verdict> {
            let diagnosis = diagnose(&self.programs, &self.rules, profile, AS_OF, None);
            let verdict = |program: &Program| {
                let result = diagnosis
                    .results
                    .iter()
                    .find(|r| r.program_id == program.id);
                result.unwrap().verdict
            };
            self.programs.iter().map(verdict).collect()
        }
    }

    #[test]
    fn a_prefectural_program_reaches_its_prefecture_and_no_one_else() {
        let desk = Desk::new();
        let akita = profile(json!({"municipality": "052019", "industry": "24",
            "org_form": "stock_company", "employees": 12, "capital": "1000万円"}));
        let unknown_size = profile(json!({"municipality": "242012"}));
        let profiles = [
            (&tsu_manufacturer(), false),
            (&akita, true),
            (&unknown_size, false),
            (&unknown_size, true),
        ];
        let reached = reach(
            desk.rule("demo-mie-kaigai-takakuka"),
            profiles.iter().map(|&(p, needs_info)| (p, needs_info)),
            AS_OF,
        );
        assert_eq!(
            reached,
            [
                Reached {
                    index: 0,
                    verdict: Verdict::Conditional
                },
                Reached {
                    index: 3,
                    verdict: Verdict::NeedsInfo
                },
            ]
        );
    }

    #[test]
    fn the_reason_names_the_open_check_the_answers_wanted_or_the_conditions_met() {
        let desk = Desk::new();
        let mie = desk.rule("demo-mie-kaigai-takakuka");
        assert_eq!(
            reason_line(mie, &tsu_manufacturer(), AS_OF),
            "条件付きで対象：「海外の新たな輸出先への販路拡大に取り組むこと」の確認が必要です"
        );
        let unknown_size = profile(json!({"municipality": "242012"}));
        let line = reason_line(mie, &unknown_size, AS_OF);
        assert!(line.starts_with("要確認：「業種」「組織形態」"), "{line}");
        assert!(line.ends_with("をご回答いただくと判定できます"), "{line}");

        let mie_dx = desk.rule("demo-mie-dx-center");
        assert_eq!(
            reason_line(mie_dx, &tsu_manufacturer(), AS_OF),
            "対象：「所在地が三重県の区域内」を満たしています"
        );
        let akita = profile(json!({"municipality": "052019"}));
        assert_eq!(
            reason_line(mie_dx, &akita, AS_OF),
            "対象外：「所在地が三重県の区域内」を満たしていません"
        );
    }

    #[test]
    fn a_long_reason_is_cut_to_one_line_and_says_how_many_were_left_out() {
        let desk = Desk::new();
        // 鈴鹿市's rule has three long checks a person must confirm.
        let founder = profile(json!({"municipality": "242071", "founded": "2026-01-05",
            "tax_arrears": false}));
        let line = reason_line(desk.rule("demo-suzuka-sogyo"), &founder, AS_OF);
        assert!(line.chars().count() <= MAX_REASON_CHARS, "{line}");
        assert!(line.starts_with("条件付きで対象：「鈴鹿市から"), "{line}");
        assert!(line.ends_with("」ほか2件の確認が必要です"), "{line}");

        let long = ["あ".repeat(200), "い".repeat(5)];
        let line = fit("対象：", &long, "を満たしています");
        assert_eq!(line.chars().count(), MAX_REASON_CHARS, "{line}");
        assert!(line.ends_with("あ…」ほか1件を満たしています"), "{line}");
    }

    /// Answers drawn from what the demo rules ask about, coarse and missing ones included.
    fn answers() -> Vec<(&'static str, Value)> {
        let municipality = json!([
            "242012", "242071", "240001", "131075", "131113", "052019", "172014", "462012",
            "462161", "212172", "142018", "011002"
        ]);
        let industry = json!([
            "24", "E", "01", "A", "58", "76", "83", "85", "H", "44", "39"
        ]);
        let org_form = json!([
            "stock_company",
            "llc",
            "sole_proprietor",
            "npo",
            "planning",
            "enterprise_union",
            "business_cooperative",
            "medical_corporation",
            "social_welfare_corporation",
            "general_association"
        ]);
        let money = json!([
            "500万円",
            "1000万円",
            "5000万円",
            "3億円",
            "10億円",
            "200億円"
        ]);
        let founded = json!([
            "2010-04-01",
            "2022-10-01",
            "2025-06-01",
            "2026-03-01",
            "planned"
        ]);
        let purposes = json!([[], ["equipment_it"], ["new_business", "employment"]]);
        let yes_no = json!([true, false]);
        vec![
            ("municipality", municipality),
            ("industry", industry),
            ("org_form", org_form),
            ("employees", json!([0, 5, 12, 20, 50, 300, 301, 2500])),
            ("capital", money.clone()),
            ("sales", money),
            ("founded", founded),
            ("purposes", purposes),
            (
                "large_investment",
                json!(["none", "single_half", "combined_two_thirds"]),
            ),
            ("large_officers", yes_no.clone()),
            ("tax_arrears", yes_no.clone()),
            ("wage_increase_plan", yes_no.clone()),
            ("employment_insurance", yes_no.clone()),
            ("blue_return", yes_no.clone()),
            ("certified_npo", yes_no.clone()),
            ("average_income_over_limit", yes_no.clone()),
            ("large_corp_owned", yes_no.clone()),
            ("wholly_owned_by_large", yes_no.clone()),
            ("workers_accident_insurance", yes_no),
        ]
    }

    /// A profile from one choice per field: unanswered, わからない, or one of its answers.
    fn drawn(choices: &[usize]) -> Profile {
        let mut map = serde_json::Map::new();
        for ((field, options), &choice) in answers().into_iter().zip(choices) {
            let options = options.as_array().unwrap();
            match choice % (options.len() + 2) {
                0 => {}
                1 => {
                    map.insert(field.to_owned(), json!("わからない"));
                }
                k => {
                    map.insert(field.to_owned(), options[k - 2].clone());
                }
            }
        }
        Profile::from_map(&map).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// The fan-out agrees with the full diagnosis for every demo program and profile, and
        /// every reason line is one line of the verdict's label.
        #[test]
        fn every_subscriber_is_reached_exactly_when_the_diagnosis_says_so(
            subscribers in prop::collection::vec(
                (prop::collection::vec(0usize..16, 19), any::<bool>()),
                12,
            ),
        ) {
            let desk = Desk::new();
            let profiles: Vec<(Profile, bool)> = subscribers
                .iter()
                .map(|(choices, needs_info)| (drawn(choices), *needs_info))
                .collect();
            let verdicts: Vec<Vec<Verdict>> = profiles
                .iter()
                .map(|(p, _)| desk.diagnosed(p))
                .collect();
            for i in 0..desk.programs.len() {
                let rule = desk.rules.rule(i).unwrap();
                let reached = reach(rule, profiles.iter().map(|(p, n)| (p, *n)), AS_OF);
                let expected: Vec<Reached> = profiles
                    .iter()
                    .zip(&verdicts)
                    .enumerate()
                    // Spelt out rather than through `Audience::wants`, so a wrong choice there fails.
                    .filter(|(_, ((_, needs_info), v))| match v[i] {
                        Verdict::Eligible | Verdict::Conditional => true,
                        Verdict::NeedsInfo => *needs_info,
                        Verdict::Ineligible => false,
                    })
                    .map(|(index, (_, v))| Reached { index, verdict: v[i] })
                    .collect();
                prop_assert_eq!(&reached, &expected, "{}", desk.programs[i].id);
                for r in &reached {
                    let line = reason_line(rule, &profiles[r.index].0, AS_OF);
                    prop_assert!(line.starts_with(&format!("{}：", r.verdict.label())), "{}", line);
                    prop_assert!(line.chars().count() <= MAX_REASON_CHARS, "{}", line);
                    prop_assert!(!line.contains('\n'), "{}", line);
                }
            }
        }
    }
}
