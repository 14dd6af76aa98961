-- The audit of approvals: every event that names the manager who approved it (a void of a sent
-- line, a refund, a discount past the limit, a staff change…), newest first for a manager's
-- list. Written with the event; filled here from the events already held.
CREATE TABLE approvals (
    event_seq    INTEGER PRIMARY KEY REFERENCES events (seq),
    stream       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    actor        TEXT,
    approved_by  TEXT    NOT NULL,
    wall_ms      INTEGER NOT NULL
) STRICT;

CREATE INDEX approvals_newest ON approvals (wall_ms DESC, event_seq DESC);

INSERT INTO approvals (event_seq, stream, kind, actor, approved_by, wall_ms)
SELECT seq, stream, kind, actor, json_extract(payload, '$.approved_by'), hlc_wall_ms
FROM events
WHERE json_type(payload, '$.approved_by') = 'text';
