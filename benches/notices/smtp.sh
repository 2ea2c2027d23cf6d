#!/usr/bin/env bash
# The outbox sustaining e-mail: N e-mails enqueued through the store (timed apart), then
# `madoguchi notices deliver` sends them to a local SMTP sink that counts and discards them,
# timed until every row is `sent`. On PostgreSQL, a fresh database that is dropped afterwards
# (needs psql); with DB=sqlite, a fresh file (needs sqlite3).
# SINK=light (the default) is smtp_sink.py, plain asyncio with no dependency, which offers
# PIPELINING; SINK=aiosmtpd is smtp_discard.py (needs aiosmtpd), one core per process, which
# saturates near 750 e-mails/s. SINKS=2 shares the port between two sink processes.
# PIPELINING=0 makes the light sink not offer PIPELINING (RFC 2920), to measure what it gains.
# Usage: [DB=postgres|sqlite] [MADOGUCHI_BENCH_PG=postgres://postgres@127.0.0.1:5432] \
#        [WORKERS=1] [IN_FLIGHT=32] [BATCH=200] [SINK=light|aiosmtpd] [SINKS=1] [PIPELINING=1] \
#        benches/notices/smtp.sh [N e-mails, default 20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-20000}"
pg="${MADOGUCHI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
workers="${WORKERS:-1}" in_flight="${IN_FLIGHT:-32}" batch="${BATCH:-200}" sinks="${SINKS:-1}"
backend="${DB:-postgres}"
case "${SINK:-light}" in
  light)
    sink_py=benches/notices/smtp_sink.py
    if [ "${PIPELINING:-1}" = 0 ]; then sink_py="$sink_py --no-pipelining"; fi ;;
  aiosmtpd) sink_py=benches/notices/smtp_discard.py ;;
  *) echo "SINK must be light or aiosmtpd" >&2; exit 2 ;;
esac
db="madoguchi_bench_smtp_$$"
work="$(mktemp -d)"
sink="" worker=""
cleanup() {
  [ -n "$worker" ] && kill "$worker" 2>/dev/null || true
  [ -n "$sink" ] && kill $sink 2>/dev/null || true
  wait 2>/dev/null || true
  [ "$backend" = postgres ] && { psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" > /dev/null 2>&1 || true; }
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p madoguchi
cargo test --release -q -p madoguchi --test notice_delivery --no-run 2> /dev/null
bin="${CARGO_TARGET_DIR:-target}/release/madoguchi"
if [ "$backend" = sqlite ]; then
  url="sqlite://$work/bench.db"
  sql() { sqlite3 "$work/bench.db" "$1"; }
else
  psql "$pg/postgres" -qc "CREATE DATABASE $db"
  # SYNC_COMMIT=off shows what the relay and the worker sustain when commits cost no fsync.
  [ -n "${SYNC_COMMIT:-}" ] && psql "$pg/postgres" -qc "ALTER DATABASE $db SET synchronous_commit = ${SYNC_COMMIT}"
  url="$pg/$db"
  sql() { psql "$url" -Atc "$1"; }
fi

python3 $sink_py "$work/count1" > "$work/port" &
sink=$!
until [ -s "$work/port" ]; do sleep 0.1; done
port="$(head -1 "$work/port")"
for i in $(seq 2 "$sinks"); do
  python3 $sink_py "$work/count$i" "$port" > /dev/null &
  sink="$sink $!"
done

MADOGUCHI_BENCH_DATABASE_URL="$url" MADOGUCHI_BENCH_EMAILS="$n" \
  cargo test --release -q -p madoguchi --test notice_delivery -- \
  --ignored --exact smtp_benchmark_enqueue --nocapture 2> /dev/null | grep '^enqueued'

sent() { sql "SELECT count(*) FROM notice_outbox WHERE state = 'sent'"; }
now() { date +%s.%N; }
start="$(now)"
MADOGUCHI_LOG=warn "$bin" --database-url "$url" notices deliver \
  --smtp-url "smtp://127.0.0.1:$port?tls=none" --mail-from "窓口 <desk@city.example.jp>" \
  --notice-workers "$workers" --notice-in-flight "$in_flight" --notice-batch "$batch" > /dev/null &
worker=$!
until [ "$(sent)" -ge "$n" ]; do
  kill -0 "$worker" || { echo "the worker died" >&2; exit 1; }
  sleep 0.2
done
seconds="$(echo "$(now) - $start" | bc -l)"
sleep 0.6 # the sink writes its count every half second
printf 'delivered %s e-mails in %.2f s: %.0f e-mails/s (%s; workers %s, in flight %s, batch %s, sink %s x%s; sink received %s; dead %s)\n' \
  "$n" "$seconds" "$(echo "$n / $seconds" | bc -l)" "$backend" "$workers" "$in_flight" "$batch" \
  "${SINK:-light}" "$sinks" "$(awk '{ s += $1 } END { print s }' "$work"/count*)" \
  "$(sql "SELECT count(*) FROM notice_outbox WHERE state = 'dead'")"
