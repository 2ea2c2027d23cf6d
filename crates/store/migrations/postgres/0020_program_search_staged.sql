-- SQLite's list search index is now written as an import is staged (its migration 0020).
-- PostgreSQL's is an index on an expression, written with each row of the import's one
-- transaction, and its imports are not staged: nothing changes here.
SELECT 1;
