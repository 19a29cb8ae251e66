-- The admin's story list: every story, last changed first, filtered by
-- status and headline text. Scanning this index alone (no table rows)
-- keeps a filter that matches few stories quick at 100,000.
CREATE INDEX articles_staff_list ON articles (updated_at, id, status, headline);
