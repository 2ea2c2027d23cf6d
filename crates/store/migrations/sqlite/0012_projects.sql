-- Side-job projects (副業人材): a business's project, the professional a coordinator
-- approved for it, where it stands, and both sides' reviews at the end.
CREATE TABLE desk_projects (
    id              INTEGER NOT NULL PRIMARY KEY,
    state           TEXT    NOT NULL CHECK (state IN
                        ('open', 'applied', 'interview', 'agreed', 'active', 'done', 'cancelled')),
    -- Grows with every change, so that two coordinators acting at once cannot both win.
    revision        INTEGER NOT NULL,
    -- Copied out of the body for lists and figures.
    business        TEXT    NOT NULL,
    category        TEXT    NOT NULL,
    -- The project as posted (JSON: goal, deliverable, hours a week, remote or on site,
    -- reward, period, place, skills).
    body            TEXT    NOT NULL,
    -- The professional approved (a desk_experts id), while matched and after.
    talent_id       TEXT,
    -- Why they were proposed, as the proposal said when the coordinator approved.
    reasons         TEXT    NOT NULL DEFAULT '',
    business_review TEXT    NOT NULL DEFAULT '' CHECK (length(business_review) <= 400),
    talent_review   TEXT    NOT NULL DEFAULT '' CHECK (length(talent_review) <= 400),
    -- Times: RFC 3339 in UTC, whole seconds, so that text order is time order.
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL,
    approved_at     TEXT,
    done_at         TEXT
) STRICT;

CREATE INDEX desk_projects_by_state ON desk_projects (state, id);
-- Approvals per professional and time, for this month's load in matching.
CREATE INDEX desk_projects_by_talent ON desk_projects (talent_id, approved_at);
