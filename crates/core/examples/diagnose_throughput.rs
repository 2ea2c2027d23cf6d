//! Diagnoses per second of the engine alone, on every core, over the demo catalogue: the
//! in-process ceiling that `benches/load/run.sh` compares the HTTP API with.
//!
//! Builds the catalogue `madoguchi serve --demo` serves (the hand-written catalogue, jGrants and
//! J-Net21 samples through the same importers, ordered by id as the store returns them), reads
//! one profile a line from PROFILES (the file the wrk script sends), then on THREADS threads
//! (default: all cores) runs `diagnose(.., Some(LIMIT))` over the profiles in turn for SECS
//! seconds, once as the engine alone and once with the result written as JSON (what the API
//! adds before HTTP).
//!
//! `cargo run --release -p madoguchi-core --example diagnose_throughput -- PROFILES
//! --as-of YYYY-MM-DD [--limit 20] [--secs 10] [--threads N]`

use std::collections::BTreeMap;
use std::error::Error;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use madoguchi_core::calendar::{DayEdge, JstDateTime};
use madoguchi_core::catalog::Catalog;
use madoguchi_core::demo;
use madoguchi_core::eligibility::{Profile, diagnose};
use madoguchi_core::import::{jgrants, jnet21, own};
use madoguchi_core::program::Program;
use time::Date;

#[derive(Debug)]
struct Options {
    profiles: PathBuf,
    as_of: Date,
    limit: usize,
    duration: Duration,
    threads: usize,
}

fn main() -> Result<(), Box<dyn Error>> {
    let options = parse_args()?;
    let catalog = Catalog::new(demo_programs()?);
    let text = std::fs::read_to_string(&options.profiles)
        .map_err(|e| format!("{} を読めません：{e}", options.profiles.display()))?;
    let profiles = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| Profile::from_json(line).map_err(|e| format!("{line}：{e}")))
        .collect::<Result<Vec<_>, _>>()?;
    if profiles.is_empty() {
        return Err(format!(
            "{} にプロファイルがありません。",
            options.profiles.display()
        )
        .into());
    }
    println!(
        "catalogue: {} programs; {} profiles; limit {}; as of {}; {} threads, {:.0} s each",
        catalog.len(),
        profiles.len(),
        options.limit,
        options.as_of,
        options.threads,
        options.duration.as_secs_f64()
    );

    let run = |with_json: bool| {
        throughput(&options, &profiles, |profile| {
            let diagnosis = diagnose(
                catalog.programs(),
                catalog.rules(),
                profile,
                options.as_of,
                Some(options.limit),
            );
            if with_json {
                // The API's `Json` writes into a `Vec` the same way.
                black_box(serde_json::to_vec(&diagnosis).map_or(0, |v| v.len()));
            } else {
                black_box(diagnosis.results.len());
            }
        })
    };
    print_rate("engine diagnose", run(false));
    print_rate("engine diagnose + JSON", run(true));
    Ok(())
}

/// Diagnoses per second of wall time, and per second of CPU time this process used meanwhile:
/// the second does not drop when other processes take the cores.
#[derive(Debug, Clone, Copy)]
struct Rate {
    per_sec: f64,
    per_cpu_sec: Option<f64>,
    cores_used: Option<f64>,
}

/// Runs `work` over the profiles in turn on every thread until the time is up. Every profile
/// is run once first, untimed.
fn throughput(options: &Options, profiles: &[Profile], work: impl Fn(&Profile) + Sync) -> Rate {
    profiles.iter().for_each(&work);
    let work = &work;
    let cpu_before = process_cpu_secs();
    let started = Instant::now();
    let done: u64 = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..options.threads)
            .map(|thread| {
                scope.spawn(move || {
                    let mut done = 0u64;
                    // Threads start at different profiles, as the wrk threads do.
                    let mut next = thread % profiles.len();
                    while started.elapsed() < options.duration {
                        work(&profiles[next]);
                        next = (next + 1) % profiles.len();
                        done += 1;
                    }
                    done
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(0)).sum()
    });
    let wall = started.elapsed().as_secs_f64();
    let cpu = cpu_before
        .zip(process_cpu_secs())
        .map(|(before, after)| after - before);
    Rate {
        per_sec: done as f64 / wall,
        per_cpu_sec: cpu.map(|c| done as f64 / c),
        cores_used: cpu.map(|c| c / wall),
    }
}

/// User + system CPU time of this process so far, from `/proc/self/stat` (Linux; USER_HZ is
/// 100 there), so no extra crate is needed; `None` elsewhere.
fn process_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<f64>().ok();
    // utime and stime are fields 14 and 15 of the whole line: 11 and 12 after the name.
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

fn print_rate(label: &str, rate: Rate) {
    print!("{label}: {:.1} diagnoses/s", rate.per_sec);
    if let (Some(per_cpu), Some(cores)) = (rate.per_cpu_sec, rate.cores_used) {
        print!("; {per_cpu:.1} per CPU second ({cores:.2} cores used)");
    }
    println!();
}

/// What `madoguchi demo` saves: every bundled record that imports, the last of an id winning,
/// ordered by id as the store hands them back.
fn demo_programs() -> Result<Vec<Program>, Box<dyn Error>> {
    let mut batches = Vec::new();
    for (_, bytes) in demo::CATALOGUE {
        batches.push(own::parse(bytes)?);
    }
    batches.push(jgrants::parse(demo::JGRANTS_RECORDS)?);
    batches.push(jnet21::parse(demo::JNET21_ITEMS)?);
    let by_id: BTreeMap<_, _> = batches
        .into_iter()
        .flat_map(|batch| batch.programs)
        .map(|program| (program.id.clone(), program))
        .collect();
    Ok(by_id.into_values().collect())
}

fn parse_args() -> Result<Options, Box<dyn Error>> {
    let usage = "使い方：diagnose_throughput PROFILES --as-of YYYY-MM-DD [--limit N] [--secs S] \
                 [--threads N]";
    let mut args = std::env::args().skip(1);
    let mut profiles = None;
    let mut as_of = None;
    let mut options = Options {
        profiles: PathBuf::new(),
        as_of: Date::MIN,
        limit: 20,
        duration: Duration::from_secs(10),
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(usage);
        match arg.as_str() {
            "--as-of" => as_of = Some(JstDateTime::parse(&value()?, DayEdge::Start)?.date()),
            "--limit" => options.limit = value()?.parse()?,
            "--secs" => options.duration = Duration::from_secs_f64(value()?.parse()?),
            "--threads" => options.threads = value()?.parse::<usize>()?.max(1),
            _ if profiles.is_none() && !arg.starts_with("--") => profiles = Some(arg.into()),
            _ => return Err(usage.into()),
        }
    }
    options.profiles = profiles.ok_or(usage)?;
    options.as_of = as_of.ok_or(usage)?;
    Ok(options)
}
