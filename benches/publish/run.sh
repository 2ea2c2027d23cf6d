#!/usr/bin/env bash
# One publish at a large catalogue: what taking it in costs an app process (wall and CPU time
# per publish) and how soon a second process on the same database shows it; SQLite, and
# PostgreSQL when MADOGUCHI_BENCH_PG is set (e.g. postgres://postgres@127.0.0.1:5432/test; a
# fresh database, dropped after). Reports; asserts nothing.
# Usage: benches/publish/run.sh [N synthetic programs, default 100000] [PUBLISHES, default 50]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-100000}"
publishes="${2:-50}"

cargo build --release -q -p madoguchi-web --example publish_bench
bin="${CARGO_TARGET_DIR:-target}/release/examples/publish_bench"
"$bin" "$n" "$publishes"
if [[ -n "${MADOGUCHI_BENCH_PG:-}" ]]; then
    "$bin" "$n" "$publishes" --postgres "$MADOGUCHI_BENCH_PG"
fi
