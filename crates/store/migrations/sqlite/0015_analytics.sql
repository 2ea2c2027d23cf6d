-- What the desk is used for, in aggregate only: a count per JST day, metric and key (a
-- program id, a question's field code or a search's words; '' when the metric has none).
-- No session, address or profile is ever kept here. The web process adds to these rows
-- every few seconds (`n = n + excluded.n`), and the dashboard sums them over a period.
CREATE TABLE analytics_counts (
    day    TEXT    NOT NULL,
    metric TEXT    NOT NULL,
    key    TEXT    NOT NULL DEFAULT '',
    n      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, metric, key)
) STRICT, WITHOUT ROWID;

-- The dashboard reads one metric's rows over a range of days.
CREATE INDEX analytics_counts_by_metric ON analytics_counts (metric, day);
