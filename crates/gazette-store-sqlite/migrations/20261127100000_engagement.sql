-- Honest counts: weekly view totals for the ranking, frozen rankings of
-- ended weeks, readers' comments, and shared secrets.

-- Views per article per ISO week ('2025-W48'), kept in step with
-- article_daily_views. published_at is copied from the article so the
-- ranking can walk (week, views) in index order and stop at the top N.
CREATE TABLE article_weekly_views (
    week TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    published_at INTEGER NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (week, article_id)
) WITHOUT ROWID;
CREATE INDEX article_weekly_views_rank
    ON article_weekly_views (week, views DESC, published_at, article_id);
CREATE INDEX article_weekly_views_by_article ON article_weekly_views (article_id);

INSERT INTO article_weekly_views (week, article_id, published_at, views)
SELECT strftime('%G-W%V', d.day), d.article_id, COALESCE(a.published_at, 0), SUM(d.views)
FROM article_daily_views d JOIN articles a ON a.id = d.article_id
GROUP BY 1, 2;

-- The ranking of a week that has ended, written once and never changed.
CREATE TABLE top_stories_frozen (
    week TEXT NOT NULL,
    rank INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    views INTEGER NOT NULL,
    PRIMARY KEY (week, rank)
) WITHOUT ROWID;
CREATE TABLE top_stories_weeks_frozen (
    week TEXT PRIMARY KEY,
    frozen_at INTEGER NOT NULL
);

CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    parent_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
    author_name TEXT NOT NULL,
    author_email TEXT,
    body_html TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'spam')),
    created_at INTEGER NOT NULL
);
CREATE INDEX comments_by_article ON comments (article_id, status, created_at);
CREATE INDEX comments_by_status ON comments (status, created_at);
CREATE INDEX comments_by_fingerprint ON comments (article_id, fingerprint);
CREATE INDEX comments_by_parent ON comments (parent_id);

CREATE TABLE secrets (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
);
