-- Stories kept at the top of the front page (WordPress's sticky posts).
ALTER TABLE articles ADD COLUMN pinned BIGINT NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1));
CREATE INDEX articles_pinned ON articles (published_at) WHERE pinned = 1;
