-- Which programs each change to the public catalogue touched, so that an app process can
-- update its snapshot program by program instead of reading the whole catalogue again.
--
-- `changed_in` is the catalogue revision (`catalog_revision`) whose transaction last changed
-- the row; NULL while a transaction that changed it has not yet counted its change. Any
-- update of a program's row that does not set `changed_in` itself clears it (the trigger),
-- and counting a change (`bump_revision`) stamps every cleared row with the new revision in
-- the same transaction. A process that has seen revision L and now reads R updates exactly
-- the programs with L < changed_in <= R.
ALTER TABLE programs ADD COLUMN changed_in INTEGER;
UPDATE programs SET changed_in = 0;

CREATE INDEX programs_by_changed_in ON programs (changed_in);

CREATE TRIGGER programs_changed AFTER UPDATE ON programs
WHEN NEW.changed_in IS OLD.changed_in AND NEW.changed_in IS NOT NULL
BEGIN
    UPDATE programs SET changed_in = NULL WHERE id = NEW.id;
END;
