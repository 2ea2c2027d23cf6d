-- The console's program list is searched, filtered and paged in the database. A new
-- program's draft keeps its title beside its body (as `programs` keeps the current
-- version's), so the list can search it without reading JSON.
--
-- Titles are "C" collated, like ids: the search folds case with LOWER, which under "C"
-- folds ASCII letters only, as SQLite's does. Under a linguistic collation it would fold
-- more (Ⅱ to ⅱ) than the search text, and the two backends would find different programs.
-- Nothing orders by title.

ALTER TABLE program_drafts ADD COLUMN title TEXT COLLATE "C" NOT NULL DEFAULT '';

UPDATE program_drafts SET title = COALESCE(body::jsonb ->> 'title', '');

ALTER TABLE programs ALTER COLUMN title TYPE TEXT COLLATE "C";

-- The list of programs taken off the site, walked by id.
CREATE INDEX programs_unpublished_by_id ON programs (id) WHERE unpublished_at IS NOT NULL;
