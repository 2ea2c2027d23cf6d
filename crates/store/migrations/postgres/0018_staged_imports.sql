-- SQLite stages imports outside its write lock (its migration 0018: staging tables, and a
-- versions table without its foreign key). PostgreSQL saves an import in one transaction:
-- its writers lock rows, not the database, so nobody outside the catalogue waits for an
-- import, and the schema stays as it is. This step keeps the two lists of steps in line.
SELECT 1;
