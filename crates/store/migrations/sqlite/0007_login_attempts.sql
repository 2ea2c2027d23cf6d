-- Sign-in attempts per client address, so that every app process shares one limit. A row
-- is added before the password is checked (attempts still under way count, so a burst of
-- parallel requests cannot slip past), removed again when the sign-in succeeds or is
-- refused by the limit, and swept once it is older than the limit looks back.

CREATE TABLE login_attempts (
    id     INTEGER NOT NULL PRIMARY KEY,
    -- The client's address as the web layer resolved it ('192.0.2.1', '2001:db8::1').
    client TEXT    NOT NULL,
    -- RFC 3339 in UTC, whole seconds, so that text order is time order.
    at     TEXT    NOT NULL
) STRICT;

-- The newest attempts from one address: the one query each sign-in makes.
CREATE INDEX login_attempts_by_client ON login_attempts (client, at);
-- The sweep of old attempts.
CREATE INDEX login_attempts_by_time ON login_attempts (at);
