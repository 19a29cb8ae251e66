-- Per-person API tokens: each belongs to an account (and goes with it),
-- may be revoked, and acts with its account's role. Only a keyed hash of
-- the token is stored.
CREATE TABLE api_tokens (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
);
CREATE INDEX api_tokens_by_user ON api_tokens (user_id, id);
