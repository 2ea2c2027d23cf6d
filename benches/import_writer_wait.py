#!/usr/bin/env python3
"""Another writer of a madoguchi SQLite file, measuring how long it waits while an import runs.

Usage: benches/import_writer_wait.py DATABASE STOP_FILE

Until STOP_FILE exists: every 10 ms, one short write transaction (BEGIN IMMEDIATE, an upsert
into `settings`, COMMIT) as the server's writers make, with a busy timeout of 60 s so that it
waits rather than fails. Prints how many writes were made, the longest and the 99th percentile
of their times (each from BEGIN to the end of COMMIT, so the waiting for the import's lock is
in it), and the longest stretch between two writes that ended, less the 10 ms pause; then
the longest wait for the write lock (BEGIN IMMEDIATE) and the longest COMMIT on their own, since
a COMMIT that finds the write-ahead log long copies it back into the database file first.
"""
import os
import sqlite3
import sys
import time

database, stop = sys.argv[1], sys.argv[2]
conn = sqlite3.connect(database, timeout=60, isolation_level=None)
times, gaps, begins, commits = [], [], [], []
last_end = time.monotonic()
while not os.path.exists(stop):
    start = time.monotonic()
    conn.execute("BEGIN IMMEDIATE")
    begun = time.monotonic()
    conn.execute(
        "INSERT INTO settings (key, value, updated_at) VALUES ('bench.writer', ?, '2026-01-01')"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(start),),
    )
    committing = time.monotonic()
    conn.execute("COMMIT")
    end = time.monotonic()
    begins.append(begun - start)
    commits.append(end - committing)
    times.append(end - start)
    gaps.append(end - last_end)
    last_end = end
    time.sleep(0.01)
times.sort()
p99 = times[int(len(times) * 0.99)] if times else 0.0
print(
    f"{len(times)} writes, longest {max(times, default=0) * 1000:.0f} ms, "
    f"99th percentile {p99 * 1000:.0f} ms, longest stretch without a write "
    f"{max((g - 0.01 for g in gaps), default=0) * 1000:.0f} ms; longest wait for the lock "
    f"{max(begins, default=0) * 1000:.0f} ms, longest COMMIT {max(commits, default=0) * 1000:.0f} ms"
)
