-- An import's notice events are written where they will stay, as each chunk is staged,
-- rather than copied in by the import's last transaction (a quarter of its time at 100,000
-- programs, with other writers waiting for it).
--
-- `notice_events.import_id` names the import that wrote the event. The event stays out of
-- the matcher's sight while that import is staged (`catalogue_imports.published_at` NULL);
-- the last transaction sets `published_at`, and every event of the import is public at once.
-- An import that fails or dies removes its events with its other staged rows. A public save
-- that records an event whose key a staged import holds takes the row over (`import_id`
-- NULL): the import is refused anyway, since that save wrote over its staged version.
--
-- Import ids must not come round again while events name them: a new import is numbered
-- after the highest id either table holds (`catalogue::staging`).
ALTER TABLE notice_events ADD COLUMN import_id INTEGER;

CREATE INDEX notice_events_by_import ON notice_events (import_id) WHERE import_id IS NOT NULL;

ALTER TABLE catalogue_imports ADD COLUMN published_at TEXT;

-- Events staged the old way belong to an import that died (the others were copied when
-- their import was made public), and are removed with it: nothing here is worth moving.
DROP TABLE staged_notice_events;
