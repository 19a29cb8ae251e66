-- Section, contributor and source pages walk one index in publish order:
-- each link keeps its article's publish time.

ALTER TABLE article_sections ADD COLUMN published_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE article_contributors ADD COLUMN published_at BIGINT NOT NULL DEFAULT 0;
ALTER TABLE article_sources ADD COLUMN published_at BIGINT NOT NULL DEFAULT 0;

UPDATE article_sections x SET published_at = COALESCE(a.published_at, 0)
    FROM articles a WHERE a.id = x.article_id;
UPDATE article_contributors x SET published_at = COALESCE(a.published_at, 0)
    FROM articles a WHERE a.id = x.article_id;
UPDATE article_sources x SET published_at = COALESCE(a.published_at, 0)
    FROM articles a WHERE a.id = x.article_id;

CREATE INDEX article_sections_by_time ON article_sections (section_id, published_at DESC, article_id DESC);
CREATE INDEX article_contributors_by_time ON article_contributors (contributor_id, published_at DESC, article_id DESC);
CREATE INDEX article_sources_by_time ON article_sources (source_id, published_at DESC, article_id DESC);
