-- The media library: one row per uploaded image (the same bytes uploaded
-- twice are one row, by key), and the files of its sizes when the
-- newsroom keeps them in the database rather than in a folder.
CREATE TABLE media (
    id          INTEGER PRIMARY KEY,
    key         TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    ext         TEXT NOT NULL CHECK (ext IN ('jpg', 'png')),
    width       INTEGER NOT NULL,
    height      INTEGER NOT NULL,
    alt         TEXT NOT NULL,
    caption     TEXT NOT NULL,
    credit      TEXT NOT NULL,
    widths      TEXT NOT NULL,
    uploaded_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    uploaded_at INTEGER NOT NULL
);
CREATE TABLE media_files (
    name  TEXT PRIMARY KEY,
    bytes BLOB NOT NULL
);
