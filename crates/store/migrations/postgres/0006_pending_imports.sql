-- Imports uploaded in the staff console: the parsed programs wait here until someone
-- confirms them, and the background job that saves them reports its progress here, so
-- that every app process can show it.

CREATE TABLE pending_imports (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    created_by  TEXT        NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    source_kind TEXT        NOT NULL,
    file_name   TEXT        NOT NULL,
    -- The programs to save, as a JSON array.
    body        TEXT        NOT NULL,
    -- What the preview showed (the web layer's JSON).
    summary     TEXT        NOT NULL,
    state       TEXT        NOT NULL
        CHECK (state IN ('pending', 'queued', 'running', 'done', 'failed')),
    done        BIGINT      NOT NULL CHECK (done >= 0),
    total       BIGINT      NOT NULL CHECK (total >= 0),
    message     TEXT        NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
