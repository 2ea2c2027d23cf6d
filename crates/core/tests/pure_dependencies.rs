//! madoguchi-core is the pure domain: its `Cargo.toml` is the architecture. This test fails
//! when a dependency is added that has not been judged free of I/O (disk, network, clock,
//! randomness from the OS, async runtimes, databases), so that adding one is a decision.

/// Every dependency core may have, with why it is pure.
const PURE: [(&str, &str); 8] = [
    ("ammonia", "sanitises an HTML string"),
    (
        "csv",
        "reads and writes CSV from and to bytes the shell hands in",
    ),
    ("serde", "data model"),
    ("serde_json", "JSON from and to strings"),
    ("thiserror", "derives error types"),
    (
        "time",
        "dates and offsets; core never asks for the current time",
    ),
    ("unicode-normalization", "folds characters"),
    ("proptest", "dev-dependency: property tests"),
];

/// Crates that do I/O by their nature: never in core, not even through a feature.
const IMPURE: [&str; 11] = [
    "tokio",
    "sqlx",
    "reqwest",
    "hyper",
    "axum",
    "rand",
    "getrandom",
    "argon2",
    "tracing-subscriber",
    "lindera",
    "tantivy",
];

fn dependency_names(manifest: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut in_dependencies = false;
    for line in manifest.lines() {
        let line = line.trim();
        if line.starts_with('[') {
            in_dependencies = line.ends_with("dependencies]");
            continue;
        }
        if !in_dependencies || line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some((name, _)) = line.split_once('=') {
            names.push(name.trim().trim_end_matches(".workspace").to_owned());
        }
    }
    names
}

#[test]
fn core_depends_only_on_crates_judged_pure() {
    let names = dependency_names(include_str!("../Cargo.toml"));
    assert!(
        names.contains(&"serde".to_owned()),
        "the manifest was not read: {names:?}"
    );
    for name in &names {
        assert!(
            !IMPURE.contains(&name.as_str()),
            "madoguchi-core must not depend on {name}: it does I/O"
        );
        assert!(
            PURE.iter().any(|(pure, _)| pure == name),
            "madoguchi-core gained the dependency {name}: judge it free of I/O and add it to PURE with the reason, or move the code that needs it to a shell crate"
        );
    }
}

#[test]
fn the_check_reads_dependencies_as_cargo_writes_them() {
    let manifest = "[package]\nname = \"x\"\n[dependencies]\n# why\nserde.workspace = true\ntokio = { version = \"1\" }\n[dev-dependencies]\nproptest = \"1\"\n";
    assert_eq!(dependency_names(manifest), ["serde", "tokio", "proptest"]);
}
