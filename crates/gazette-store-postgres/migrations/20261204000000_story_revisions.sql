-- Every save of a story written in the admin: the editor's form as JSON,
-- who saved it and the workflow state it left the story in. A story's
-- newest revision is its highest number; two writers saving on the same
-- base revision cannot both get the next number.
CREATE TABLE story_revisions (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    number     BIGINT NOT NULL CHECK (number > 0),
    state      TEXT NOT NULL
               CHECK (state IN ('draft', 'pending', 'scheduled', 'published', 'withdrawn')),
    saved_by   BIGINT REFERENCES users (id) ON DELETE SET NULL,
    saved_at   BIGINT NOT NULL,
    content    TEXT NOT NULL,
    newest     BIGINT NOT NULL DEFAULT 1 CHECK (newest IN (0, 1)),
    PRIMARY KEY (article_id, number)
);
-- The review queue and the scheduled list: newest revisions by state.
CREATE INDEX story_revisions_newest ON story_revisions (state, saved_at) WHERE newest = 1;
