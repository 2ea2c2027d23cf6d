#!/usr/bin/env bash
# Load benchmark of POST /api/v1/diagnose against the engine alone, on the same machine.
#
# Builds release, starts `madoguchi serve --demo --diagnose-limit off` on a free loopback port
# with a temporary data directory, drives it with wrk (Debian: `apt-get install wrk`; this
# script installs nothing) POSTing the profiles in profiles.jsonl in turn, then runs the
# engine in-process on every core over the same catalogue, profiles, date and limit
# (crates/core/examples/diagnose_throughput.rs). Prints requests/s, p50, p99 and the ratio.
#
# Settings (environment): DURATION=20 (s of measured load), WARMUP=3 (s), CONNECTIONS=64,
# THREADS=2 (wrk threads), LIMIT=20, ENGINE_SECS=10, AS_OF=today in JST, MADOGUCHI_LOG
# (the server's log filter; default as `serve`: every request at info, to a file).
set -euo pipefail

cd "$(dirname "$0")/../.."
here=benches/load
DURATION=${DURATION:-20}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
LIMIT=${LIMIT:-20}
ENGINE_SECS=${ENGINE_SECS:-10}
AS_OF=${AS_OF:-$(TZ=Asia/Tokyo date +%F)}
profiles=$here/profiles.jsonl

command -v wrk >/dev/null || { echo "wrk がありません。apt-get install wrk で入れてください。" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl がありません。" >&2; exit 1; }

# Two builds: a target filter such as --example applies to every package named with -p.
cargo build --release --quiet -p madoguchi --bin madoguchi
cargo build --release --quiet -p madoguchi-core --example diagnose_throughput
target=${CARGO_TARGET_DIR:-target}/release
bin=$target/madoguchi

work=$(mktemp -d)
server=
cleanup() {
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

source benches/demo_server.sh
start_demo_server "$bin" "$work" --diagnose-limit off
programs=$(curl -fsS "$base/metrics" | awk '/^madoguchi_catalog_programs /{print $2}')

url="$base/api/v1/diagnose?limit=$LIMIT&as_of=$AS_OF"
# One request by hand: the answer must be a diagnosis, not a problem.
head -n1 "$profiles" | curl -fsS -H 'Content-Type: application/json' --data-binary @- "$url" \
    | grep -q '"results"' || { echo "診断APIが結果を返しません。" >&2; exit 1; }

wrk_cmd=(wrk -t"$THREADS" -c"$CONNECTIONS" --latency -s "$here/diagnose.lua")
"${wrk_cmd[@]}" -d"${WARMUP}s" "$url" -- "$profiles" >/dev/null
# The server's CPU time (utime + stime, USER_HZ = 100) over the measured run: requests per
# CPU second do not drop when other processes take the cores.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
ticks_before=$(cpu_ticks "$server")
"${wrk_cmd[@]}" -d"${DURATION}s" "$url" -- "$profiles" | tee "$work/wrk.out"
ticks_after=$(cpu_ticks "$server")
kill "$server"; wait "$server" 2>/dev/null || true; server=

if grep -q 'Non-2xx' "$work/wrk.out"; then
    echo "エラー応答がありました（上の Non-2xx）。数値は使えません。" >&2
    exit 1
fi
rps=$(awk '/^Requests\/sec:/{print $2}' "$work/wrk.out")
total=$(awk '/requests in/{print $1}' "$work/wrk.out")
per_cpu=$(awk -v n="$total" -v t=$((ticks_after - ticks_before)) 'BEGIN { printf "%.1f", n / (t / 100) }')
cores=$(awk -v d="$DURATION" -v t=$((ticks_after - ticks_before)) 'BEGIN { printf "%.2f", t / 100 / d }')
p50=$(awk '$1=="50%"{print $2}' "$work/wrk.out")
p99=$(awk '$1=="99%"{print $2}' "$work/wrk.out")

echo
"$target/examples/diagnose_throughput" "$profiles" --as-of "$AS_OF" --limit "$LIMIT" \
    --secs "$ENGINE_SECS" | tee "$work/engine.out"
engine=$(awk '/^engine diagnose:/{print $3}' "$work/engine.out")
engine_per_cpu=$(awk '/^engine diagnose:/{print $5}' "$work/engine.out")
engine_cores=$(awk '/^engine diagnose:/{print $9}' "$work/engine.out" | tr -d '(')
engine_programs=$(awk '/^catalogue:/{print $2}' "$work/engine.out")
if [[ $engine_programs != "$programs" ]]; then
    echo "注意：エンジン側のカタログ（${engine_programs}件）とサーバー（${programs}件）が一致しません。" >&2
fi

echo
echo "== $(date -u +%FT%TZ), $(nproc) cores; demo catalogue: $programs programs; limit $LIMIT; as of $AS_OF"
echo "API  POST /api/v1/diagnose, wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s: $rps requests/s, p50 $p50, p99 $p99"
echo "     $per_cpu requests per server CPU second ($cores cores used by the server)"
echo "engine in-process, $(nproc) threads: $engine diagnoses/s; $engine_per_cpu per CPU second ($engine_cores cores used)"
awk -v a="$rps" -v e="$engine" -v ac="$per_cpu" -v ec="$engine_per_cpu" 'BEGIN {
    printf "API / engine: %.2f (target >= 0.50); per CPU second: %.2f\n", a / e, ac / ec }'
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"
