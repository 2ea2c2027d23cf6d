//! One function per parser of outside bytes: each takes the raw bytes, runs the parser the
//! way the shell does, and then uses what came out (errors are displayed, programs are
//! compiled, diagnosed and exported), because a value that parses but panics later is the
//! same bug. A target must never panic; a few also check a round trip the code promises.

use std::fmt;
use std::sync::LazyLock;

use madoguchi_core::calendar::{DayEdge, FiscalYear, JstDateTime, iso_date, wareki};
use madoguchi_core::eligibility::{
    CompiledRule, Profile, Rule, RuleSet, application_window, check_satisfiable, diagnose,
    preview_rule, run_every_case, try_profile, validate_program_rule,
};
use madoguchi_core::import::{ImportBatch, ImportError, own};
use madoguchi_core::japanese_amount::{format_japanese_yen, parse_japanese_yen};
use madoguchi_core::program::Program;
use madoguchi_core::{demo, import::jgrants, import::jnet21};
use serde::Deserialize;
use time::{Date, macros::date};

use crate::mutate::Shape;

/// A parser under test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Target {
    /// `import::jgrants::parse` and `parse_read_at`: the collector's file and the API answer.
    Jgrants,
    /// `import::jnet21::parse`.
    Jnet21,
    /// `import::own::parse_json` (and `own::parse`, which tells the formats apart).
    OwnJson,
    /// `import::own::parse_csv`.
    OwnCsv,
    /// Rule JSON: `Rule::from_value`, validation, compilation, satisfiability, preview.
    Rule,
    /// Profile JSON: `Profile::from_json`, as the diagnosis API reads a request body.
    Profile,
    /// `japanese_amount::parse_japanese_yen`.
    Amount,
    /// Dates: 和暦 in free text (`wareki::find_date`), `JstDateTime::parse`, ISO dates.
    Date,
    /// The console's rule-builder form (`madoguchi_web::fuzzing::rule_builder_post`): the
    /// posted rows read back, a button carried out, the rule built and made into rows again.
    RuleForm,
}

impl Target {
    pub const ALL: [Target; 9] = [
        Target::Jgrants,
        Target::Jnet21,
        Target::OwnJson,
        Target::OwnCsv,
        Target::Rule,
        Target::Profile,
        Target::Amount,
        Target::Date,
        Target::RuleForm,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Target::Jgrants => "jgrants",
            Target::Jnet21 => "jnet21",
            Target::OwnJson => "own_json",
            Target::OwnCsv => "own_csv",
            Target::Rule => "rule",
            Target::Profile => "profile",
            Target::Amount => "amount",
            Target::Date => "date",
            Target::RuleForm => "rule_form",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// What the inputs look like, so that mutations keep some of their structure.
    pub fn shape(self) -> Shape {
        match self {
            Target::Jgrants | Target::Jnet21 | Target::OwnJson | Target::Rule | Target::Profile => {
                Shape::Json
            }
            // A form as lines of `name,value`: lines and cells swapped, repeated and cut.
            Target::OwnCsv | Target::RuleForm => Shape::Csv,
            Target::Amount | Target::Date => Shape::Text,
        }
    }

    /// Feeds one input to the parser and to what uses its result. Panics on a bug.
    pub fn run(self, data: &[u8]) {
        match self {
            Target::Jgrants => jgrants_target(data),
            Target::Jnet21 => exercise_import(jnet21::parse(data)),
            Target::OwnJson => {
                exercise_import(own::parse_json(data));
                // The format sniffing of `own::parse` on top of the JSON reader.
                if data.len().is_multiple_of(4) {
                    exercise_import(own::parse(data));
                }
            }
            Target::OwnCsv => exercise_import(own::parse_csv(data)),
            Target::Rule => rule_target(data),
            Target::Profile => profile_target(data),
            Target::Amount => amount_target(&String::from_utf8_lossy(data)),
            Target::Date => date_target(data),
            Target::RuleForm => madoguchi_web::fuzzing::rule_builder_post(data),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The day every target judges windows and ages at.
pub const AS_OF: Date = date!(2026 - 06 - 01);

/// The demo catalogue, as the public site serves it.
struct Catalogue {
    programs: Vec<Program>,
    rules: RuleSet,
    profiles: Vec<Profile>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let programs: Vec<Program> = demo::CATALOGUE
        .iter()
        .filter_map(|(_, bytes)| own::parse_json(bytes).ok())
        .flat_map(|batch| batch.programs)
        .collect();
    let (rules, _) = RuleSet::build(&programs);
    let profiles = programs
        .iter()
        .flat_map(|p| &p.test_cases)
        .filter_map(|case| Profile::from_map(&case.profile).ok())
        .take(3)
        .chain([Profile::default()])
        .collect();
    Catalogue {
        programs,
        rules,
        profiles,
    }
});

fn jgrants_target(data: &[u8]) {
    // Both entry points; which one is decided by the input so that a replay is exact.
    if data.len().is_multiple_of(2) {
        exercise_import(jgrants::parse(data));
    } else {
        let read_at = JstDateTime::from_date(AS_OF, DayEdge::Start);
        exercise_import(jgrants::parse_read_at(data, read_at));
    }
}

/// Uses an import's result the way the console does: shows it, then stores, compiles,
/// diagnoses and exports the programs.
fn exercise_import(result: Result<ImportBatch, ImportError>) {
    match result {
        Ok(batch) => {
            let _ = batch.summary();
            for issue in batch
                .skipped
                .iter()
                .chain(&batch.invalid)
                .chain(&batch.warnings)
            {
                let _ = issue.to_string();
            }
            exercise_programs(&batch.programs);
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

fn exercise_programs(programs: &[Program]) {
    if programs.is_empty() {
        return;
    }
    let (rules, problems) = RuleSet::build(programs);
    for problem in problems {
        let _ = problem.to_string();
    }
    for profile in CATALOGUE.profiles.iter().take(2) {
        let _ = diagnose(programs, &rules, profile, AS_OF, Some(5));
    }
    for program in programs {
        let _ = application_window(program, AS_OF).label();
    }
    let _ = own::to_json(programs);
    let _ = own::to_csv(programs);
}

fn rule_target(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let rule = Rule::from_value(value);
    let _ = rule.to_value();
    if let Err(errors) = rule.validate() {
        for error in errors {
            let _ = error.to_string();
        }
    }
    match CompiledRule::compile(&rule) {
        Ok(compiled) => {
            let report = check_satisfiable(&compiled);
            let _ = format!("{report:?}");
        }
        Err(errors) => {
            for error in errors {
                let _ = error.to_string();
            }
        }
    }
    let Some(base) = CATALOGUE.programs.first() else {
        return;
    };
    let mut program = base.clone();
    program.rule = Some(Box::new(rule));
    if let Err(errors) = validate_program_rule(&program) {
        let _ = errors.to_string();
    }
    let _ = preview_rule(&program, AS_OF);
    for profile in &CATALOGUE.profiles {
        let _ = try_profile(&program, profile, AS_OF);
    }
    let _ = run_every_case(&program, AS_OF);
    let programs = [program];
    let (rules, _) = RuleSet::build(&programs);
    for profile in &CATALOGUE.profiles {
        let _ = diagnose(&programs, &rules, profile, AS_OF, None);
    }
}

fn profile_target(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let profile = match Profile::from_json(&text) {
        Ok(profile) => profile,
        Err(errors) => {
            let _ = errors.to_string();
            return;
        }
    };
    // `to_value` promises the canonical form `from_value` reads back.
    let back = profile.to_value();
    match Profile::from_value(&back) {
        Ok(again) => assert_eq!(again, profile, "a profile changed through to_value: {back}"),
        Err(errors) => panic!("a profile's own to_value was refused: {errors}: {back}"),
    }
    let catalogue = &*CATALOGUE;
    let _ = diagnose(
        &catalogue.programs,
        &catalogue.rules,
        &profile,
        AS_OF,
        Some(20),
    );
}

fn amount_target(text: &str) {
    match parse_japanese_yen(text) {
        Ok(yen) => {
            // What is shown must read back as the same amount.
            let shown = format_japanese_yen(yen);
            assert_eq!(
                parse_japanese_yen(&shown),
                Ok(yen),
                "「{text}」 was read as {yen:?} and shown as 「{shown}」"
            );
        }
        Err(error) => {
            let _ = error.to_string();
        }
    }
}

#[derive(Deserialize)]
struct IsoDate {
    #[serde(with = "iso_date")]
    #[allow(dead_code)]
    date: Date,
}

fn date_target(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Some(found) = wareki::find_date(&text) {
        let _ = wareki::format_date(found);
        let _ = wareki::era_year_label(found);
        let _ = FiscalYear::containing(found).label();
        let _ = JstDateTime::from_date(found, DayEdge::End).to_rfc3339();
    }
    for edge in [DayEdge::Start, DayEdge::End] {
        if let Ok(at) = JstDateTime::parse(&text, edge) {
            let stored = at.to_rfc3339();
            let _ = at.date();
            // What is stored must read back as the same instant.
            assert_eq!(
                JstDateTime::parse(&stored, edge).ok(),
                Some(at),
                "「{text}」 was read as {at:?} and stored as 「{stored}」"
            );
        }
    }
    let _ = serde_json::from_value::<IsoDate>(serde_json::json!({ "date": text }));
    if let Ok(year) = text.trim().parse::<i64>()
        && let Ok(fiscal) = FiscalYear::new(year)
    {
        let _ = (fiscal.first_day(), fiscal.last_day(), fiscal.label());
    }
}
