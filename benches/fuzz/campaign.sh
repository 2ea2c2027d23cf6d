#!/usr/bin/env bash
# The long fuzzing campaign, run by hand (CI runs only the smoke in crates/fuzz/tests):
# every target to EXECS executions (10 million by default) on all cores, in release.
# Crashing inputs are shrunk and kept under crates/fuzz/regressions/<target>/.
#
#   benches/fuzz/campaign.sh                     # every target, 10,000,000 executions each
#   EXECS=1000000 SEED=7 benches/fuzz/campaign.sh amount date
#   MAX_SECONDS=600 benches/fuzz/campaign.sh jgrants   # stop early, report what ran
set -euo pipefail
cd "$(dirname "$0")/../.."

EXECS="${EXECS:-10000000}"
SEED="${SEED:-1}"
THREADS="${THREADS:-$(nproc)}"
limit=()
[ -z "${MAX_SECONDS:-}" ] || limit=(--max-seconds "$MAX_SECONDS")
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(amount date jnet21 profile rule rule_form own_csv own_json jgrants)

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --locked --release -p madoguchi-fuzz --example campaign
bin="$CARGO_TARGET_DIR/release/examples/campaign"

status=0
for target in "${targets[@]}"; do
  "$bin" --target "$target" --execs "$EXECS" --seed "$SEED" --threads "$THREADS" "${limit[@]}" || status=1
done
exit "$status"
