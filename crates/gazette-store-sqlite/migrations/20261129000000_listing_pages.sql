-- A page deep in a listing is found in one index, without reading a story
-- per skipped row. A link row now carries its story's publish time only
-- while the story is published; otherwise the largest integer, after every
-- "now", so that no listing ever reaches it (gazette_store_sql::listed_at).

UPDATE article_sections SET published_at = 9223372036854775807
    WHERE article_id IN (SELECT id FROM articles WHERE status <> 'published' OR published_at IS NULL);
UPDATE article_contributors SET published_at = 9223372036854775807
    WHERE article_id IN (SELECT id FROM articles WHERE status <> 'published' OR published_at IS NULL);
UPDATE article_sources SET published_at = 9223372036854775807
    WHERE article_id IN (SELECT id FROM articles WHERE status <> 'published' OR published_at IS NULL);

-- The newest-first list of every published story, walked backwards in one
-- covering index: (published_at DESC, id DESC) without a sort. It replaces
-- the index on (status, published_at), which it begins with.
DROP INDEX articles_by_status_time;
CREATE INDEX articles_listed ON articles (status, published_at, id);
