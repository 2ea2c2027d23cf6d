-- The console's program list finds programs by any part of their title or id. A plain
-- `LIKE '%…%'` reads every title, half a second at a million programs; this index finds the
-- programs whose title or id holds the searched text without reading the others.
--
-- FTS5's trigram tokenizer indexes every run of three characters, so a text of three
-- characters or more is found as the phrase of its trigrams. A shorter text is found by the
-- trigrams that begin with it (listed by `program_search_terms`): each indexed text ends in
-- two U+0001 characters, so every character of it, the last two too, begins a trigram. The
-- texts are lowercased as the list's search lowercases them (ASCII letters only, as SQLite's
-- `lower` and `LIKE` do) and indexed case-sensitively, so the index finds what `LIKE` finds.
--
-- The index keeps no copy of the texts (`content = ''`): a row is removed by giving the text
-- it was indexed with, which the triggers below have in `OLD`. FTS5 keys its rows by integer,
-- and `program_search_keys` gives each program one that never changes while the program
-- exists (a table's own rowid may change in a VACUUM). Drafts are few, and not indexed.
CREATE TABLE program_search_keys (
    key        INTEGER NOT NULL PRIMARY KEY,
    program_id TEXT    NOT NULL UNIQUE
) STRICT;

CREATE VIRTUAL TABLE program_search USING fts5 (
    title, id, content = '', tokenize = 'trigram case_sensitive 1'
);

CREATE VIRTUAL TABLE program_search_terms USING fts5vocab (program_search, row);

INSERT INTO program_search_keys (program_id) SELECT id FROM programs ORDER BY id;

INSERT INTO program_search (rowid, title, id)
SELECT k.key, lower(p.title) || char(1, 1), lower(p.id) || char(1, 1)
FROM program_search_keys k JOIN programs p ON p.id = k.program_id;

CREATE TRIGGER program_search_added AFTER INSERT ON programs
BEGIN
    INSERT INTO program_search_keys (program_id) VALUES (NEW.id);
    INSERT INTO program_search (rowid, title, id)
    SELECT key, lower(NEW.title) || char(1, 1), lower(NEW.id) || char(1, 1)
    FROM program_search_keys WHERE program_id = NEW.id;
END;

CREATE TRIGGER program_search_retitled AFTER UPDATE OF id, title ON programs
WHEN NEW.id IS NOT OLD.id OR NEW.title IS NOT OLD.title
BEGIN
    INSERT INTO program_search (program_search, rowid, title, id)
    SELECT 'delete', key, lower(OLD.title) || char(1, 1), lower(OLD.id) || char(1, 1)
    FROM program_search_keys WHERE program_id = OLD.id;
    UPDATE program_search_keys SET program_id = NEW.id WHERE program_id = OLD.id;
    INSERT INTO program_search (rowid, title, id)
    SELECT key, lower(NEW.title) || char(1, 1), lower(NEW.id) || char(1, 1)
    FROM program_search_keys WHERE program_id = NEW.id;
END;

CREATE TRIGGER program_search_removed AFTER DELETE ON programs
BEGIN
    INSERT INTO program_search (program_search, rowid, title, id)
    SELECT 'delete', key, lower(OLD.title) || char(1, 1), lower(OLD.id) || char(1, 1)
    FROM program_search_keys WHERE program_id = OLD.id;
    DELETE FROM program_search_keys WHERE program_id = OLD.id;
END;
