-- The console's program list finds programs by any part of their title or id. A plain
-- `LIKE '%…%'` reads every title, half a second at a million programs; this index finds the
-- programs whose title or id holds the searched text without reading the others. It needs no
-- extension (pg_trgm would do the same, but a database's owner may not be allowed to add one).
--
-- Each program is indexed by the trigrams (every run of three characters) of its title and
-- its id, as the lexemes of a tsvector in a GIN index. A text of three characters or more is
-- looked up as all of its trigrams, a shorter one as the trigrams that begin with it (a
-- prefix query): each text ends in two U+0001 characters, so every character of it, the last
-- two too, begins a trigram. The texts are lowercased as the list's search lowercases them
-- (`lower` under "C": ASCII letters only). The index finds every program that matches and a
-- few that merely hold the same trigrams elsewhere; the list keeps its `LIKE` to drop those.
--
-- An index on an expression keeps itself right on every write. Drafts are few, and not
-- indexed.
CREATE FUNCTION program_search_trigrams(title TEXT, id TEXT) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT DISTINCT substr(padded, i, 3)
        FROM (VALUES (lower(title COLLATE "C") || E'\x01\x01'),
                     (lower(id COLLATE "C") || E'\x01\x01')) AS texts (padded),
             generate_series(1, length(padded) - 2) AS i
    ))
$$;

CREATE INDEX programs_by_trigram ON programs USING gin (program_search_trigrams(title, id));
