-- SQLite's imports now write their notice events in place as they are staged (its migration
-- 0021). PostgreSQL's import is one transaction that writes its events as it goes, and is
-- not staged: nothing changes here.
SELECT 1;
