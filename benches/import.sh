#!/usr/bin/env bash
# Times whole `madoguchi import` processes: wall time and peak memory (max RSS), on SQLite and,
# when MADOGUCHI_BENCH_PG is set (e.g. postgres://postgres@127.0.0.1:5432/test), on PostgreSQL
# in a fresh database. Usage: benches/import.sh [N synthetic programs, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
source benches/backends.sh
n="${1:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p madoguchi
bin="${CARGO_TARGET_DIR:-target}/release/madoguchi"
echo "release binary: $(du -h "$bin" | cut -f1) ($(stat -c %s "$bin") bytes)"

python3 benches/generate_programs.py "$n" > "$work/synthetic.json"
echo "synthetic file: $n programs, $(du -h "$work/synthetic.json" | cut -f1)"

measure() { # label, then the madoguchi arguments
  local label="$1"; shift
  /usr/bin/time -f "%e %M" -o "$work/time" "$bin" "$@" > /dev/null
  read -r secs kib < "$work/time"
  printf '%-44s %8.2f s  %8.1f MiB peak\n' "$label" "$secs" "$(echo "$kib / 1024" | bc -l)"
}

# The full real jGrants snapshot (404 records) if it is beside the project, else the bundled sample.
jgrants="${JGRANTS_FILE:-../shared/data/jgrants-records-2026-08-21.json}"
[ -f "$jgrants" ] || jgrants=data/demo/jgrants-records.json
jgrants_n="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$jgrants")"

run_backend() { # label, global options...
  local backend="$1"; shift
  measure "$backend: jGrants $jgrants_n records (first import)" "$@" import jgrants "$jgrants" --skip-invalid
  measure "$backend: jGrants $jgrants_n records (again, unchanged)" "$@" import jgrants "$jgrants" --skip-invalid
  measure "$backend: $n synthetic programs (first import)" "$@" import programs "$work/synthetic.json"
  measure "$backend: $n synthetic programs (again, unchanged)" "$@" import programs "$work/synthetic.json"
}

each_backend run_backend
