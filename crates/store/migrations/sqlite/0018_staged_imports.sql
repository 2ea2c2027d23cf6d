-- Imports staged outside the write lock, so that other writers never wait for a whole import.
--
-- An import of many programs writes its new versions straight into `program_versions`, a
-- chunk per short transaction, while their `programs` rows (and the notice events the save
-- records) wait in the staging tables below. A version row is public only once its program's
-- row points at it (`programs.current_version`), so the staged versions stay out of sight
-- until one short transaction copies the staged rows into `programs` and `notice_events`.
-- `catalogue_imports` names the imports being staged: a row still there when no process
-- holds the import lock belongs to an import that died, whose staged rows are removed.
CREATE TABLE catalogue_imports (
    id         INTEGER NOT NULL PRIMARY KEY,
    origin     TEXT    NOT NULL,
    started_at TEXT    NOT NULL
) STRICT;

-- The `programs` row each staged program gets, in the columns of `programs`.
CREATE TABLE staged_programs (
    import_id       INTEGER NOT NULL,
    id              TEXT    NOT NULL,
    current_version INTEGER NOT NULL CHECK (current_version >= 1),
    title           TEXT    NOT NULL,
    status          TEXT    NOT NULL,
    kind            TEXT    NOT NULL,
    issuer_level    TEXT    NOT NULL,
    issuer_code     TEXT,
    source_kind     TEXT    NOT NULL,
    external_id     TEXT,
    fiscal_year     INTEGER,
    final_deadline  TEXT,
    content_hash    TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    PRIMARY KEY (import_id, id)
) STRICT;

-- The notice events of the staged programs, recorded when they become public.
CREATE TABLE staged_notice_events (
    import_id  INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    program_id TEXT    NOT NULL,
    event      TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    PRIMARY KEY (import_id, key)
) STRICT;

-- A staged version of a new program exists before its `programs` row does, so the versions
-- table can no longer require one: it is rebuilt without the foreign key. Every reader finds
-- versions through `programs` (or filters on its current version), and an import that fails
-- removes the versions it staged.
CREATE TABLE program_versions_rebuilt (
    program_id   TEXT    NOT NULL,
    version      INTEGER NOT NULL CHECK (version >= 1),
    body         TEXT    NOT NULL,
    content_hash TEXT    NOT NULL,
    -- Who or what saved it: 'import:jgrants', 'cli', 'web'.
    origin       TEXT    NOT NULL,
    created_at   TEXT    NOT NULL,
    PRIMARY KEY (program_id, version)
) STRICT;

INSERT INTO program_versions_rebuilt (program_id, version, body, content_hash, origin, created_at)
SELECT program_id, version, body, content_hash, origin, created_at FROM program_versions;

DROP TABLE program_versions;

ALTER TABLE program_versions_rebuilt RENAME TO program_versions;
