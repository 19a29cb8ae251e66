-- Standing pages of a site ("About us"), imported from WordPress: reached
-- by their address, never in a listing or a ranking. The newest-first
-- index of stories gains the kind, so that the front page still walks it
-- without reading a row.
ALTER TABLE articles ADD COLUMN kind TEXT NOT NULL DEFAULT 'story' CHECK (kind IN ('story', 'page'));
DROP INDEX articles_listed;
CREATE INDEX articles_listed ON articles (status, kind, published_at, id);
