-- Notices, from the event that causes them to the click that measures them.

-- Something happened to a program that subscribers may want to hear of. Written in the
-- transaction of the change itself (publish, change) or by the daily deadline job; the
-- matcher fans each one out against the subscriptions and marks it matched. `key` makes an
-- event unique (`deadline7:{program}:{window end}`), so a rerun adds nothing.
CREATE TABLE notice_events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    key        TEXT COLLATE "C"    NOT NULL UNIQUE,
    program_id TEXT COLLATE "C"    NOT NULL,
    event      TEXT    NOT NULL CHECK (event IN ('new', 'changed', 'deadline14', 'deadline7')),
    created_at TIMESTAMPTZ NOT NULL,
    matched_at TIMESTAMPTZ
);

CREATE INDEX notice_events_unmatched ON notice_events (matched_at, id);

-- One notice: what a program event or a member of staff tells a segment of subscribers.
-- The figures per notice (sent, failed, clicked) hang off its id.
CREATE TABLE notices (
    id           TEXT COLLATE "C"    NOT NULL PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('program', 'staff')),
    event_id     BIGINT,
    title        TEXT    NOT NULL,
    body         TEXT    NOT NULL DEFAULT '',
    -- JSON: the segment a staff notice goes to (profile conditions or a search).
    segment      TEXT    NOT NULL DEFAULT '{}',
    state        TEXT    NOT NULL CHECK (state IN ('draft', 'pending_approval', 'scheduled', 'sent')),
    scheduled_at TIMESTAMPTZ,
    recipients   BIGINT NOT NULL DEFAULT 0,
    created_by   TEXT,
    approved_by  TEXT,
    created_at   TIMESTAMPTZ NOT NULL,
    sent_at      TIMESTAMPTZ
);

CREATE INDEX notices_by_state ON notices (state, scheduled_at);

-- Which notice a queued message belongs to, for its figures.
ALTER TABLE notice_outbox ADD COLUMN notice_id TEXT COLLATE "C";
CREATE INDEX notice_outbox_by_notice ON notice_outbox (notice_id, state);

-- Matched items a subscriber will get in their next digest: weekly subscribers, and
-- instant ones past their daily cap. Removed once the digest is queued.
CREATE TABLE notice_digest_items (
    subscription_id TEXT COLLATE "C"    NOT NULL,
    notice_id       TEXT COLLATE "C"    NOT NULL,
    program_id      TEXT COLLATE "C"    NOT NULL,
    -- The one-line reason the program fits.
    reason          TEXT    NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (subscription_id, notice_id)
);

-- Every link in a message points at /r/{id}/{token}; the id maps to this stored URL, so
-- the redirect can never be pointed elsewhere.
CREATE TABLE notice_links (
    id        TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    notice_id TEXT COLLATE "C" NOT NULL,
    url       TEXT NOT NULL,
    UNIQUE (notice_id, url)
);

-- Clicks in aggregate: per link, channel and day (JST). `unique_clicks` counts distinct
-- recipient tokens, seen in notice_click_tokens.
CREATE TABLE notice_clicks (
    link_id       TEXT COLLATE "C"    NOT NULL,
    channel       TEXT    NOT NULL,
    day           TEXT    NOT NULL,
    clicks        BIGINT NOT NULL DEFAULT 0,
    unique_clicks BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (link_id, channel, day)
);

-- Opaque per-recipient tokens (HMACs) already counted for a link: enough to count a
-- recipient once, never enough to say who they are.
CREATE TABLE notice_click_tokens (
    link_id TEXT COLLATE "C" NOT NULL,
    token   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (link_id, token)
);

-- Who clicked, only while the setting that allows it is on (off by default).
CREATE TABLE notice_click_subscribers (
    link_id         TEXT COLLATE "C" NOT NULL,
    subscription_id TEXT COLLATE "C" NOT NULL,
    clicked_at      TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (link_id, subscription_id)
);

-- LINE webhook event ids already handled, so that a replayed delivery is dropped.
CREATE TABLE line_webhook_events (
    event_id    TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    received_at TIMESTAMPTZ NOT NULL
);

-- A LINE subscription waits here for the account to send its code (or link) after
-- following the official account.
CREATE TABLE line_link_codes (
    code            TEXT COLLATE "C" NOT NULL PRIMARY KEY,
    subscription_id TEXT COLLATE "C" NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
