#!/usr/bin/env bash
# The console's program list on a large catalogue: what one `GET /console/programs` costs the
# store (searched through the trigram index, filtered, counted and paged in the database), on
# SQLite and, with a server given, PostgreSQL; up to 100,000 programs also what reading every
# entry into the app cost, and checked against it. It also times migration 0019 (the index) on
# the loaded catalogue.
# Usage: [MADOGUCHI_TEST_DATABASE_URL=postgres://…] benches/console_list/run.sh [N programs, default 100000] [RUNS, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-100000}"
runs="${2:-20}"

cargo build --release -q -p madoguchi-store --example list_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/list_bench"
"$bin" "$n" "$runs"
