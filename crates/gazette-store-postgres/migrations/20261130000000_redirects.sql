-- Old addresses of an imported site (a WordPress export) that answer with
-- one redirect: to an article (followed through later slug changes) or to
-- a path of the new site. `from_path` is gazette_domain::old_url_key's form.
CREATE TABLE redirects (
    from_path  TEXT PRIMARY KEY,
    article_id BIGINT REFERENCES articles (id) ON DELETE CASCADE,
    target     TEXT,
    CHECK ((article_id IS NULL) <> (target IS NULL))
);
CREATE INDEX redirects_by_article ON redirects (article_id);

-- Comments carried over from elsewhere keep their key there, so that an
-- import run again updates them instead of adding them twice.
ALTER TABLE comments ADD COLUMN import_key TEXT;
CREATE UNIQUE INDEX comments_import_key ON comments (import_key);
