#!/usr/bin/env bash
# The search benchmark: index build time, query latency p50/p99 and memory over a synthetic
# catalogue. Usage: benches/search/run.sh [N synthetic programs, default 100000] [ROUNDS, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-100000}"
rounds="${2:-20}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p madoguchi-search --example search_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/search_bench"
python3 benches/generate_programs.py "$n" > "$work/programs.json"
echo "synthetic file: $n programs, $(du -h "$work/programs.json" | cut -f1)"
"$bin" "$work/programs.json" "$rounds"
