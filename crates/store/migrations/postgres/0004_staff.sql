-- The staff console: accounts, an append-only audit log and console settings.

CREATE TABLE accounts (
    -- Random, 32 lowercase hex digits; never reused.
    id                  TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    -- Case-folded by the store before it gets here; "C" so that lists sort as in SQLite.
    login               TEXT COLLATE "C" NOT NULL UNIQUE,
    display_name        TEXT        NOT NULL,
    role                TEXT        NOT NULL CHECK (role IN ('admin', 'staff', 'viewer')),
    -- A PHC string (argon2id); the store never hashes and never sees a password.
    password_hash       TEXT        NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    disabled_at         TIMESTAMPTZ,
    failed_logins       BIGINT      NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until        TIMESTAMPTZ,
    password_changed_at TIMESTAMPTZ NOT NULL
);

-- Who did what, when and from where. Rows are only ever added: the triggers below refuse
-- every UPDATE, DELETE and TRUNCATE, whoever asks.
CREATE TABLE audit_log (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at         TIMESTAMPTZ NOT NULL,
    -- The account that acted; NULL for the command line or an unknown login.
    actor_id   TEXT,
    -- The name shown, kept as it was at the time.
    actor_name TEXT        NOT NULL,
    -- A code such as 'login.failure' or 'program.verify'.
    action     TEXT        NOT NULL,
    target     TEXT,
    detail     TEXT        NOT NULL,
    -- The client's address, when the action came over HTTP.
    client     TEXT
);

CREATE INDEX audit_log_by_time ON audit_log (at);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id);
CREATE INDEX audit_log_by_action ON audit_log (action);

CREATE FUNCTION audit_log_refuses_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END
$$;

CREATE TRIGGER audit_log_refuses_update_or_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuses_change();

CREATE TRIGGER audit_log_refuses_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuses_change();

-- Console settings as text, one row per key; absent keys take the app's default.
CREATE TABLE settings (
    key        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    value      TEXT        NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    -- The account that changed it; NULL for the command line.
    updated_by TEXT
);
