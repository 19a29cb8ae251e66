-- Tag pages list stories newest first like section pages: each tag link
-- keeps its story's listing time (gazette_store_sql::listed_at).
ALTER TABLE article_tags ADD COLUMN published_at INTEGER NOT NULL DEFAULT 9223372036854775807;
UPDATE article_tags SET published_at = (
    SELECT CASE WHEN a.status = 'published' AND a.kind = 'story' AND a.published_at IS NOT NULL
                THEN a.published_at ELSE 9223372036854775807 END
    FROM articles a WHERE a.id = article_tags.article_id);
CREATE INDEX article_tags_by_time ON article_tags (tag_id, published_at DESC, article_id DESC);
