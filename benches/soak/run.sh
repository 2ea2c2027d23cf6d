#!/usr/bin/env bash
# Soak: minutes of mixed traffic against `madoguchi serve --demo` on loopback, as the public
# site gets it (search, program pages, listings, feeds, the JSON API's search and diagnose,
# the diagnosis wizard with sessions: cookies, CSRF tokens, answers posted, results), from
# 8,000 visitor addresses, plus one greedy client far over the per-client diagnosis limit.
#
# Builds madoguchi, starts it on a temporary data directory trusting loopback as its proxy
# (so X-Forwarded-For names each visitor), prepares program ids, queries and visitor sessions
# (prepare.py), warms up, notes the server's RSS, runs wrk with benches/soak/mix.lua and, beside
# it, benches/soak/greedy.lua, and notes the RSS again. Prints requests, requests/s, answers by
# status, p50/p99 latency and both RSS readings. wrk: Debian's `apt-get install wrk`.
#
# Fails (exit 1) on any unintended answer: every mixed request must get 200 or 303, the
# greedy client only 200 or 429, with 429s seen and no more 200s than its limit allows; on
# any socket error or server crash; or when RSS after the run is more than MAX_RSS_GROWTH %
# above RSS after warm-up. Requests/s are reported against TARGET_RPS, never failed on.
#
# Settings (environment): SOAK_SECONDS=600, WARMUP_SECONDS=30, CONNECTIONS=32, THREADS=2,
# SESSIONS=200, CLIENTS=8000, PROFILE=release (or debug: the test build, as CI uses),
# MAX_RSS_GROWTH=10, TARGET_RPS=500, MADOGUCHI_LOG (the server's log filter; default as
# `serve`: every request at info, to a file).
set -euo pipefail

cd "$(dirname "$0")/../.."
here=benches/soak
SOAK_SECONDS=${SOAK_SECONDS:-600}
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
SESSIONS=${SESSIONS:-200}
CLIENTS=${CLIENTS:-8000}
PROFILE=${PROFILE:-release}
MAX_RSS_GROWTH=${MAX_RSS_GROWTH:-10}
TARGET_RPS=${TARGET_RPS:-500}
# The server's default diagnosis limit, which the greedy client runs into.
LIMIT_BURST=30
LIMIT_PER_MINUTE=30

command -v wrk >/dev/null || { echo "wrk がありません。apt-get install wrk で入れてください。" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl がありません。" >&2; exit 1; }

target=${CARGO_TARGET_DIR:-target}
case $PROFILE in
    release) cargo build --locked --release --quiet -p madoguchi --bin madoguchi ;;
    debug) cargo build --locked --quiet -p madoguchi --bin madoguchi ;;
    *) echo "PROFILE は release か debug です。" >&2; exit 1 ;;
esac
bin=$target/$PROFILE/madoguchi

work=$(mktemp -d)
server=
greedy=
sampler=
cleanup() {
    for pid in $greedy $sampler; do kill "$pid" 2>/dev/null || true; done
    if [[ -n $server ]]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

source benches/demo_server.sh
start_demo_server "$bin" "$work" --trusted-proxy 127.0.0.1
mkdir "$work/prepared"
python3 "$here/prepare.py" "$base" "$work/prepared" "$SESSIONS" "$CLIENTS"

rss_kib() { awk '/^VmRSS:/{print $2}' "/proc/$server/status"; }
mix=(wrk -t"$THREADS" -c"$CONNECTIONS" --timeout 10s --latency -s "$here/mix.lua")

"${mix[@]}" -d"${WARMUP_SECONDS}s" "$base" -- "$work/prepared" "$CLIENTS" >"$work/warmup.out"
rss_warm=$(rss_kib)
echo "$rss_warm" >"$work/rss.log"
# The RSS every 5 s during the run, for its peak.
(while sleep 5; do rss_kib >>"$work/rss.log" 2>/dev/null || exit 0; done) &
sampler=$!
wrk -t1 -c1 -d"${SOAK_SECONDS}s" --timeout 10s -s "$here/greedy.lua" "$base" -- "$work/prepared" \
    >"$work/greedy.out" &
greedy=$!
"${mix[@]}" -d"${SOAK_SECONDS}s" "$base" -- "$work/prepared" "$CLIENTS" | tee "$work/mix.out" | grep -v "^SOAK "
wait "$greedy"
greedy=
kill "$sampler" 2>/dev/null || true
sampler=
if ! kill -0 "$server" 2>/dev/null; then
    echo "サーバーが負荷の途中で停止しました。" >&2
    tail -n 50 "$work/serve.log" >&2
    exit 1
fi
rss_after=$(rss_kib)
echo "$rss_after" >>"$work/rss.log"
rss_peak=$(sort -n "$work/rss.log" | tail -n1)
kill "$server"; wait "$server" 2>/dev/null || true; server=

# `SOAK <name> <key> <value>` lines from report.lua.
figure() { awk -v n="$1" -v k="$2" '$1=="SOAK" && $2==n && $3==k {print $4; f=1} END {if (!f) print 0}' "$work/$1.out"; }
statuses() { awk -v n="$1" '$1=="SOAK" && $2==n && $3 ~ /^status_/ {sub(/^status_/, "", $3); print $3, $4}' "$work/$1.out" | sort -n; }
unintended() { # name, allowed statuses (space-separated): how many answers had another status
    statuses "$1" | awk -v ok=" $2 " 'index(ok, " " $1 " ") == 0 {n += $2} END {print n + 0}'
}
socket_errors() {
    local n=0 kind
    for kind in connect read write timeout; do n=$((n + $(figure "$1" "socket_$kind"))); done
    echo "$n"
}

requests=$(figure mix requests)
seconds=$(figure mix seconds)
greedy_requests=$(figure greedy requests)
greedy_ok=$(figure greedy status_200)
greedy_limited=$(figure greedy status_429)
rps=$(awk -v n="$requests" -v s="$seconds" 'BEGIN { printf "%.0f", n / s }')
growth=$(awk -v a="$rss_warm" -v b="$rss_after" 'BEGIN { printf "%.1f", (b - a) * 100 / a }')
# At most the burst, then the refill over the run (and one more for a refill in progress).
greedy_allowed=$(awk -v s="$(figure greedy seconds)" -v b="$LIMIT_BURST" -v m="$LIMIT_PER_MINUTE" \
    'BEGIN { printf "%d", b + s * m / 60 + 1 }')

echo
echo "== soak $(date -u +%FT%TZ), $(nproc) cores, $PROFILE build, ${SOAK_SECONDS} s after ${WARMUP_SECONDS} s of warm-up"
echo "mixed traffic: $requests requests in $seconds s = $rps requests/s (target >= $TARGET_RPS:" \
    "$(awk -v r="$rps" -v t="$TARGET_RPS" 'BEGIN { print (r >= t) ? "met" : "NOT met" }'))," \
    "$CONNECTIONS connections, $THREADS wrk threads"
echo "  latency p50 $(figure mix p50_ms) ms, p90 $(figure mix p90_ms) ms, p99 $(figure mix p99_ms) ms," \
    "p99.9 $(figure mix p99.9_ms) ms, max $(figure mix max_ms) ms"
echo "  answers by status: $(statuses mix | awk '{printf "%s%s × %s", sep, $1, $2; sep=", "}')"
echo "  requests by kind: $(awk '$1=="SOAK" && $2=="mix" && $3 ~ /^sent_/ {sub(/^sent_/, "", $3); print $3, $4}' \
    "$work/mix.out" | sort | awk '{printf "%s%s %s", sep, $1, $2; sep=", "}')"
echo "greedy client: $greedy_requests requests, $greedy_ok answered, $greedy_limited × 429" \
    "(its limit lets at most $greedy_allowed through)"
echo "server RSS: $((rss_warm / 1024)) MiB after warm-up, $((rss_after / 1024)) MiB after the run" \
    "($growth %), peak $((rss_peak / 1024)) MiB"
echo "server log: $(grep -c ' ERROR ' "$work/serve.log" || true) errors, $(grep -c ' WARN ' "$work/serve.log" || true) warnings"
echo "load average: $(cut -d" " -f1-3 /proc/loadavg)"

failed=0
fail() { echo "FAILED: $*" >&2; failed=1; }
n=$(unintended mix "200 303"); [[ $n -eq 0 ]] || fail "$n mixed requests got an answer other than 200 or 303"
n=$(socket_errors mix); [[ $n -eq 0 ]] || fail "$n socket errors or timeouts in the mixed traffic"
n=$(unintended greedy "200 429"); [[ $n -eq 0 ]] || fail "$n greedy requests got an answer other than 200 or 429"
n=$(socket_errors greedy); [[ $n -eq 0 ]] || fail "$n socket errors or timeouts of the greedy client"
[[ $greedy_limited -gt 0 ]] || fail "the greedy client was never limited"
[[ $greedy_ok -le $greedy_allowed ]] || fail "the greedy client got $greedy_ok answers through, more than its limit ($greedy_allowed)"
awk -v g="$growth" -v m="$MAX_RSS_GROWTH" 'BEGIN { exit !(g <= m) }' \
    || fail "RSS grew by $growth % (more than $MAX_RSS_GROWTH %)"
if [[ $failed -ne 0 ]]; then
    grep ' ERROR ' "$work/serve.log" | tail -n 20 >&2 || true
    exit 1
fi
echo "soak passed"
