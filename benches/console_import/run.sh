#!/usr/bin/env bash
# An import from the staff console, end to end over HTTP, as staff would do it: upload a file of
# N programs (parsed and compared for the preview), confirm, then follow the job's page until it
# says 完了. Prints how long each step took and the progress counts the page showed on the way.
# SQLite always; PostgreSQL too when MADOGUCHI_BENCH_PG names a server (a fresh database).
# Usage: [MADOGUCHI_BENCH_PG=postgres://…/test] benches/console_import/run.sh [N programs, default 10000]
set -euo pipefail
cd "$(dirname "$0")/../.."
source benches/backends.sh
n="${1:-10000}"
work="$(mktemp -d)"
server=""
cleanup() {
  [ -n "$server" ] && kill "$server" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p madoguchi
bin="${CARGO_TARGET_DIR:-target}/release/madoguchi"
python3 benches/generate_programs.py "$n" > "$work/programs.json"
echo "file: $n programs, $(du -h "$work/programs.json" | cut -f1)"

now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc -l; }
token() { grep -o 'name="_csrf" value="[^"]*"' | head -1 | sed 's/.*value="//;s/"$//'; }

run_backend() { # label, global options...
  local label="$1"; shift
  local port=$((18000 + RANDOM % 1000)) jar="$work/cookies-$label"
  local base="http://127.0.0.1:$port"
  MADOGUCHI_PASSWORD='bench-password-2026' "$bin" "$@" user add --login bench --name 計測 --role staff > /dev/null
  MADOGUCHI_LOG=warn "$bin" "$@" serve --addr "127.0.0.1:$port" > "$work/serve-$label.log" 2>&1 &
  server=$!
  until curl -sf "$base/healthz" > /dev/null; do sleep 0.2; done
  local csrf
  csrf="$(curl -s -c "$jar" -b "$jar" "$base/console/login" | token)"
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
    --data-urlencode login=bench --data-urlencode password=bench-password-2026 "$base/console/login"
  csrf="$(curl -s -c "$jar" -b "$jar" "$base/console/imports" | token)"

  local start location id
  start="$(now)"
  location="$(curl -s -c "$jar" -b "$jar" -o /dev/null -w '%{redirect_url}' \
    -F "_csrf=$csrf" -F kind=madoguchi -F "file=@$work/programs.json" "$base/console/imports")"
  printf '%-11s upload and preview   %7.2f s\n' "$label:" "$(since "$start")"
  id="${location##*/}"

  start="$(now)"
  curl -s -c "$jar" -b "$jar" -o /dev/null --data-urlencode "_csrf=$csrf" \
    "$base/console/imports/$id/confirm"
  local page state done seen=""
  while :; do
    page="$(curl -s -b "$jar" "$base/console/imports/$id")"
    state="$(grep -o 'data-state="[a-z]*"' <<< "$page" | head -1 | cut -d'"' -f2)"
    done="$(grep -o '<span data-done>[0-9]*' <<< "$page" | head -1 | sed 's/.*>//')"
    case " $seen " in *" $done "*) ;; *) seen="$seen $done" ;; esac
    [ "$state" = running ] || [ "$state" = queued ] || break
    sleep 0.1
  done
  printf '%-11s confirm to %-9s %7.2f s (counts shown:%s)\n' "$label:" "$state" "$(since "$start")" "$seen"
  kill "$server"; wait "$server" 2>/dev/null || true; server=""
}

each_backend run_backend
