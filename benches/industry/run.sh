#!/usr/bin/env bash
# The industry finder benchmark: index build, answer latency p50/p99 over the 186 owner
# descriptions of the accuracy test set, and the accuracy itself.
# Usage: benches/industry/run.sh [ROUNDS, default 50]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p madoguchi-core --example industry_finder_bench
"${CARGO_TARGET_DIR:-target}/release/examples/industry_finder_bench" "${1:-50}"
