-- The log of imports, newest first in the staff console.

CREATE TABLE import_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recorded_at TIMESTAMPTZ NOT NULL,
    source_kind TEXT        NOT NULL,
    file_name   TEXT        NOT NULL,
    created     BIGINT      NOT NULL CHECK (created >= 0),
    updated     BIGINT      NOT NULL CHECK (updated >= 0),
    unchanged   BIGINT      NOT NULL CHECK (unchanged >= 0),
    skipped     BIGINT      NOT NULL CHECK (skipped >= 0),
    invalid     BIGINT      NOT NULL CHECK (invalid >= 0)
);
