//! The runner: feeds generated inputs to a target on several threads, catches panics,
//! shrinks each crashing input and keeps it as a regression file.
//!
//! A run is deterministic: thread `t` of a run with seed `s` draws the same inputs every
//! time, so a crash is reproduced by the same command even if it killed the process (a
//! stack overflow or an abort cannot be caught).

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Once;
use std::time::{Duration, Instant};

use crate::mutate::Corpus;
use crate::rng::Rng;
use crate::seeds::seeds;
use crate::targets::Target;

/// How far a crashing input is shrunk: attempts at removing a piece of it.
const SHRINK_ATTEMPTS: usize = 4000;

/// What to run.
#[derive(Debug, Clone)]
pub struct Config {
    pub target: Target,
    /// Executions in all, over every thread (the seeds are run first and count).
    pub execs: u64,
    pub seed: u64,
    pub threads: usize,
    /// Stop early after this long (the executions done are reported); `None` runs them all.
    pub time_limit: Option<Duration>,
    /// Where crashing inputs are written (`<dir>/<target>/<hash>`); `None` keeps them in the
    /// report only.
    pub regressions: Option<PathBuf>,
}

/// A distinct panic: one per source location.
#[derive(Debug, Clone)]
pub struct Crash {
    /// `file:line:column: message` of the panic.
    pub panic: String,
    /// The shrunk input.
    pub input: Vec<u8>,
    /// Where it was written, if it was.
    pub file: Option<PathBuf>,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct Report {
    pub target: Target,
    pub execs: u64,
    pub elapsed: Duration,
    /// Executions that panicked (any location).
    pub panicking_execs: u64,
    pub crashes: Vec<Crash>,
    /// The slowest single execution and its input's length.
    pub slowest: Duration,
    pub slowest_len: usize,
}

impl Report {
    pub fn execs_per_second(&self) -> f64 {
        self.execs as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

thread_local! {
    /// Set while this thread fuzzes: its panics are recorded here instead of printed.
    static CAUGHT: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Installs, once, a panic hook that records panics of fuzzing threads and leaves every
/// other thread's panic to the previous hook.
fn install_hook() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let fuzzing = CAUGHT.with(|c| c.borrow().is_some());
            if !fuzzing {
                previous(info);
                return;
            }
            let location = info
                .location()
                .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
                .unwrap_or_default();
            let message = info
                .payload()
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| info.payload().downcast_ref::<String>().cloned())
                .unwrap_or_default();
            CAUGHT.with(|c| *c.borrow_mut() = Some(Some(format!("{location}: {message}"))));
        }));
    });
}

/// Runs one input; the panic (`location: message`) if it panicked.
pub fn try_input(target: Target, input: &[u8]) -> Option<String> {
    install_hook();
    CAUGHT.with(|c| *c.borrow_mut() = Some(None));
    let result = panic::catch_unwind(AssertUnwindSafe(|| target.run(input)));
    let caught = CAUGHT.with(|c| c.borrow_mut().take()).flatten();
    result
        .err()
        .map(|_| caught.unwrap_or_else(|| "unknown panic".to_owned()))
}

/// The location part of a panic, which identifies the bug.
fn location(panic: &str) -> &str {
    // `file:line:col: message`
    let mut end = 0;
    for (n, (i, _)) in panic.match_indices(':').enumerate() {
        end = i;
        if n == 2 {
            break;
        }
    }
    &panic[..end]
}

/// Removes pieces of a crashing input while it still panics at the same place.
pub fn shrink(target: Target, input: &[u8], panic: &str) -> Vec<u8> {
    let wanted = location(panic).to_owned();
    let mut best = input.to_vec();
    let mut attempts = 0;
    let mut chunk = best.len() / 2;
    while chunk > 0 && attempts < SHRINK_ATTEMPTS {
        let mut at = 0;
        while at < best.len() && attempts < SHRINK_ATTEMPTS {
            let end = (at + chunk).min(best.len());
            let mut candidate = best.clone();
            candidate.drain(at..end);
            attempts += 1;
            match try_input(target, &candidate) {
                Some(p) if location(&p) == wanted => best = candidate,
                _ => at += chunk,
            }
        }
        chunk /= 2;
    }
    best
}

/// FNV-1a, stable across Rust versions: regression files are named by it.
pub fn fnv64(data: &[u8]) -> u64 {
    data.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

struct Found {
    execs: u64,
    panicking: u64,
    first: BTreeMap<String, (String, Vec<u8>)>,
    slowest: Duration,
    slowest_len: usize,
}

/// Runs a campaign on one target.
pub fn run(config: &Config) -> Report {
    install_hook();
    let target = config.target;
    let corpus = Corpus::new(seeds(target));
    let threads = config.threads.max(1);
    let start = Instant::now();
    let found: Vec<Found> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let share = config.execs / threads as u64
                    + u64::from((t as u64) < config.execs % threads as u64);
                let corpus = &corpus;
                let seed = config.seed ^ fnv64(target.name().as_bytes()) ^ ((t as u64) << 48);
                let stop = config.time_limit.map(|limit| start + limit);
                scope.spawn(move || fuzz_thread(target, corpus, seed, share, t == 0, stop))
            })
            .collect();
        handles.into_iter().filter_map(|h| h.join().ok()).collect()
    });
    let elapsed = start.elapsed();

    let mut first: BTreeMap<String, (String, Vec<u8>)> = BTreeMap::new();
    for f in &found {
        for (loc, crash) in &f.first {
            first.entry(loc.clone()).or_insert_with(|| crash.clone());
        }
    }
    let crashes = first
        .into_values()
        .map(|(panic, input)| {
            let input = shrink(target, &input, &panic);
            let file = config
                .regressions
                .as_deref()
                .and_then(|dir| save(dir, target, &input));
            Crash { panic, input, file }
        })
        .collect();
    let slowest = found.iter().max_by_key(|f| f.slowest);
    Report {
        target,
        execs: found.iter().map(|f| f.execs).sum(),
        elapsed,
        panicking_execs: found.iter().map(|f| f.panicking).sum(),
        crashes,
        slowest: slowest.map_or(Duration::ZERO, |f| f.slowest),
        slowest_len: slowest.map_or(0, |f| f.slowest_len),
    }
}

fn fuzz_thread(
    target: Target,
    corpus: &Corpus,
    seed: u64,
    execs: u64,
    run_seeds: bool,
    stop: Option<Instant>,
) -> Found {
    let mut rng = Rng::new(seed);
    let mut found = Found {
        execs: 0,
        panicking: 0,
        first: BTreeMap::new(),
        slowest: Duration::ZERO,
        slowest_len: 0,
    };
    let seed_inputs = if run_seeds { corpus.seeds.len() } else { 0 };
    for n in 0..execs {
        if n % 1024 == 0 && stop.is_some_and(|stop| Instant::now() >= stop) {
            break;
        }
        let input = match corpus
            .seeds
            .get(n as usize)
            .filter(|_| (n as usize) < seed_inputs)
        {
            Some(seed) => seed.clone(),
            None => corpus.generate(&mut rng, target.shape()),
        };
        let began = Instant::now();
        let panicked = try_input(target, &input);
        let took = began.elapsed();
        found.execs += 1;
        if took > found.slowest {
            found.slowest = took;
            found.slowest_len = input.len();
        }
        if let Some(panic) = panicked {
            found.panicking += 1;
            found
                .first
                .entry(location(&panic).to_owned())
                .or_insert((panic, input));
        }
    }
    found
}

/// Writes a crashing input to `<dir>/<target>/<hash>`; its path.
fn save(dir: &Path, target: Target, input: &[u8]) -> Option<PathBuf> {
    let dir = dir.join(target.name());
    std::fs::create_dir_all(&dir).ok()?;
    let path = dir.join(format!("{:016x}", fnv64(input)));
    std::fs::write(&path, input).ok()?;
    Some(path)
}

/// The directory of kept crashing inputs in the source tree.
pub fn regressions_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("regressions")
}
