#!/usr/bin/env bash
# The analytics dashboard over a year of aggregates at 10,000 diagnoses a day: how long one
# `GET /console/analytics` for the whole year takes to render (median, p90), on SQLite and,
# with a server given, PostgreSQL. Reports; asserts nothing.
# Usage: [MADOGUCHI_TEST_DATABASE_URL=postgres://…] benches/analytics/run.sh [RUNS, default 20]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-20}"

cargo build --release -q -p madoguchi-web --example analytics_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/analytics_bench"
"$bin" "$runs"
if [[ -n "${MADOGUCHI_TEST_DATABASE_URL:-}" ]]; then
    "$bin" "$runs" --postgres "$MADOGUCHI_TEST_DATABASE_URL"
fi
