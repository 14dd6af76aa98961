-- Per device, how many of its events the log holds and the highest sequence among them: the
-- version vector without a scan of the log. Kept by a trigger on every insert into `events`
-- (whatever the path: a local append, an ingest, a release), so it cannot drift from the log;
-- emptying the log for pairing empties it too. A device whose count is below its highest
-- sequence has gaps, and only those devices' sequences are read from the log.
CREATE TABLE device_heads (
    device_id  TEXT    PRIMARY KEY,
    count      INTEGER NOT NULL,
    max_seq    INTEGER NOT NULL
) STRICT;

INSERT INTO device_heads (device_id, count, max_seq)
    SELECT device_id, count(*), max(device_seq) FROM events GROUP BY device_id;

CREATE TRIGGER events_device_heads AFTER INSERT ON events
BEGIN
    INSERT INTO device_heads (device_id, count, max_seq)
        VALUES (NEW.device_id, 1, NEW.device_seq)
        ON CONFLICT (device_id) DO UPDATE
            SET count = count + 1, max_seq = max(max_seq, excluded.max_seq);
END;
