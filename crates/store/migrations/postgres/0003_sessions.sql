-- Server-side sessions, for visitors (the diagnosis wizard) and for staff. The web layer
-- keys each row by the SHA-256 hex of the cookie token: the raw token never reaches the
-- database. Rows are short-lived; pg_dump copies them like any other table.

CREATE TABLE sessions (
    token_hash   TEXT        NOT NULL PRIMARY KEY,
    -- The staff account id; NULL for a visitor.
    subject      TEXT,
    csrf_token   TEXT        NOT NULL,
    -- Kept as text, not jsonb: JSON the web layer owns; the store never reads it.
    data         TEXT        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);

-- "Log out everywhere" and the sweep of expired sessions.
CREATE INDEX sessions_by_subject ON sessions (subject) WHERE subject IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
