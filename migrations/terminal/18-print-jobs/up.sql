-- The print queue of the printers this node drives. A kitchen ticket's row is made in the
-- transaction that stores the fire implying it (appended here or taken in from a peer), named
-- by the fire and the station (`ticket:<fire event id>:<station>`), so the same fire seen
-- twice, re-delivered or re-projected never makes a second row. Not a projection: re-projecting
-- leaves it alone. A `TicketPrinted` from the log (this node's own word, back after a restore)
-- marks the row ended, or makes it ended, so a fire replayed after a restore prints nothing.
--
-- state: queued → sending → done; or failed (the printer cannot print now: kept, retried) or
-- unknown (maybe on paper: never sent again without a person, who may reprint it).
CREATE TABLE print_jobs (
    job_id         TEXT PRIMARY KEY,
    printer_id     TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('ticket', 'receipt', 'test')),
    order_id       TEXT,
    fire_event_id  TEXT,
    station        TEXT,
    state          TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'done', 'failed', 'unknown')),
    reason         TEXT,
    attempts       INTEGER NOT NULL DEFAULT 0,
    reprint        INTEGER NOT NULL DEFAULT 0,
    created_ms     INTEGER NOT NULL,
    updated_ms     INTEGER NOT NULL
) STRICT;

CREATE INDEX print_jobs_by_printer ON print_jobs (printer_id, state, created_ms);
