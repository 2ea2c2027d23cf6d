-- The publishing workflow: one draft per program beside its published versions, programs
-- taken off the public site (now or at a set time), and a counter every catalogue change
-- bumps, so that other app processes notice the change and reload.

CREATE TABLE program_drafts (
    -- No foreign key: the draft of a new program exists before the program does.
    program_id   TEXT    NOT NULL PRIMARY KEY,
    -- The published version the draft was started from; 0 for a new program.
    base_version INTEGER NOT NULL CHECK (base_version >= 0),
    -- Bumped by every change to the draft, so a save from a stale page is refused.
    revision     INTEGER NOT NULL CHECK (revision >= 1),
    -- The whole program as JSON, as the editor saved it.
    body         TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('draft', 'review', 'scheduled')),
    -- The account that last changed the body.
    author       TEXT    NOT NULL,
    -- The account that approved it (set once 'scheduled').
    reviewer     TEXT,
    -- Times: RFC 3339 in UTC, whole seconds, so that text order is time order.
    updated_at   TEXT    NOT NULL,
    publish_at   TEXT,
    unpublish_at TEXT
) STRICT;

CREATE INDEX program_drafts_by_publish_at ON program_drafts (publish_at)
    WHERE publish_at IS NOT NULL;

-- When a published program leaves the public site: planned, and done.
ALTER TABLE programs ADD COLUMN unpublish_at TEXT;
ALTER TABLE programs ADD COLUMN unpublished_at TEXT;

CREATE INDEX programs_by_unpublish_at ON programs (unpublish_at)
    WHERE unpublish_at IS NOT NULL;

-- One row: how many times the public catalogue has changed.
CREATE TABLE catalog_revision (
    id       INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    revision INTEGER NOT NULL CHECK (revision >= 0)
) STRICT;

INSERT INTO catalog_revision (id, revision) VALUES (1, 0);
