-- Syndicated copy names the original's address; the page's rel=canonical
-- points there. Empty for the newsroom's own stories.
ALTER TABLE articles ADD COLUMN canonical_url TEXT;
