-- The log of imports, newest first in the staff console.

CREATE TABLE import_runs (
    id          INTEGER NOT NULL PRIMARY KEY,
    recorded_at TEXT    NOT NULL,
    source_kind TEXT    NOT NULL,
    file_name   TEXT    NOT NULL,
    created     INTEGER NOT NULL CHECK (created >= 0),
    updated     INTEGER NOT NULL CHECK (updated >= 0),
    unchanged   INTEGER NOT NULL CHECK (unchanged >= 0),
    skipped     INTEGER NOT NULL CHECK (skipped >= 0),
    invalid     INTEGER NOT NULL CHECK (invalid >= 0)
) STRICT;
