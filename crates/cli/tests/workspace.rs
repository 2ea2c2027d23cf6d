//! The README's first command, `cargo run -- serve --demo` at the workspace's root, works only
//! while the workspace has one binary: at a virtual workspace's root `cargo run` refuses to
//! choose between two. Tools that are run by hand are examples.

use std::process::Command;

use serde_json::Value;

#[test]
fn the_workspace_has_one_binary_so_that_cargo_run_needs_no_bin() {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let out = Command::new(cargo)
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let metadata: Value = serde_json::from_slice(&out.stdout).expect("cargo metadata gives JSON");
    let binaries: Vec<&str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|package| package["targets"].as_array().into_iter().flatten())
        .filter(|target| {
            target["kind"]
                .as_array()
                .is_some_and(|kinds| kinds.iter().any(|k| k == "bin"))
        })
        .filter_map(|target| target["name"].as_str())
        .collect();
    assert_eq!(binaries, ["madoguchi"]);
}
