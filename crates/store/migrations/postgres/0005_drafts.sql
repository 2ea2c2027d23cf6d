-- The publishing workflow: one draft per program beside its published versions, programs
-- taken off the public site (now or at a set time), and a counter every catalogue change
-- bumps (with a NOTIFY on 'madoguchi_catalog'), so that other app processes reload.

CREATE TABLE program_drafts (
    -- No foreign key: the draft of a new program exists before the program does.
    program_id   TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    -- The published version the draft was started from; 0 for a new program.
    base_version BIGINT      NOT NULL CHECK (base_version >= 0),
    -- Bumped by every change to the draft, so a save from a stale page is refused.
    revision     BIGINT      NOT NULL CHECK (revision >= 1),
    -- The whole program as JSON text, as the editor saved it.
    body         TEXT        NOT NULL,
    state        TEXT        NOT NULL CHECK (state IN ('draft', 'review', 'scheduled')),
    -- The account that last changed the body.
    author       TEXT        NOT NULL,
    -- The account that approved it (set once 'scheduled').
    reviewer     TEXT,
    updated_at   TIMESTAMPTZ NOT NULL,
    publish_at   TIMESTAMPTZ,
    unpublish_at TIMESTAMPTZ
);

CREATE INDEX program_drafts_by_publish_at ON program_drafts (publish_at)
    WHERE publish_at IS NOT NULL;

-- When a published program leaves the public site: planned, and done.
ALTER TABLE programs ADD COLUMN unpublish_at TIMESTAMPTZ;
ALTER TABLE programs ADD COLUMN unpublished_at TIMESTAMPTZ;

CREATE INDEX programs_by_unpublish_at ON programs (unpublish_at)
    WHERE unpublish_at IS NOT NULL;

-- One row: how many times the public catalogue has changed.
CREATE TABLE catalog_revision (
    id       BIGINT NOT NULL PRIMARY KEY CHECK (id = 1),
    revision BIGINT NOT NULL CHECK (revision >= 0)
);

INSERT INTO catalog_revision (id, revision) VALUES (1, 0);
