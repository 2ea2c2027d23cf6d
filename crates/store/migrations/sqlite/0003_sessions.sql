-- Server-side sessions, for visitors (the diagnosis wizard) and for staff. The web layer
-- keys each row by the SHA-256 hex of the cookie token: the raw token never reaches the
-- database. Rows are short-lived and are left out of backups.

CREATE TABLE sessions (
    token_hash   TEXT NOT NULL PRIMARY KEY,
    -- The staff account id; NULL for a visitor.
    subject      TEXT,
    csrf_token   TEXT NOT NULL,
    -- JSON text the web layer owns; the store never reads it.
    data         TEXT NOT NULL,
    -- RFC 3339 in UTC, whole seconds, so that text order is time order.
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;

-- "Log out everywhere" and the sweep of expired sessions.
CREATE INDEX sessions_by_subject ON sessions (subject) WHERE subject IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
