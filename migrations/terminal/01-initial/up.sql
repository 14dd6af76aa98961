-- The terminal's local store, first version. See crates/comanda-store.
-- Invariant: `events` is the source of truth; `orders` and `projections` can always be rebuilt
-- from it (Tx::reproject_all). Every local event is written with its outbox row and its
-- projection in one transaction.

-- This terminal's identity and counters: exactly one row.
CREATE TABLE device (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    device_id         TEXT    NOT NULL,
    store_id          TEXT    NOT NULL,
    -- The device's gap-free event counter: the device_seq of its last local event.
    last_seq          INTEGER NOT NULL CHECK (last_seq >= 0),
    -- The hybrid logical clock: the highest stamp issued or observed.
    hlc_wall_ms       INTEGER NOT NULL,
    hlc_counter       INTEGER NOT NULL,
    -- The next short order number this device hands out, from 1.
    next_order_number INTEGER NOT NULL CHECK (next_order_number >= 1),
    created_ms        INTEGER NOT NULL
) STRICT;

-- Every event this terminal knows, local or received. Never updated, never deleted.
CREATE TABLE events (
    seq          INTEGER PRIMARY KEY,          -- local insertion order
    id           TEXT    NOT NULL UNIQUE,      -- the idempotency key
    store_id     TEXT    NOT NULL,
    device_id    TEXT    NOT NULL,
    device_seq   INTEGER NOT NULL CHECK (device_seq >= 1),
    stream       TEXT    NOT NULL,
    hlc_wall_ms  INTEGER NOT NULL,
    hlc_counter  INTEGER NOT NULL,
    hlc_device   TEXT    NOT NULL,
    actor        TEXT,
    kind         TEXT    NOT NULL,
    schema       INTEGER NOT NULL,
    payload      TEXT    NOT NULL,             -- JSON
    UNIQUE (device_id, device_seq)
) STRICT;

-- A stream's events in agreed order (HLC, then event id).
CREATE INDEX events_by_stream ON events (stream, hlc_wall_ms, hlc_counter, hlc_device, id);

-- Local events not yet acknowledged by a sync endpoint.
CREATE TABLE outbox (
    event_seq    INTEGER PRIMARY KEY REFERENCES events (seq),
    enqueued_ms  INTEGER NOT NULL
) STRICT;

-- The order projection: one row per order, rebuilt from its events.
CREATE TABLE orders (
    order_id          TEXT    PRIMARY KEY,
    number            INTEGER NOT NULL,
    status            TEXT    NOT NULL CHECK (status IN ('open', 'closed', 'cancelled')),
    label             TEXT    NOT NULL,
    total             INTEGER NOT NULL,
    paid              INTEGER NOT NULL,
    balance           INTEGER NOT NULL,
    line_count        INTEGER NOT NULL,
    conflict_count    INTEGER NOT NULL,
    opened_ms         INTEGER NOT NULL,
    updated_ms        INTEGER NOT NULL,
    closed_ms         INTEGER,
    -- The agreed-order key of the last event applied.
    last_hlc_wall_ms  INTEGER NOT NULL,
    last_hlc_counter  INTEGER NOT NULL,
    last_hlc_device   TEXT    NOT NULL,
    last_event_id     TEXT    NOT NULL,
    state             TEXT    NOT NULL,       -- JSON of OrderState
    conflicts         TEXT    NOT NULL        -- JSON of Vec<Conflict>
) STRICT;

CREATE INDEX orders_by_status ON orders (status, opened_ms);

-- Projections of the small streams: 'catalog', 'settings', 'employees'.
CREATE TABLE projections (
    stream            TEXT    PRIMARY KEY,
    state             TEXT    NOT NULL,       -- JSON
    last_hlc_wall_ms  INTEGER NOT NULL,
    last_hlc_counter  INTEGER NOT NULL,
    last_hlc_device   TEXT    NOT NULL,
    last_event_id     TEXT    NOT NULL
) STRICT;

-- What could not be decoded or stored. Kept for a person to review; never deleted silently.
CREATE TABLE dead_letters (
    id           INTEGER PRIMARY KEY,
    event_id     TEXT,
    received_ms  INTEGER NOT NULL,
    source       TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    raw          TEXT    NOT NULL,
    reviewed     INTEGER NOT NULL DEFAULT 0
) STRICT;
