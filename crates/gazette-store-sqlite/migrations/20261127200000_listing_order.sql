-- Section, contributor and source pages list stories newest first. Keeping
-- each link's publish time beside it lets those pages walk one index in
-- order (section_id, published_at DESC) instead of sorting every story of
-- the section: page 50 of a big section costs the same as page 1.

ALTER TABLE article_sections ADD COLUMN published_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE article_contributors ADD COLUMN published_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE article_sources ADD COLUMN published_at INTEGER NOT NULL DEFAULT 0;

UPDATE article_sections SET published_at =
    (SELECT COALESCE(a.published_at, 0) FROM articles a WHERE a.id = article_sections.article_id);
UPDATE article_contributors SET published_at =
    (SELECT COALESCE(a.published_at, 0) FROM articles a WHERE a.id = article_contributors.article_id);
UPDATE article_sources SET published_at =
    (SELECT COALESCE(a.published_at, 0) FROM articles a WHERE a.id = article_sources.article_id);

CREATE INDEX article_sections_by_time ON article_sections (section_id, published_at DESC, article_id DESC);
CREATE INDEX article_contributors_by_time ON article_contributors (contributor_id, published_at DESC, article_id DESC);
CREATE INDEX article_sources_by_time ON article_sources (source_id, published_at DESC, article_id DESC);
