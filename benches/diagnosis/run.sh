#!/usr/bin/env bash
# The diagnosis benchmark: madoguchi's rules engine against json-rules-engine on the same
# synthetic catalogue and the same business profiles (see benches/README.md).
#
# Usage: benches/diagnosis/run.sh [N programs, default 10000]
# Environment: RUNS (whole runs of each side, default 3; the table shows medians over runs),
# BUDGET_SECS (cap on one Rust measurement, default 2), JRE_ITERATIONS (engine.run per profile
# and run, default 5), KEEP=1 keeps the generated files and the per-run figures.
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-10000}"
runs="${RUNS:-3}"
work="$(mktemp -d)"
if [ "${KEEP:-0}" = 1 ]; then echo "files kept in $work"; else trap 'rm -rf "$work"' EXIT; fi

cargo build --release -q -p madoguchi-core --example diagnosis_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/diagnosis_bench"
if [ ! -d benches/diagnosis/node_modules/json-rules-engine ]; then
  echo "installing json-rules-engine from benches/diagnosis/package-lock.json"
  (cd benches/diagnosis && npm ci --no-audit --no-fund --silent)
fi

python3 benches/diagnosis/generate.py "$work" "$n"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"

for run in $(seq 1 "$runs"); do
  echo; echo "== run $run of $runs: madoguchi (release)"
  "$bin" "$work" --budget-secs "${BUDGET_SECS:-2}" --out "$work/run-madoguchi-$run.json"
  echo; echo "== run $run of $runs: json-rules-engine"
  node benches/diagnosis/json-rules-engine.mjs "$work" --iterations "${JRE_ITERATIONS:-5}" \
    --out "$work/run-jre-$run.json"
done

python3 benches/diagnosis/compare.py "$work"/run-madoguchi-*.json -- "$work"/run-jre-*.json
