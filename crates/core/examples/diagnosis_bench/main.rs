//! Times a full diagnosis of a large synthetic catalogue, per business profile.
//!
//! Reads `DIR/programs.json` and `DIR/profiles.json` written by `benches/diagnosis/generate.py`,
//! builds the `RuleSet` once (timed apart), then for each profile times
//! - the raw evaluation: `Context::new` + `RuleSet::evaluate_into` into a reused buffer, every
//!   node's state of every program kept, no text;
//! - the same, ranked: the 20 best in order (`RuleSet::rank_top`, as `diagnose` ranks);
//! - the same, with the 20 results shown explained in Japanese (`explain_result`): the
//!   part of `diagnose` a results page needs;
//! - the next question alone (`next_question`) on an evaluation already made;
//! - a full `diagnose(.., Some(20))`: all of the above, the next question included.
//!
//! Prints a table, writes the figures as JSON (`--out`, read by `benches/diagnosis/compare.py`)
//! and the profiles as json-rules-engine facts (`DIR/jre-facts.json`). Run it through
//! `benches/diagnosis/run.sh`, or:
//! `cargo run --release -p madoguchi-core --example diagnosis_bench -- DIR [--eval-iterations N]
//! [--diagnose-iterations N] [--budget-secs S] [--out FILE] [--only NAME]...`; each measurement
//! stops after N runs or S seconds (default 2), whichever comes first, with at least 5 runs.
//! `--only` keeps the profiles whose name contains NAME (any of them, when repeated): to time
//! or profile (`perf`) a few of them while working on the engine.

mod jre_facts;
mod stats;
mod table;

use std::error::Error;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use madoguchi_core::eligibility::{
    Context, Evaluation, Profile, RuleSet, Verdict, diagnose, explain_result, next_question,
};
use madoguchi_core::program::Program;
use serde::Deserialize;
use serde_json::{Value, json};
use time::Date;
use time::macros::date;

use stats::measure;
use table::ProfileFigures;

/// The day every profile is judged on: the demo catalogue's date, so that ages are stable.
const AS_OF: Date = date!(2026 - 11 - 23);
/// Results a page shows, explained.
const SHOWN: usize = 20;

#[derive(Debug)]
struct Options {
    dir: PathBuf,
    eval_iterations: usize,
    diagnose_iterations: usize,
    /// Time spent on one measurement at most (beyond a minimum of runs).
    budget: Duration,
    out: Option<PathBuf>,
    /// When not empty, only the profiles whose name contains one of these.
    only: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct NamedProfile {
    name: String,
    profile: Value,
}

fn main() -> Result<(), Box<dyn Error>> {
    let options = parse_args()?;
    let started = Instant::now();
    let programs: Vec<Program> = serde_json::from_str(&read(&options.dir.join("programs.json"))?)?;
    let read_ms = started.elapsed().as_secs_f64() * 1e3;
    let named: Vec<NamedProfile> =
        serde_json::from_str(&read(&options.dir.join("profiles.json"))?)?;

    let build = measure(5, Duration::MAX, || RuleSet::build(&programs));
    let (rules, problems) = RuleSet::build(&programs);
    if let Some(problem) = problems.first() {
        return Err(format!(
            "{} 件の条件が読めません。最初の1件：{problem}",
            problems.len()
        )
        .into());
    }
    let nodes: usize = (0..rules.len())
        .filter_map(|i| rules.rule(i))
        .map(|r| r.len())
        .sum();
    println!(
        "{} programs read in {read_ms:.0} ms; RuleSet::build {:.1} ms (median of 5 runs); \
         {:.2} rule nodes per program",
        programs.len(),
        build.p50 / 1e3,
        nodes as f64 / rules.len().max(1) as f64,
    );
    println!(
        "as of {AS_OF}; per profile up to {} raw evaluations and {} of each diagnosis, at most \
         {:.0} s each; times in µs\n",
        options.eval_iterations,
        options.diagnose_iterations,
        options.budget.as_secs_f64()
    );
    table::print_header();

    let mut figures = Vec::new();
    let mut facts = Vec::new();
    let mut evaluation = Evaluation::new(&rules);
    let wanted = |name: &str| {
        options.only.is_empty() || options.only.iter().any(|o| name.contains(o.as_str()))
    };
    for NamedProfile { name, profile } in named.into_iter().filter(|n| wanted(&n.name)) {
        let profile = Profile::from_value(&profile)
            .map_err(|e| format!("プロファイル「{name}」を読めません：{e}"))?;
        let eval_us = measure(options.eval_iterations, options.budget, || {
            let ctx = Context::new(&profile, AS_OF);
            rules.evaluate_into(&ctx, &mut evaluation);
            evaluation.verdicts().len()
        });
        let ranked_us = measure(options.diagnose_iterations, options.budget, || {
            evaluate_and_rank(&rules, &profile, &mut evaluation)
        });
        // `diagnose` without its next question, to show what that question costs.
        let shown_us = measure(options.diagnose_iterations, options.budget, || {
            let (ctx, order) = evaluate_and_rank(&rules, &profile, &mut evaluation);
            let shown: Vec<_> = order
                .into_iter()
                .filter_map(|i| explain_result(programs.get(i)?, &evaluation, i, &ctx))
                .collect();
            shown
        });
        let question_us = {
            let ctx = Context::new(&profile, AS_OF);
            rules.evaluate_into(&ctx, &mut evaluation);
            measure(options.diagnose_iterations, options.budget, || {
                next_question(&evaluation, &ctx)
            })
        };
        let diagnose_us = measure(options.diagnose_iterations, options.budget, || {
            diagnose(&programs, &rules, &profile, AS_OF, Some(SHOWN))
        });

        let ctx = Context::new(&profile, AS_OF);
        rules.evaluate_into(&ctx, &mut evaluation);
        let verdicts = evaluation.verdicts();
        let count = |v: Verdict| verdicts.iter().filter(|&&x| x == v).count();
        let row = ProfileFigures {
            answered: profile.to_value().as_object().map_or(0, |m| m.len()),
            eligible: count(Verdict::Eligible),
            conditional: count(Verdict::Conditional),
            needs_info: count(Verdict::NeedsInfo),
            ineligible: count(Verdict::Ineligible),
            name,
            eval_us,
            ranked_us,
            shown_us,
            question_us,
            diagnose_us,
        };
        table::print_row(&row);
        facts.push(json!({
            "name": row.name,
            "facts": jre_facts::facts(&profile, &ctx),
            "verdicts": jre_facts::verdict_letters(verdicts),
        }));
        figures.push(row);
    }
    table::print_summary(&figures);

    std::fs::write(
        options.dir.join("jre-facts.json"),
        serde_json::to_string(&facts)?,
    )?;
    if let Some(out) = &options.out {
        let report = json!({
            "programs": programs.len(),
            "rule_nodes": nodes,
            "read_ms": read_ms,
            "build_ms": build.p50 / 1e3,
            "profiles": figures,
        });
        std::fs::write(out, serde_json::to_string_pretty(&report)?)?;
    }
    Ok(())
}

/// Evaluates the whole catalogue for one profile and ranks the best `SHOWN`, as `diagnose`
/// does first.
fn evaluate_and_rank<'p, 'r>(
    rules: &'r RuleSet,
    profile: &'p Profile,
    evaluation: &mut Evaluation<'r>,
) -> (Context<'p>, Vec<usize>) {
    let ctx = Context::new(profile, AS_OF);
    rules.evaluate_into(&ctx, evaluation);
    let order = rules.rank_top(evaluation, profile, AS_OF, Some(SHOWN));
    (ctx, order)
}

fn read(path: &Path) -> Result<String, Box<dyn Error>> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("{} を読めません：{e}", path.display()).into())
}

fn parse_args() -> Result<Options, Box<dyn Error>> {
    let usage = "使い方：diagnosis_bench DIR [--eval-iterations N] [--diagnose-iterations N] \
                 [--budget-secs S] [--out FILE] [--only NAME]...";
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        dir: PathBuf::new(),
        eval_iterations: 1000,
        diagnose_iterations: 200,
        budget: Duration::from_secs(2),
        out: None,
        only: Vec::new(),
    };
    let mut dir = None;
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(usage);
        match arg.as_str() {
            "--eval-iterations" => options.eval_iterations = value()?.parse()?,
            "--diagnose-iterations" => options.diagnose_iterations = value()?.parse()?,
            "--budget-secs" => options.budget = Duration::from_secs_f64(value()?.parse()?),
            "--out" => options.out = Some(PathBuf::from(value()?)),
            "--only" => options.only.push(value()?),
            _ if dir.is_none() && !arg.starts_with("--") => dir = Some(PathBuf::from(arg)),
            _ => return Err(usage.into()),
        }
    }
    options.dir = dir.ok_or(usage)?;
    Ok(options)
}
