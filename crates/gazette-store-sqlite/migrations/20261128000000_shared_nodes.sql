-- One core, several nodes: names that will not collide, the state that
-- nodes share (readers counted today, job leases, the change feed), and
-- who froze a week.

-- "by The Armenian Mirror-Spectator" is a posting account, not a login:
-- staff user accounts get tables of their own.
ALTER TABLE accounts RENAME TO posting_accounts;
ALTER TABLE articles RENAME COLUMN account_id TO posting_account_id;

ALTER TABLE top_stories_weeks_frozen ADD COLUMN frozen_by TEXT NOT NULL DEFAULT '';

-- Readers already counted on a day, when nodes share that decision. A
-- reader is a keyed hash of (address, browser, article) under a secret of
-- that day; rows and secret are deleted once the day is over.
CREATE TABLE view_readers (
    day TEXT NOT NULL,
    reader BLOB NOT NULL,
    PRIMARY KEY (day, reader)
) WITHOUT ROWID;

-- A background job runs on the node that holds its lease.
CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
);

-- Changes readers can see, for every process to follow (the server polls
-- it; PostgreSQL uses LISTEN/NOTIFY instead). Only the latest are kept.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    change TEXT NOT NULL
);
