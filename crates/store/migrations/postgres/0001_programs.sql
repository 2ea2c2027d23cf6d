-- The catalogue: one row per program pointing at its current version, and every version
-- ever saved as the full program in JSON. Versions are never updated or deleted.

CREATE TABLE programs (
    -- "C" collation: ids sort by bytes, as in SQLite and in Rust, whatever the server locale.
    id              TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    current_version BIGINT      NOT NULL CHECK (current_version >= 1),
    -- Copies of the current version's fields, for listing and filtering without JSON.
    title           TEXT        NOT NULL,
    status          TEXT        NOT NULL,
    kind            TEXT        NOT NULL,
    issuer_level    TEXT        NOT NULL,
    issuer_code     TEXT,
    source_kind     TEXT        NOT NULL,
    external_id     TEXT,
    fiscal_year     BIGINT,
    final_deadline  TIMESTAMPTZ,
    -- SHA-256 of the content (version and fetch time left out): equal hash, no new version.
    content_hash    TEXT        NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL
);

CREATE INDEX programs_by_source ON programs (source_kind, external_id);

CREATE TABLE program_versions (
    program_id   TEXT COLLATE "C" NOT NULL REFERENCES programs (id),
    version      BIGINT      NOT NULL CHECK (version >= 1),
    -- Kept as text, not jsonb, so that a version reads back exactly as it was written.
    body         TEXT        NOT NULL,
    content_hash TEXT        NOT NULL,
    -- Who or what saved it: 'import:jgrants', 'cli', 'web'.
    origin       TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (program_id, version)
);
