-- The list's search index (migration 0019) is written as an import is staged, not when it
-- is made public. Its triggers indexed every imported title in the import's last
-- transaction, the one that makes the staged programs public at once, and that kept other
-- writers waiting for seconds at 100,000 programs. Now a staged program's new title is
-- indexed with its chunk, and the last transaction finds it indexed already.
--
-- So a program may have more than one indexed title for a while: the one it has, and the
-- one a staged import gives it (or the one it had, until the import's staging rows go). The
-- list re-checks every program the index finds against its title, so a title it no longer
-- has finds nothing; the list asks for each program once. `program_search_rows` names each
-- indexed row's program and the title it was indexed with (lowercased, as indexed), which
-- both tells whether a title is indexed already and is what removing its row takes.
CREATE TABLE program_search_rows (
    key        INTEGER NOT NULL PRIMARY KEY,
    program_id TEXT    NOT NULL,
    title      TEXT    NOT NULL
) STRICT;

INSERT INTO program_search_rows (key, program_id, title)
SELECT k.key, k.program_id, lower(p.title)
FROM program_search_keys k JOIN programs p ON p.id = k.program_id;

CREATE INDEX program_search_rows_by_program ON program_search_rows (program_id, title);

DROP TRIGGER program_search_added;
DROP TRIGGER program_search_retitled;
DROP TRIGGER program_search_removed;
DROP TABLE program_search_keys;

-- What a row of `program_search_rows` holds is what the FTS index holds: adding or removing
-- the row adds or removes its indexed text, so the triggers below speak only of rows.
CREATE TRIGGER program_search_row_added AFTER INSERT ON program_search_rows
BEGIN
    INSERT INTO program_search (rowid, title, id)
    VALUES (NEW.key, NEW.title || char(1, 1), lower(NEW.program_id) || char(1, 1));
END;

CREATE TRIGGER program_search_row_removed AFTER DELETE ON program_search_rows
BEGIN
    INSERT INTO program_search (program_search, rowid, title, id)
    VALUES ('delete', OLD.key, OLD.title || char(1, 1), lower(OLD.program_id) || char(1, 1));
END;

-- A program made public: its title is indexed unless a staged import indexed it already.
CREATE TRIGGER program_search_added AFTER INSERT ON programs
WHEN NOT EXISTS (SELECT 1 FROM program_search_rows
                 WHERE program_id = NEW.id AND title = lower(NEW.title))
BEGIN
    INSERT INTO program_search_rows (program_id, title) VALUES (NEW.id, lower(NEW.title));
END;

-- A program given a new id: every row of its old id goes (the id is indexed with them).
CREATE TRIGGER program_search_renamed AFTER UPDATE OF id ON programs
WHEN NEW.id IS NOT OLD.id
BEGIN
    DELETE FROM program_search_rows WHERE program_id = OLD.id;
    INSERT INTO program_search_rows (program_id, title)
    SELECT NEW.id, lower(NEW.title)
    WHERE NOT EXISTS (SELECT 1 FROM program_search_rows
                      WHERE program_id = NEW.id AND title = lower(NEW.title));
END;

-- A program given a new title that is not indexed yet: the new title is indexed and the
-- titles it no longer has go, unless a staged import holds the program; then they stay
-- until the import's staging rows go (below). An import's last transaction finds every
-- title it makes public indexed already and does nothing here, which keeps it short.
-- (`CROSS JOIN`: the imports first, the few there are, or SQLite may read every staged
-- program for each program written.)
CREATE TRIGGER program_search_retitled AFTER UPDATE OF title ON programs
WHEN NEW.id IS OLD.id AND NEW.title IS NOT OLD.title
    AND NOT EXISTS (SELECT 1 FROM program_search_rows
                    WHERE program_id = NEW.id AND title = lower(NEW.title))
BEGIN
    INSERT INTO program_search_rows (program_id, title) VALUES (NEW.id, lower(NEW.title));
    DELETE FROM program_search_rows
    WHERE program_id = NEW.id AND title <> lower(NEW.title) AND NOT EXISTS (
        SELECT 1 FROM catalogue_imports i CROSS JOIN staged_programs s
        ON s.import_id = i.id AND s.id = NEW.id);
END;

-- A program staged by an import: its new title is indexed in the chunk that stages it.
CREATE TRIGGER staged_program_search_added AFTER INSERT ON staged_programs
WHEN NOT EXISTS (SELECT 1 FROM program_search_rows
                 WHERE program_id = NEW.id AND title = lower(NEW.title))
BEGIN
    INSERT INTO program_search_rows (program_id, title) VALUES (NEW.id, lower(NEW.title));
END;

CREATE TRIGGER program_search_removed AFTER DELETE ON programs
BEGIN
    DELETE FROM program_search_rows WHERE program_id = OLD.id;
END;

-- A staged program's row goes once its import is public, refused or abandoned: whichever
-- of its indexed titles the program does not have (the old one, or the staged one that
-- never became public) goes with it, a chunk of the import at a time.
CREATE TRIGGER staged_program_search_swept AFTER DELETE ON staged_programs
BEGIN
    DELETE FROM program_search_rows
    WHERE program_id = OLD.id AND NOT EXISTS (
        SELECT 1 FROM programs p
        WHERE p.id = OLD.id AND lower(p.title) = program_search_rows.title);
END;
