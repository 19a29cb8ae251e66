-- Staff accounts (the admin), their sessions (in the database so that they
-- survive a restart and work on every node), failed sign-ins (a lockout
-- every node sees) and the audit log of editorial actions.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    email          TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('contributor', 'author', 'editor', 'admin')),
    password_hash  TEXT NOT NULL,
    contributor_id INTEGER REFERENCES contributors (id) ON DELETE SET NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX sessions_by_expiry ON sessions (expires_at);

CREATE TABLE sign_in_failures (
    key TEXT NOT NULL,
    at  INTEGER NOT NULL
);
CREATE INDEX sign_in_failures_by_key ON sign_in_failures (key, at);

CREATE TABLE audit_log (
    id      INTEGER PRIMARY KEY,
    at      INTEGER NOT NULL,
    user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
    action  TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_by_action ON audit_log (action, id);
CREATE INDEX audit_log_by_user ON audit_log (user_id, id);
