-- The staff console: accounts, an append-only audit log and console settings.

CREATE TABLE accounts (
    -- Random, 32 lowercase hex digits; never reused.
    id                  TEXT    NOT NULL PRIMARY KEY,
    -- Case-folded by the store before it gets here, so UNIQUE means unique for people.
    login               TEXT    NOT NULL UNIQUE,
    display_name        TEXT    NOT NULL,
    role                TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
    -- A PHC string (argon2id); the store never hashes and never sees a password.
    password_hash       TEXT    NOT NULL,
    -- Times: RFC 3339 in UTC, whole seconds, so that text order is time order.
    created_at          TEXT    NOT NULL,
    disabled_at         TEXT,
    failed_logins       INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until        TEXT,
    password_changed_at TEXT    NOT NULL
) STRICT;

-- Who did what, when and from where. Rows are only ever added: the triggers below refuse
-- every UPDATE and DELETE, whoever asks.
CREATE TABLE audit_log (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    at         TEXT    NOT NULL,
    -- The account that acted; NULL for the command line or an unknown login.
    actor_id   TEXT,
    -- The name shown, kept as it was at the time.
    actor_name TEXT    NOT NULL,
    -- A code such as 'login.failure' or 'program.verify'.
    action     TEXT    NOT NULL,
    target     TEXT,
    detail     TEXT    NOT NULL,
    -- The client's address, when the action came over HTTP.
    client     TEXT
) STRICT;

CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id);
CREATE INDEX audit_log_by_action ON audit_log (action);

CREATE TRIGGER audit_log_refuses_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_refuses_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- Console settings as text, one row per key; absent keys take the app's default.
CREATE TABLE settings (
    key        TEXT NOT NULL PRIMARY KEY,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    -- The account that changed it; NULL for the command line.
    updated_by TEXT
) STRICT;
