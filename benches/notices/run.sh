#!/usr/bin/env bash
# Judging PROFILES saved subscriber profiles (1,000,000 by default) against one program of the
# demo catalogue, as the fan-out of notices does when a program is published or changed: median,
# fastest and slowest of RUNS runs in release, profiles per second, how many were reached.
#
#   benches/notices/run.sh                    # 1,000,000 profiles, 5 runs
#   PROFILES=200000 RUNS=9 benches/notices/run.sh
#   PROGRAM=demo-suzuka-sogyo benches/notices/run.sh    # another program of the demo catalogue
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo run --locked --release -q -p madoguchi-core --example notice_fanout -- \
  --profiles "${PROFILES:-1000000}" --runs "${RUNS:-5}" \
  ${PROGRAM:+--program "$PROGRAM"}
