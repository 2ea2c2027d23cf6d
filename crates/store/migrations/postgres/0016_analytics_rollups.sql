-- Roll-ups of `analytics_counts`, so that the dashboard reads a year as whole months and day
-- totals (about a tenth of the rows) instead of every daily row. Both are added to in the same
-- transaction as the daily rows they sum (never written on their own), so they always agree
-- with them; the daily table stays the truth, and is still read for the days of a period
-- that do not fill a month.

-- Per calendar month ('YYYY-MM'), metric and key: the lists read whole months from here.
CREATE TABLE analytics_month_counts (
    month  TEXT COLLATE "C" NOT NULL,
    metric TEXT COLLATE "C" NOT NULL,
    key    TEXT COLLATE "C" NOT NULL DEFAULT '',
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, month, key)
);

-- Per day and metric, summed over the keys: the trends read every day from here.
CREATE TABLE analytics_day_totals (
    day    TEXT COLLATE "C" NOT NULL,
    metric TEXT COLLATE "C" NOT NULL,
    n      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (metric, day)
);

INSERT INTO analytics_month_counts (month, metric, key, n)
    SELECT substr(day, 1, 7), metric, key, SUM(n) FROM analytics_counts
    GROUP BY substr(day, 1, 7), metric, key;

INSERT INTO analytics_day_totals (day, metric, n)
    SELECT day, metric, SUM(n) FROM analytics_counts GROUP BY day, metric;
