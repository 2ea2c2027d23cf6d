//! What CI runs of the fuzzing: every kept crashing input replayed through its target, and a
//! bounded smoke of every target with a fixed seed. The long campaign is run by hand
//! (`benches/fuzz/campaign.sh`, see `docs/robustness.md`).

use std::fs;

use madoguchi_fuzz::engine::{self, Config};
use madoguchi_fuzz::targets::Target;

/// Executions per target in the smoke: enough to reach past the seeds, quick in a debug build.
const SMOKE_EXECS: u64 = 1500;

#[test]
fn every_kept_crash_is_fixed() {
    let root = engine::regressions_dir();
    let mut replayed = 0;
    for entry in fs::read_dir(&root).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.is_dir() {
            continue;
        }
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let target =
            Target::from_name(&name).unwrap_or_else(|| panic!("{} names no target", dir.display()));
        for file in fs::read_dir(&dir).unwrap() {
            let path = file.unwrap().path();
            let input = fs::read(&path).unwrap();
            // A plain call: a panic fails this test with the input's path in the log.
            eprintln!("replaying {}", path.display());
            target.run(&input);
            replayed += 1;
        }
    }
    eprintln!("{replayed} kept inputs replayed");
}

#[test]
fn smoke_every_target() {
    for target in Target::ALL {
        let report = engine::run(&Config {
            target,
            execs: SMOKE_EXECS,
            seed: 1,
            threads: 1,
            time_limit: None,
            regressions: None,
        });
        assert_eq!(report.execs, SMOKE_EXECS);
        let panics: Vec<String> = report
            .crashes
            .iter()
            .map(|c| {
                format!(
                    "{}\n  input: {:?}",
                    c.panic,
                    String::from_utf8_lossy(&c.input)
                )
            })
            .collect();
        assert!(
            panics.is_empty(),
            "{target} panicked:\n{}",
            panics.join("\n")
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let run = |seed| {
        let corpus =
            madoguchi_fuzz::mutate::Corpus::new(madoguchi_fuzz::seeds::seeds(Target::Rule));
        let mut rng = madoguchi_fuzz::rng::Rng::new(seed);
        (0..50)
            .map(|_| corpus.generate(&mut rng, Target::Rule.shape()))
            .collect::<Vec<_>>()
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3), run(4));
}

#[test]
fn every_target_has_seeds_and_a_name() {
    for target in Target::ALL {
        assert!(!madoguchi_fuzz::seeds::seeds(target).is_empty(), "{target}");
        assert_eq!(Target::from_name(target.name()), Some(target));
    }
}
