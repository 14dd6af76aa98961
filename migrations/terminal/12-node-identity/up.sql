-- TLS between nodes (sync-protocol.md, "Trust"): this terminal's own key and self-signed
-- certificate, made afresh at each pairing (a copied disk pairs as a new device with a new
-- key), never synced and never shown; and, for each peer it asks, the SHA-256 of the
-- certificate pinned at pairing. Peers that are terminals are pinned from the log instead
-- (their `DevicePaired` carries it).
CREATE TABLE node_identity (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    cert        BLOB    NOT NULL,   -- DER
    key         BLOB    NOT NULL,   -- PKCS#8 DER
    created_ms  INTEGER NOT NULL
) STRICT;

ALTER TABLE peers ADD COLUMN fingerprint TEXT;
