#!/usr/bin/env bash
# Matching one consultation case against a registry of EXPERTS experts (10,000 by default):
# median, p99 and maximum per case shape, in release, on the engine alone.
#
#   benches/desk/run.sh                 # 10,000 experts, 2,000 runs per case
#   EXPERTS=50000 RUNS=500 benches/desk/run.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo run --locked --release -q -p madoguchi-core --example desk_matching -- \
  --experts "${EXPERTS:-10000}" --runs "${RUNS:-2000}"
