-- The console's program list is searched, filtered and paged in the database. A new
-- program's draft keeps its title beside its body (as `programs` keeps the current
-- version's), so the list can search it without reading JSON.

ALTER TABLE program_drafts ADD COLUMN title TEXT NOT NULL DEFAULT '';

UPDATE program_drafts SET title = COALESCE(json_extract(body, '$.title'), '');

-- The list of programs taken off the site, walked by id.
CREATE INDEX programs_unpublished_by_id ON programs (id) WHERE unpublished_at IS NOT NULL;
