-- One core, several nodes: names that will not collide, the state that
-- nodes share (readers counted today, job leases), and who froze a week.
-- Changes reach the nodes through LISTEN/NOTIFY, which needs no table.

ALTER TABLE accounts RENAME TO posting_accounts;
ALTER TABLE articles RENAME COLUMN account_id TO posting_account_id;

ALTER TABLE top_stories_weeks_frozen ADD COLUMN frozen_by TEXT NOT NULL DEFAULT '';

-- Readers already counted on a day: keyed hashes under that day's secret,
-- deleted with it once the day is over. UNLOGGED: not written to the WAL
-- (a crash of the database empties it, which at worst lets a reader count
-- twice that day).
CREATE UNLOGGED TABLE view_readers (
    day DATE NOT NULL,
    reader BYTEA NOT NULL,
    PRIMARY KEY (day, reader)
);

CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
