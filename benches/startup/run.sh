#!/usr/bin/env bash
# Cold start of `madoguchi serve` over a large catalogue: from the process starting to the first
# search answered (catalogue read, rules compiled, search index built), with the resident memory
# once ready and the peak on the way. SQLite, and PostgreSQL when MADOGUCHI_BENCH_PG is set
# (e.g. postgres://postgres@127.0.0.1:5432/test; a fresh database, dropped after).
# The first start after the import builds the search index and keeps it under the data directory;
# later starts open it. FRESH=1 removes the kept index before every start, to time builds only.
# Reports; asserts nothing.
# Usage: [FRESH=1] benches/startup/run.sh [N synthetic programs, default 100000] [RUNS, default 3]
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/backends.sh
n="${1:-100000}"
runs="${2:-3}"
work="$(mktemp -d)"
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$work"' EXIT

cargo build --release -q -p madoguchi
bin="${CARGO_TARGET_DIR:-target}/release/madoguchi"
python3 benches/generate_programs.py "$n" > "$work/synthetic.json"

port=18181
start_once() { # data dir, global options...; prints "seconds rss_mib peak_mib index"
  local data="$1" began now index; shift
  if [ "${FRESH:-0}" = 1 ]; then rm -rf "$data/search-index"; fi
  began="$(date +%s.%N)"
  "$bin" "$@" serve --addr "127.0.0.1:$port" > "$work/serve.log" 2>&1 &
  server=$!
  until curl -s -o /dev/null -f "http://127.0.0.1:$port/programs?q=%E8%A3%9C%E5%8A%A9%E9%87%91"; do
    if ! kill -0 "$server" 2>/dev/null; then
      echo "the server stopped before answering:" >&2
      cat "$work/serve.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  now="$(date +%s.%N)"
  local rss peak
  rss="$(awk '/^VmRSS/ {print $2}' "/proc/$server/status")"
  peak="$(awk '/^VmHWM/ {print $2}' "/proc/$server/status")"
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
  index="$(sed 's/\x1b\[[0-9;]*m//g' "$work/serve.log" | grep -o 'search index.*' | head -1 | tr ' ' '_')"
  echo "$(echo "$now - $began" | bc -l) $((rss / 1024)) $((peak / 1024)) ${index:-unknown}"
}

run_backend() { # label, global options ending with --data-dir DIR...
  local label="$1"; shift
  local data="${*: -1}"
  "$bin" "$@" import programs "$work/synthetic.json" > /dev/null
  for i in $(seq 1 "$runs"); do
    read -r secs rss peak index < <(start_once "$data" "$@")
    printf '%-12s %7d programs  run %d: ready in %6.2f s  RSS %5d MiB  peak %5d MiB  %s\n' \
      "$label" "$n" "$i" "$secs" "$rss" "$peak" "${index//_/ }"
  done
}

each_backend run_backend
