-- The consultation desk: registered experts, consultation cases and each case's history.

-- 専門家 sign in to the console for their own cases. SQLite cannot change a CHECK in
-- place, so the accounts table is rebuilt with the longer list of roles.
CREATE TABLE accounts_with_expert (
    id                   TEXT    NOT NULL PRIMARY KEY,
    login                TEXT    NOT NULL UNIQUE,
    display_name         TEXT    NOT NULL,
    role                 TEXT    NOT NULL CHECK (role IN ('admin', 'staff', 'viewer', 'expert')),
    password_hash        TEXT    NOT NULL,
    created_at           TEXT    NOT NULL,
    disabled_at          TEXT,
    failed_logins        INTEGER NOT NULL DEFAULT 0 CHECK (failed_logins >= 0),
    locked_until         TEXT,
    password_changed_at  TEXT    NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1))
) STRICT;
INSERT INTO accounts_with_expert
    SELECT id, login, display_name, role, password_hash, created_at, disabled_at,
           failed_logins, locked_until, password_changed_at, must_change_password
    FROM accounts;
DROP TABLE accounts;
ALTER TABLE accounts_with_expert RENAME TO accounts;

-- Advisors, partner companies and side-job professionals. What matching reads is one
-- JSON document (`body`: categories, skill tags, areas, requesters, monthly capacity,
-- availability, declared conflicts), read whole for every proposal.
CREATE TABLE desk_experts (
    -- a-z 0-9 and hyphens, chosen by staff ('adv-01', 'ptn-ise-soft').
    id         TEXT NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('advisor', 'partner', 'talent')),
    name       TEXT NOT NULL,
    -- The console account the expert signs in with, if they have one.
    account_id TEXT UNIQUE,
    body       TEXT NOT NULL,
    -- How staff reach them; never shown to the public.
    contact    TEXT NOT NULL,
    -- The public profile; empty for none.
    profile    TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;

CREATE TABLE desk_cases (
    id               INTEGER NOT NULL PRIMARY KEY,
    -- What the requester is told ('AB3K-7QXD'): random, so that it says nothing of others.
    receipt          TEXT    NOT NULL UNIQUE,
    state            TEXT    NOT NULL CHECK (state IN
                         ('received', 'hearing', 'referred', 'consulting', 'closed', 'withdrawn')),
    -- Grows with every change, so that two staff acting at once cannot both win.
    revision         INTEGER NOT NULL,
    requester        TEXT    NOT NULL CHECK (requester IN ('business', 'resident', 'municipality')),
    category         TEXT    NOT NULL,
    -- Times: RFC 3339 in UTC, whole seconds, so that text order is time order.
    received_at      TEXT    NOT NULL,
    first_contact_at TEXT,
    referred_at      TEXT,
    closed_at        TEXT,
    expert_id        TEXT,
    sessions         INTEGER NOT NULL DEFAULT 0 CHECK (sessions >= 0),
    max_sessions     INTEGER NOT NULL CHECK (max_sessions > 0),
    -- Skill tags, folded, separated by single spaces.
    tags             TEXT    NOT NULL DEFAULT '',
    -- The personal data as filed (JSON: who, contact, message, preferred method and times,
    -- what was attached from a diagnosis), and the requester's e-mail and phone folded
    -- for finding one person's cases. All NULL once purged or erased.
    personal         TEXT,
    email_key        TEXT,
    phone_key        TEXT,
    -- What staff and the expert wrote (JSON: hearing notes, outcome, why it ended, the
    -- case it was merged into); emptied with the personal data.
    record           TEXT    NOT NULL DEFAULT '{}',
    purged_at        TEXT
) STRICT;

CREATE INDEX desk_cases_by_state ON desk_cases (state, received_at);
CREATE INDEX desk_cases_by_expert ON desk_cases (expert_id, state);
CREATE INDEX desk_cases_by_category ON desk_cases (category, state);
CREATE INDEX desk_cases_by_email ON desk_cases (email_key);
CREATE INDEX desk_cases_by_phone ON desk_cases (phone_key);

-- What happened to a case, in order: filed, heard, introduced (with the reasons), taken on
-- or declined (with the reason), sessions, closed. The text is purged with the case's
-- personal data; the steps stay for the desk's figures.
CREATE TABLE desk_case_events (
    id        INTEGER NOT NULL PRIMARY KEY,
    case_id   INTEGER NOT NULL REFERENCES desk_cases (id),
    at        TEXT    NOT NULL,
    actor     TEXT    NOT NULL,
    step      TEXT    NOT NULL,
    expert_id TEXT,
    text      TEXT    NOT NULL
) STRICT;

CREATE INDEX desk_case_events_by_case ON desk_case_events (case_id, id);
-- Introductions per expert and time, for this month's load and this year's rotation.
CREATE INDEX desk_case_events_by_expert ON desk_case_events (expert_id, step, at);
