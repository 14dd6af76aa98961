-- The ground sync stands on (issue 10).

-- Pairing: until a terminal joins a store its store id is a local placeholder and nothing it
-- holds ever leaves it. `terminal_no` is the short number the store gave it (0 before pairing):
-- order numbers are `terminal_no * 10000 + k`, so two terminals never hand out the same number.
ALTER TABLE device ADD COLUMN paired INTEGER NOT NULL DEFAULT 0 CHECK (paired IN (0, 1));
ALTER TABLE device ADD COLUMN terminal_no INTEGER NOT NULL DEFAULT 0 CHECK (terminal_no >= 0);

-- Events held in the log but not projected: of a kind or schema this build does not know
-- ('newer', projected once an update knows them), or whose payload does not match its kind
-- ('refused', shown to a manager among the dead letters). Either way the event keeps its place
-- in its device's sequence, so the version vector has no gap and no peer resends it for ever.
CREATE TABLE held_events (
    event_seq  INTEGER PRIMARY KEY REFERENCES events (seq),
    why        TEXT    NOT NULL CHECK (why IN ('newer', 'refused')),
    reason     TEXT    NOT NULL
) STRICT;

-- Events stamped too far past this node's clock: not in the log, never observed by the HLC,
-- until the clock catches up with them (or a manager takes them in). The skew is reported.
CREATE TABLE future_events (
    id           TEXT    PRIMARY KEY,
    device_id    TEXT    NOT NULL,
    device_seq   INTEGER NOT NULL,
    wall_ms      INTEGER NOT NULL,
    received_ms  INTEGER NOT NULL,
    raw          TEXT    NOT NULL     -- the event as received (codec::StoredEvent JSON)
) STRICT;
