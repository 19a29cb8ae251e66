-- Gazette's newsroom schema (SQLite). Times are Unix seconds (UTC); the
-- zone an article was published in is kept beside its time. Days of the
-- newsroom calendar are 'YYYY-MM-DD' text, which sorts as dates.

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    parent_id INTEGER REFERENCES sections(id)
);

CREATE TABLE contributors (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    bio TEXT
);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    url TEXT
);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    slug TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL
);

CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    import_key TEXT UNIQUE,
    slug TEXT NOT NULL UNIQUE,
    headline TEXT NOT NULL,
    standfirst TEXT,
    body_html TEXT NOT NULL,
    language TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'withdrawn')),
    published_at INTEGER,
    time_zone TEXT NOT NULL,
    updated_at INTEGER NOT NULL,
    account_id INTEGER REFERENCES accounts(id),
    credit TEXT,
    dateline_place TEXT,
    footer TEXT,
    -- Counted by Gazette.
    views INTEGER NOT NULL DEFAULT 0,
    comments INTEGER NOT NULL DEFAULT 0,
    -- Carried over from the system the article was imported from.
    legacy_views INTEGER NOT NULL DEFAULT 0,
    legacy_comments INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX articles_by_status_time ON articles (status, published_at DESC);

CREATE TABLE article_sections (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    section_id INTEGER NOT NULL REFERENCES sections(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, section_id)
) WITHOUT ROWID;
CREATE INDEX article_sections_by_section ON article_sections (section_id, article_id);

CREATE TABLE article_contributors (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    contributor_id INTEGER NOT NULL REFERENCES contributors(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, contributor_id)
) WITHOUT ROWID;
CREATE INDEX article_contributors_by_contributor ON article_contributors (contributor_id, article_id);

CREATE TABLE article_sources (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    source_id INTEGER NOT NULL REFERENCES sources(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, source_id)
) WITHOUT ROWID;
CREATE INDEX article_sources_by_source ON article_sources (source_id, article_id);

CREATE TABLE article_tags (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id),
    position INTEGER NOT NULL,
    PRIMARY KEY (article_id, tag_id)
) WITHOUT ROWID;

CREATE TABLE article_related (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    headline TEXT NOT NULL,
    PRIMARY KEY (article_id, position)
) WITHOUT ROWID;

-- Views per article per newsroom day: what the weekly ranking and the
-- admin's charts read.
CREATE TABLE article_daily_views (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    day TEXT NOT NULL,
    views INTEGER NOT NULL,
    PRIMARY KEY (article_id, day)
) WITHOUT ROWID;
CREATE INDEX article_daily_views_by_day ON article_daily_views (day, article_id, views);
