#!/usr/bin/env bash
# Matching and enqueueing: SUBSCRIPTIONS confirmed profile subscriptions (100,000 by default), one
# change to a demo program, and the time the matcher takes to judge them all, word each reached
# subscriber's message and write the messages to the outbox in one transaction; on SQLite, and
# on PostgreSQL when MADOGUCHI_TEST_DATABASE_URL names a server where the user may create
# databases (a database is made for the run and dropped after).
#
#   benches/notices/enqueue.sh
#   SUBSCRIPTIONS=20000 MADOGUCHI_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test benches/notices/enqueue.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
run() {
  cargo run --locked --release -q -p madoguchi-web --example notice_enqueue -- \
    --subscriptions "${SUBSCRIPTIONS:-100000}" "$@"
}
run
if [ -n "${MADOGUCHI_TEST_DATABASE_URL:-}" ]; then
  run --postgres "$MADOGUCHI_TEST_DATABASE_URL"
fi
