-- Story bodies in a table of their own. SQLite stores a row's columns in
-- order and a body of a few kilobytes spills onto overflow pages: every
-- column after it (publish time, counters...) meant walking that chain,
-- for every story of a listing page and for every counter update (which
-- rewrote the whole row, body included). Listings, rankings and counters
-- now never touch a body; the article page joins it. (SQLite serves one
-- node, so this migration may drop the old column in the same release.)

CREATE TABLE article_bodies (
    article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    body_html TEXT NOT NULL
);

INSERT INTO article_bodies (article_id, body_html) SELECT id, body_html FROM articles;

ALTER TABLE articles DROP COLUMN body_html;
