# Sourced by the benchmark scripts: runs one measurement on each backend the machine offers.
# `each_backend FN` calls `FN LABEL GLOBAL_OPTIONS...` on SQLite in "$work/data", then, when
# MADOGUCHI_BENCH_PG is set (e.g. postgres://postgres@127.0.0.1:5432/test), on PostgreSQL in a
# fresh database that is dropped after (with "$work/pg-data" as its data directory, for the
# search index kept between starts). Needs `$work` and `$bin` set by the script.
each_backend() {
  local run="$1"
  "$run" SQLite --data-dir "$work/data"
  if [ -n "${MADOGUCHI_BENCH_PG:-}" ]; then
    local db="madoguchi_bench_$$" pg_url
    psql "$MADOGUCHI_BENCH_PG" -qc "CREATE DATABASE $db" > /dev/null
    pg_url="${MADOGUCHI_BENCH_PG%/*}/$db"
    "$bin" --database-url "$pg_url" migrate > /dev/null
    "$run" PostgreSQL --database-url "$pg_url" --data-dir "$work/pg-data"
    psql "$MADOGUCHI_BENCH_PG" -qc "DROP DATABASE $db" > /dev/null
  else
    echo "PostgreSQL skipped: set MADOGUCHI_BENCH_PG=postgres://postgres@127.0.0.1:5432/test to include it."
  fi
}
