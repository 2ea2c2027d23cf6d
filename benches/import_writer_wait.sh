#!/usr/bin/env bash
# How long the server's other writers wait while `madoguchi import` saves N synthetic programs
# into SQLite (issue 18: no writer held up for more than a second at a time). A second process
# (`import_writer_wait.py`) writes one row every 10 ms during each import and reports its
# longest wait; the import's own wall time and peak RSS come from /usr/bin/time.
# PostgreSQL is left out: its writers lock rows, and only catalogue writers wait for an import.
# Usage: benches/import_writer_wait.sh [N synthetic programs, default 100000]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cargo build --release -q -p madoguchi
bin="${CARGO_TARGET_DIR:-target}/release/madoguchi"
python3 benches/generate_programs.py "$n" > "$work/synthetic.json"
# The same programs with every title changed: each gets a second version.
python3 - "$work/synthetic.json" "$work/changed.json" <<'PY'
import json, sys
programs = json.load(open(sys.argv[1]))
for program in programs:
    program["title"] = "改訂・" + program["title"]
json.dump(programs, open(sys.argv[2], "w"), ensure_ascii=False)
PY
echo "synthetic file: $n programs, $(du -h "$work/synthetic.json" | cut -f1)"
"$bin" --data-dir "$work/data" migrate > /dev/null

measure() { # label, file
  rm -f "$work/stop"
  python3 benches/import_writer_wait.py "$work/data/madoguchi.db" "$work/stop" > "$work/probe" &
  local probe=$!
  sleep 1
  /usr/bin/time -f "%e %M" -o "$work/time" \
    "$bin" --data-dir "$work/data" import programs "$2" > /dev/null
  sleep 1
  touch "$work/stop"
  wait "$probe"
  read -r secs kib < "$work/time"
  printf '%-34s import %6.2f s, %6.1f MiB peak; other writer: %s\n' \
    "$1" "$secs" "$(echo "$kib / 1024" | bc -l)" "$(cat "$work/probe")"
}

measure "$n programs (first import)" "$work/synthetic.json"
measure "$n programs (again, unchanged)" "$work/synthetic.json"
measure "$n programs (every one changed)" "$work/changed.json"
