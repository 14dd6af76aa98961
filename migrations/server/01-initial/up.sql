-- The hub's own database (comanda-server): the stores it serves, the devices paired to each, and
-- the one-time pairing codes. Each store's events live in their own file, a comanda-store
-- database under stores/, exactly as on a terminal.

CREATE TABLE stores (
    store_id          TEXT    PRIMARY KEY,
    name              TEXT    NOT NULL,
    -- The hub's own node in this store (its device id in the store's file).
    hub_device_id     TEXT    NOT NULL,
    -- The next terminal number to hand out (terminal numbers never repeat in a store).
    next_terminal_no  INTEGER NOT NULL DEFAULT 1 CHECK (next_terminal_no >= 1),
    created_ms        INTEGER NOT NULL
) STRICT;

-- Devices paired to a store. The token is never stored, only its SHA-256 (it carries 256 random
-- bits, so a fast hash is as safe as a slow one and costs nothing per exchange).
CREATE TABLE devices (
    device_id     TEXT    PRIMARY KEY,
    store_id      TEXT    NOT NULL REFERENCES stores (store_id),
    name          TEXT    NOT NULL,
    terminal_no   INTEGER NOT NULL,
    token_hash    TEXT    NOT NULL UNIQUE,
    paired_ms     INTEGER NOT NULL,
    revoked_ms    INTEGER,
    last_seen_ms  INTEGER,
    UNIQUE (store_id, terminal_no)
) STRICT;

-- One-time pairing codes, by the SHA-256 of the code: single use, expiring.
CREATE TABLE pairing_codes (
    code_hash   TEXT    PRIMARY KEY,
    store_id    TEXT    NOT NULL REFERENCES stores (store_id),
    created_ms  INTEGER NOT NULL,
    expires_ms  INTEGER NOT NULL,
    used_ms     INTEGER,
    used_by     TEXT
) STRICT;
