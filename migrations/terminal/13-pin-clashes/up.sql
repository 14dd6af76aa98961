-- PINs two active people share, as found when one of them signed in (staff lists merged by sync
-- can give two people one PIN; PINs are salted hashes, so a clash is seen only when the PIN is
-- typed). A row stands while everyone in it is active with the PIN hash recorded here; a new PIN
-- for any of them settles it. This terminal's own finding: never synced.
CREATE TABLE pin_clashes (
    employees  TEXT    PRIMARY KEY,   -- the employee ids, sorted, comma-separated
    hashes     TEXT    NOT NULL,      -- their PIN hashes then, in the same order, newline-separated
    seen_ms    INTEGER NOT NULL
) STRICT;
