-- The nodes this terminal syncs with (the hub, other terminals, later the cloud) and what each
-- held at the last exchange: its version vector, as the sync crate writes it. It only says what
-- to send first; every exchange starts from the vector the peer reports then, so a peer restored
-- from an older backup gets back what it lost.
CREATE TABLE peers (
    peer_id        TEXT    PRIMARY KEY,   -- the peer's device id
    vector         TEXT    NOT NULL,      -- JSON, as comanda-sync writes it
    last_ok_ms     INTEGER,               -- the last exchange that succeeded (local clock)
    last_error     TEXT,                  -- why the last one failed, if it did
    last_error_ms  INTEGER,
    skew_ms        INTEGER,               -- the peer's clock minus ours, as last seen
    -- A peer this terminal asks (set at pairing): where it answers, its name, and the bearer
    -- token it gave this terminal. Peers that only ask this terminal have none of these.
    address        TEXT,
    name           TEXT,
    token          TEXT
) STRICT;
