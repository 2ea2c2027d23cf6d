#!/usr/bin/env bash
# The outbox sustaining e-mail: N e-mails enqueued through the store (timed apart), then
# `madoguchi notices deliver` sends them to a local SMTP sink that discards them (aiosmtpd,
# smtp_discard.py), timed until every row is `sent`. On PostgreSQL, a fresh database that is
# dropped afterwards. Needs python3 with aiosmtpd and psql.
# One aiosmtpd process is one core and saturates first; SINKS=2 shares the port between two.
# Usage: [MADOGUCHI_BENCH_PG=postgres://postgres@127.0.0.1:5432] [WORKERS=1] [IN_FLIGHT=32] \
#        [BATCH=200] [SINKS=1] benches/notices/smtp.sh [N e-mails, default 20000]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:-20000}"
pg="${MADOGUCHI_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
workers="${WORKERS:-1}" in_flight="${IN_FLIGHT:-32}" batch="${BATCH:-200}" sinks="${SINKS:-1}"
db="madoguchi_bench_smtp_$$"
work="$(mktemp -d)"
sink="" worker=""
cleanup() {
  [ -n "$worker" ] && kill "$worker" 2>/dev/null || true
  [ -n "$sink" ] && kill $sink 2>/dev/null || true
  wait 2>/dev/null || true
  psql "$pg/postgres" -qc "DROP DATABASE IF EXISTS $db" > /dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

cargo build --release -q -p madoguchi
cargo test --release -q -p madoguchi --test notice_delivery --no-run 2> /dev/null
bin="${CARGO_TARGET_DIR:-target}/release/madoguchi"
psql "$pg/postgres" -qc "CREATE DATABASE $db"
# SYNC_COMMIT=off shows what the relay and the worker sustain when commits cost no fsync.
[ -n "${SYNC_COMMIT:-}" ] && psql "$pg/postgres" -qc "ALTER DATABASE $db SET synchronous_commit = ${SYNC_COMMIT}"
url="$pg/$db"

python3 benches/notices/smtp_discard.py "$work/count1" > "$work/port" &
sink=$!
until [ -s "$work/port" ]; do sleep 0.1; done
port="$(head -1 "$work/port")"
for i in $(seq 2 "$sinks"); do
  python3 benches/notices/smtp_discard.py "$work/count$i" "$port" > /dev/null &
  sink="$sink $!"
done

MADOGUCHI_BENCH_DATABASE_URL="$url" MADOGUCHI_BENCH_EMAILS="$n" \
  cargo test --release -q -p madoguchi --test notice_delivery -- \
  --ignored --exact smtp_benchmark_enqueue --nocapture 2> /dev/null | grep '^enqueued'

sent() { psql "$url" -Atc "SELECT count(*) FROM notice_outbox WHERE state = 'sent'"; }
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
printf 'delivered %s e-mails in %.2f s: %.0f e-mails/s (workers %s, in flight %s, batch %s, sinks %s; sink received %s; dead %s)\n' \
  "$n" "$seconds" "$(echo "$n / $seconds" | bc -l)" "$workers" "$in_flight" "$batch" "$sinks" \
  "$(awk '{ s += $1 } END { print s }' "$work"/count*)" "$(psql "$url" -Atc "SELECT count(*) FROM notice_outbox WHERE state = 'dead'")"
