-- Browsers on the store's LAN a manager paired as kitchen screens of this terminal: each holds a
-- token (only its SHA-256 is kept here). A revoked screen keeps its row, with when.
CREATE TABLE IF NOT EXISTS screens (
    screen_id   TEXT    PRIMARY KEY,
    name        TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL UNIQUE,
    paired_ms   INTEGER NOT NULL,
    paired_by   TEXT,
    last_ms     INTEGER,
    revoked_ms  INTEGER
) STRICT;
