-- Notices: who asked to hear of which programs, and the messages waiting to go out.

-- A subscription holds the least delivery needs: one address and the conditions it was
-- made from (a diagnosis's answers or a search's words), never a name.
CREATE TABLE notice_subscriptions (
    -- Random (32 hex digits): the signed links in every message carry it.
    id           TEXT    NOT NULL PRIMARY KEY,
    channel      TEXT    NOT NULL CHECK (channel IN ('email', 'line')),
    address      TEXT    NOT NULL,
    -- JSON: {"profile": {...}} or {"search": "..."}.
    criteria     TEXT    NOT NULL,
    -- JSON: the choices (events, cadence, needs_info).
    choices      TEXT    NOT NULL,
    -- 'pending' until the e-mail link is opened (double opt-in).
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'active')),
    created_at   TEXT    NOT NULL,
    confirmed_at TEXT,
    updated_at   TEXT    NOT NULL
) STRICT;

CREATE INDEX notice_subscriptions_by_state ON notice_subscriptions (state, channel);

-- The outbox: every message is written here in the transaction of the change that caused
-- it, and workers in any process deliver it. `key` is the idempotency key a channel sees.
CREATE TABLE notice_outbox (
    id              INTEGER NOT NULL PRIMARY KEY,
    key             TEXT    NOT NULL UNIQUE,
    subscription_id TEXT,
    channel         TEXT    NOT NULL CHECK (channel IN ('email', 'line', 'webhook')),
    recipient       TEXT    NOT NULL,
    -- JSON: subject, text, html, unsubscribe links.
    message         TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('queued', 'sending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    -- Not before this time (backoff after a failure).
    next_attempt_at TEXT    NOT NULL,
    -- While 'sending': the claim lapses at this time, and another worker may take it.
    claimed_until   TEXT,
    last_error      TEXT    NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    sent_at         TEXT
) STRICT;

CREATE INDEX notice_outbox_due ON notice_outbox (state, next_attempt_at);
CREATE INDEX notice_outbox_by_subscription ON notice_outbox (subscription_id);
