-- The catalogue: one row per program pointing at its current version, and every version
-- ever saved as the full program in JSON. Versions are never updated or deleted.

CREATE TABLE programs (
    id              TEXT    NOT NULL PRIMARY KEY,
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    -- Copies of the current version's fields, for listing and filtering without JSON.
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    issuer_level    TEXT    NOT NULL,
    issuer_code     TEXT,
    source_kind     TEXT    NOT NULL,
    external_id     TEXT,
    fiscal_year     INTEGER,
    -- RFC 3339 in UTC, so that text order is time order.
    final_deadline  TEXT,
    -- SHA-256 of the content (version and fetch time left out): equal hash, no new version.
    content_hash    TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
) STRICT;

CREATE INDEX programs_by_source ON programs (source_kind, external_id);

CREATE TABLE program_versions (
    program_id   TEXT    NOT NULL REFERENCES programs (id),
    version      INTEGER NOT NULL CHECK (version >= 1),
    body         TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    -- Who or what saved it: 'import:jgrants', 'cli', 'web'.
    origin       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (program_id, version)
) STRICT;
