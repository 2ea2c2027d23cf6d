//! The generated-input campaign on one target or all of them.
//!
//! An example, not a binary of the crate: the workspace has one binary, `madoguchi`, so that
//! `cargo run -- serve --demo` at its root needs no `--bin`.
//!
//! ```text
//! cargo run --release -p madoguchi-fuzz --example campaign -- --target jgrants --execs 10000000 --seed 1
//! cargo run --release -p madoguchi-fuzz --example campaign -- --target all --execs 100000
//! ```
//! `--max-seconds N` stops a target early and reports the executions it did.
//! Crashing inputs are shrunk and written to `crates/fuzz/regressions/<target>/`; the exit
//! status is non-zero when any target panicked.

use std::process::ExitCode;
use std::time::Duration;

use madoguchi_fuzz::engine::{self, Config};
use madoguchi_fuzz::targets::Target;

const USAGE: &str =
    "usage: campaign --target <name|all> [--execs N] [--seed N] [--threads N] [--no-save]
targets: jgrants jnet21 own_json own_csv rule profile amount date rule_form";

fn main() -> ExitCode {
    match parse_args(std::env::args().skip(1).collect()) {
        Ok(configs) => {
            let mut panicked = false;
            for config in configs {
                let report = engine::run(&config);
                println!(
                    "{:<9} execs {:>11}  wall {:>8.1} s  {:>9.0} execs/s  threads {}  seed {}  panicking execs {}  distinct panics {}  slowest {:.1} ms ({} bytes)",
                    report.target.name(),
                    report.execs,
                    report.elapsed.as_secs_f64(),
                    report.execs_per_second(),
                    config.threads,
                    config.seed,
                    report.panicking_execs,
                    report.crashes.len(),
                    report.slowest.as_secs_f64() * 1000.0,
                    report.slowest_len,
                );
                for crash in &report.crashes {
                    panicked = true;
                    println!("  PANIC {}", crash.panic);
                    match &crash.file {
                        Some(file) => println!("    kept as {}", file.display()),
                        None => println!("    input {:?}", String::from_utf8_lossy(&crash.input)),
                    }
                }
            }
            if panicked {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(message) => {
            eprintln!("{message}\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn parse_args(args: Vec<String>) -> Result<Vec<Config>, String> {
    let mut targets = Vec::new();
    let mut execs = 100_000_u64;
    let mut seed = 1_u64;
    let mut threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut save = true;
    let mut time_limit = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
        match arg.as_str() {
            "--target" => {
                let name = value("--target")?;
                if name == "all" {
                    targets.extend(Target::ALL);
                } else {
                    targets.push(Target::from_name(&name).ok_or(format!("no target {name}"))?);
                }
            }
            "--execs" => execs = number(&value("--execs")?)?,
            "--seed" => seed = number(&value("--seed")?)?,
            "--threads" => threads = number(&value("--threads")?)? as usize,
            "--max-seconds" => {
                time_limit = Some(Duration::from_secs(number(&value("--max-seconds")?)?));
            }
            "--no-save" => save = false,
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other}")),
        }
    }
    if targets.is_empty() {
        return Err("--target is required".to_owned());
    }
    let regressions = save.then(engine::regressions_dir);
    Ok(targets
        .into_iter()
        .map(|target| Config {
            target,
            execs,
            seed,
            threads,
            time_limit,
            regressions: regressions.clone(),
        })
        .collect())
}

fn number(raw: &str) -> Result<u64, String> {
    raw.replace('_', "")
        .parse()
        .map_err(|_| format!("not a number: {raw}"))
}
