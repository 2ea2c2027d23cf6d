-- The consultation desk: registered experts, consultation cases and each case's history.

-- 専門家 sign in to the console for their own cases.
ALTER TABLE accounts DROP CONSTRAINT accounts_role_check;
ALTER TABLE accounts ADD CONSTRAINT accounts_role_check
    CHECK (role IN ('admin', 'staff', 'viewer', 'expert'));

-- Advisors, partner companies and side-job professionals. What matching reads is one
-- JSON document (`body`: categories, skill tags, areas, requesters, monthly capacity,
-- availability, declared conflicts), read whole for every proposal.
CREATE TABLE desk_experts (
    -- a-z 0-9 and hyphens, chosen by staff ('adv-01', 'ptn-ise-soft').
    id         TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('advisor', 'partner', 'talent')),
    name       TEXT NOT NULL,
    -- The console account the expert signs in with, if they have one.
    account_id TEXT UNIQUE,
    body       TEXT NOT NULL,
    -- How staff reach them; never shown to the public.
    contact    TEXT NOT NULL,
    -- The public profile; empty for none.
    profile    TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE desk_cases (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- What the requester is told ('AB3K-7QXD'): random, so that it says nothing of others.
    receipt          TEXT COLLATE "C" NOT NULL UNIQUE,
    state            TEXT    NOT NULL CHECK (state IN
                         ('received', 'hearing', 'referred', 'consulting', 'closed', 'withdrawn')),
    -- Grows with every change, so that two staff acting at once cannot both win.
    revision         BIGINT  NOT NULL,
    requester        TEXT    NOT NULL CHECK (requester IN ('business', 'resident', 'municipality')),
    category         TEXT COLLATE "C" NOT NULL,
    received_at      TIMESTAMPTZ NOT NULL,
    first_contact_at TIMESTAMPTZ,
    referred_at      TIMESTAMPTZ,
    closed_at        TIMESTAMPTZ,
    expert_id        TEXT COLLATE "C",
    sessions         BIGINT  NOT NULL DEFAULT 0 CHECK (sessions >= 0),
    max_sessions     BIGINT  NOT NULL CHECK (max_sessions > 0),
    -- Skill tags, folded, separated by single spaces.
    tags             TEXT    NOT NULL DEFAULT '',
    -- The personal data as filed (JSON: who, contact, message, preferred method and times,
    -- what was attached from a diagnosis), and the requester's e-mail and phone folded
    -- for finding one person's cases. All NULL once purged or erased.
    personal         TEXT,
    email_key        TEXT COLLATE "C",
    phone_key        TEXT COLLATE "C",
    -- What staff and the expert wrote (JSON: hearing notes, outcome, why it ended, the
    -- case it was merged into); emptied with the personal data.
    record           TEXT    NOT NULL DEFAULT '{}',
    purged_at        TIMESTAMPTZ
);

CREATE INDEX desk_cases_by_state ON desk_cases (state, received_at);
CREATE INDEX desk_cases_by_expert ON desk_cases (expert_id, state);
CREATE INDEX desk_cases_by_category ON desk_cases (category, state);
CREATE INDEX desk_cases_by_email ON desk_cases (email_key);
CREATE INDEX desk_cases_by_phone ON desk_cases (phone_key);

-- What happened to a case, in order: filed, heard, introduced (with the reasons), taken on
-- or declined (with the reason), sessions, closed. The text is purged with the case's
-- personal data; the steps stay for the desk's figures.
CREATE TABLE desk_case_events (
    id        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id   BIGINT NOT NULL REFERENCES desk_cases (id),
    at        TIMESTAMPTZ NOT NULL,
    actor     TEXT   NOT NULL,
    step      TEXT   NOT NULL,
    expert_id TEXT COLLATE "C",
    text      TEXT   NOT NULL
);

CREATE INDEX desk_case_events_by_case ON desk_case_events (case_id, id);
-- Introductions per expert and time, for this month's load and this year's rotation.
CREATE INDEX desk_case_events_by_expert ON desk_case_events (expert_id, step, at);
